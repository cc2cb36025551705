"""Realization of the distributor sample after two years, worked entirely by hand.

The case: samples/en-distributor-o2c.json - EUR, three annual periods from 2026-10-01,
discount rate 9% per year (= per period), 360-day year. The actuals:
samples/realization/en-distributor-o2c-actuals.csv, as of period 2.

The plan (the evaluation, probability-weighted; f = the plan's ramp fraction per period):
- costs = [1,370,000, 520,000, 520,000, 520,000].
- v-dso, receivables: 7 days x 480,000,000 / 360 = 9,333,333.33 released once; s-curve over 2
  periods, f = 0.5, 1, 1; p 0.8 -> expected release 3,733,333.33 in periods 1 and 2.
  Indicator DSO 59 -> 52 days (planned 55.5, 52, 52).
- v-leakage, margin: 0.5% of variable costs 384,000,000 = 1,920,000 a year; linear over 2,
  f = 0.5, 1, 1; p 0.7 -> 672,000, 1,344,000, 1,344,000. Indicator leakage 0.9 -> 0.5 % of
  revenue (planned 0.7, 0.5, 0.5).
- v-order-desk, cost reduction 700,000 a year from period 1 (f = 1, 1, 1); p 0.8 -> 560,000
  a year. Indicator manual line error rate 2.9 -> 1.0 %.
- v-disputes, non-financial: dispute rate 6.8 -> 3.0 %, linear over 2 (planned 4.9, 3.0, 3.0).
- Goal: perfect-order rate 86 -> 95 %; contributions 0 (dso), 1.5 (leakage, p 0.7),
  4.0 (order desk, p 0.8), 2.5 (disputes, p 0.75).

Realized (improvement = likely x (actual - indicator baseline) / (target - baseline), money
as in the plan, NOT probability-weighted):
- v-dso: period 1 DSO 56 -> 7 x (56 - 59) / (52 - 59) = 3 days -> 3 x 1,333,333.33 = 4,000,000.
  Period 2 DSO 53 -> 6 days; released only the increment over the best (3 days): 3 days ->
  4,000,000. Realized 8,000,000 (all cash released) vs expected 7,466,666.67 (= 22,400,000/3):
  rate 15/14 = 1.0714. Effects 3/7 and 6/7 against planned 0.5 and 1: delivery
  (9/7) / 1.5 = 6/7 = 0.857 -> on plan (0.8 <= 0.857 <= 1.2).
- v-leakage: period 1 0.8 -> 0.005 x 0.1 / 0.4 = 0.00125 x 384,000,000 = 480,000; period 2
  0.75 -> 0.001875 -> 720,000. Realized 1,200,000 vs expected 2,016,000: rate 25/42 = 0.5952.
  Effects 0.25, 0.375 vs planned 0.5, 1: delivery 0.625 / 1.5 = 5/12 = 0.4167 -> behind.
- v-order-desk: period 1 0.62 -> 700,000 x 2.28 / 1.9 = 840,000; period 2 0.43 -> 700,000 x
  2.47 / 1.9 = 910,000. Realized 1,750,000 vs expected 1,120,000: rate 1.5625. Effects 1.2,
  1.3 vs planned 1, 1: delivery 1.25 -> ahead (> 1.2): a new opportunity.
- v-disputes: period 1 4.9 -> effect 1.9 / 3.8 = 0.5 = planned 0.5: delivery 1 -> on plan.
  No actual for period 2 -> missing.

Totals to date: realized 5,320,000 + 5,630,000 = 10,950,000; expected 4,965,333.33 +
5,637,333.33 = 10,602,666.67 (= 31,808,000/3): rate 32,850,000 / 31,808,000 = 1.0327590543.
Costs to date 2,410,000: ROI = (10,950,000 - 2,410,000) / 2,410,000 = 854/241 = 3.5435684647.
NPV to date = -1,370,000 + 4,800,000 / 1.09 + 5,110,000 / 1.09^2
            = -1,370,000 + 4,403,669.7247706 + 4,300,984.7655913 = 7,334,654.4903619 (exact
            7,334,654.490362764077097887383216901 to 34 digits).

Re-forecast of period 3 (latest measured effect relative to the plan, along the plan's ramp):
v-dso 6 days x 1/1 = 6 days, best already released 6 -> nothing (never twice); v-leakage
0.001875 -> 720,000; v-order-desk 910,000 -> 1,630,000; net 1,110,000 / 1.09^3 = 857,123.66.
Re-forecast NPV = 8,191,778.1532305 (plan 8,084,146.48); benefits 12,580,000; ROI
(12,580,000 - 2,930,000) / 2,930,000 = 965/293 = 3.2935153584 (plan 3.2685).

Goal: latest actual 90.5 in period 2 -> (90.5 - 86) / 9 = 0.5. Expected position in period 2
= 86 + 1.5 x 0.7 + 4.0 x 0.8 + 2.5 x 0.75 = 92.125 -> 6.125 / 9 = 0.680556; in period 1
= 86 + 1.05 x 0.5 + 3.2 x 1 + 1.875 x 0.5 = 90.6625.

Grid (relief threshold 0.8): i-dso (v-dso 0.857) relieved; i-disputes (v-dso 0.857,
v-disputes 1) relieved; i-order-entry and i-edi-adoption (v-order-desk 1.25) relieved;
i-leakage (0.417) not relieved; i-picking is not a key issue and is not shown.
Signals: behind v-leakage 42%; ahead v-order-desk 125%; missing v-disputes period 2.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from calculators.errors import OutOfRangeError
from valueframe.actuals import Actual, ActualsError, correct, parse_actuals_csv
from valueframe.evaluate import evaluate
from valueframe.realization import CONVENTIONS, realize
from valueframe.schema import dump_case, load_case

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "en-distributor-o2c.json"
ACTUALS = ROOT / "samples" / "realization" / "en-distributor-o2c-actuals.csv"
IMPORTED = dt.datetime(2028, 10, 20, 9, 0, tzinfo=dt.UTC)


def q(value: Decimal, places: str = "0.000001") -> Decimal:
    return value.quantize(Decimal(places))


@cache
def _case_and_evaluation():
    case = load_case(json.loads(SAMPLE.read_text(encoding="utf-8")))
    return case, evaluate(case, simulate=False)


def case_and_evaluation():
    case, evaluation = _case_and_evaluation()
    return load_case(dump_case(case)), evaluation


def sample_actuals(case) -> list[Actual]:
    return parse_actuals_csv(ACTUALS.read_text(encoding="utf-8"), case, entered_at=IMPORTED)


@pytest.fixture(scope="module")
def realization():
    case, evaluation = case_and_evaluation()
    return realize(case, evaluation, sample_actuals(case), 2)


def by_id(realization, value_id):
    return next(v for v in realization.values if v.value_id == value_id)


def actual(value_id, period, number, entered_at=IMPORTED, **kwargs) -> Actual:
    return Actual(
        value_id=value_id,
        period=period,
        indicator_value=Decimal(number),
        measured_on=dt.date(2027 + period - 1, 9, 30),
        source="test",
        entered_by="tester",
        entered_at=entered_at,
        **kwargs,
    )


def test_the_sample_actuals_cover_two_years(realization):
    case, _ = case_and_evaluation()
    actuals = sample_actuals(case)
    assert len(actuals) == 9
    assert {a.period for a in actuals} == {1, 2}
    assert realization.as_of_period == 2 and realization.periods == 3


def test_dso_release_is_booked_on_the_increment_only(realization):
    dso = by_id(realization, "v-dso")
    assert dso.realized == [0, 4000000, 4000000]
    assert dso.figures["realized_to_date"].value == 8000000
    assert dso.figures["cash_released_to_date"].value == 8000000
    assert q(dso.figures["expected_to_date"].value) == Decimal("7466666.666667")
    assert q(dso.figures["realization_rate"].value, "1E-20") == q(
        Decimal(15) / Decimal(14), "1E-20"
    )
    assert q(dso.figures["delivery_rate"].value, "1E-24") == q(Decimal(6) / 7, "1E-24")
    assert dso.status == "on_plan"
    assert [p.planned for p in dso.points] == [Decimal("55.5"), 52, 52]
    assert [p.actual for p in dso.points] == [56, 53, None]
    assert dso.reforecast[3] == 0  # six days already released: never twice
    assert dso.points[2].forecast == 53


def test_leakage_is_behind_plan(realization):
    leakage = by_id(realization, "v-leakage")
    assert leakage.realized == [0, 480000, 720000]
    assert leakage.figures["expected_to_date"].value == 2016000
    assert leakage.figures["realized_to_date"].value == 1200000
    assert q(leakage.figures["realization_rate"].value, "1E-24") == q(Decimal(25) / 42, "1E-24")
    assert q(leakage.figures["delivery_rate"].value, "1E-24") == q(Decimal(5) / 12, "1E-24")
    assert [p.effect for p in leakage.points[:2]] == [Decimal("0.25"), Decimal("0.375")]
    assert leakage.status == "behind"
    assert leakage.reforecast == [0, 480000, 720000, 720000]


def test_order_desk_is_ahead_of_plan(realization):
    desk = by_id(realization, "v-order-desk")
    assert desk.realized == [0, 840000, 910000]
    assert desk.figures["expected_to_date"].value == 1120000
    assert desk.figures["realization_rate"].value == Decimal("1.5625")
    assert desk.figures["delivery_rate"].value == Decimal("1.25")
    assert desk.status == "ahead"
    assert desk.reforecast[3] == 910000


def test_disputes_are_indicator_progress_only(realization):
    disputes = by_id(realization, "v-disputes")
    assert disputes.kind == "non_financial"
    assert disputes.realized == [] and set(disputes.figures) == {"delivery_rate"}
    assert disputes.figures["delivery_rate"].value == 1
    assert disputes.status == "on_plan"
    assert disputes.missing_periods == (2,)
    assert [p.planned for p in disputes.points] == [Decimal("4.9"), 3, 3]


def test_totals_to_date(realization):
    totals = realization.totals
    assert totals["realized_to_date"].value == 10950000
    assert q(totals["expected_to_date"].value) == Decimal("10602666.666667")
    assert q(totals["realization_rate"].value, "1E-12") == Decimal("1.032759054326")
    assert totals["costs_to_date"].value == 2410000
    assert totals["cash_released_to_date"].value == 8000000
    assert q(totals["roi_to_date"].value, "1E-24") == q(Decimal(854) / 241, "1E-24")
    assert totals["npv_to_date"].value == Decimal("7334654.490362764077097887383216901")
    assert [r.realized for r in realization.cash_flow] == [0, 5320000, 5630000, None]
    assert [r.costs for r in realization.cash_flow] == [1370000, 520000, 520000, 520000]


def test_reforecast_to_the_horizon(realization):
    totals = realization.totals
    assert [r.reforecast for r in realization.cash_flow] == [0, 5320000, 5630000, 1630000]
    assert totals["reforecast_benefits"].value == 12580000
    assert totals["reforecast_npv"].value == Decimal("8191778.153230545416357471531525549")
    assert q(totals["reforecast_roi"].value, "1E-24") == q(Decimal(965) / 293, "1E-24")
    assert q(totals["plan_npv"].value, "0.01") == Decimal("8084146.48")


def test_goal_progress(realization):
    goal = realization.goal
    assert goal.latest == Decimal("90.5") and goal.latest_period == 2
    assert goal.progress.value == Decimal("0.5")
    assert [p.expected for p in goal.points] == [
        Decimal("90.6625"),
        Decimal("92.125"),
        Decimal("92.125"),
    ]
    assert q(goal.expected_progress.value) == Decimal("0.680556")
    assert goal.missing_periods == ()


def test_grid_relief(realization):
    status = {i.issue_id: i.status for i in realization.issues}
    assert status == {
        "i-dso": "relieved",
        "i-disputes": "relieved",
        "i-order-entry": "relieved",
        "i-leakage": "not_relieved",
        "i-edi-adoption": "relieved",
    }
    cells = {c.code: c for c in realization.cells}
    assert len(cells) == 9
    assert cells["process.management"].relieved == ("i-dso",)
    assert cells["process.management"].not_relieved == ("i-leakage",)
    assert cells["process.design"].relieved == ("i-disputes", "i-order-entry", "i-edi-adoption")


def test_signals(realization):
    signals = [(s.kind, s.value_id, s.periods) for s in realization.signals]
    assert signals == [
        ("behind", "v-leakage", ()),
        ("ahead", "v-order-desk", ()),
        ("missing_actuals", "v-disputes", (2,)),
    ]
    messages = [s.message for s in realization.signals]
    assert "42%" in messages[0] and "20%" in messages[0]
    assert "next frame starts here" in messages[1]


def test_every_figure_has_a_trail_and_the_conventions_are_stated(realization):
    for figure in realization.totals.values():
        assert figure.formula
    for value in realization.values:
        for figure in value.figures.values():
            assert figure.formula
    assert len(realization.conventions) == len(CONVENTIONS)
    assert "1 / probability" in realization.conventions[4]


def test_a_wider_threshold_calms_the_signals():
    case, evaluation = case_and_evaluation()
    calm = realize(case, evaluation, sample_actuals(case), 2, threshold=Decimal("0.6"))
    assert [s.kind for s in calm.signals] == ["missing_actuals"]
    assert calm.relief_threshold == Decimal("0.4")
    assert all(i.status == "relieved" for i in calm.issues)


def test_a_correction_keeps_history_and_the_latest_wins():
    case, evaluation = case_and_evaluation()
    actuals = sample_actuals(case)
    first = next(a for a in actuals if a.key == ("v-leakage", 2))
    first = dataclasses.replace(first, id="a-17")
    actuals = [first if a.key == ("v-leakage", 2) else a for a in actuals]
    fixed = correct(
        first,
        Decimal("0.5"),
        entered_by="J. Bakker",
        entered_at=IMPORTED + dt.timedelta(days=3),
        note="audit re-run on the full ledger",
    )
    assert fixed.supersedes == "a-17" and fixed.key == first.key
    result = realize(case, evaluation, [*actuals, fixed], 2)
    leakage = by_id(result, "v-leakage")
    assert leakage.realized == [0, 480000, 1920000]  # the corrected 0.5: the full effect
    point = leakage.points[1]
    assert point.actual == Decimal("0.5") and point.entry is fixed and point.corrections == 1
    # the history is kept: handing in the list in another order changes nothing
    again = realize(case, evaluation, [fixed, *actuals], 2)
    assert by_id(again, "v-leakage").realized == leakage.realized


def test_a_relapse_is_not_booked_and_a_recovery_not_released_twice():
    case, evaluation = case_and_evaluation()
    actuals = [actual("v-dso", 1, "53"), actual("v-dso", 2, "57"), actual("v-dso", 3, "53")]
    dso = by_id(realize(case, evaluation, actuals, 3), "v-dso")
    # 6 days (8,000,000) in period 1; back to 2 days: nothing; 6 days again: nothing.
    assert dso.realized == [0, 8000000, 0, 0]
    # delivery (6/7 + 2/7 + 6/7) / (0.5 + 1 + 1) = 2 / 2.5 = 0.8
    assert q(dso.figures["delivery_rate"].value, "1E-24") == Decimal("0.8")


def test_actuals_after_as_of_are_ignored():
    case, evaluation = case_and_evaluation()
    result = realize(case, evaluation, sample_actuals(case), 1)
    assert by_id(result, "v-order-desk").realized == [0, 840000]
    assert result.totals["realized_to_date"].value == 5320000
    assert result.goal.latest == 88
    # the run rate of period 1 relative to its plan: order desk 1.2 x f -> 840,000 a year
    assert by_id(result, "v-order-desk").reforecast == [0, 840000, 840000, 840000]


def test_without_actuals_nothing_is_realized_and_the_plan_stands():
    case, evaluation = case_and_evaluation()
    result = realize(case, evaluation, [], 2)
    assert result.totals["realized_to_date"].value == 0
    assert result.totals["realization_rate"].value == 0
    assert [r.reforecast for r in result.cash_flow][3] == evaluation.cash_flow[3].benefits
    assert all(v.status == "pending" for v in result.values)
    assert all(i.status == "pending" for i in result.issues)
    missing = {s.value_id: s.periods for s in result.signals}
    assert missing == {
        "v-dso": (1, 2),
        "v-leakage": (1, 2),
        "v-order-desk": (1, 2),
        "v-disputes": (1, 2),
        None: (1, 2),
    }


def test_an_unmeasurable_value_is_signalled():
    case, _ = case_and_evaluation()
    case.values[2].indicator.target = None
    evaluation = evaluate(case, simulate=False)
    result = realize(case, evaluation, sample_actuals(case), 2)
    desk = by_id(result, "v-order-desk")
    assert desk.status == "unmeasurable" and not desk.measurable
    assert desk.realized == [0, 0, 0]
    assert desk.reforecast[3] == desk.expected[3]  # nothing measured: the plan stands
    assert ("unmeasurable", "v-order-desk") in [(s.kind, s.value_id) for s in result.signals]
    assert {i.issue_id: i.status for i in result.issues}["i-order-entry"] == "pending"


def test_an_actual_beyond_the_baseline_is_rejected_with_its_position():
    case, evaluation = case_and_evaluation()
    # DSO -1 means 60 days saved; the baseline holds 79M x 360 / 480M = 59.25 days.
    with pytest.raises(ActualsError) as raised:
        realize(case, evaluation, [actual("v-leakage", 1, "0.8"), actual("v-dso", 1, "-1")], 1)
    assert raised.value.errors[0]["index"] == 1
    assert raised.value.errors[0]["code"] == "impossible_improvement"


def test_actuals_that_do_not_fit_the_case_are_rejected():
    case, evaluation = case_and_evaluation()
    bad = [actual("v-nope", 1, "1"), actual("v-dso", 4, "55")]
    with pytest.raises(ActualsError) as raised:
        realize(case, evaluation, bad, 2)
    codes = [(e["index"], e["field"], e["code"]) for e in raised.value.errors]
    assert codes == [(0, "value_id", "unknown_value"), (1, "period", "period_outside_horizon")]


def test_arguments_are_checked():
    case, evaluation = case_and_evaluation()
    for as_of in (0, 4, True):
        with pytest.raises(OutOfRangeError, match="as_of_period"):
            realize(case, evaluation, [], as_of)
    with pytest.raises(OutOfRangeError, match="threshold"):
        realize(case, evaluation, [], 1, threshold=Decimal(1))
    other = load_case(dump_case(case))
    other.discount_rate = Decimal("0.12")
    with pytest.raises(ValueError, match="not of this case"):
        realize(other, evaluation, [], 1)


def test_signals_speak_the_case_language():
    case = load_case(
        json.loads((ROOT / "samples" / "zh-manufacturing-erp.json").read_text(encoding="utf-8"))
    )
    evaluation = evaluate(case, simulate=False)
    result = realize(case, evaluation, [actual("v-scrap", 1, "3.1")], 1)
    kinds = {(s.kind, s.value_id) for s in result.signals}
    assert ("behind", "v-scrap") in kinds
    assert all("计划" in s.message or "缺少" in s.message for s in result.signals)
    assert "概率" in result.conventions[4]


def test_a_run_rate_beyond_the_baseline_is_held_at_the_latest_measurement():
    case, evaluation = case_and_evaluation()
    # DSO 29 in period 1: 30 days saved at a planned 0.5 -> run rate 60 days, more than the
    # 59.25 the receivables hold; the forecast holds the 30 days, already released.
    dso = by_id(realize(case, evaluation, [actual("v-dso", 1, "29")], 1), "v-dso")
    assert dso.realized == [0, 40000000]
    assert dso.reforecast == [0, 40000000, 0, 0]
    assert [p.forecast for p in dso.points] == [None, 29, 29]  # 59 - 30 days, held


def test_an_early_release_is_not_forecast_again():
    case, _ = case_and_evaluation()
    case.values[0].timing.start_period = 2  # planned f = 0, 0.5, 1
    evaluation = evaluate(case, simulate=False)
    dso = by_id(realize(case, evaluation, [actual("v-dso", 1, "56")], 1), "v-dso")
    # 3 days released in period 1, before the plan starts: it counts.
    assert dso.realized == [0, 4000000]
    assert dso.status == "pending" and dso.missing_periods == ()
    # Nothing measured inside the plan yet: the plan's release beyond the 3 days, weighted
    # by p 0.8 - period 2: (3.5 - 3) days, period 3: (7 - 3.5) days, x 1,333,333.33 x 0.8.
    assert q(dso.reforecast[2]) == Decimal("533333.333333")
    assert q(dso.reforecast[3]) == Decimal("3733333.333333")
