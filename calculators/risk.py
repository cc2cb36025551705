"""Risk and timing of a performance value: expected value, scope extension and ramp-up.

Every value in a frame has three dimensions: amount, timing and probability. This module
turns them into numbers:

* :func:`expected_value` - amount x probability;
* :func:`extend` - the *extended* improvement value (the same gain over a wider scope);
* :func:`ramp_fractions` / :func:`one_off_fractions` / :func:`benefit_schedule` - when a
  benefit arrives, period by period, as exact Decimals;
* :func:`ramp_profile` - the same ramp as a float array for the Monte Carlo simulation.

Conventions
-----------
* Periods are whole periods of the caller's choosing (months, quarters, years). Period 0 is
  the investment; benefits start at ``start_period >= 1``. Schedules have ``periods + 1``
  entries, index ``t`` is period ``t``.
* Money and fractions at the public boundary are :class:`~decimal.Decimal`. A fraction that
  is not a finite decimal (1/3) is rounded ONCE, to 28 significant digits, from its exact
  rational value; every fraction that is a finite decimal (1/4, 0.15625) is exact.
"""

from __future__ import annotations

import operator
from decimal import Decimal, localcontext
from fractions import Fraction

import numpy as np

from calculators import _inputs as inputs
from calculators.errors import OutOfRangeError

CURVES = ("linear", "s_curve")
KINDS = ("recurring", "one_off")

_ZERO = Decimal(0)
_ONE = Decimal(1)
_PRECISION = 28


def expected_value(amount: inputs.Number, probability: inputs.Number) -> Decimal:
    """Expected value of an uncertain amount: ``amount x probability``.

    ``amount`` is in currency units (any sign); ``probability`` is the chance, 0..1, that
    the amount is realised at all. The result is in the currency units of ``amount``.
    """
    value = inputs.to_decimal(amount, "amount")
    chance = inputs.probability(inputs.to_decimal(probability, "probability"), "probability")
    return value * chance


def extend(amount: inputs.Number, scope_multiplier: inputs.Number) -> Decimal:
    """Extended improvement value: ``amount x scope_multiplier``.

    The same gain measured on one unit of scope (one site, one line) applied over a wider
    scope: ``scope_multiplier`` is how many such units the gain applies to (>= 0; 0.5 means
    half the scope). The result is in the currency units of ``amount``. Extending over
    *time* is the ramp/schedule's job (:func:`benefit_schedule`), not this function's.
    """
    value = inputs.to_decimal(amount, "amount")
    multiplier = inputs.non_negative(
        inputs.to_decimal(scope_multiplier, "scope_multiplier"), "scope_multiplier"
    )
    return value * multiplier


def _whole(value: int, argument: str, minimum: int) -> int:
    """A whole number >= ``minimum`` (bools and floats are rejected)."""
    if isinstance(value, bool):
        raise OutOfRangeError(argument, "expected a whole number, got a boolean")
    try:
        number = operator.index(value)
    except TypeError:
        raise OutOfRangeError(
            argument, f"expected a whole number, got {type(value).__name__}"
        ) from None
    if number < minimum:
        raise OutOfRangeError(argument, f"must be at least {minimum}, got {number}")
    return number


def _one_of(value: str, options: tuple[str, ...], argument: str) -> str:
    """``value`` if it is one of ``options``, else OutOfRangeError naming ``argument``."""
    if value not in options:
        raise OutOfRangeError(argument, f"must be one of {', '.join(options)}, got {value!r}")
    return value


def _validate_ramp(
    periods: int, start_period: int, ramp_periods: int, curve: str, end_period: int | None
) -> tuple[int, int, int, int | None]:
    periods = _whole(periods, "periods", 1)
    start_period = _whole(start_period, "start_period", 1)
    ramp_periods = _whole(ramp_periods, "ramp_periods", 0)
    _one_of(curve, CURVES, "curve")
    if end_period is not None:
        end_period = _whole(end_period, "end_period", 1)
        if end_period < start_period:
            raise OutOfRangeError(
                "end_period",
                f"must not be before start_period ({start_period}), got {end_period}",
            )
    return periods, start_period, ramp_periods, end_period


def _exact_ratio(numerator: int, denominator: int) -> Decimal:
    """``numerator / denominator`` rounded once to 28 significant digits (exact when the
    ratio is a finite decimal), independent of the caller's decimal context."""
    with localcontext() as context:
        context.prec = _PRECISION
        return Decimal(numerator) / Decimal(denominator)


def _ramp_fraction(k: int, ramp_periods: int, curve: str) -> Decimal:
    """Fraction of full effect ``k`` periods into the ramp (k = 1 in the start period)."""
    if k <= 0:
        return _ZERO
    if ramp_periods == 0 or k >= ramp_periods:
        return _ONE
    if curve == "linear":
        return _exact_ratio(k, ramp_periods)
    # smoothstep 3x^2 - 2x^3 with x = k/R, as one exact rational: k^2 (3R - 2k) / R^3
    ratio = Fraction(k * k * (3 * ramp_periods - 2 * k), ramp_periods**3)
    return _exact_ratio(ratio.numerator, ratio.denominator)


