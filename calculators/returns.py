"""Return on investment: ROI, NPV, IRR, MIRR, payback, XNPV and XIRR.

Conventions (domain.md, "Financial conventions"):

- A periodic schedule ``flows`` is indexed by period: flows[0] is period 0 (today, usually
  the investment, undiscounted), flows[t] falls at the end of period t. Rates are per
  period, as fractions (0.1 = 10%), and must exceed -1.
- :func:`npv` follows numpy-financial (period 0 undiscounted); :func:`npv_excel` follows
  Excel's NPV (its first value is discounted one period). :func:`xnpv` / :func:`xirr`
  follow Excel's XNPV / XIRR: actual days between dates over a 365-day year.
- IRR may not exist or may not be unique: :func:`irr` reports every root and never picks
  one silently; MIRR is the unambiguous alternative.
- Money is exact Decimal (a local context of 34 digits); solved rates (IRR, XIRR) come from
  a float solver and are returned as ``Decimal(repr(float))``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, DivisionByZero, Overflow, localcontext
from typing import Literal

import numpy as np
from scipy.optimize import brentq

from calculators._inputs import Number, non_empty, rate, to_decimal, to_decimals
from calculators.errors import OutOfRangeError

PRECISION = 34
XIRR_BRACKET = (1e-4, 1e4 + 1)  # 1 + r from -99.99% up to +1,000,000%
XIRR_GRID_POINTS = 400
ROOT_TOLERANCE = 1e-10  # |NPV| / sum|CF_t x^t| below which a candidate counts as a root


def _schedule(values: Iterable[Number], argument: str) -> list[Decimal]:
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise OutOfRangeError(argument, "expected a sequence of amounts")
    return list(non_empty(to_decimals(values, argument), argument))


def _rate(value: Number, argument: str = "rate") -> Decimal:
    return rate(to_decimal(value, argument), argument)


def _discounted(
    amount: Decimal, one_plus_rate: Decimal, exponent: Decimal | int, argument: str = "rate"
) -> Decimal:
    """amount / (1 + r)^exponent inside the caller's context; a factor too large or too small
    for Decimal's exponent range raises OutOfRangeError naming ``argument``."""
    try:
        return amount / one_plus_rate**exponent
    except (Overflow, DivisionByZero):
        raise OutOfRangeError(argument, "too far from zero for this horizon") from None


def roi(benefits: Iterable[Number], costs: Iterable[Number]) -> Decimal:
    """ROI = (sum(benefits) - sum(costs)) / sum(costs), a fraction, undiscounted over the
    horizon. sum(costs) must be > 0 (OutOfRangeError naming 'costs'); a negative ROI is a
    result, not an error."""
    b = _schedule(benefits, "benefits")
    c = _schedule(costs, "costs")
    with localcontext(prec=PRECISION):
        total_benefits, total_costs = sum(b, Decimal(0)), sum(c, Decimal(0))
        if total_costs <= 0:
            raise OutOfRangeError("costs", f"must sum to more than zero, got {total_costs}")
        return (total_benefits - total_costs) / total_costs


def npv(rate: Number, flows: Iterable[Number]) -> Decimal:
    """NPV = sum over t = 0..n of CF_t / (1 + r)^t, money.

    Period 0 is not discounted (numpy-financial's convention; Excel's NPV differs - see
    :func:`npv_excel`). rate > -1.
    """
    r = _rate(rate)
    cf = _schedule(flows, "flows")
    with localcontext(prec=PRECISION):
        return sum((_discounted(c, 1 + r, t) for t, c in enumerate(cf)), Decimal(0))


def npv_excel(rate: Number, values: Iterable[Number]) -> Decimal:
    """Excel's NPV = sum over i = 0..n-1 of v_i / (1 + r)^(i + 1), money.

    Every value, the first included, is discounted: the first value falls at the END of
    period 1. For an investment made today use ``npv_excel(r, later) + investment`` or
    :func:`npv`. rate > -1.
    """
    r = _rate(rate)
    v = _schedule(values, "values")
    with localcontext(prec=PRECISION):
        return sum((_discounted(c, 1 + r, i + 1) for i, c in enumerate(v)), Decimal(0))


