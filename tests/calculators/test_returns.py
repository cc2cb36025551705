import datetime
import math
import random
from decimal import Decimal

import numpy as np
import numpy_financial as npf
import pytest
import pyxirr

from calculators.errors import EmptyScheduleError, NonFiniteError, OutOfRangeError
from calculators.returns import (
    IrrResult,
    discounted_payback_period,
    irr,
    mirr,
    npv,
    npv_excel,
    payback_period,
    roi,
    xirr,
    xnpv,
)

D = Decimal
EXCEL_DATES = [
    datetime.date(2008, 1, 1),
    datetime.date(2008, 3, 1),
    datetime.date(2008, 10, 30),
    datetime.date(2009, 2, 15),
    datetime.date(2009, 4, 1),
]
EXCEL_FLOWS = [-10_000, 2_750, 4_250, 3_250, 2_750]


def pct(value, places=2):
    """A fraction as a percentage rounded like Excel's display (0.3733 -> 37.33)."""
    return round(float(value) * 100, places)


def test_roi():
    assert roi([150, 100], [200]) == D("0.25")
    assert roi([50], [80, 20]) == D("-0.5")  # a loss is a result
    assert roi(["0.1", "0.2"], [D("0.3")]) == 0


# --- NPV -------------------------------------------------------------------------------


# numpy-financial's docstring / tests (numpy_financial/tests/test_financial.py, 1.0.0):
# npf.npv(0.281, [-100, 39, 59, 55, 20]) = -0.0084785916384548798 and
# npf.npv(0.05, [-15000, 1500, 2500, 3500, 4500, 6000]) = 122.894854950942692161628715 (Decimal).
def test_npv_numpy_financial_vectors():
    assert float(npv(D("0.281"), [-100, 39, 59, 55, 20])) == pytest.approx(
        -0.0084785916384548798, rel=1e-12
    )
    result = npv(D("0.05"), [-15000, 1500, 2500, 3500, 4500, 6000])
    assert abs(result - D("122.894854950942692161628715")) < D("1e-24")


def test_npv_period_zero_is_undiscounted():
    assert npv(D("0.1"), [-100]) == -100
    assert npv(D("0.1"), [-100, 110]) == 0
    assert npv(0, [1, 2, 3]) == 6
    assert npv(D("-0.5"), [0, 1]) == 2  # negative rates above -100% are valid


# Microsoft Support, "NPV function" (Excel), examples:
# https://support.microsoft.com/en-us/office/npv-function-8672cb67-2576-4d07-b67b-ac28acf2a568
# Example 1: rate 10%, -10,000 (one year from today), 3,000, 4,200, 6,800 -> $1,188.44.
# Example 2: rate 8%, initial investment -40,000 today, returns 8,000, 9,200, 10,000, 12,000,
# 14,500: NPV(8%, returns) + initial = $1,922.06; with a sixth-year loss of 9,000: -$3,749.47.
def test_npv_excel_documentation_examples():
    assert round(npv_excel(D("0.1"), [-10_000, 3_000, 4_200, 6_800]), 2) == D("1188.44")
    returns = [8_000, 9_200, 10_000, 12_000, 14_500]
    assert round(npv_excel(D("0.08"), returns) - 40_000, 2) == D("1922.06")
    assert round(npv_excel(D("0.08"), [*returns, -9_000]) - 40_000, 2) == D("-3749.47")
    # The two conventions: Excel's NPV is numpy-financial's one period later.
    assert npv_excel(D("0.08"), returns) == npv(D("0.08"), [0, *returns])
    today = npv(D("0.08"), [-40_000, *returns])
    assert abs(today - (npv_excel(D("0.08"), returns) - 40_000)) < D("1e-20")


# --- IRR -------------------------------------------------------------------------------


# Microsoft Support, "IRR function" (Excel), example:
# https://support.microsoft.com/en-us/office/irr-function-64925eaa-9988-495b-b290-3ad0c163c1bc
# -70,000 then 12,000, 15,000, 18,000, 21,000 -> -2.1% after four years; with 26,000 in
# year five -> 8.7%; after two years (-70,000, 12,000, 15,000) -> -44.4%.
def test_irr_excel_documentation_examples():
    four = irr([-70_000, 12_000, 15_000, 18_000, 21_000])
    assert four.status == "unique" and pct(four.rate) == -2.12
    assert pct(irr([-70_000, 12_000, 15_000, 18_000, 21_000, 26_000]).rate) == 8.66
    assert pct(irr([-70_000, 12_000, 15_000]).rate, 1) == -44.4


