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
choice (the real root closest to 0) or NaN when there is no real root."""

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
    total = np.zeros(cash.shape[0])
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(cash.shape[1] - 1, -1, -1):
            total = total * x + cash[:, t]
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


def _unique_roots(columns: np.ndarray, last: np.ndarray, sign: np.ndarray, tol, max_iter):
    """The one root ``x > 0`` of each row (every row has exactly one sign change).

    Rows are scaled so the last non-zero flow is positive and the largest is 1; then the
    negative flows all come before the positive ones, ``p(x) < 0`` left of the root and
    ``p(x) > 0`` right of it.

    * Bracket: starts as ``(0, B)`` with the Lagrange bound for positive roots
      ``B = 1 + (M / a_n)^(1/(n-k))`` (``a_n`` the last non-zero coefficient, ``k`` the last
      negative one, ``M`` the largest negative magnitude); every evaluation shrinks it.
    * Start: ``x0 = (N / P)^(1 / (t_P - t_N))`` with ``N``, ``P`` the sums of the negative
      and positive flows and ``t_N < t_P`` their flow-weighted mean periods (exact for two
      flows), clipped into the bracket.
    * Step: Newton in ``x`` unless it would leave the bracket or fails to halve the step
      before last (Numerical Recipes' ``rtsafe``); then bisection (:func:`_midpoint`).
    * Converged: Newton step ``|dx| <= tol x`` (after a bisection: bracket ``<= 2 tol x``)
      and ``|p(x)| <= RESIDUAL x sum_t |c_t| x^t``.

    Returns x, NaN where not converged within ``max_iter`` iterations.
    """
    # Column layout (periods, rows): each step over the periods runs across all rows.
    count, rows = columns.shape
    index = np.arange(rows)
    coefficients = columns * (sign / np.max(np.abs(columns), axis=0))
    negative = np.minimum(coefficients, 0.0)
    positive = coefficients - negative
    last_negative = count - 1 - np.argmax(negative[::-1] < 0, axis=0)
    periods = np.arange(count, dtype=np.float64)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        outflow = -np.sum(negative, axis=0)
        inflow = np.sum(positive, axis=0)
        # einsum, not a BLAS product: no thread start-up for a (periods x rows) reduction
        mean_gap = (
            np.einsum("t,tr->r", periods, positive) / inflow
            + np.einsum("t,tr->r", periods, negative) / outflow
        )
        bound = 1.0 + (-np.min(negative, axis=0) / coefficients[last, index]) ** (
            1.0 / (last - last_negative)
        )
        bound = np.minimum(bound, np.finfo(np.float64).max / 4)
        x = (outflow / inflow) ** (1.0 / mean_gap)
    x = np.where((x > 0) & (x < bound), x, np.minimum(0.5 * bound, 1.0))

    lo = np.zeros(rows)
    hi = bound
    step = hi - lo
    step_before = step.copy()
    active = index
    result = np.full(rows, np.nan)

    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for _ in range(max_iter):
            value, slope = _horner(coefficients, x)
            below = value < 0
            np.copyto(lo, x, where=below)
            np.copyto(hi, x, where=~below)
            new_x = x - value / slope
            # NaN comparisons are False, so a non-finite Newton step is rejected too.
            accept = (
                (lo <= new_x) & (new_x <= hi) & (np.abs(2.0 * value) <= np.abs(step_before * slope))
            )
            step_before = step
            step = np.abs(new_x - x)
            small = step <= tol * new_x
            rejected = np.flatnonzero(~accept)
            if rejected.size:
                middle = _midpoint(lo[rejected], hi[rejected])
                new_x[rejected] = middle
                step[rejected] = np.abs(middle - x[rejected])
                bracket = hi[rejected] - lo[rejected]
                small[rejected] = bracket <= 2.0 * tol * middle
            small |= value == 0
            done = np.zeros(active.size, dtype=bool)
            candidates = np.flatnonzero(small)
            if candidates.size:
                residual = np.abs(value[candidates])
                scale = _scale(np.abs(coefficients[:, candidates]), x[candidates])
                done[candidates] = residual <= RESIDUAL * scale
                exact = value[done] == 0
                result[active[done]] = np.where(exact, x[done], new_x[done])
                keep = ~done
                active = active[keep]
                if active.size == 0:
                    break
                coefficients = coefficients[:, keep]
                lo, hi, step, step_before = lo[keep], hi[keep], step[keep], step_before[keep]
                new_x = new_x[keep]
            x = new_x
    return result


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
        companion[:, 0, :] = -polynomial[:, 1:] / polynomial[:, :1]
        roots = np.linalg.eigvals(companion)
        usable = (roots.imag == 0) & (roots.real > 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            candidates = 1.0 / roots.real - 1.0
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
      returns (real positive polynomial root closest to rate 0) or NaN if there is no real
      root; eigenvalues of one companion matrix per row (such rows are rare), stacked per
      polynomial degree. Several IRRs may exist: show the caveat with the figure.

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
                columns[:, unique], last[unique], sign[unique], float(tol), int(max_iter)
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
        rates[multiple] = _closest_root_rates(cash[multiple])
    return BatchIrr(rates=rates, status=status, sign_changes=changes)
