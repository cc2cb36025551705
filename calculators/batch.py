"""Vectorised NPV and IRR over many cash-flow schedules at once (the API batch endpoint).

A batch is a float64 array ``flows`` of shape ``(rows, periods + 1)``: row ``i`` is one
schedule, column ``t`` the net cash flow of period ``t`` in currency units (period 0 is the
investment, undiscounted). Rates are per period, as decimals (0.08 = 8%).

Conventions:

* ``NPV(r) = sum_t flows[t] / (1 + r)^t``, the first flow undiscounted (as
  numpy-financial's ``npv``; Excel's ``NPV`` discounts the first flow too).
* IRR is a rate ``r > -1`` with ``NPV(r) = 0``. With ``x = 1 / (1 + r)``, NPV is the
  polynomial ``sum_t flows[t] x^t`` and the IRRs are its roots ``x > 0``. By Descartes' rule
  of signs the number of positive roots is at most the number of sign changes of the flows
  (zeros skipped): no sign change -> no IRR; exactly one -> exactly one IRR; more -> none,
  one or several IRRs, and then the figure must be reported with that caveat.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from calculators import _inputs as inputs
from calculators.errors import OutOfRangeError

IRR_UNIQUE = 0
"""Exactly one sign change: exactly one IRR, found by safeguarded Newton."""
IRR_NONE = 1
"""No sign change (or no non-zero flow): no IRR exists; the rate is NaN."""
IRR_MULTIPLE = 2
"""Several sign changes: several (or no) IRRs may exist; the rate is numpy-financial 1.0.0's
choice (the IRR closest to 0) or NaN when there is none."""

ROW_BLOCK = 16_384
"""Rows solved together by :func:`batch_irr` (a cache-sized block)."""
RESIDUAL = 1e-9
"""A converged row's |NPV| is at most this fraction of ``sum_t |flows[t]| x^t``."""


def _flows(flows) -> np.ndarray:
    return inputs.finite_array(flows, "flows", ndim=2)


def _rates(rates, rows: int) -> np.ndarray:
    array = inputs.finite_array(rates, "rates")
    if array.ndim > 1 or (array.ndim == 1 and array.shape != (rows,)):
        raise OutOfRangeError("rates", f"must be a scalar or have shape ({rows},)")
    bad = np.flatnonzero(array.reshape(-1) <= -1)
    if bad.size:
        argument = "rates" if array.ndim == 0 else f"rates[{bad[0]}]"
        value = array.reshape(-1)[bad[0]]
        raise OutOfRangeError(argument, f"must be greater than -1 (-100%), got {value}")
    return array


def batch_npv(rates, flows) -> np.ndarray:
    """NPV of each row of ``flows`` (shape ``(rows, periods + 1)``), shape ``(rows,)``.

    ``NPV_i = sum_t flows[i, t] / (1 + r_i)^t`` (period 0 undiscounted), evaluated by
    Horner's rule in ``x = 1 / (1 + r_i)``. ``rates``: one rate per period for all rows
    (scalar) or one per row (shape ``(rows,)``), each > -1. Result in the currency units of
    the flows, valued at period 0. For rates close to -1 over long horizons the result can
    overflow to +/-inf.
    """
    cash = _flows(flows)
    rate = _rates(rates, cash.shape[0])
    x = 1.0 / (1.0 + rate)
    columns = np.ascontiguousarray(cash.T)
    total = np.zeros(cash.shape[0])
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(columns.shape[0] - 1, -1, -1):
            total *= x
            total += columns[t]
    return total


@dataclass(frozen=True, eq=False)
class BatchIrr:
    """Result of :func:`batch_irr`, one entry per row.

    ``rates``: IRR per period (decimal), NaN where there is none. ``status``: int8
    :data:`IRR_UNIQUE`, :data:`IRR_NONE` or :data:`IRR_MULTIPLE`. ``sign_changes``: number
    of sign changes of the row's flows (zeros skipped).
    """

    rates: np.ndarray
    status: np.ndarray
    sign_changes: np.ndarray


def sign_changes(flows) -> np.ndarray:
    """Number of sign changes along each row of ``flows`` (zeros skipped), shape ``(rows,)``."""
    cash = _flows(flows)
    return _sign_changes(np.ascontiguousarray(cash.T))[0]


