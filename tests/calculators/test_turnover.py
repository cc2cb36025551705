import contextlib
from decimal import Decimal, localcontext

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calculators.errors import CalculatorError, NonFiniteError, OutOfRangeError
from calculators.returns import npv
from calculators.turnover import (
    TurnoverProfile,
    WorkingCapital,
    average_balance,
    capital_charge,
    carrying_cost_saving,
    cash_conversion_cycle,
    cash_turnover,
    days_inventory_outstanding,
    days_payables_outstanding,
    days_sales_outstanding,
    inventory_turnover,
    payables_turnover,
    receivables_turnover,
    release_from_days,
    turnover_profile,
    working_capital,
    working_capital_release,
)

D = Decimal


# Textbook definitions (domain.md "Financial conventions"): turnover = COGS / average
# inventory, DIO = 365 / turnover. Hand-checkable figures: 730,000 / 73,000 = 10 turns,
# 365 / 10 = 36.5 days (2,000 of COGS per day).
def test_textbook_inventory_turnover_and_dio():
    assert inventory_turnover(730_000, 73_000) == 10
    assert days_inventory_outstanding(730_000, 73_000) == D("36.5")
    assert days_inventory_outstanding(730_000, 73_000, day_count=360) == 36


def test_receivables_payables_cash_and_ccc():
    assert receivables_turnover(1_200_000, 100_000) == 12
    assert days_sales_outstanding(1_200_000, 100_000, 360) == 30
    assert payables_turnover(730_000, 36_500) == 20
    assert days_payables_outstanding(730_000, 36_500) == D("18.25")
    assert cash_turnover(1_200_000, 60_000) == 20
    assert cash_conversion_cycle(D("36.5"), 30, D("18.25")) == D("48.25")
    assert cash_conversion_cycle(10, 5, 40) == -25  # paid before paying: negative CCC


def test_average_balance():
    assert average_balance(60_000, 86_000) == 73_000
    assert average_balance("0.01", 0) == D("0.005")


def test_working_capital_coerces():
    wc = working_capital(1000.5, "730", 73, D(100), 50)
    assert wc == WorkingCapital(D("1000.5"), D(730), D(73), D(100), D(50), None)
    assert working_capital(1, 1, 1, 1, 1, cash=0).cash == 0


def test_turnover_profile():
    wc = working_capital(1_000_000, 730_000, 73_000, 100_000, 50_000, cash=20_000)
    p = turnover_profile(wc)
    assert p == TurnoverProfile(
        inventory_turnover=D(10),
        dio=D("36.5"),
        receivables_turnover=D(10),
        dso=D("36.5"),
        payables_turnover=D("14.6"),
        dpo=D(25),
        ccc=D(48),
        cash_turnover=D(50),
        day_count=365,
    )
    assert turnover_profile(wc, 360).dio == 36


def test_profile_with_zero_balances_and_no_cash():
    # A service business without inventory: zero days, undefined (None) turnover.
    p = turnover_profile(working_capital(1_000, 500, 0, 0, 0))
    assert (p.inventory_turnover, p.dio, p.receivables_turnover, p.dso) == (None, 0, None, 0)
    assert (p.payables_turnover, p.dpo, p.ccc, p.cash_turnover) == (None, 0, 0, None)
    assert turnover_profile(working_capital(1_000, 500, 0, 0, 0, cash=0)).cash_turnover is None


def test_release_with_unchanged_flows_equals_fall_in_balances_exactly():
    before = working_capital(1_000_003, 730_001, D("73017.37"), D("99999.99"), 50_000)
    after = working_capital(1_000_003, 730_001, D("60000.01"), D("90000.11"), D("55000.50"))
    r = working_capital_release(before, after)
    assert r.inventory_release == D("73017.37") - D("60000.01")
    assert r.receivables_release == D("99999.99") - D("90000.11")
    assert r.payables_release == D("55000.50") - D(50_000)
    assert r.total_release == r.inventory_release + r.receivables_release + r.payables_release


def test_release_days_and_money():
    before = working_capital(1_000_000, 730_000, 73_000, 100_000, 50_000)
    after = working_capital(1_000_000, 730_000, 60_000, 90_000, 55_000)
    r = working_capital_release(before, after)
    assert (r.dio_saved, r.dso_saved, r.dpo_gained) == (D("6.5"), D("3.65"), D("2.5"))
    assert r.ccc_saved == r.dio_saved + r.dso_saved + r.dpo_gained == D("12.65")
    assert (r.inventory_release, r.receivables_release, r.payables_release) == (13000, 10000, 5000)
    assert r.total_release == 28_000
    assert r.before == turnover_profile(before) and r.after == turnover_profile(after)