@dataclass(frozen=True)
class IrrResult:
    """The outcome of :func:`irr`.

    status "unique": exactly one rate > -1 makes NPV zero (``rate``); "none": no rate does;
    "multiple": several do (``rate`` is None - pick none silently, use MIRR). ``roots`` holds
    every real root with rate > -1, ascending; ``message`` says what happened in a sentence.
    """

    status: Literal["unique", "none", "multiple"]
    rate: Decimal | None
    roots: tuple[Decimal, ...]
    message: str


def _poly(c: np.ndarray, x: float) -> tuple[float, float, float]:
    """f(x) = sum c_t x^t, f'(x), and the scale sum |c_t| x^t."""
    t = np.arange(c.size)
    powers = x ** t.astype(np.float64)
    f = float(np.sum(c * powers))
    fp = float(np.sum(t[1:] * c[1:] * powers[:-1]))
    return f, fp, float(np.sum(np.abs(c) * powers))


def _residual(c: np.ndarray, x: float) -> float:
    f, _, scale = _poly(c, x)
    return abs(f) / scale if scale and np.isfinite(scale) else np.inf


def _polish(c: np.ndarray, x: float) -> float:
    """A few Newton steps on f(x) = sum c_t x^t, staying in x > 0."""
    for _ in range(20):
        f, fp, _ = _poly(c, x)
        if fp == 0 or not np.isfinite(f) or not np.isfinite(fp):
            break
        step = f / fp
        if not 0 < x - step < np.inf:
            break
        x -= step
        if abs(step) <= 1e-15 * x:
            break
    return x


def _positive_roots(c: np.ndarray) -> list[float]:
    """Distinct real roots x > 0 of sum c_t x^t, ascending.

    Candidates: numpy.roots, real part of every root with a small imaginary part (a double
    root comes out as a close complex pair), polished by Newton and kept only if the NPV
    there is ~0 relative to the flows. Neighbours closer than 1e-9, or between which the NPV
    stays at rounding-noise level, are one (repeated) root: in float arithmetic roots closer
    than about 1e-6 cannot be told apart from a repeated root.
    """
    noise = max(1e-13, 10 * c.size * np.finfo(float).eps)
    with np.errstate(all="ignore"):
        try:
            candidates = np.roots(c[::-1])
        except np.linalg.LinAlgError:
            raise OutOfRangeError("flows", "too wide a range of magnitudes to solve") from None
        xs = []
        for z in candidates:
            if z.real > 0 and abs(z.imag) <= 1e-3 * abs(z):
                x = _polish(c, float(z.real))
                if _residual(c, x) <= ROOT_TOLERANCE:
                    xs.append(x)
        xs.sort()
        roots: list[list[float]] = []
        for x in xs:
            last = roots[-1][-1] if roots else None
            if last is not None and (x - last <= 1e-9 * x or _residual(c, (x + last) / 2) <= noise):
                roots[-1].append(x)
            else:
                roots.append([x])
        return [_representative(c, cluster) for cluster in roots]


def _representative(c: np.ndarray, cluster: list[float]) -> float:
    """One x for a cluster of candidates: a cluster of m candidates is an m-fold root, a
    simple root of the (m-1)-th derivative, where Newton converges fast again."""
    best = min(cluster, key=lambda x: _residual(c, x))
    if len(cluster) > 1:
        x = _polish(np.polynomial.polynomial.polyder(c, len(cluster) - 1), best)
        if abs(x - best) <= 1e-3 * best and _residual(c, x) <= ROOT_TOLERANCE:
            return x
    return best


def _rate_from_x(x: float) -> Decimal:
    r = 1 / x - 1
    if r > -1:
        return Decimal(repr(r))
    with localcontext(prec=PRECISION):  # x so large that 1/x - 1 rounds to -1 in float
        return 1 / Decimal(repr(x)) - 1


def _same_sign(cf: Sequence[Decimal]) -> bool:
    return not (any(c > 0 for c in cf) and any(c < 0 for c in cf))


