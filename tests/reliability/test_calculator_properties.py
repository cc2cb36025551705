"""Every public calculator function, fed ANY finite input, either answers or raises a
:class:`~calculators.errors.CalculatorError` naming the argument - never ``decimal.Overflow``,
``ZeroDivisionError``, ``OverflowError``, a numpy warning or anything else.

tests/calculators has such properties for some functions over moderate magnitudes
(|x| <= 1e9 or 1e12). Here the inputs span the whole finite range: Decimals with exponents
up to a million either way (``1e-999999999`` is a finite Decimal), floats up to 1.8e308
and subnormals, integers with hundreds of digits. A guard test lists every public function
of every calculator module, so a new one cannot be left out.
"""

from __future__ import annotations

import datetime as dt
import inspect
import warnings
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import calculators
from calculators import batch, margin, returns, risk, sensitivity, simulation, turnover
from calculators.errors import CalculatorError

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MODULES = (batch, margin, returns, risk, sensitivity, simulation, turnover)

extreme_decimals = st.builds(
    lambda sign, digits, exponent: Decimal(f"{sign}{digits}e{exponent}"),
    st.sampled_from(["", "-"]),
    st.integers(min_value=0, max_value=10**30),
    st.one_of(
        st.integers(min_value=-1_000_000_000, max_value=1_000_000_000),
        st.integers(min_value=-100_010, max_value=100_010),  # around the calculators' bound
        st.integers(min_value=-400, max_value=400),
    ),
)
finite = st.one_of(
    st.decimals(allow_nan=False, allow_infinity=False),
    extreme_decimals,
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.sampled_from([0, 1, -1, Decimal("-0.9999999999999999999999999999"), 5e-324, 1.7e308]),
)
small_whole = st.integers(min_value=-3, max_value=40)
finite_float = st.floats(allow_nan=False, allow_infinity=False)
schedule = st.lists(finite, min_size=0, max_size=8)
dates = st.lists(
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)), min_size=0, max_size=8
)
curves = st.sampled_from(["linear", "s_curve", "cubic"])
kinds = st.sampled_from(["recurring", "one_off", "annual"])