# numpy-financial 1.0.0 docstring and tests: npf.irr([-100, 39, 59, 55, 20]) = 0.28094842115,
# npf.irr([-100, 0, 0, 74]) = -0.0955, npf.irr([-150000, 15000, 25000, 35000, 45000, 60000])
# = 0.0524, npf.irr([-100, 100, 0, 7]) = 0.06206.
def test_irr_numpy_financial_vectors():
    result = irr([-100, 39, 59, 55, 20])
    assert result.status == "unique"
    assert float(result.rate) == pytest.approx(0.28094842115, abs=1e-11)
    assert result.roots == (result.rate,)
    assert "28.09" in result.message
    assert round(float(irr([-100, 0, 0, 74]).rate), 4) == -0.0955
    assert round(float(irr([-150000, 15000, 25000, 35000, 45000, 60000]).rate), 4) == 0.0524
    assert round(float(irr([-100, 100, 0, 7]).rate), 5) == 0.06206


def test_irr_multiple_roots_are_all_reported():
    # The classic two-IRR project (-1,600 now, +10,000, -10,000): NPV is zero at 25% and 400%.
    result = irr([-1_600, 10_000, -10_000])
    assert result.status == "multiple" and result.rate is None
    assert [float(r) for r in result.roots] == pytest.approx([0.25, 4.0], rel=1e-12)
    assert "more than once" in result.message and "MIRR" in result.message
    assert "25.0000%" in result.message and "400.0000%" in result.message


def test_irr_where_numpy_financial_silently_picks_one_root():
    # numpy-financial's tests expect npf.irr([-100, 100, 0, -7]) = -0.0833 and
    # npf.irr([-5, 10.5, 1, -8, 1]) = 0.0886; both schedules have further roots above -100%.
    two = irr([-100, 100, 0, -7])
    assert two.status == "multiple"
    assert [round(float(r), 4) for r in two.roots] == [-0.6789, -0.0833]
    three = irr([-5, D("10.5"), 1, -8, 1])
    assert three.status == "multiple"
    assert [round(float(r), 4) for r in three.roots] == [-0.8702, 0.0886, 0.7096]
    for result, flows in [(two, [-100, 100, 0, -7]), (three, [-5, 10.5, 1, -8, 1])]:
        assert any(abs(npf.irr(flows) - float(r)) < 1e-9 for r in result.roots)


def test_irr_none():
    same_sign = irr([100, 200])
    assert same_sign == IrrResult("none", None, (), same_sign.message)
    assert "never change sign" in same_sign.message
    assert "zero" in irr([0, 0, 0]).message and irr([0]).status == "none"
    no_real_root = irr([1, -3, 3])  # 1 - 3x + 3x^2 has no real root
    assert (no_real_root.status, no_real_root.roots) == ("none", ())
    assert "no real rate" in no_real_root.message


def test_irr_repeated_roots_count_once():
    # -(1 - x)^2 and (1 - x)^3 in x = 1 / (1 + r): a double and a triple root at r = 0.
    assert irr([-1, 2, -1]).roots == (D(0),)
    assert irr([1, -3, 3, -1]) == IrrResult("unique", D(0), (D(0),), "IRR is 0.0000%.")


def test_irr_loan_and_leading_or_trailing_zeros():
    assert float(irr([100, -110]).rate) == pytest.approx(0.1, abs=1e-15)  # a loan
    assert float(irr([0, -100, 0, 121, 0]).rate) == pytest.approx(0.1, abs=1e-15)


# --- MIRR ------------------------------------------------------------------------------