def irr(flows: Iterable[Number]) -> IrrResult:
    """Every internal rate of return of a periodic schedule: all r > -1 with
    sum over t = 0..n of CF_t / (1 + r)^t = 0.

    Solved as the real roots x = 1/(1 + r) > 0 of the polynomial sum CF_t x^t (numpy.roots,
    each root polished by Newton in float; a repeated root, or roots too close for float
    arithmetic to separate - closer than ~1e-9, or ~1e-6 for a near-repeated pair - count
    once). Flows of one sign (or all zero) give "none" without solving; one root gives
    "unique"; several give "multiple" with every root listed - no rate is chosen silently
    (see :func:`mirr`).
    """
    cf = _schedule(flows, "flows")
    if _same_sign(cf):
        why = "all flows are zero" if not any(cf) else "the flows never change sign"
        return IrrResult("none", None, (), f"No IRR: {why}, so no rate makes NPV zero.")
    c = np.array([float(v) for v in cf])
    if not np.all(np.isfinite(c)):
        raise OutOfRangeError("flows", "too large for the rate solver")
    c = c / np.max(np.abs(c))
    roots = tuple(sorted(_rate_from_x(x) for x in _positive_roots(c)))
    if not roots:
        return IrrResult(
            "none", None, (), "No IRR: no real rate above -100% makes NPV zero for these flows."
        )
    if len(roots) == 1:
        return IrrResult("unique", roots[0], roots, f"IRR is {roots[0]:.4%}.")
    listed = ", ".join(f"{r:.4%}" for r in roots)
    return IrrResult(
        "multiple",
        None,
        roots,
        f"The flows change sign more than once and NPV is zero at {len(roots)} rates "
        f"({listed}), so the IRR is ambiguous; use MIRR with stated finance and reinvestment "
        "rates instead.",
    )


def mirr(flows: Iterable[Number], finance_rate: Number, reinvest_rate: Number) -> Decimal | None:
    """Modified IRR (Excel's MIRR convention), a fraction per period:

    MIRR = (FV_n(positive flows at reinvest_rate) / -PV_0(negative flows at finance_rate))
    ^ (1/n) - 1, with n = len(flows) - 1, FV_n = sum CF_t (1 + reinvest)^(n - t) and
    PV_0 = sum CF_t / (1 + finance)^t. None when there is no negative or no positive flow.
    Both rates > -1.
    """
    cf = _schedule(flows, "flows")
    f = _rate(finance_rate, "finance_rate")
    g = _rate(reinvest_rate, "reinvest_rate")
    if _same_sign(cf):
        return None
    n = len(cf) - 1
    with localcontext(prec=PRECISION):
        try:
            fv = sum((c * (1 + g) ** (n - t) for t, c in enumerate(cf) if c > 0), Decimal(0))
        except Overflow:
            raise OutOfRangeError("reinvest_rate", "too large for this horizon") from None
        pv = sum(
            (_discounted(c, 1 + f, t, "finance_rate") for t, c in enumerate(cf) if c < 0),
            Decimal(0),
        )
        return (fv / -pv) ** (Decimal(1) / n) - 1


def _payback(cf: Sequence[Decimal]) -> Decimal | None:
    cumulative = Decimal(0)
    last_negative: tuple[int, Decimal] | None = None
    for t, c in enumerate(cf):
        cumulative += c
        if cumulative < 0:
            last_negative = (t, cumulative)
    if cumulative < 0:
        return None
    if last_negative is None:
        return Decimal(0)
    t, shortfall = last_negative
    return t + -shortfall / cf[t + 1]


def payback_period(flows: Iterable[Number]) -> Decimal | None:
    """Payback period, in periods: the time after which the cumulative net flow is >= 0
    and stays >= 0 to the end of the horizon.

    Flows fall at period ends and are assumed to accrue evenly within their period, so the
    crossing is interpolated linearly: t + (-cumulative_t) / CF_(t+1), where t is the last
    period whose cumulative flow is negative. 0 when the cumulative flow is never negative;
    None ("never") when it ends negative. Always 0 <= payback <= n.
    """
    cf = _schedule(flows, "flows")
    with localcontext(prec=PRECISION):
        return _payback(cf)