def test_release_uses_the_after_period_base():
    # Pure volume change: everything doubles, days unchanged -> nothing released.
    before = working_capital(1_000_000, 730_000, 73_000, 100_000, 50_000)
    after = working_capital(2_000_000, 1_460_000, 146_000, 200_000, 100_000)
    r = working_capital_release(before, after)
    assert (r.ccc_saved, r.total_release) == (0, 0)
    # Volume doubles and DIO falls from 36.5 to 30 days: the release is 6.5 days of the
    # AFTER period's COGS (4,000 a day) = 26,000, although the balance itself grew.
    after = working_capital(2_000_000, 1_460_000, 120_000, 200_000, 100_000)
    r = working_capital_release(before, after)
    assert r.dio_saved == D("6.5")
    assert r.inventory_release == D("6.5") * 1_460_000 / 365 == 26_000


def test_release_on_360_days_and_negative_release():
    before = working_capital(720_000, 360_000, 30_000, 60_000, 10_000)
    after = working_capital(720_000, 360_000, 40_000, 60_000, 10_000)
    r = working_capital_release(before, after, day_count=360)
    assert r.dio_saved == -10 and r.inventory_release == -10_000 == r.total_release


def test_release_from_days():
    # 6.5 days of 730,000 COGS a year (2,000 a day) = 13,000; days may be negative.
    assert release_from_days(D("6.5"), 730_000) == 13_000
    assert release_from_days(-3, 720_000, day_count=360) == -6_000
    before = working_capital(1_000_000, 730_000, 73_000, 100_000, 50_000)
    after = working_capital(1_000_000, 730_000, 60_000, 90_000, 55_000)
    r = working_capital_release(before, after)
    assert release_from_days(r.dio_saved, after.cogs) == r.inventory_release
    assert release_from_days(r.dso_saved, after.revenue) == r.receivables_release
    assert release_from_days(r.dpo_gained, after.cogs) == r.payables_release


def test_carrying_cost_saving():
    assert carrying_cost_saving(13_000, D("0.2")) == 2_600
    assert carrying_cost_saving(-1_000, "0.25") == -250  # inventory grew: a cost


def test_capital_charge_is_an_alternative_view_of_the_release():
    release, k = D(28_000), D("0.08")
    charge = capital_charge(release, k)
    assert charge == 2_240
    assert charge / k == release  # its perpetuity is the release itself
    # NPV at k of the one-off release at t=1 ...
    one_off = npv(k, [0, release])
    # ... equals the NPV of the capital charge as a perpetuity from t=2: the perpetuity is
    # worth charge / k at t=1, i.e. charge / k / (1 + k) today.
    perpetuity_from_2 = charge / k / (1 + k)
    assert one_off == pytest.approx(release / (1 + k), rel=D("1e-30"))
    assert perpetuity_from_2 == pytest.approx(one_off, rel=D("1e-30"))
    # A long explicit schedule converges to the same value (1,000 years at 8%).
    explicit = npv(k, [0, 0] + [charge] * 999)
    assert abs(explicit - one_off) < D("1e-25") * one_off
    # Counting both would double the value of one and the same release.
    assert one_off + perpetuity_from_2 == pytest.approx(2 * one_off, rel=D("1e-30"))


def test_zero_balance_turnover_names_the_balance():
    for func, name in [
        (inventory_turnover, "average_inventory"),
        (receivables_turnover, "average_receivables"),
        (payables_turnover, "average_payables"),
        (cash_turnover, "average_cash"),
    ]:
        with pytest.raises(OutOfRangeError) as info:
            func(100, 0)
        assert info.value.argument == name


def test_zero_base_days_names_the_base():
    for func, name in [
        (days_inventory_outstanding, "cogs"),
        (days_sales_outstanding, "revenue"),
        (days_payables_outstanding, "cogs"),
    ]:
        with pytest.raises(OutOfRangeError) as info:
            func(0, 100)
        assert info.value.argument == name
    with pytest.raises(OutOfRangeError, match="cogs"):
        turnover_profile(working_capital(100, 0, 0, 0, 0))
    ok = working_capital(100, 100, 1, 1, 1)
    with pytest.raises(OutOfRangeError) as info:
        working_capital_release(ok, working_capital(0, 100, 1, 1, 1))
    assert info.value.argument == "after.revenue"