# Microsoft Support, "MIRR function" (Excel), example:
# https://support.microsoft.com/en-us/office/mirr-function-b020f038-7492-4fb4-93c1-35c345b53524
# -120,000 then 39,000, 30,000, 21,000, 37,000, 46,000; finance 10%, reinvest 12% -> 12.61%;
# after three years (through 21,000) -> -4.80%; five years reinvesting at 14% -> 13.48%.
# Cross-checked with numpy-financial 1.0.0, whose tests give 0.126094130365905145828421880.
def test_mirr_excel_documentation_example():
    flows = [-120_000, 39_000, 30_000, 21_000, 37_000, 46_000]
    five = mirr(flows, D("0.10"), D("0.12"))
    assert pct(five) == 12.61
    assert abs(five - D("0.126094130365905145828421880")) < D("1e-26")
    assert pct(mirr(flows[:4], D("0.10"), D("0.12"))) == -4.80
    assert pct(mirr(flows, D("0.10"), D("0.14"))) == 13.48
    for f, r, cf in [(0.1, 0.12, flows[:4]), (0.1, 0.14, flows)]:
        assert float(mirr(cf, f, r)) == pytest.approx(npf.mirr(cf, f, r), rel=1e-12)


# numpy-financial 1.0.0 tests: mirr([-4500, -800, 800, 800, 600, 600, 800, 800, 700, 3000],
# 0.08, 0.055) = 0.066597175031553548874239618 and mirr([100, 200, -50, 300, -200], 0.05,
# 0.06) = 0.3428; a schedule without a negative flow has no MIRR (nan there, None here).
def test_mirr_numpy_financial_vectors():
    flows = [-4500, -800, 800, 800, 600, 600, 800, 800, 700, 3000]
    result = mirr(flows, D("0.08"), D("0.055"))
    assert abs(result - D("0.066597175031553548874239618")) < D("1e-26")
    assert round(mirr([100, 200, -50, 300, -200], D("0.05"), D("0.06")), 4) == D("0.3428")
    assert mirr([39000, 30000, 21000, 37000, 46000], D("0.10"), D("0.12")) is None
    assert mirr([-1, -2], 0, 0) is None and mirr([5], 0, 0) is None


# --- payback ---------------------------------------------------------------------------


def test_payback_period():
    assert payback_period([-100, 30, 40, 50]) == D("2.6")  # 30 short after year 2, 50 in year 3
    assert payback_period([-100, 50, 50]) == 2
    assert payback_period([-100, 50]) is None  # never
    assert payback_period([0, 10]) == 0 and payback_period([100, -50]) == 0
    # Cumulative turns positive in year 1 but negative again in year 2: payback is when it
    # becomes non-negative for good (year 3 here).
    assert payback_period([-100, 150, -100, 100]) == D("2.5")
    assert payback_period([-100, 150, -100]) is None


def test_discounted_payback_period():
    # Discounted at 10%: -100, 50, 49.5867..., 60.1052... -> cumulative -0.4132... after
    # year 2, recovered 0.4132 / 60.1052 = 0.00687... into year 3.
    result = discounted_payback_period(D("0.1"), [-100, 55, 60, 80])
    with_python = 2 + (100 - 55 / 1.1 - 60 / 1.1**2) / (80 / 1.1**3)
    assert float(result) == pytest.approx(with_python, rel=1e-12)
    assert discounted_payback_period(0, [-100, 30, 40, 50]) == D("2.6")
    assert discounted_payback_period(D("0.1"), [-100, 55, 55]) is None


# --- XNPV / XIRR -----------------------------------------------------------------------


# Microsoft Support, "XNPV function" (Excel), example (rate 9%) -> 2,086.65:
# https://support.microsoft.com/en-us/office/xnpv-function-1b42bbf6-370f-4532-a0eb-d67c16b664b7
def test_xnpv_excel_documentation_example():
    result = xnpv(D("0.09"), EXCEL_FLOWS, EXCEL_DATES)
    assert round(result, 2) == D("2086.65")
    assert float(result) == pytest.approx(pyxirr.xnpv(0.09, EXCEL_DATES, EXCEL_FLOWS), rel=1e-12)


def test_xnpv_dates_in_any_order_and_datetimes():
    order = [0, 3, 1, 4, 2]
    shuffled = xnpv(D("0.09"), [EXCEL_FLOWS[i] for i in order], [EXCEL_DATES[i] for i in order])
    assert shuffled == xnpv(D("0.09"), EXCEL_FLOWS, EXCEL_DATES)
    stamps = [datetime.datetime.combine(d, datetime.time(15, 30)) for d in EXCEL_DATES]
    assert xnpv(D("0.09"), EXCEL_FLOWS, stamps) == xnpv(D("0.09"), EXCEL_FLOWS, EXCEL_DATES)
    one_year = [datetime.date(2023, 1, 1), datetime.date(2024, 1, 1)]  # 365 days
    assert xnpv(D("0.1"), [-100, 110], one_year) == 0