def discounted_payback_period(rate: Number, flows: Iterable[Number]) -> Decimal | None:
    """Discounted payback period, in periods: :func:`payback_period` of the discounted flows
    CF_t / (1 + r)^t (period 0 undiscounted, as in :func:`npv`). rate > -1."""
    r = _rate(rate)
    cf = _schedule(flows, "flows")
    with localcontext(prec=PRECISION):
        return _payback([_discounted(c, 1 + r, t) for t, c in enumerate(cf)])


def _day_offsets(dates: Iterable[datetime.date], count: int) -> list[int]:
    """Days from the first date; datetimes count by their date (Excel truncates times)."""
    if isinstance(dates, str | bytes) or not isinstance(dates, Iterable):
        raise OutOfRangeError("dates", "expected a sequence of dates")
    days = []
    for i, d in enumerate(dates):
        if not isinstance(d, datetime.date):
            raise OutOfRangeError(f"dates[{i}]", f"expected a date, got {type(d).__name__}")
        days.append(d.toordinal())
    if len(days) != count:
        raise OutOfRangeError("dates", f"must hold one date per flow ({count}), got {len(days)}")
    offsets = [d - days[0] for d in days]
    if min(offsets) < 0:
        raise OutOfRangeError("dates", "no date may precede the first date")
    return offsets


def xnpv(rate: Number, flows: Iterable[Number], dates: Iterable[datetime.date]) -> Decimal:
    """Excel's XNPV = sum CF_i / (1 + r)^((d_i - d_0) / 365), money.

    d_0 is the first date (undiscounted); every date must be on or after it (in any order);
    the year is 365 days whatever the calendar. rate > -1.
    """
    r = _rate(rate)
    cf = _schedule(flows, "flows")
    days = _day_offsets(dates, len(cf))
    with localcontext(prec=PRECISION):
        return sum(
            (_discounted(c, 1 + r, Decimal(d) / 365) for c, d in zip(cf, days, strict=True)),
            Decimal(0),
        )


def xirr(
    flows: Iterable[Number], dates: Iterable[datetime.date], guess: Number = 0.1
) -> Decimal | None:
    """Excel's XIRR: the rate r > -1 with XNPV(r) = 0 (see :func:`xnpv`), per 365-day year.

    A bracketed solver: XNPV is evaluated on a geometric grid of 1 + r from 1e-4
    (r = -99.99%) to 10,001 (r = +1,000,000%); each sign change is solved with Brent's
    method (plain Newton, as in Excel, diverges on some published cases). When several
    rates solve it, the one closest to ``guess`` is returned - use :func:`irr` on a periodic
    schedule to see them all. None when the flows do not change sign or no bracket is found
    (a root outside the grid, or one where XNPV only touches zero).
    """
    cf = _schedule(flows, "flows")
    days = _day_offsets(dates, len(cf))
    g = float(_rate(guess, "guess"))
    if _same_sign(cf):
        return None
    c = np.array([float(v) for v in cf])
    if not np.all(np.isfinite(c)):
        raise OutOfRangeError("flows", "too large for the rate solver")
    c = c / np.max(np.abs(c))
    years = np.array(days, dtype=np.float64) / 365

    def f(r: float) -> float:
        with np.errstate(all="ignore"):
            return float(np.sum(c * np.exp(-years * np.log1p(r))))

    grid = np.geomspace(*XIRR_BRACKET, XIRR_GRID_POINTS) - 1
    with np.errstate(all="ignore"):
        values = np.exp(-np.outer(np.log1p(grid), years)) @ c
    roots = []
    for i in range(grid.size - 1):
        lo, hi = np.sign(values[i]), np.sign(values[i + 1])  # sign of nan/inf: nan/+-1
        if np.isfinite(values[i]) and np.isfinite(values[i + 1]) and (lo == 0 or lo * hi < 0):
            roots.append(grid[i] if lo == 0 else brentq(f, grid[i], grid[i + 1], xtol=1e-15))
    if not roots:
        return None
    return Decimal(repr(float(min(roots, key=lambda r: abs(r - g)))))