def _sign_changes(columns: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For flows in column layout ``(periods + 1, rows)``: sign changes per row (zeros
    skipped), the index of each row's last non-zero flow (-1 if none) and its sign (0 if
    none). One pass over the periods, vectorised over rows."""
    carried = np.sign(columns[0])  # sign of the last non-zero flow so far (0 before any)
    last = np.where(carried != 0, 0, -1)
    changes = np.zeros(columns.shape[1], dtype=np.int64)
    for t in range(1, columns.shape[0]):
        current = np.sign(columns[t])
        changes += current * carried < 0
        nonzero = current != 0
        np.copyto(carried, current, where=nonzero)
        last[nonzero] = t
    return changes, last, carried


def _horner(coefficients: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``p(x) = sum_t c[t] x^t`` and ``p'(x)``, columnwise; ``coefficients`` is ``(m, n)``."""
    value = coefficients[-1].copy()
    slope = np.zeros_like(value)
    for t in range(coefficients.shape[0] - 2, -1, -1):
        slope *= x
        slope += value
        value *= x
        value += coefficients[t]
    return value, slope


def _scale(absolute: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``sum_t |c[t]| x^t``, the size of the terms whose sum is ``p(x)``."""
    value = absolute[-1].copy()
    for t in range(absolute.shape[0] - 2, -1, -1):
        value *= x
        value += absolute[t]
    return value


def _midpoint(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Bisection point: geometric while the bracket spans more than a factor 4, arithmetic
    when narrower, and ``min(hi / 2, 1)`` while the lower end is still 0."""
    with np.errstate(over="ignore"):
        geometric = np.sqrt(lo) * np.sqrt(hi)
    middle = np.where(hi > 4.0 * lo, geometric, 0.5 * (lo + hi))
    return np.where(lo > 0, middle, np.minimum(0.5 * hi, 1.0))


def _bound(oriented: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Lagrange's upper bound on the positive roots of each column's polynomial.

    ``oriented``: coefficients with the last non-zero one, ``a_n`` at index ``last``,
    positive, and some negative coefficient (so there is a positive root). Then
    ``B = 1 + (M / a_n)^(1/(n-k))`` with ``k`` the last index of a negative coefficient
    and ``M`` the largest negative magnitude; capped to stay finite."""
    count, rows = oriented.shape
    last_negative = count - 1 - np.argmax(oriented[::-1] < 0, axis=0)
    largest = -np.min(oriented, axis=0)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        ratio = largest / oriented[last, np.arange(rows)]
        bound = 1.0 + ratio ** (1.0 / (last - last_negative))
    return np.minimum(bound, np.finfo(np.float64).max / 4)


def _bracketed_newton(coefficients, lo, hi, x, tol, max_iter) -> np.ndarray:
    """The root of each column's polynomial ``p(x) = sum_t c[t] x^t`` inside ``(lo, hi)``.

    Requires exactly one sign change of ``p`` in the bracket, from ``p < 0`` just right of
    ``lo`` to ``p > 0`` just left of ``hi`` (the caller orients the coefficients), and a
    start ``x`` inside it. Every evaluation shrinks the bracket. Each iteration takes a
    Newton step unless it would leave the bracket or fails to halve the step before last
    (Numerical Recipes' ``rtsafe``); then it bisects (:func:`_midpoint`). Converged: Newton
    step ``|dx| <= tol x`` (after a bisection: bracket ``<= 2 tol x``) and
    ``|p(x)| <= RESIDUAL x sum_t |c_t| x^t``. Returns x, NaN where not converged within
    ``max_iter`` iterations. Rows are dropped from the working arrays as they converge.
    """
    rows = x.size
    lo, hi = lo.copy(), hi.copy()
    step = hi - lo
    step_before = step.copy()
    active = np.arange(rows)  # the rows still in the working arrays
    finished = np.zeros(rows, dtype=bool)  # converged, still in the working arrays
    result = np.full(rows, np.nan)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for _ in range(max_iter):
            value, slope = _horner(coefficients, x)
            below = value < 0
            np.copyto(lo, x, where=below)
            np.copyto(hi, x, where=~below)
            new_x = x - value / slope
            # NaN comparisons are False, so a non-finite Newton step is rejected too.
            accept = (lo <= new_x) & (new_x <= hi)
            accept &= np.abs(2.0 * value) <= np.abs(step_before * slope)
            step_before = step
            step = np.abs(new_x - x)
            small = step <= tol * new_x
            rejected = np.flatnonzero(~accept)
            if rejected.size:
                middle = _midpoint(lo[rejected], hi[rejected])
                new_x[rejected] = middle
                step[rejected] = np.abs(middle - x[rejected])
                small[rejected] = hi[rejected] - lo[rejected] <= 2.0 * tol * middle
            small |= value == 0
            small &= ~finished
            candidates = np.flatnonzero(small)
            if candidates.size:
                residual = np.abs(value[candidates])
                scale = _scale(np.abs(coefficients.take(candidates, axis=1)), x[candidates])
                done = candidates[residual <= RESIDUAL * scale]
                exact = value[done] == 0
                result[active[done]] = np.where(exact, x[done], new_x[done])
                finished[done] = True
                remaining = finished.size - np.count_nonzero(finished)
                if remaining == 0:
                    break
                if remaining <= 0.75 * finished.size:  # drop the finished rows
                    keep = np.flatnonzero(~finished)
                    active = active[keep]
                    finished = finished[keep]
                    coefficients = coefficients.take(keep, axis=1)
                    lo, hi, step, step_before = lo[keep], hi[keep], step[keep], step_before[keep]
                    new_x = new_x[keep]
            x = new_x
    return result


def _unique_roots(
    columns: np.ndarray, last: np.ndarray, sign: np.ndarray, tol, max_iter
) -> np.ndarray:
    """The one root ``x > 0`` of each column's polynomial (every column has exactly one
    sign change), by :func:`_bracketed_newton` on ``(0, B)`` (:func:`_bound`).

    Columns are scaled so the last non-zero flow is positive and the largest is 1; the
    negative flows then all come before the positive ones, so ``p(x) < 0`` left of the
    root and ``p(x) > 0`` right of it. Start: ``x0 = (N / P)^(1 / (t_P - t_N))`` with ``N``,
    ``P`` the sums of the negative and positive flows and ``t_N < t_P`` their flow-weighted
    mean periods (exact for two flows), clipped into the bracket.
    """
    count = columns.shape[0]
    coefficients = columns * (sign / np.max(np.abs(columns), axis=0))
    negative = np.minimum(coefficients, 0.0)
    positive = coefficients - negative
    periods = np.arange(count, dtype=np.float64)
    bound = _bound(coefficients, last)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        outflow = -np.sum(negative, axis=0)
        inflow = np.sum(positive, axis=0)
        # einsum, not a BLAS product: no thread start-up for a (periods x rows) reduction
        mean_gap = (
            np.einsum("t,tr->r", periods, positive) / inflow
            + np.einsum("t,tr->r", periods, negative) / outflow
        )
        x = (outflow / inflow) ** (1.0 / mean_gap)
    x = np.where((x > 0) & (x < bound), x, np.minimum(0.5 * bound, 1.0))
    return _bracketed_newton(coefficients, np.zeros_like(x), bound, x, tol, max_iter)


def _taylor_shift(coefficients: np.ndarray) -> np.ndarray:
    """Coefficients of ``p(x + 1)`` for each column's ``p(x) = sum_t c[t] x^t``
    (repeated synthetic division: only additions)."""
    shifted = coefficients.copy()
    degree = shifted.shape[0] - 1
    for i in range(degree):
        for j in range(degree - 1, i - 1, -1):
            shifted[j] += shifted[j + 1]
    return shifted


def _variations(coefficients: np.ndarray) -> np.ndarray:
    """Sign variations down each column, zeros skipped."""
    return _sign_changes(coefficients)[0]


def _isolate(columns: np.ndarray):
    """Descartes counts for :func:`_several_changes_rates` (columns scaled to max 1):
    ``(provable, roots in (0, 1), roots in (1, inf), p(1))`` per column, the counts being
    upper bounds and exact where ``provable``."""
    count = columns.shape[0]
    right = _taylor_shift(columns)
    left = _taylor_shift(columns[::-1])
    limit = 2.0 * count * np.finfo(np.float64).eps
    doubtful = np.zeros(columns.shape[1], dtype=bool)
    for shifted, source in ((right, columns), (left, columns[::-1])):
        magnitude = _taylor_shift(np.abs(source))
        doubtful |= np.any((magnitude > 0) & (np.abs(shifted) <= limit * magnitude), axis=0)
    at_one = right[0]  # p(1), the NPV at rate 0
    right_roots = _variations(right)
    left_roots = _variations(left)
    provable = ~doubtful & (at_one != 0) & (right_roots <= 1) & (left_roots <= 1)
    return provable, left_roots, right_roots, at_one


def _several_changes_rates(cash: np.ndarray, tol, max_iter) -> np.ndarray:
    """numpy-financial 1.0.0's choice for rows with several sign changes: of the IRRs, the
    one closest to 0 (NaN if none), found without eigenvalues where that is provable.

    ``r = 0`` is ``x = 1``. By Descartes' rule applied to ``p(1 + y)`` (roots ``x > 1``,
    rates in (-1, 0)) and to ``(1 + y)^n p(1 / (1 + y))`` (roots ``0 < x < 1``, rates > 0),
    a side whose coefficients change sign at most once holds exactly that many roots. When
    both sides hold at most one root, every IRR is isolated: each is solved by
    :func:`_bracketed_newton` - on ``(0, 1)`` and ``(1, B)`` - and the one nearer 0 kept.
    A row with more roots on one side, a sum of flows of exactly 0 (a root at ``x = 1``),
    a shifted coefficient too close to 0 to trust its sign (within ``2 n eps`` of the sum
    of the magnitudes forming it) or a solve that did not converge is left to
    :func:`_closest_root_rates` (eigenvalues, exactly as numpy-financial).
    """
    rates = np.full(cash.shape[0], np.nan)
    columns = np.ascontiguousarray(cash.T)
    columns = columns / np.max(np.abs(columns), axis=0)
    provable, left_roots, right_roots, at_one = _isolate(columns)

    candidates = np.full((2, cash.shape[0]), np.nan)
    near_zero = -np.sign(np.where(at_one == 0, 1.0, at_one))  # orient: p < 0 just past x=1
    # Left of x = 1: roots in (0, 1); p has the sign of p(1) just left of 1.
    rows = np.flatnonzero(provable & (left_roots == 1))
    if rows.size:
        coefficients = columns.take(rows, axis=1) * -near_zero[rows]
        lo, hi = np.zeros(rows.size), np.ones(rows.size)
        x = _bracketed_newton(coefficients, lo, hi, np.full(rows.size, 0.5), tol, max_iter)
        with np.errstate(divide="ignore", over="ignore"):
            candidates[0, rows] = 1.0 / x - 1.0
    # Right of x = 1: roots in (1, B).
    rows = np.flatnonzero(provable & (right_roots == 1))
    if rows.size:
        coefficients = columns.take(rows, axis=1) * near_zero[rows]
        _, last, lead = _sign_changes(coefficients)
        bound = _bound(coefficients * lead, last)
        lo = np.ones(rows.size)
        x = _bracketed_newton(
            coefficients, lo, bound, np.minimum(2.0, 0.5 * (1 + bound)), tol, max_iter
        )
        candidates[1, rows] = 1.0 / x - 1.0
    # A side that holds a root whose solve did not converge goes to the fallback too.
    unsolved = ((left_roots == 1) & np.isnan(candidates[0])) | (
        (right_roots == 1) & np.isnan(candidates[1])
    )
    provable &= ~unsolved
    candidates[~np.isfinite(candidates)] = np.nan  # a rate beyond float range: no figure
    with np.errstate(invalid="ignore"):
        pick_right = np.abs(candidates[1]) < np.abs(candidates[0])
    best = np.where(pick_right | np.isnan(candidates[0]), candidates[1], candidates[0])
    rates[provable] = best[provable]
    fallback = np.flatnonzero(~provable)
    if fallback.size:
        rates[fallback] = _closest_root_rates(cash[fallback])
    return rates


def _closest_root_rates(cash: np.ndarray) -> np.ndarray:
    """numpy-financial 1.0.0's ``irr`` for each row: the roots of ``sum_t v_t x^t`` as the
    eigenvalues of the companion matrix (built exactly as ``numpy.roots`` builds it, after
    dropping leading and trailing zero flows), keep the real ones with ``x > 0`` and return
    the rate ``1/x - 1`` closest to 0 (the first on a tie), NaN if there is none.

    Rows with the same first and last non-zero period share one stacked ``eigvals`` call.
    """
    rates = np.full(cash.shape[0], np.nan)
    nonzero = cash != 0
    first = np.argmax(nonzero, axis=1)
    last = cash.shape[1] - 1 - np.argmax(nonzero[:, ::-1], axis=1)
    pairs = np.stack([first, last], axis=1)
    for start, stop in np.unique(pairs, axis=0):
        rows = np.flatnonzero((first == start) & (last == stop))
        polynomial = cash[rows, start : stop + 1][:, ::-1]  # highest power first
        degree = stop - start
        if degree < 1:
            continue
        companion = np.zeros((rows.size, degree, degree))
        companion[:, np.arange(1, degree), np.arange(degree - 1)] = 1.0
        with np.errstate(over="ignore"):  # a leading flow of 1e-300 before one of 1e100
            companion[:, 0, :] = -polynomial[:, 1:] / polynomial[:, :1]
        representable = np.all(np.isfinite(companion[:, 0, :]), axis=1)
        if not representable.all():  # roots beyond float range: no figure (NaN)
            rows, companion = rows[representable], companion[representable]
            if not rows.size:
                continue
        roots = np.linalg.eigvals(companion)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            candidates = 1.0 / roots.real - 1.0
        usable = (roots.imag == 0) & (roots.real > 0) & np.isfinite(candidates)
        distance = np.where(usable, np.abs(candidates), np.inf)
        best = np.argmin(distance, axis=1)
        found = usable.any(axis=1)
        rates[rows[found]] = candidates[found, best[found]]
    return rates


def batch_irr(flows, tol: float = 1e-12, max_iter: int = 100) -> BatchIrr:
    """IRR per period of each row of ``flows`` (shape ``(rows, periods + 1)``).

    * No sign change -> :data:`IRR_NONE`, rate NaN (no IRR exists).
    * Exactly one sign change -> :data:`IRR_UNIQUE`: the only root in (-1, inf), solved for
      all such rows at once by safeguarded Newton in ``x = 1 / (1 + r)`` inside a bracket
      (see :func:`_unique_roots`); ``tol`` is the relative step tolerance on ``x`` (i.e. on
      ``1 + r``) and ``max_iter`` the iteration limit. A row that has not converged by then,
      or whose rate is not representable (beyond about 1e308), gets NaN; none of the
      random schedules in the tests and benchmark did.
    * More sign changes -> :data:`IRR_MULTIPLE`: the rate numpy-financial 1.0.0's ``irr``
      returns (of the real positive polynomial roots, the rate closest to 0) or NaN if
      there is no real root. Where Descartes' rule proves each side of rate 0 holds at most
      one root, those roots are solved like the unique ones; other rows use the companion
      matrix eigenvalues as numpy-financial does, stacked per polynomial degree (see
      :func:`_several_changes_rates`). Several IRRs may exist: show the caveat with the
      figure.

    Agrees with ``numpy_financial.irr`` (1.0.0) to 1e-9 where both converge. Raises
    :class:`~calculators.errors.NonFiniteError` / ``EmptyScheduleError`` /
    ``OutOfRangeError`` naming ``flows``, ``tol`` or ``max_iter`` for bad input.
    """
    cash = _flows(flows)
    if isinstance(tol, bool) or not isinstance(tol, numbers.Real) or not 0 < tol < 1:
        raise OutOfRangeError("tol", f"must be a number between 0 and 1, got {tol!r}")
    if isinstance(max_iter, bool) or not isinstance(max_iter, numbers.Integral) or max_iter < 1:
        raise OutOfRangeError("max_iter", f"must be a whole number >= 1, got {max_iter!r}")

    rows = cash.shape[0]
    changes = np.empty(rows, dtype=np.int64)
    rates = np.full(rows, np.nan)
    # Blocks of rows small enough for the working arrays to stay in cache; every row's
    # computation is independent of the others, so the block size does not change results.
    for start in range(0, rows, ROW_BLOCK):
        columns = np.ascontiguousarray(cash[start : start + ROW_BLOCK].T)
        block_changes, last, sign = _sign_changes(columns)
        changes[start : start + columns.shape[1]] = block_changes
        unique = np.flatnonzero(block_changes == 1)
        if unique.size:
            x = _unique_roots(
                columns.take(unique, axis=1), last[unique], sign[unique], float(tol), int(max_iter)
            )
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                found = 1.0 / x - 1.0
            # x that is NaN (not converged) or so small that the rate overflows: no figure
            rates[start + unique] = np.where(np.isfinite(found), found, np.nan)
    status = np.full(rows, IRR_UNIQUE, dtype=np.int8)
    status[changes == 0] = IRR_NONE
    status[changes > 1] = IRR_MULTIPLE
    multiple = np.flatnonzero(changes > 1)
    if multiple.size:
        rates[multiple] = _several_changes_rates(cash[multiple], float(tol), int(max_iter))
    return BatchIrr(rates=rates, status=status, sign_changes=changes)