def outcome(call):
    """Run ``call``: its result, or the CalculatorError it raised. Any other exception or
    warning fails the property."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            return call()
        except CalculatorError as error:
            assert error.argument and error.message
            return error


# -- the guard: every public function is exercised below --------------------------------

COVERED = {
    "batch": {"batch_npv", "batch_irr", "sign_changes"},
    "margin": {
        "contribution_margin",
        "contribution_margin_ratio",
        "unit_contribution_margin",
        "break_even_revenue",
        "break_even_units",
        "margin_scenario",
        "margin_profile",
        "compare_margins",
    },
    "returns": {
        "roi",
        "npv",
        "npv_excel",
        "irr",
        "mirr",
        "payback_period",
        "discounted_payback_period",
        "xnpv",
        "xirr",
    },
    "risk": {
        "expected_value",
        "extend",
        "ramp_fractions",
        "one_off_fractions",
        "benefit_schedule",
        "ramp_profile",
        "one_off_profile",
    },
    "sensitivity": {"tornado", "driver_tornado"},
    "simulation": {
        "driver_profile",
        "deterministic_flows",
        "discount_factors",
        "payback_periods",
        "simulate",
    },
    "turnover": {
        "working_capital",
        "average_balance",
        "inventory_turnover",
        "days_inventory_outstanding",
        "receivables_turnover",
        "days_sales_outstanding",
        "payables_turnover",
        "days_payables_outstanding",
        "cash_conversion_cycle",
        "cash_turnover",
        "turnover_profile",
        "working_capital_release",
        "release_from_days",
        "carrying_cost_saving",
        "capital_charge",
    },
}


def test_every_public_calculator_function_is_covered():
    assert {m.__name__.split(".")[-1] for m in MODULES} >= set(COVERED)
    for module in MODULES:
        public = {
            name
            for name, value in vars(module).items()
            if inspect.isfunction(value)
            and value.__module__ == module.__name__
            and not name.startswith("_")
        }
        assert public == COVERED[module.__name__.split(".")[-1]], module.__name__
    assert calculators.__name__ == "calculators"


# -- returns -------------------------------------------------------------------------------


@SETTINGS
@given(rate=finite, flows=schedule, more=schedule, other=finite, when=dates)
def test_returns_never_raise_anything_but_calculator_errors(rate, flows, more, other, when):
    outcome(lambda: returns.roi(flows, more))
    outcome(lambda: returns.npv(rate, flows))
    outcome(lambda: returns.npv_excel(rate, flows))
    outcome(lambda: returns.irr(flows))
    outcome(lambda: returns.mirr(flows, rate, other))
    outcome(lambda: returns.payback_period(flows))
    outcome(lambda: returns.discounted_payback_period(rate, flows))
    outcome(lambda: returns.xnpv(rate, flows, when))
    outcome(lambda: returns.xirr(flows, when))
    outcome(lambda: returns.xirr(flows, sorted(when), guess=other))


# -- margin --------------------------------------------------------------------------------


@SETTINGS
@given(a=finite, b=finite, c=finite, d=finite)
def test_margin_never_raises_anything_but_calculator_errors(a, b, c, d):
    outcome(lambda: margin.contribution_margin(a, b))
    outcome(lambda: margin.contribution_margin_ratio(a, b))
    outcome(lambda: margin.unit_contribution_margin(a, b))
    outcome(lambda: margin.break_even_revenue(a, b))
    outcome(lambda: margin.break_even_units(a, b))
    scenario = outcome(lambda: margin.margin_scenario(a, b, c, d))
    if not isinstance(scenario, CalculatorError):
        outcome(lambda: margin.margin_profile(scenario))
        other = outcome(lambda: margin.margin_scenario(d, c, b, a))
        if not isinstance(other, CalculatorError):
            outcome(lambda: margin.compare_margins(scenario, other))


# -- turnover ------------------------------------------------------------------------------


@SETTINGS
@given(
    values=st.lists(finite, min_size=6, max_size=6),
    after=st.lists(finite, min_size=6, max_size=6),
    days=st.sampled_from([360, 365, 0, 364, True]),
)
def test_turnover_never_raises_anything_but_calculator_errors(values, after, days):
    a, b, c, d, e, f = values
    outcome(lambda: turnover.average_balance(a, b))
    for function in (
        turnover.inventory_turnover,
        turnover.receivables_turnover,
        turnover.payables_turnover,
        turnover.cash_turnover,
        turnover.carrying_cost_saving,
        turnover.capital_charge,
    ):
        outcome(lambda function=function: function(a, b))
    for function in (
        turnover.days_inventory_outstanding,
        turnover.days_sales_outstanding,
        turnover.days_payables_outstanding,
    ):
        outcome(lambda function=function: function(a, b, days))
    outcome(lambda: turnover.cash_conversion_cycle(a, b, c))
    outcome(lambda: turnover.release_from_days(a, b, days))
    before_wc = outcome(lambda: turnover.working_capital(a, b, c, d, e, f))
    after_wc = outcome(lambda: turnover.working_capital(*after))
    if not isinstance(before_wc, CalculatorError):
        outcome(lambda: turnover.turnover_profile(before_wc, days))
        if not isinstance(after_wc, CalculatorError):
            outcome(lambda: turnover.working_capital_release(before_wc, after_wc, days))


# -- risk ----------------------------------------------------------------------------------


@SETTINGS
@given(
    amount=finite,
    other=finite,
    periods=small_whole,
    start=small_whole,
    ramp=small_whole,
    end=st.one_of(st.none(), small_whole),
    curve=curves,
    kind=kinds,
)
def test_risk_never_raises_anything_but_calculator_errors(
    amount, other, periods, start, ramp, end, curve, kind
):
    outcome(lambda: risk.expected_value(amount, other))
    outcome(lambda: risk.extend(amount, other))
    timing = (periods, start, ramp, curve, end)
    outcome(lambda: risk.ramp_fractions(*timing))
    outcome(lambda: risk.one_off_fractions(*timing))
    outcome(lambda: risk.ramp_profile(*timing))
    outcome(lambda: risk.one_off_profile(*timing))
    outcome(lambda: risk.benefit_schedule(amount, kind, *timing))


# -- simulation and sensitivity -------------------------------------------------------------


@st.composite
def drivers(draw):
    """Drivers built from any finite numbers; invalid ones are CalculatorErrors."""
    out = []
    for index in range(draw(st.integers(0, 3))):
        made = outcome(
            lambda index=index: simulation.Driver(
                name=draw(st.sampled_from([f"d{index}", f"d{index}", ""])),
                low=draw(finite),
                likely=draw(finite),
                high=draw(finite),
                probability=draw(st.one_of(finite, st.floats(0, 1))),
                distribution=draw(st.sampled_from(["pert", "triangular", "normal"])),
                kind=draw(kinds),
                start_period=draw(small_whole),
                ramp_periods=draw(small_whole),
                curve=draw(curves),
                end_period=draw(st.one_of(st.none(), small_whole)),
                delay_low=draw(st.integers(-1, 3)),
                delay_high=draw(st.integers(-1, 3)),
            )
        )
        if isinstance(made, simulation.Driver):
            out.append(made)
    if not out and draw(st.booleans()):  # ordinary drivers with extreme amounts
        low, likely, high = sorted(draw(st.lists(finite_float, min_size=3, max_size=3)))
        made = outcome(lambda: simulation.Driver("x", low, likely, high))
        if isinstance(made, simulation.Driver):
            out.append(made)
    return out


@SETTINGS
@given(
    chosen=drivers(),
    costs=st.lists(st.one_of(finite_float, st.floats(0, 1e6)), min_size=0, max_size=7),
    rate=finite,
    periods=small_whole,
    trials=st.one_of(st.integers(-1, 300), st.just(10**7)),
    seed=st.integers(-1, 2**64),
    net=st.lists(st.lists(finite_float, min_size=3, max_size=3), min_size=1, max_size=3),
)
def test_simulation_and_sensitivity_never_raise_anything_but_calculator_errors(
    chosen, costs, rate, periods, trials, seed, net
):
    for driver in chosen:
        outcome(lambda driver=driver: simulation.driver_profile(driver, periods))
    outcome(lambda: simulation.deterministic_flows(chosen, periods))
    outcome(lambda: simulation.discount_factors(rate, periods))
    outcome(lambda: simulation.payback_periods(np.array(net)))
    outcome(lambda: simulation.simulate(chosen, costs, rate, trials, seed))
    outcome(lambda: sensitivity.driver_tornado(chosen, costs, rate))


@SETTINGS
@given(
    likely=st.dictionaries(st.sampled_from("abc"), finite, max_size=3),
    ranges=st.dictionaries(st.sampled_from("abcd"), st.tuples(finite, finite), max_size=3),
    power=st.integers(0, 3),
)
def test_tornado_never_raises_anything_but_calculator_errors(likely, ranges, power):
    def model(inputs):  # any output, even a huge or non-finite one, from valid inputs
        return sum(inputs.values()) ** power

    outcome(lambda: sensitivity.tornado(model, likely, ranges))


# -- batch ---------------------------------------------------------------------------------


@SETTINGS
@given(
    rows=st.lists(
        st.lists(st.one_of(finite_float, st.floats(-1e6, 1e6)), min_size=1, max_size=6),
        min_size=1,
        max_size=4,
    ),
    rate=st.one_of(finite_float, st.floats(-0.99, 1)),
)
def test_batch_never_raises_anything_but_calculator_errors(rows, rate):
    width = max(len(row) for row in rows)
    flows = np.array([row + [0.0] * (width - len(row)) for row in rows])
    outcome(lambda: batch.batch_npv(rate, flows))
    outcome(lambda: batch.batch_npv(np.full(len(rows), rate), flows))
    outcome(lambda: batch.sign_changes(flows))
    outcome(lambda: batch.batch_irr(flows))


@pytest.mark.parametrize(
    ("call", "argument"),
    [  # what the properties found, each a decimal.Overflow, OverflowError or warning before
        (lambda: margin.contribution_margin_ratio(Decimal("1e-999999"), 74_000_000), "revenue"),
        (lambda: margin.break_even_revenue(Decimal("1e99999"), Decimal("1e-99999")), None),
        (lambda: returns.roi([Decimal("1e999999999")], [1]), "benefits[0]"),
        (lambda: risk.expected_value(Decimal("9e999998"), 1), "amount"),
        (lambda: turnover.average_balance(Decimal("-1e500000"), 0), "opening"),
        (lambda: simulation.Driver("d", 0, 0, 10**400), "high"),
        (lambda: simulation.discount_factors(-1.0, 5), "rate"),
        (lambda: simulation.discount_factors(-0.99, 600), "rate"),
        (lambda: simulation.payback_periods(np.array([[-1e308, -1e308, 1.0]])), "net"),
        (lambda: batch.batch_irr(np.array([[5e-324, -1e100, 1e100, -1.0]])), None),
    ],
)
def test_the_extremes_found(call, argument):
    result = outcome(call)
    if argument is None:
        assert not isinstance(result, CalculatorError)
    else:
        assert isinstance(result, CalculatorError) and result.argument == argument