def ramp_fractions(
    periods: int,
    start_period: int,
    ramp_periods: int,
    curve: str = "linear",
    end_period: int | None = None,
) -> tuple[Decimal, ...]:
    """Fraction (0..1) of a RECURRING benefit's full effect reached in each period.

    Returns ``periods + 1`` Decimals; index ``t`` is period ``t`` (index 0, the investment
    period, is always 0). With ``k = t - start_period + 1`` (k = 1 in the start period):

    * ``t < start_period`` -> 0;
    * ``curve="linear"``  -> ``min(1, k / ramp_periods)``;
    * ``curve="s_curve"`` -> smoothstep ``3x^2 - 2x^3`` with ``x = min(1, k / ramp_periods)``;
    * ``ramp_periods == 0`` -> 1 from ``start_period`` on;
    * ``t > end_period`` (when given; the last period WITH benefit) -> 0.

    Example: ``ramp_fractions(6, 2, 4)`` is ``0, 0, 0.25, 0.5, 0.75, 1, 1``.

    ``start_period > periods`` is allowed: nothing then falls inside the horizon.
    Raises :class:`~calculators.errors.OutOfRangeError` naming the argument when
    ``periods < 1``, ``start_period < 1``, ``ramp_periods < 0``, ``curve`` is unknown or
    ``end_period < start_period``.
    """
    periods, start_period, ramp_periods, end_period = _validate_ramp(
        periods, start_period, ramp_periods, curve, end_period
    )
    return tuple(
        _ZERO
        if end_period is not None and t > end_period
        else _ramp_fraction(t - start_period + 1, ramp_periods, curve)
        for t in range(periods + 1)
    )


def one_off_fractions(
    periods: int,
    start_period: int,
    ramp_periods: int,
    curve: str = "linear",
    end_period: int | None = None,
) -> tuple[Decimal, ...]:
    """Share of a ONE-OFF amount (e.g. working capital released once) arriving in each period.

    The increments of the ramp of :func:`ramp_fractions`: ``f(t) - f(t-1)`` (with
    ``f(-1) = 0``; exact differences of the 28-digit fractions, so a share can carry a
    digit or two more), so the amount arrives as the ramp progresses. The shares sum to
    exactly 1 when the ramp completes inside the horizon, to ``f(periods)`` when it does
    not.
    With ``end_period`` (the last period with benefit) shares after it are 0: the part of the
    amount not yet released by ``end_period`` is forfeited. Returns ``periods + 1`` Decimals.
    Same arguments and validation as :func:`ramp_fractions`.
    """
    ramp = ramp_fractions(periods, start_period, ramp_periods, curve)
    _, _, _, end_period = _validate_ramp(periods, start_period, ramp_periods, curve, end_period)
    shares = []
    previous = _ZERO
    with localcontext() as context:
        context.prec = 3 * _PRECISION  # wide enough for every difference to be exact
        for t, fraction in enumerate(ramp):
            shares.append(
                _ZERO if end_period is not None and t > end_period else fraction - previous
            )
            previous = fraction
    return tuple(shares)


def benefit_schedule(
    amount: inputs.Number,
    kind: str,
    periods: int,
    start_period: int,
    ramp_periods: int = 0,
    curve: str = "linear",
    end_period: int | None = None,
) -> list[Decimal]:
    """Benefit per period, in the currency units of ``amount``, ``periods + 1`` entries.

    * ``kind="recurring"``: ``amount`` is the full-effect benefit PER PERIOD;
      entry ``t`` is ``amount x ramp_fractions(...)[t]``.
    * ``kind="one_off"``: ``amount`` is received once in total, spread as the ramp
      progresses; entry ``t`` is ``amount x one_off_fractions(...)[t]``, computed as
      ``amount x f(t) - amount x f(t-1)`` (products rounded to 28 digits, differences
      exact) so that the entries add up exactly to the amount (to ``amount x f(periods)``
      when the ramp does not complete in the horizon).

    Index 0 (the investment period) is always 0. Products are rounded to 28 significant
    digits (exact for ordinary money amounts and finite-decimal fractions).
    """
    value = inputs.to_decimal(amount, "amount")
    _one_of(kind, KINDS, "kind")
    with localcontext() as context:
        context.prec = _PRECISION
        if kind == "recurring":
            fractions = ramp_fractions(periods, start_period, ramp_periods, curve, end_period)
            return [value * fraction for fraction in fractions]
        # One-off: differences of the cumulative amount received, so the entries add up to
        # exactly amount x ramp reached (the amount itself when the ramp completes).
        shares = one_off_fractions(periods, start_period, ramp_periods, curve, end_period)
        ramp = ramp_fractions(periods, start_period, ramp_periods, curve)
        received = [value * fraction for fraction in ramp]
    schedule = []
    previous = _ZERO
    with localcontext() as context:
        context.prec = 3 * _PRECISION  # wide enough for the differences to be exact
        for share, total in zip(shares, received, strict=True):
            schedule.append(total - previous if share else _ZERO)
            previous = total
    return schedule


def ramp_profile(
    periods: int,
    start_period: int,
    ramp_periods: int,
    curve: str = "linear",
    end_period: int | None = None,
) -> np.ndarray:
    """:func:`ramp_fractions` as a float64 array (shape ``(periods + 1,)``).

    Built by converting the Decimal fractions (each correctly rounded to the nearest
    float), so the simulation's float schedules and the exact Decimal schedules come from
    one formula.
    """
    fractions = ramp_fractions(periods, start_period, ramp_periods, curve, end_period)
    return np.array([float(f) for f in fractions], dtype=np.float64)


def one_off_profile(
    periods: int,
    start_period: int,
    ramp_periods: int,
    curve: str = "linear",
    end_period: int | None = None,
) -> np.ndarray:
    """:func:`one_off_fractions` as a float64 array (shape ``(periods + 1,)``), converted from
    the Decimal shares like :func:`ramp_profile`."""
    fractions = one_off_fractions(periods, start_period, ramp_periods, curve, end_period)
    return np.array([float(f) for f in fractions], dtype=np.float64)
