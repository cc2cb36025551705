import contextlib
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calculators.errors import CalculatorError, NonFiniteError, OutOfRangeError
from calculators.margin import (
    MarginResult,
    MarginScenario,
    break_even_revenue,
    break_even_units,
    compare_margins,
    contribution_margin,
    contribution_margin_ratio,
    margin_profile,
    margin_scenario,
    unit_contribution_margin,
)

D = Decimal


# Textbook contribution-margin example (definitions in domain.md "Financial conventions"):
# price 50, unit variable cost 30, fixed costs 100,000 -> unit CM 20, CM ratio 0.4,
# break-even 100,000 / 20 = 5,000 units = 100,000 / 0.4 = 250,000 of revenue.
def test_textbook_contribution_margin():
    assert unit_contribution_margin(50, 30) == 20
    assert contribution_margin_ratio(50, 30) == D("0.4")
    assert break_even_units(100_000, 20) == 5_000
    assert break_even_revenue(100_000, D("0.4")) == 250_000
    r = margin_profile(margin_scenario(50, 5_000, 30, 100_000))
    assert r.operating_profit == 0  # at break-even volume
    assert (r.break_even_units, r.break_even_revenue) == (5_000, 250_000)


# Warren, Reeve & Duchac, Accounting (exercise "Break-even point", Elrod Inc.), as reproduced
# at https://www.transtutors.com/questions/break-even-point-elrod-inc-sells-a-product-for-75-per-unit-the-variable-cost-is-45-p-1315245.htm
# price 75, variable cost 45, fixed costs 48,000 -> 1,600 units; at price 95 -> 960 units.
def test_published_break_even_exercise():
    assert break_even_units(48_000, unit_contribution_margin(75, 45)) == 1_600
    assert break_even_units(48_000, unit_contribution_margin(95, 45)) == 960


def test_contribution_margin_totals():
    assert contribution_margin(300_000, 180_000) == 120_000
    assert contribution_margin(100, 130) == -30  # a negative margin is a result
    assert contribution_margin_ratio(100, 130) == D("-0.3")
    assert unit_contribution_margin("9.99", "12.5") == D("-2.51")
    assert break_even_revenue(0, 1) == 0


def test_margin_profile():
    r = margin_profile(margin_scenario(50, 6_000, 30, 100_000))
    assert r == MarginResult(
        revenue=D(300_000),
        variable_costs=D(180_000),
        contribution_margin=D(120_000),
        unit_cm=D(20),
        cm_ratio=D("0.4"),
        fixed_costs=D(100_000),
        operating_profit=D(20_000),
        break_even_revenue=D(250_000),
        break_even_units=D(5_000),
    )


def test_margin_profile_without_revenue_or_margin():
    r = margin_profile(margin_scenario(50, 0, 30, 1_000))
    assert (r.revenue, r.cm_ratio, r.break_even_revenue) == (0, None, None)
    assert r.break_even_units == 50 and r.operating_profit == -1_000
    r = margin_profile(margin_scenario(30, 10, 40, 1_000))
    assert (r.unit_cm, r.cm_ratio) == (-10, D("-0." + "3" * 34))
    assert (r.break_even_revenue, r.break_even_units, r.operating_profit) == (None, None, -1_100)
    r = margin_profile(margin_scenario(30, 10, 30, 0))
    assert (r.cm_ratio, r.break_even_revenue, r.break_even_units) == (0, None, None)


def test_compare_margins_bridge():
    before = margin_scenario(50, 6_000, 30, 100_000)
    after = margin_scenario(52, 5_500, 29, 104_000)
    c = compare_margins(before, after)
    assert c.before == margin_profile(before) and c.after == margin_profile(after)
    assert c.price_effect == 2 * 5_500 == 11_000
    assert c.variable_cost_effect == 1 * 5_500 == 5_500
    assert c.volume_effect == -500 * 20 == -10_000
    assert c.fixed_cost_effect == -4_000
    # after: 5,500 x 23 - 104,000 = 22,500; before: 20,000
    assert c.profit_change == 2_500
    assert c.price_effect + c.volume_effect + c.variable_cost_effect + c.fixed_cost_effect == 2_500
    assert c.contribution_margin_change == 6_500 == c.profit_change - c.fixed_cost_effect


@pytest.mark.parametrize(
    ("call", "error", "argument"),
    [
        (lambda: contribution_margin(-1, 0), OutOfRangeError, "revenue"),
        (lambda: contribution_margin(1, float("nan")), NonFiniteError, "variable_costs"),
        (lambda: contribution_margin_ratio(0, 0), OutOfRangeError, "revenue"),
        (lambda: unit_contribution_margin(True, 1), OutOfRangeError, "price"),
        (lambda: unit_contribution_margin(1, D("-Infinity")), NonFiniteError, "unit_variable_cost"),
        (lambda: break_even_revenue(100, 0), OutOfRangeError, "cm_ratio"),
        (lambda: break_even_revenue(100, D("-0.1")), OutOfRangeError, "cm_ratio"),
        (lambda: break_even_revenue(100, D("1.01")), OutOfRangeError, "cm_ratio"),
        (lambda: break_even_revenue(-100, D("0.5")), OutOfRangeError, "fixed_costs"),
        (lambda: break_even_units(100, 0), OutOfRangeError, "unit_cm"),
        (lambda: break_even_units(100, "x"), OutOfRangeError, "unit_cm"),
        (lambda: margin_scenario(1, -1, 1, 1), OutOfRangeError, "units"),
        (lambda: margin_scenario(1, 1, 1, float("inf")), NonFiniteError, "fixed_costs"),
        (lambda: margin_profile(MarginScenario(D(1), D(1), D(-1), D(1))), OutOfRangeError,
         "unit_variable_cost"),
    ],
)  # fmt: skip
def test_bad_input_names_the_argument(call, error, argument):
    with pytest.raises(error) as info:
        call()
    assert info.value.argument == argument


amount = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False)
scenario = st.builds(margin_scenario, amount, amount, amount, amount)


@settings(max_examples=200, deadline=None)
@given(before=scenario, after=scenario)
def test_the_four_effects_sum_exactly_to_the_profit_change(before, after):
    c = compare_margins(before, after)
    effects = c.price_effect + c.volume_effect + c.variable_cost_effect + c.fixed_cost_effect
    assert effects == c.profit_change
    assert c.contribution_margin_change == c.profit_change - c.fixed_cost_effect


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(
        st.one_of(
            st.decimals(
                min_value=-(10**12), max_value=10**12, allow_nan=False, allow_infinity=False
            ),
            st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False),
            st.integers(min_value=-(10**12), max_value=10**12),
        ),
        min_size=4,
        max_size=4,
    )
)
def test_no_exception_but_calculator_errors_for_finite_input(values):
    a, b, c, d = values
    calls = [
        lambda: contribution_margin(a, b),
        lambda: contribution_margin_ratio(a, b),
        lambda: unit_contribution_margin(a, b),
        lambda: break_even_revenue(a, b),
        lambda: break_even_units(a, b),
        lambda: margin_profile(margin_scenario(a, b, c, d)),
        lambda: compare_margins(margin_scenario(a, b, c, d), margin_scenario(d, c, b, a)),
    ]
    for call in calls:
        with contextlib.suppress(CalculatorError):
            call()