# Microsoft Support, "XIRR function" (Excel), example (same flows and dates as XNPV) ->
# 0.373362535 (37.34%):
# https://support.microsoft.com/en-us/office/xirr-function-de1242ec-6477-445b-b11b-a303ad9adc9d
def test_xirr_excel_documentation_example():
    result = xirr(EXCEL_FLOWS, EXCEL_DATES)
    assert pct(result) == 37.34
    # Excel iterates to 0.000001%; its 0.373362535 is 1.5e-9 from the root, ours is closer.
    assert abs(result - D("0.373362535")) < D("1e-8")
    assert abs(xnpv(result, EXCEL_FLOWS, EXCEL_DATES)) < D("1e-9")
    assert abs(xnpv(result, EXCEL_FLOWS, EXCEL_DATES)) < abs(
        xnpv(D("0.373362535"), EXCEL_FLOWS, EXCEL_DATES)
    )


def _plain_newton(flows, dates, guess=0.1):
    """Excel-style Newton on XNPV from ``guess``: the result, or None if it breaks down."""
    years = np.array([(d - dates[0]).days / 365 for d in dates])
    c, r = np.array(flows, dtype=float), guess
    with np.errstate(all="ignore"):
        for _ in range(100):
            f = np.sum(c * (1 + r) ** -years)
            fp = np.sum(-years * c * (1 + r) ** (-years - 1))
            step = f / fp
            r -= step
            if not math.isfinite(r):
                return None
            if abs(step) < 1e-10:
                return r
    return None


def test_xirr_finds_roots_where_plain_newton_breaks_down():
    one_year = [datetime.date(2023, 1, 1), datetime.date(2024, 1, 1)]
    leap_year = [datetime.date(2024, 1, 1), datetime.date(2025, 1, 1)]  # 366 days
    quarter = [datetime.date(2024, 1, 1), datetime.date(2024, 4, 1)]
    cases = [
        # -99%: the first Newton step from 10% lands below -100%, where (1 + r)^t is undefined.
        ([-100, 1], one_year, -0.99),
        ([-100, 1], leap_year, pyxirr.xirr(leap_year, [-100, 1])),
        ([-1_000, 300], quarter, pyxirr.xirr(quarter, [-1_000, 300])),
    ]
    for flows, dates, expected in cases:
        assert _plain_newton(flows, dates) is None
        assert float(xirr(flows, dates)) == pytest.approx(expected, rel=1e-12)


def test_xirr_very_large_rate():
    # +9,900% (-100 then +10,000 a year later). Plain Newton from 10% does get there here
    # (NPV is convex and falling, so it climbs monotonically), in 12 steps.
    one_year = [datetime.date(2023, 1, 1), datetime.date(2024, 1, 1)]
    assert _plain_newton([-100, 10_000], one_year) == pytest.approx(99.0)
    assert float(xirr([-100, 10_000], one_year)) == pytest.approx(99.0, rel=1e-12)
    assert pyxirr.xirr(one_year, [-100, 10_000]) == pytest.approx(99.0, rel=1e-12)
    # Beyond the bracket (+1,000,000%) there is no answer rather than a wrong one.
    assert xirr([-1, 10**6], one_year) is None


def test_xirr_agrees_with_pyxirr_on_random_schedules():
    rng = random.Random(20_260_101)
    start = datetime.date(2024, 1, 1)
    for _ in range(25):
        n = rng.randint(2, 12)
        later = sorted(start + datetime.timedelta(days=rng.randint(1, 3_650)) for _ in range(n - 1))
        dates = [start, *later]
        flows = [-rng.randint(1_000, 100_000)] + [rng.randint(0, 40_000) for _ in range(n - 1)]
        if sum(flows[1:]) == 0:
            continue
        expected = pyxirr.xirr(dates, flows)
        result = xirr(flows, dates)
        if expected <= -0.9999:  # e.g. 424 back on 40,037 after 46 days: r = -1 + 2e-16
            assert result is None  # below the bracket: no answer rather than a wrong one
        else:
            assert float(result) == pytest.approx(expected, rel=1e-7, abs=1e-9)


