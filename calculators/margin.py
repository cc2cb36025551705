"""Contribution margin, break-even and the price/volume/cost bridge between two scenarios.

Conventions (domain.md, "Financial conventions"):

- Contribution margin (CM) = revenue - variable costs, money; CM ratio = CM / revenue, a
  fraction; unit CM = price - unit variable cost, money per unit.
- Break-even revenue = fixed costs / CM ratio; break-even units = fixed costs / unit CM.
  Units are not rounded up: 1,234.5 units means the 1,235th unit crosses break-even.
- Operating profit = CM - fixed costs. Amounts are per the same period (usually a year).

All inputs are non-negative; margins and profits may come out negative (a result, not an
error). All arithmetic is exact Decimal arithmetic in a local context of 34 digits.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext

from calculators._inputs import Number, non_negative, positive, to_decimal
from calculators.errors import OutOfRangeError

PRECISION = 34


def _amount(value: Number, argument: str) -> Decimal:
    return non_negative(to_decimal(value, argument), argument)


def contribution_margin(revenue: Number, variable_costs: Number) -> Decimal:
    """CM = revenue - variable costs, money (both >= 0; the result may be negative)."""
    r, v = _amount(revenue, "revenue"), _amount(variable_costs, "variable_costs")
    with localcontext(prec=PRECISION):
        return r - v


def contribution_margin_ratio(revenue: Number, variable_costs: Number) -> Decimal:
    """CM ratio = (revenue - variable costs) / revenue, a fraction (<= 1, may be negative).

    revenue must be > 0.
    """
    r = positive(_amount(revenue, "revenue"), "revenue")
    v = _amount(variable_costs, "variable_costs")
    with localcontext(prec=PRECISION):
        return (r - v) / r


def unit_contribution_margin(price: Number, unit_variable_cost: Number) -> Decimal:
    """Unit CM = price - unit variable cost, money per unit (may be negative)."""
    p, v = _amount(price, "price"), _amount(unit_variable_cost, "unit_variable_cost")
    with localcontext(prec=PRECISION):
        return p - v


def break_even_revenue(fixed_costs: Number, cm_ratio: Number) -> Decimal:
    """Break-even revenue = fixed costs / CM ratio, money.

    cm_ratio must lie in (0, 1]: at or below zero no revenue breaks even, and above 1 the
    variable costs would be negative (OutOfRangeError naming 'cm_ratio').
    """
    f = _amount(fixed_costs, "fixed_costs")
    ratio = to_decimal(cm_ratio, "cm_ratio")
    if not Decimal(0) < ratio <= Decimal(1):
        raise OutOfRangeError("cm_ratio", f"must lie in (0, 1] to break even, got {ratio}")
    with localcontext(prec=PRECISION):
        return f / ratio


def break_even_units(fixed_costs: Number, unit_cm: Number) -> Decimal:
    """Break-even units = fixed costs / unit CM, units (not rounded). unit_cm must be > 0."""
    f = _amount(fixed_costs, "fixed_costs")
    u = positive(to_decimal(unit_cm, "unit_cm"), "unit_cm")
    with localcontext(prec=PRECISION):
        return f / u


@dataclass(frozen=True)
class MarginScenario:
    """Price and unit variable cost (money per unit), units sold and fixed costs (money)."""

    price: Decimal
    units: Decimal
    unit_variable_cost: Decimal
    fixed_costs: Decimal


def margin_scenario(
    price: Number, units: Number, unit_variable_cost: Number, fixed_costs: Number
) -> MarginScenario:
    """Coerce and validate a scenario: every value finite and >= 0 (units may be fractional)."""
    return MarginScenario(
        price=_amount(price, "price"),
        units=_amount(units, "units"),
        unit_variable_cost=_amount(unit_variable_cost, "unit_variable_cost"),
        fixed_costs=_amount(fixed_costs, "fixed_costs"),
    )


@dataclass(frozen=True)
class MarginResult:
    """The margin figures of one scenario (see :func:`margin_profile`)."""

    revenue: Decimal
    variable_costs: Decimal
    contribution_margin: Decimal
    unit_cm: Decimal
    cm_ratio: Decimal | None
    fixed_costs: Decimal
    operating_profit: Decimal
    break_even_revenue: Decimal | None
    break_even_units: Decimal | None


def margin_profile(s: MarginScenario) -> MarginResult:
    """revenue = price x units; variable costs = unit variable cost x units;
    CM = revenue - variable costs; unit CM = price - unit variable cost;
    CM ratio = CM / revenue (None when revenue is 0);
    operating profit = CM - fixed costs;
    break-even revenue = fixed costs / CM ratio (None when the ratio is None or <= 0);
    break-even units = fixed costs / unit CM (None when unit CM <= 0)."""
    s = margin_scenario(s.price, s.units, s.unit_variable_cost, s.fixed_costs)
    with localcontext(prec=PRECISION):
        revenue = s.price * s.units
        variable_costs = s.unit_variable_cost * s.units
        cm = revenue - variable_costs
        unit_cm = s.price - s.unit_variable_cost
        ratio = cm / revenue if revenue else None
        return MarginResult(
            revenue=revenue,
            variable_costs=variable_costs,
            contribution_margin=cm,
            unit_cm=unit_cm,
            cm_ratio=ratio,
            fixed_costs=s.fixed_costs,
            operating_profit=cm - s.fixed_costs,
            break_even_revenue=(
                break_even_revenue(s.fixed_costs, ratio)
                if ratio is not None and ratio > 0
                else None
            ),
            break_even_units=break_even_units(s.fixed_costs, unit_cm) if unit_cm > 0 else None,
        )


@dataclass(frozen=True)
class MarginComparison:
    """The change in operating profit from ``before`` to ``after`` and its four causes."""

    before: MarginResult
    after: MarginResult
    profit_change: Decimal
    contribution_margin_change: Decimal
    price_effect: Decimal
    volume_effect: Decimal
    variable_cost_effect: Decimal
    fixed_cost_effect: Decimal


def compare_margins(before: MarginScenario, after: MarginScenario) -> MarginComparison:
    """Bridge operating profit from ``before`` (b) to ``after`` (a), money:

    price_effect = (p_a - p_b) x units_a
    variable_cost_effect = -(v_a - v_b) x units_a
    volume_effect = (units_a - units_b) x unit_cm_b
    fixed_cost_effect = -(F_a - F_b)

    Price and unit cost are valued at the after volume, volume at the before unit margin,
    so the four effects sum exactly to profit_change = profit_a - profit_b (no residual).
    contribution_margin_change = CM_a - CM_b (= the first three effects).
    """
    b = margin_scenario(before.price, before.units, before.unit_variable_cost, before.fixed_costs)
    a = margin_scenario(after.price, after.units, after.unit_variable_cost, after.fixed_costs)
    rb, ra = margin_profile(b), margin_profile(a)
    with localcontext(prec=PRECISION):
        return MarginComparison(
            before=rb,
            after=ra,
            profit_change=ra.operating_profit - rb.operating_profit,
            contribution_margin_change=ra.contribution_margin - rb.contribution_margin,
            price_effect=(a.price - b.price) * a.units,
            volume_effect=(a.units - b.units) * rb.unit_cm,
            variable_cost_effect=-(a.unit_variable_cost - b.unit_variable_cost) * a.units,
            fixed_cost_effect=-(a.fixed_costs - b.fixed_costs),
        )