@pytest.mark.parametrize(
    ("kwargs", "error", "argument"),
    [
        ({"inventory": -1}, OutOfRangeError, "inventory"),
        ({"receivables": float("nan")}, NonFiniteError, "receivables"),
        ({"payables": float("inf")}, NonFiniteError, "payables"),
        ({"revenue": True}, OutOfRangeError, "revenue"),
        ({"cogs": "abc"}, OutOfRangeError, "cogs"),
        ({"cash": D("-0.01")}, OutOfRangeError, "cash"),
    ],
)
def test_working_capital_bad_input(kwargs, error, argument):
    values = {"revenue": 1, "cogs": 1, "inventory": 1, "receivables": 1, "payables": 1}
    with pytest.raises(error) as info:
        working_capital(**(values | kwargs))
    assert info.value.argument == argument


def test_other_bad_input():
    cases = [
        (lambda: average_balance(-1, 0), OutOfRangeError, "opening"),
        (lambda: average_balance(0, D("NaN")), NonFiniteError, "closing"),
        (lambda: inventory_turnover(-5, 10), OutOfRangeError, "cogs"),
        (lambda: days_inventory_outstanding(10, 5, 366), OutOfRangeError, "day_count"),
        (lambda: days_sales_outstanding(10, 5, True), OutOfRangeError, "day_count"),
        (lambda: cash_conversion_cycle(1, -2, 3), OutOfRangeError, "dso"),
        (lambda: carrying_cost_saving(100, D("1.5")), OutOfRangeError, "carrying_cost_rate"),
        (lambda: carrying_cost_saving(float("inf"), 0), NonFiniteError, "inventory_release"),
        (lambda: capital_charge(100, -0.01), OutOfRangeError, "cost_of_capital"),
        (lambda: release_from_days(1, -1), OutOfRangeError, "annual_base"),
        (lambda: release_from_days(float("nan"), 1), NonFiniteError, "days_saved"),
        (lambda: release_from_days(1, 1, 364), OutOfRangeError, "day_count"),
        (lambda: turnover_profile(working_capital(1, 1, 1, 1, 1), 0), OutOfRangeError, "day_count"),
    ]
    for call, error, argument in cases:
        with pytest.raises(error) as info:
            call()
        assert info.value.argument == argument


def test_profile_revalidates_a_hand_built_working_capital():
    with pytest.raises(OutOfRangeError) as info:
        turnover_profile(WorkingCapital(D(1), D(1), D(-1), D(1), D(1)))
    assert info.value.argument == "inventory"
    ok = working_capital(1, 1, 1, 1, 1)
    with pytest.raises(OutOfRangeError) as info:
        working_capital_release(WorkingCapital(D(1), D(1), D(1), D(-1), D(1)), ok)
    assert info.value.argument == "before.receivables"


money = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)
period = st.tuples(money.filter(bool), money.filter(bool), money, money, money)
anything = st.one_of(
    st.decimals(min_value=-(10**12), max_value=10**12, allow_nan=False, allow_infinity=False),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False),
)


@settings(max_examples=200, deadline=None)
@given(flow=money.filter(bool), balance=money.filter(bool), days=st.sampled_from([360, 365]))
def test_turnover_times_days_is_the_day_count(flow, balance, days):
    for turnover, days_outstanding in [
        (inventory_turnover, days_inventory_outstanding),
        (receivables_turnover, days_sales_outstanding),
        (payables_turnover, days_payables_outstanding),
    ]:
        product = turnover(flow, balance) * days_outstanding(flow, balance, days)
        assert abs(product - days) <= D("1e-30") * days


@settings(max_examples=200, deadline=None)
@given(before=period, after=period)
def test_release_never_raises_anything_but_calculator_errors(before, after):
    try:
        r = working_capital_release(working_capital(*before), working_capital(*after), 360)
    except CalculatorError:
        return
    with localcontext(prec=34):  # the calculators' precision
        assert r.total_release == r.inventory_release + r.receivables_release + r.payables_release
    # On the after base, each money term is its days x the after daily base.
    with localcontext(prec=34):
        base = working_capital(*after).cogs / 360
        error = abs(r.inventory_release - r.dio_saved * base)
    assert error <= D("1e-25") * max(1, abs(r.inventory_release))


@settings(max_examples=200, deadline=None)
@given(a=anything, b=anything, c=anything)
def test_no_exception_but_calculator_errors_for_finite_input(a, b, c):
    calls = [
        lambda: average_balance(a, b),
        lambda: inventory_turnover(a, b),
        lambda: days_sales_outstanding(a, b),
        lambda: cash_conversion_cycle(a, b, c),
        lambda: carrying_cost_saving(a, b),
        lambda: capital_charge(a, b),
        lambda: release_from_days(a, b),
        lambda: turnover_profile(working_capital(a, b, c, a, b, c)),
    ]
    for call in calls:
        with contextlib.suppress(CalculatorError):
            call()