def test_xirr_none_and_guess():
    assert xirr([100, 200], EXCEL_DATES[:2]) is None  # no sign change
    assert xirr([-100, 0], EXCEL_DATES[:2]) is None
    # Two rates solve -1,600 / +10,000 / -10,000 a year apart: 25% and 400%; guess chooses.
    dates = [datetime.date(2021, 1, 1), datetime.date(2022, 1, 1), datetime.date(2023, 1, 1)]
    flows = [-1_600, 10_000, -10_000]
    assert float(xirr(flows, dates)) == pytest.approx(0.25, rel=1e-12)
    assert float(xirr(flows, dates, guess=3)) == pytest.approx(4.0, rel=1e-12)


# --- bad input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "argument"),
    [
        (lambda: roi([], [1]), EmptyScheduleError, "benefits"),
        (lambda: roi([1], []), EmptyScheduleError, "costs"),
        (lambda: roi([1], [0]), OutOfRangeError, "costs"),
        (lambda: roi([1], [5, -10]), OutOfRangeError, "costs"),
        (lambda: roi("12", [1]), OutOfRangeError, "benefits"),
        (lambda: roi(5, [1]), OutOfRangeError, "benefits"),
        (lambda: npv(-1, [1]), OutOfRangeError, "rate"),
        (lambda: npv(D("-1.5"), [1]), OutOfRangeError, "rate"),
        (lambda: npv(float("nan"), [1]), NonFiniteError, "rate"),
        (lambda: npv(True, [1]), OutOfRangeError, "rate"),
        (lambda: npv(0.1, []), EmptyScheduleError, "flows"),
        (lambda: npv(0.1, [1, float("inf")]), NonFiniteError, "flows[1]"),
        (lambda: npv(0.1, [1, False]), OutOfRangeError, "flows[1]"),
        (lambda: npv(D("1e999990"), [1, 1, 1]), OutOfRangeError, "rate"),
        (lambda: npv_excel(-1, [1]), OutOfRangeError, "rate"),
        (lambda: npv_excel(0, []), EmptyScheduleError, "values"),
        (lambda: irr([]), EmptyScheduleError, "flows"),
        (lambda: irr([1, D("NaN")]), NonFiniteError, "flows[1]"),
        (lambda: irr([-1, D("1e400")]), OutOfRangeError, "flows"),
        (lambda: mirr([-1, 2], -1, 0), OutOfRangeError, "finance_rate"),
        (lambda: mirr([-1, 2], 0, float("-inf")), NonFiniteError, "reinvest_rate"),
        (lambda: mirr([], 0, 0), EmptyScheduleError, "flows"),
        (lambda: mirr([1, 0, -1, -1], 0, D("1e999990")), OutOfRangeError, "reinvest_rate"),
        (lambda: npv(D("-0." + "9" * 400_000), [1, 1, 1, 1]), OutOfRangeError, "rate"),
        (lambda: mirr([1, 0, -1, -1], D("1e999990"), 0), OutOfRangeError, "finance_rate"),
        (lambda: payback_period([]), EmptyScheduleError, "flows"),
        (lambda: payback_period([-1, True]), OutOfRangeError, "flows[1]"),
        (lambda: discounted_payback_period(-2, [-1, 2]), OutOfRangeError, "rate"),
        (lambda: xnpv(-1, [1], EXCEL_DATES[:1]), OutOfRangeError, "rate"),
        (lambda: xnpv(0, [], []), EmptyScheduleError, "flows"),
        (lambda: xnpv(0, [1, 2], EXCEL_DATES[:1]), OutOfRangeError, "dates"),
        (lambda: xnpv(0, [1, 2], EXCEL_DATES[1::-1]), OutOfRangeError, "dates"),
        (lambda: xnpv(0, [1, 2], [EXCEL_DATES[0], "2009-01-01"]), OutOfRangeError, "dates[1]"),
        (lambda: xnpv(0, [1], "2009-01-01"), OutOfRangeError, "dates"),
        (lambda: xirr([-1, 2], EXCEL_DATES[1::-1]), OutOfRangeError, "dates"),
        (lambda: xirr([-1, 2], EXCEL_DATES[:2], guess=-1), OutOfRangeError, "guess"),
        (lambda: xirr([], []), EmptyScheduleError, "flows"),
    ],
)
def test_bad_input_names_the_argument(call, error, argument):
    with pytest.raises(error) as info:
        call()
    assert info.value.argument == argument
