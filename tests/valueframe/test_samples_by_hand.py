"""The shipped samples' figures, checked against arithmetic done by hand (issue 3).

Every expected number in this module is written as the arithmetic a person does on paper:
literal Decimals copied from the sample files, multiplied and divided in the test. Nothing
here calls the project's valuation or calculator functions, so the check is independent of
them. Discounted figures and anything that divides by 360 or 365 (a third, a 365th) are
compared within 1e-6; undiscounted sums that are exact in Decimal are compared exactly.
All expected figures are the likely case, probability-weighted, unless marked otherwise.

Part 1 - samples/en-distributor-o2c.json, worked fully by hand
===============================================================

Case: EUR; horizon 3 years in 12-month periods -> periods 0..3 (period 0 = the investment).
Discount rate 9% a year -> per-period rate (1 + 0.09)^(12/12) - 1 = 0.09. Day count 360.

Baseline: revenue 480,000,000; variable costs 384,000,000 (CM ratio (480 - 384) / 480 = 0.2,
not needed: there is no revenue uplift); fixed costs 76,000,000; receivables 79,000,000
-> DSO = 79,000,000 x 360 / 480,000,000 = 59.25 days. The 12% carrying-cost rate applies to
inventory only; this case frees receivables, so there is no carrying-cost stream.

No value has an extension: scope multiplier 1, benefits to the end of the horizon.

v-dso - working capital, receivables, 4 / 7 / 10 days off DSO, probability 0.8, starts in
period 1, s-curve ramp over 2 periods, delay_high 1.
    One-off release = days x revenue / day count:
        low     4 x 480,000,000 / 360 =  5,333,333.33...
        likely  7 x 480,000,000 / 360 =  9,333,333.33...
        high   10 x 480,000,000 / 360 = 13,333,333.33...
    x scope 1 x probability 0.8: expected release 9,333,333.33 x 0.8 = 7,466,666.67.
    S-curve 3x^2 - 2x^3 with x = k/2 (k = 1 in the start period):
        k = 1: x = 1/2 -> 3/4 - 2/8 = 0.5;  k = 2: x = 1 -> 1.
    A one-off arrives as the ramp's increments: period 1 0.5, period 2 1 - 0.5 = 0.5,
    period 3 nothing. Schedule [0, 3,733,333.33, 3,733,333.33, 0].

v-leakage - margin improvement, 0.3% / 0.5% / 0.75% of baseline variable costs removed,
probability 0.7, starts in period 1, linear ramp over 2 periods.
        low     384,000,000 x 0.003  = 1,152,000 a year
        likely  384,000,000 x 0.005  = 1,920,000 a year
        high    384,000,000 x 0.0075 = 2,880,000 a year
    Expected 1,920,000 x 1 x 0.7 = 1,344,000 a year; per period x 12/12 = 1,344,000.
    Linear ramp k/2: 0.5, 1, 1. Schedule [0, 672,000, 1,344,000, 1,344,000].

v-order-desk - cost reduction 450,000 / 700,000 / 900,000 a year, counted in full,
probability 0.8, starts in period 1, ramp 1 period (full effect at once).
    Expected 700,000 x 1 x 0.8 = 560,000 a year. Schedule [0, 560,000, 560,000, 560,000].

v-disputes - non-financial: no money, only a goal contribution.

Costs: one-off 1,250,000 + 120,000 = 1,370,000 in period 0; subscription 520,000 a year
x 12/12 in periods 1..3. Costs [1,370,000, 520,000, 520,000, 520,000]; total 2,930,000.

Cash flow:
    t  benefits                                        costs      net            cumulative
    0  0                                               1,370,000  -1,370,000     -1,370,000
    1  3,733,333.33 + 672,000 + 560,000 = 4,965,333.33   520,000   4,445,333.33   3,075,333.33
    2  3,733,333.33 + 1,344,000 + 560,000 = 5,637,333.33 520,000   5,117,333.33   8,192,666.67
    3  0 + 1,344,000 + 560,000 = 1,904,000               520,000   1,384,000      9,576,666.67
Total benefits 12,506,666.67 = the release 7,466,666.67 + operating benefits 5,040,000
(672,000 + 2 x 1,344,000 + 3 x 560,000).

ROI = (12,506,666.67 - 2,930,000) / 2,930,000 = 9,576,666.67 / 2,930,000 = 3.268486917.
Without the one-off release: (5,040,000 - 2,930,000) / 2,930,000 = 0.720136519.

NPV at 9% a period, period 0 undiscounted:
    t = 0  -1,370,000    / 1           = -1,370,000.000000
    t = 1   4,445,333.33 / 1.09        =  4,078,287.461774
    t = 2   5,117,333.33 / 1.1881      =  4,307,157.085543
    t = 3   1,384,000    / 1.295029    =  1,068,701.936405
    NPV                                =  8,084,146.483721

Payback: the cumulative net flow is negative only at t = 0 (-1,370,000) and stays positive
after, so payback = 0 + 1,370,000 / 4,445,333.33 = 0.308188362 periods = 0.308188362 years
(a period is 12 months). Discounted payback = 0 + 1,370,000 / 4,078,287.461774 = 0.335925315.

Cost of delay = the recurring expected benefits at full effect, a year, / 12
= (1,344,000 + 560,000) / 12 = 158,666.67 a month (the one-off release is not a run rate).

Goal attainment: perfect-order rate 86% -> 95%, gap 9 points. Goal contribution x
probability: v-dso 0 x 0.8 = 0; v-leakage 1.5 x 0.7 = 1.05; v-order-desk 4.0 x 0.8 = 3.2;
v-disputes 2.5 x 0.75 = 1.875. Movement 6.125 points; attainment 6.125 / 9 = 0.680556.

Scenarios (probability-weighted, same costs):
  conservative - every value at its low, started delay_high periods late (v-dso by 1):
    v-dso 5,333,333.33 x 0.8 = 4,266,666.67, ramp from period 2: 2,133,333.33 in periods 2, 3
    v-leakage 1,152,000 x 0.7 = 806,400 a year: 403,200, 806,400, 806,400
    v-order-desk 450,000 x 0.8 = 360,000 a year
    benefits [0, 763,200, 3,299,733.33, 3,299,733.33]
    net      [-1,370,000, 243,200, 2,779,733.33, 2,779,733.33]
    NPV = -1,370,000 + 243,200 / 1.09 + 2,779,733.33 / 1.1881 + 2,779,733.33 / 1.295029
        = -1,370,000 + 223,119.266055 + 2,339,645.933283 + 2,146,464.158975 = 3,339,229.358313
    ROI = (7,362,666.67 - 2,930,000) / 2,930,000 = 1.512855518
    payback = 1 + 1,126,800 / 2,779,733.33 = 1.405362625 years
  likely - the expected case above: NPV 8,084,146.483721.
  optimistic - every value at its high, on plan:
    v-dso 13,333,333.33 x 0.8 = 10,666,666.67: 5,333,333.33 in periods 1, 2
    v-leakage 2,880,000 x 0.7 = 2,016,000 a year: 1,008,000, 2,016,000, 2,016,000
    v-order-desk 900,000 x 0.8 = 720,000 a year
    benefits [0, 7,061,333.33, 8,069,333.33, 2,736,000]
    net      [-1,370,000, 6,541,333.33, 7,549,333.33, 2,216,000]
    NPV = -1,370,000 + 6,001,223.241590 + 6,354,122.829167 + 1,711,158.591815 = 12,696,504.662573
    ROI = (17,866,666.67 - 2,930,000) / 2,930,000 = 5.097838453

Turnover at full effect of the likely improvement (not probability-weighted): receivables
79,000,000 - 9,333,333.33 = 69,666,666.67 -> DSO 69,666,666.67 x 360 / 480,000,000 = 52.25.
Margin at full effect: variable costs 384,000,000 - 1,920,000 = 382,080,000; fixed costs
76,000,000 - 700,000 = 75,300,000; operating profit 97,920,000 - 75,300,000 = 22,620,000
(before: 96,000,000 - 76,000,000 = 20,000,000).

Part 2 - the other samples: period 0 and the first benefit period, and horizon totals,
worked in the comments of their tests below.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cache
from pathlib import Path

from valueframe.evaluate import evaluate
from valueframe.schema import load_case

SAMPLES_DIR = Path(__file__).resolve().parents[2] / "samples"
TOL = Decimal("1e-6")
D = Decimal


@cache
def _evaluation(stem: str):
    document = json.loads((SAMPLES_DIR / f"{stem}.json").read_text(encoding="utf-8"))
    return evaluate(load_case(document), simulate=False)


def close(actual: Decimal | None, expected: Decimal, tol: Decimal = TOL) -> bool:
    return actual is not None and abs(actual - expected) < tol


def all_close(actual: list[Decimal], expected: list[Decimal]) -> bool:
    return len(actual) == len(expected) and all(
        close(a, e) for a, e in zip(actual, expected, strict=True)
    )


def _value(evaluation, value_id: str):
    return next(v for v in evaluation.values if v.value_id == value_id)


# -- Part 1: en-distributor-o2c, by hand -------------------------------------------------

O2C = "en-distributor-o2c"
REVENUE = D("480000000")
VARIABLE_COSTS = D("384000000")
FIXED_COSTS = D("76000000")
RECEIVABLES = D("79000000")
DAYS = D(360)
RATE = D("1.09")  # 1 + per-period rate; (1.09)^(12/12) - 1 = 0.09

# v-dso: days x revenue / 360, a one-off release; x 0.8; s-curve shares 0.5, 0.5
RELEASE = {
    "low": D(4) * REVENUE / DAYS,
    "likely": D(7) * REVENUE / DAYS,
    "high": D(10) * REVENUE / DAYS,
}
DSO_EXPECTED = RELEASE["likely"] * D("0.8")  # 7,466,666.67
DSO_SCHEDULE = [D(0), DSO_EXPECTED * D("0.5"), DSO_EXPECTED * D("0.5"), D(0)]

# v-leakage: variable costs x fraction a year; x 0.7; linear ramp 0.5, 1, 1
LEAKAGE = {
    "low": VARIABLE_COSTS * D("0.003"),
    "likely": VARIABLE_COSTS * D("0.005"),
    "high": VARIABLE_COSTS * D("0.0075"),
}
LEAKAGE_EXPECTED = LEAKAGE["likely"] * D("0.7") * D(12) / D(12)  # 1,344,000 a period
LEAKAGE_SCHEDULE = [D(0), LEAKAGE_EXPECTED * D("0.5"), LEAKAGE_EXPECTED, LEAKAGE_EXPECTED]

# v-order-desk: cost saved a year in full; x 0.8; full effect from period 1
DESK = {"low": D("450000"), "likely": D("700000"), "high": D("900000")}
DESK_EXPECTED = DESK["likely"] * D("0.8")  # 560,000
DESK_SCHEDULE = [D(0), DESK_EXPECTED, DESK_EXPECTED, DESK_EXPECTED]

COSTS = [D("1250000") + D("120000"), D("520000"), D("520000"), D("520000")]
BENEFITS = [
    DSO_SCHEDULE[t] + LEAKAGE_SCHEDULE[t] + DESK_SCHEDULE[t] for t in range(4)
]  # [0, 4,965,333.33, 5,637,333.33, 1,904,000]
NET = [BENEFITS[t] - COSTS[t] for t in range(4)]  # [-1,370,000, 4,445,333.33, ...]
CUMULATIVE = [NET[0], NET[0] + NET[1], NET[0] + NET[1] + NET[2], NET[0] + NET[1] + NET[2] + NET[3]]
DISCOUNTED = [NET[0], NET[1] / RATE, NET[2] / (RATE * RATE), NET[3] / (RATE * RATE * RATE)]
NPV = DISCOUNTED[0] + DISCOUNTED[1] + DISCOUNTED[2] + DISCOUNTED[3]


def test_o2c_value_amounts_at_each_level_are_the_hand_ones():
    evaluation = _evaluation(O2C)
    dso = _value(evaluation, "v-dso")
    assert [s.key for s in dso.streams] == ["release"]  # receivables: no carrying cost
    release = dso.streams[0]
    assert release.kind == "one_off"
    for level in ("low", "likely", "high"):
        assert close(release.amount[level].value, RELEASE[level])
    assert close(release.amount["likely"].value, D("9333333.333333"))
    assert close(release.expected.value, DSO_EXPECTED)

    leakage = _value(evaluation, "v-leakage").streams[0]
    assert leakage.kind == "recurring"
    assert {level: leakage.amount[level].value for level in LEAKAGE} == LEAKAGE
    assert LEAKAGE["likely"] == D("1920000")
    assert leakage.expected.value == D("1344000")

    desk = _value(evaluation, "v-order-desk").streams[0]
    assert {level: desk.amount[level].value for level in DESK} == DESK
    assert desk.expected.value == D("560000")

    assert _value(evaluation, "v-disputes").streams == []


def test_o2c_expected_schedules_per_value():
    evaluation = _evaluation(O2C)
    assert all_close(_value(evaluation, "v-dso").streams[0].schedule, DSO_SCHEDULE)
    assert close(DSO_SCHEDULE[1], D("3733333.333333"))
    assert _value(evaluation, "v-leakage").streams[0].schedule == LEAKAGE_SCHEDULE
    assert LEAKAGE_SCHEDULE == [0, 672000, 1344000, 1344000]
    assert _value(evaluation, "v-order-desk").streams[0].schedule == DESK_SCHEDULE
    assert DESK_SCHEDULE == [0, 560000, 560000, 560000]


def test_o2c_cash_flow_rows():
    rows = _evaluation(O2C).cash_flow
    assert [r.period for r in rows] == [0, 1, 2, 3]
    assert [r.costs for r in rows] == COSTS == [1370000, 520000, 520000, 520000]
    assert all_close([r.benefits for r in rows], BENEFITS)
    assert all_close(BENEFITS, [D(0), D("4965333.333333"), D("5637333.333333"), D("1904000")])
    assert rows[3].benefits == D("1904000")  # 1,344,000 + 560,000, exact
    assert all_close([r.net for r in rows], NET)
    assert rows[0].net == D("-1370000") and rows[3].net == D("1384000")
    assert all_close([r.cumulative for r in rows], CUMULATIVE)
    assert close(CUMULATIVE[3], D("9576666.666667"))


def test_o2c_discounting_and_npv():
    evaluation = _evaluation(O2C)
    assert evaluation.period_rate == D("0.09")
    rows = evaluation.cash_flow
    factors = [D(1), 1 / RATE, 1 / (RATE * RATE), 1 / (RATE * RATE * RATE)]
    assert all_close([r.discount_factor for r in rows], factors)
    assert all_close([r.discounted_net for r in rows], DISCOUNTED)
    assert all_close(
        DISCOUNTED,
        [D("-1370000"), D("4078287.461774"), D("4307157.085543"), D("1068701.936405")],
    )
    assert close(rows[3].cumulative_discounted, NPV)
    assert close(evaluation.headline["npv"].value, NPV)
    assert close(NPV, D("8084146.483721"))


def test_o2c_totals_roi_and_cash_released():
    h = _evaluation(O2C).headline
    total_benefits = BENEFITS[0] + BENEFITS[1] + BENEFITS[2] + BENEFITS[3]
    total_costs = D("1370000") + D(3) * D("520000")
    operating = LEAKAGE_EXPECTED * D("2.5") + DESK_EXPECTED * D(3)  # 0.5 + 1 + 1 periods
    assert h["total_costs"].value == total_costs == D("2930000")
    assert close(h["total_benefits"].value, total_benefits)
    assert close(total_benefits, DSO_EXPECTED + operating)
    assert operating == D("5040000")
    assert close(h["net_benefit"].value, total_benefits - total_costs)
    assert close(h["roi"].value, (total_benefits - total_costs) / total_costs)
    assert close(h["roi"].value, D("3.268486917"), D("1e-9"))
    assert close(h["cash_released"].value, DSO_EXPECTED)
    assert close(h["roi_operating"].value, (operating - total_costs) / total_costs)
    assert close(h["roi_operating"].value, D("0.720136519"), D("1e-9"))


def test_o2c_payback_interpolated_in_the_first_period():
    h = _evaluation(O2C).headline
    # cumulative negative only at t = 0: 0 + 1,370,000 / net_1; periods are whole years
    assert close(h["payback_years"].value, D(0) + D("1370000") / NET[1])
    assert close(h["payback_years"].value, D("0.308188362"), D("1e-9"))
    assert close(h["discounted_payback_years"].value, D("1370000") / DISCOUNTED[1])
    assert close(h["discounted_payback_years"].value, D("0.335925315"), D("1e-9"))


def test_o2c_cost_of_delay_and_goal_attainment():
    evaluation = _evaluation(O2C)
    h = evaluation.headline
    # recurring expected a year at full effect / 12; the release is not a run rate
    assert close(h["cost_of_delay_per_month"].value, (D("1344000") + D("560000")) / 12)
    assert close(h["cost_of_delay_per_month"].value, D("158666.666667"))
    movement = D(0) * D("0.8") + D("1.5") * D("0.7") + D("4.0") * D("0.8") + D("2.5") * D("0.75")
    assert movement == D("6.125")
    assert evaluation.goal.gap == D(95) - D(86)
    assert evaluation.goal.expected_movement == movement
    assert evaluation.goal.projected == D(86) + movement
    assert close(h["goal_attainment"].value, movement / D(9))
    assert close(h["goal_attainment"].value, D("0.680556"))


def test_o2c_scenarios():
    scenarios = {s.name: s for s in _evaluation(O2C).scenarios}
    costs = COSTS

    # conservative: lows; v-dso one period late (release in periods 2 and 3)
    release = RELEASE["low"] * D("0.8")
    leakage = LEAKAGE["low"] * D("0.7")
    desk = DESK["low"] * D("0.8")
    low = [
        D(0),
        leakage * D("0.5") + desk,
        release * D("0.5") + leakage + desk,
        release * D("0.5") + leakage + desk,
    ]
    assert low[1] == D("763200")
    net = [low[t] - costs[t] for t in range(4)]
    npv = net[0] + net[1] / RATE + net[2] / RATE**2 + net[3] / RATE**3
    conservative = scenarios["conservative"]
    assert close(conservative.npv, npv)
    assert close(conservative.npv, D("3339229.358313"))
    assert close(conservative.roi, (sum(low) - sum(costs)) / sum(costs))
    assert close(conservative.roi, D("1.512855518"), D("1e-9"))
    # cumulative -1,370,000, -1,126,800, then positive: 1 + 1,126,800 / net_2
    assert close(conservative.payback_years, 1 + D("1126800") / net[2])

    assert close(scenarios["likely"].npv, NPV)

    # optimistic: highs, on plan
    release = RELEASE["high"] * D("0.8")
    leakage = LEAKAGE["high"] * D("0.7")
    desk = DESK["high"] * D("0.8")
    high = [
        D(0),
        release * D("0.5") + leakage * D("0.5") + desk,
        release * D("0.5") + leakage + desk,
        leakage + desk,
    ]
    assert high[3] == D("2736000")
    net = [high[t] - costs[t] for t in range(4)]
    npv = net[0] + net[1] / RATE + net[2] / RATE**2 + net[3] / RATE**3
    optimistic = scenarios["optimistic"]
    assert close(optimistic.npv, npv)
    assert close(optimistic.npv, D("12696504.662573"))
    assert close(optimistic.roi, (sum(high) - sum(costs)) / sum(costs))
    assert close(optimistic.roi, D("5.097838453"), D("1e-9"))
    assert close(optimistic.payback_years, D("1370000") / net[1])


def test_o2c_turnover_and_margin_at_full_effect():
    evaluation = _evaluation(O2C)
    turnover = evaluation.turnover
    assert turnover.before["dso"] == RECEIVABLES * DAYS / REVENUE == D("59.25")
    assert close(turnover.after["dso"], (RECEIVABLES - RELEASE["likely"]) * DAYS / REVENUE)
    assert close(turnover.after["dso"], D("52.25"))
    assert close(turnover.release["receivables_release"], RELEASE["likely"])
    margin = evaluation.margin
    assert margin.before["operating_profit"] == REVENUE - VARIABLE_COSTS - FIXED_COSTS
    assert margin.after["variable_costs"] == VARIABLE_COSTS - LEAKAGE["likely"]
    assert margin.after["fixed_costs"] == FIXED_COSTS - DESK["likely"]
    assert margin.after["operating_profit"] == D("22620000")


# -- Part 2: the other samples, shorter --------------------------------------------------


def test_bank_itops_first_period_and_totals():
    """en-bank-itops: USD, 4 yearly periods, 10%.

    v-outage-cost: cost avoidance 2,300,000 a year x 0.75 = 1,725,000; s-curve over 2
      periods: k = 1 -> x = 1/2 -> 3/4 - 2/8 = 0.5; then 1, 1, 1.
    v-toil: cost reduction 1,100,000 x 0.8 = 880,000; linear over 2: 0.5, 1, 1, 1.
    v-launch: revenue uplift 2,800,000 at the CM ratio (420,000,000 - 74,000,000) /
      420,000,000 = 346/420 -> 2,306,666.67 a year, x 0.6 = 1,384,000 (1,680,000 / 420 x
      346); starts in period 2, ramp 1, lasts 2 years -> periods 2 and 3 only (2 + 2 - 1).
    Period 1 benefits = 1,725,000 x 0.5 + 880,000 x 0.5 = 862,500 + 440,000 = 1,302,500.
    Costs: period 0 1,100,000 (implementation); period 1 850,000 subscription + 250,000
      wave 2 + 120,000 coaching (period 1 only) = 1,220,000.
    Totals: benefits 1,725,000 x 3.5 + 880,000 x 3.5 + 1,384,000 x 2
      = 6,037,500 + 3,080,000 + 2,768,000 = 11,885,500;
      costs 1,100,000 + 850,000 x 4 + 250,000 + 120,000 = 4,870,000.
    """
    evaluation = _evaluation("en-bank-itops")
    rows = evaluation.cash_flow
    launch = D("2800000") * (D("420000000") - D("74000000")) / D("420000000") * D("0.6")
    assert close(launch, D("1384000"))
    assert rows[0].benefits == 0
    assert rows[0].costs == D("1100000")
    assert rows[1].benefits == D("1725000") * D("0.5") + D("880000") * D("0.5") == D("1302500")
    assert rows[1].costs == D("850000") + D("250000") + D("120000") == D("1220000")
    assert close(rows[2].benefits, D("1725000") + D("880000") + launch)  # 3,989,000: launch in
    assert close(rows[4].benefits, D("1725000") + D("880000"))  # launch over after 2 years
    h = evaluation.headline
    total = D("1725000") * D("3.5") + D("880000") * D("3.5") + launch * 2
    assert close(h["total_benefits"].value, total)
    assert close(total, D("11885500"))
    assert h["total_costs"].value == D("1100000") + D("850000") * 4 + D("250000") + D("120000")
    assert h["total_costs"].value == D("4870000")


def test_manufacturing_erp_first_period_and_totals():
    """zh-manufacturing-erp: CNY, 5 yearly periods, 8%, 365-day year, carrying cost 8%.

    v-inventory: 12 days off DIO x COGS 1,008,000,000 / 365 = 33,139,726.03 one-off,
      x 0.8 = 26,511,780.82; carrying cost 33,139,726.03 x 0.08 = 2,651,178.08 a year,
      x 0.8 = 2,120,942.47. S-curve over 3 periods: k = 1 -> x = 1/3 -> 3/9 - 2/27 = 7/27;
      k = 2 -> 12/9 - 16/27 = 20/27; k = 3 -> 1. Release shares 7/27, 13/27, 7/27.
    v-receivables: 10 days x revenue 1,200,000,000 / 365 = 32,876,712.33, x 0.75 =
      24,657,534.25; linear over 2: shares 1/2, 1/2.
    v-scrap: 0.006 x variable costs 900,000,000 = 5,400,000 a year, x 0.7 = 3,780,000;
      linear over 2: 0.5, 1, 1, 1, 1.
    v-freight: cost avoidance 1,600,000 x scope 1.5 x 0.8 = 1,920,000, full from period 1.
    Period 1 benefits = (26,511,780.82 + 2,120,942.47) x 7/27 + 24,657,534.25 / 2
      + 3,780,000 / 2 + 1,920,000 = 7,423,298.63 + 12,328,767.12 + 1,890,000 + 1,920,000
      = 23,562,065.75.
    Costs: period 0 6,800,000 + 1,200,000 = 8,000,000; period 1 1,500,000 (second site)
      + 1,300,000 subscription + 400,000 S&OP adviser = 3,200,000.
    Totals: benefits 26,511,780.82 + 2,120,942.47 x (7/27 + 20/27 + 3 = 4) + 24,657,534.25
      + 3,780,000 x 4.5 + 1,920,000 x 5 = 86,263,084.93;
      costs 8,000,000 + 1,500,000 + 1,300,000 x 5 + 400,000 x 2 = 16,800,000.
    """
    evaluation = _evaluation("zh-manufacturing-erp")
    rows = evaluation.cash_flow
    inventory_release = D(12) * D("1008000000") / D(365) * D("0.8")
    carrying = D(12) * D("1008000000") / D(365) * D("0.08") * D("0.8")
    receivables_release = D(10) * D("1200000000") / D(365) * D("0.75")
    scrap = D("900000000") * D("0.006") * D("0.7")
    freight = D("1600000") * D("1.5") * D("0.8")
    assert close(inventory_release, D("26511780.821918"))
    assert close(carrying, D("2120942.465753"))
    first = (inventory_release + carrying) * 7 / 27 + receivables_release / 2 + scrap / 2 + freight
    assert rows[0].benefits == 0
    assert rows[0].costs == D("6800000") + D("1200000")
    assert close(rows[1].benefits, first)
    assert close(first, D("23562065.753425"))
    assert rows[1].costs == D("1500000") + D("1300000") + D("400000") == D("3200000")
    h = evaluation.headline
    total = inventory_release + carrying * 4 + receivables_release + scrap * D("4.5") + freight * 5
    assert close(h["total_benefits"].value, total)
    assert close(total, D("86263084.931507"))
    assert (
        h["total_costs"].value == D("8000000") + D("1500000") + D("1300000") * 5 + D("400000") * 2
    )
    assert h["total_costs"].value == D("16800000")
    assert close(h["cash_released"].value, inventory_release + receivables_release)


def test_av_integrator_first_periods_and_totals():
    """zh-av-integrator-collections: CNY, 12 quarterly periods, 365-day year; annual
    amounts x 3/12 a period; no carrying cost (rate 0).

    S-curve over 4 periods: k = 1 -> x = 1/4 -> 3/16 - 2/64 = 0.15625; k = 2 -> 0.5;
      k = 3 -> x = 3/4 -> 27/16 - 54/64 = 0.84375; k = 4 -> 1.
      One-off shares 0.15625, 0.34375, 0.34375, 0.15625.
    v-dso: 10 days x revenue 320,000,000 / 365 = 8,767,123.29, x 0.75 = 6,575,342.47;
      s-curve from period 3 (periods 3-6).
    v-wip: inventory, 10 days x COGS 262,000,000 / 365 = 7,178,082.19, x 0.75 =
      5,383,561.64; s-curve from period 2 (periods 2-5).
    v-change-orders: 1,900,000 x 0.7 = 1,330,000 a year x 3/12 = 332,500 a quarter;
      linear over 4 from period 2: 0.25, 0.5, 0.75, then 1 (periods 5-12).
    v-cost-control: 0.01 x variable costs 250,000,000 = 2,500,000 x 0.65 = 1,625,000 a
      year x 3/12 = 406,250 a quarter; s-curve from period 3: 0.15625, 0.5, 0.84375, then 1
      (periods 6-12).
    v-settlement-staff: 480,000 x 0.8 = 384,000 a year x 3/12 = 96,000, periods 5-12.
    Period 1: nothing has started -> benefits 0. Period 2 (the first with benefits):
      5,383,561.64 x 0.15625 + 332,500 x 0.25 = 841,181.51 + 83,125 = 924,306.51.
    Costs: period 0 1,600,000; period 1 200,000 (training) + 480,000 x 3/12 = 320,000;
      periods 2-4 120,000; periods 5-12 720,000 x 3/12 = 180,000.
    Totals: benefits 6,575,342.47 + 5,383,561.64 + 332,500 x (0.25 + 0.5 + 0.75 + 8)
      + 406,250 x (0.15625 + 0.5 + 0.84375 + 7) + 96,000 x 8
      = 6,575,342.47 + 5,383,561.64 + 3,158,750 + 3,453,125 + 768,000 = 19,338,779.11;
      costs 1,600,000 + 200,000 + 120,000 x 4 + 180,000 x 8 = 3,720,000.
    """
    evaluation = _evaluation("zh-av-integrator-collections")
    rows = evaluation.cash_flow
    quarter = D(3) / D(12)
    dso = D(10) * D("320000000") / D(365) * D("0.75")
    wip = D(10) * D("262000000") / D(365) * D("0.75")
    change_orders = D("1900000") * D("0.7") * quarter
    cost_control = D("250000000") * D("0.01") * D("0.65") * quarter
    staff = D("480000") * D("0.8") * quarter
    assert (change_orders, cost_control, staff) == (D("332500"), D("406250"), D("96000"))
    assert rows[0].benefits == 0 and rows[1].benefits == 0
    assert rows[0].costs == D("1600000")
    assert rows[1].costs == D("200000") + D("480000") * quarter == D("320000")
    second = wip * D("0.15625") + change_orders * D("0.25")
    assert close(rows[2].benefits, second)
    assert close(second, D("924306.506849"))
    assert rows[2].costs == D("120000")
    assert rows[5].costs == D("720000") * quarter == D("180000")
    h = evaluation.headline
    total = (
        dso
        + wip
        + change_orders * (D("0.25") + D("0.5") + D("0.75") + 8)
        + cost_control * (D("0.15625") + D("0.5") + D("0.84375") + 7)
        + staff * 8
    )
    assert close(h["total_benefits"].value, total)
    assert close(total, D("19338779.109589"))
    assert h["total_costs"].value == D("1600000") + D("200000") + D("120000") * 4 + D("180000") * 8
    assert h["total_costs"].value == D("3720000")
    assert close(h["cash_released"].value, dso + wip)
