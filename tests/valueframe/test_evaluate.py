"""Evaluation of a small case worked entirely by hand.

The case (CNY, three annual periods, discount rate 10%, 365-day year):

Baseline: revenue 1,000,000; COGS 600,000; variable costs 500,000 -> CM ratio 0.5;
fixed costs 300,000; inventory 120,000 (DIO = 120,000 x 365 / 600,000 = 73 days);
receivables 200,000; payables 100,000; carrying-cost rate 10%.

Costs: 100,000 one-off in period 0 and 10,000 per year in periods 1-3
-> costs = [100,000, 10,000, 10,000, 10,000].

v1, revenue uplift 80k / 100k / 120k per year, probability 0.8, starts period 1, linear
ramp over 2 periods (fractions 0.5, 1, 1). Valued at the CM ratio, never full revenue:
likely 100,000 x 0.5 = 50,000/yr; expected 50,000 x 0.8 = 40,000/yr
-> [0, 20,000, 40,000, 40,000].

v2, inventory days 18.25 / 36.5 / 54.75, probability 0.5, starts period 1, no ramp.
One-off release = 36.5 days x 600,000 / 365 = 60,000, expected 30,000 in period 1.
Carrying-cost saving = 60,000 x 10% = 6,000/yr, expected 3,000/yr in periods 1-3.
(The cost of capital on the 60,000 is NOT added: its perpetuity is the release itself.)

Benefits = [0, 20,000 + 30,000 + 3,000, 40,000 + 3,000, 43,000] = [0, 53,000, 43,000, 43,000]
Net      = [-100,000, 43,000, 33,000, 33,000]; cumulative -100,000, -57,000, -24,000, 9,000.
ROI      = (139,000 - 130,000) / 130,000 = 0.0692307...
NPV(10%) = -100,000 + 43,000/1.1 + 33,000/1.21 + 33,000/1.331 = -8,842.975206...
           (a negative NPV is a result, shown as it is)
Payback  = 2 + 24,000 / 33,000 = 2.7272... years; discounted payback: never (ends -8,842.98).
Cost of delay = (40,000 + 3,000) / 12 = 3,583.33... per month.
Goal: revenue 1,000,000 -> 1,200,000; v1 contributes 100,000 x 0.8 = 80,000 -> 40% of the gap.
Scenarios (probability-weighted): conservative net [-100,000, 22,500, 23,500, 23,500]
-> NPV -42,468.069121; optimistic net [-100,000, 63,500, 42,500, 42,500] -> NPV 24,782.118708.
Turnover at full effect: inventory 120,000 -> 60,000, DIO 73 -> 36.5, release 60,000.
Margin at full effect: revenue 1,100,000, variable costs 550,000, CM 550,000, operating
profit 250,000 (from 200,000).
"""

from decimal import Decimal

import pytest

from calculators.errors import OutOfRangeError
from valueframe.evaluate import evaluate
from valueframe.evaluation_schema import dump_evaluation
from valueframe.schema import dump_case, load_case


def hand_case() -> dict:
    return {
        "title": "Hand-worked case",
        "customer": {"name": "Test Co", "industry": "manufacturing"},
        "seller": {"name": "Seller"},
        "currency": "CNY",
        "locale": "en",
        "horizon_years": 3,
        "period_months": 12,
        "discount_rate": "0.10",
        "day_count": 365,
        "baseline": {
            "revenue": "1000000",
            "cogs": "600000",
            "variable_costs": "500000",
            "fixed_costs": "300000",
            "inventory": "120000",
            "receivables": "200000",
            "payables": "100000",
            "carrying_cost_rate": "0.10",
        },
        "goal": {
            "statement": "Revenue 1.2M",
            "viewpoint": "own",
            "metric": "revenue",
            "unit": "CNY",
            "baseline": "1000000",
            "target": "1200000",
        },
        "issues": [
            {
                "id": "i1",
                "title": "Slow stock",
                "kind": "CBI",
                "cell": {"level": "process", "dimension": "design"},
            }
        ],
        "solution": {
            "name": "Plan",
            "level": "process",
            "addresses": [{"issue_id": "i1"}],
            "costs": [
                {"name": "licence", "kind": "one_off", "amount": "100000", "period": 0},
                {"name": "support", "kind": "recurring", "amount": "10000"},
            ],
        },
        "values": [
            {
                "id": "v1",
                "name": "More sales",
                "kind": "financial",
                "indicator": {"name": "revenue"},
                "issue_ids": ["i1"],
                "driver": {
                    "type": "revenue_uplift",
                    "improvement": {"low": "80000", "likely": "100000", "high": "120000"},
                },
                "timing": {"start_period": 1, "ramp_periods": 2},
                "probability": "0.8",
                "goal_contribution": "100000",
            },
            {
                "id": "v2",
                "name": "Less stock",
                "kind": "financial",
                "indicator": {"name": "DIO", "unit": "days"},
                "issue_ids": ["i1"],
                "driver": {
                    "type": "working_capital",
                    "component": "inventory",
                    "improvement": {"low": "18.25", "likely": "36.5", "high": "54.75"},
                },
                "probability": "0.5",
                "goal_contribution": "0",
            },
        ],
        "simulation": {"trials": 2000, "seed": 7},
    }


@pytest.fixture(scope="module")
def evaluation():
    return evaluate(load_case(hand_case()))


def close(value: Decimal, expected: str, places: str = "0.000001") -> bool:
    return abs(value - Decimal(expected)) < Decimal(places)


def test_cash_flow_rows_are_the_hand_worked_ones(evaluation):
    rows = evaluation.cash_flow
    assert [r.benefits for r in rows] == [0, 53000, 43000, 43000]
    assert [r.costs for r in rows] == [100000, 10000, 10000, 10000]
    assert [r.net for r in rows] == [-100000, 43000, 33000, 33000]
    assert [r.cumulative for r in rows] == [-100000, -57000, -24000, 9000]
    assert close(rows[-1].cumulative_discounted, "-8842.975206611570247933884")


def test_headline_figures(evaluation):
    h = evaluation.headline
    assert close(h["npv"].value, "-8842.975206611570247933884")
    assert close(h["roi"].value, "0.06923076923076923")
    assert close(h["payback_years"].value, "2.727272727272727")
    assert h["discounted_payback_years"].value is None
    assert close(h["cost_of_delay_per_month"].value, "3583.333333333333")
    assert close(h["goal_attainment"].value, "0.4")
    assert h["total_benefits"].value == 139000
    assert h["total_costs"].value == 130000


def test_irr_is_unique_and_zeroes_the_npv(evaluation):
    assert evaluation.irr.status == "unique"
    rate = evaluation.irr.rate
    net = [r.net for r in evaluation.cash_flow]
    assert abs(sum(c / (1 + rate) ** t for t, c in enumerate(net))) < Decimal("0.001")
    assert close(rate, "0.0465863", "0.0000001")


def test_value_streams_keep_release_and_carrying_cost_apart(evaluation):
    v2 = next(v for v in evaluation.values if v.value_id == "v2")
    streams = {s.key: s for s in v2.streams}
    assert set(streams) == {"release", "carrying_cost"}
    assert streams["release"].kind == "one_off"
    assert streams["release"].amount["likely"].value == 60000
    assert streams["release"].schedule == [0, 30000, 0, 0]
    assert streams["carrying_cost"].schedule == [0, 3000, 3000, 3000]
    v1 = next(v for v in evaluation.values if v.value_id == "v1")
    assert v1.streams[0].schedule == [0, 20000, 40000, 40000]
    assert v1.streams[0].amount["likely"].inputs["cm_ratio"] == "0.5"


def test_scenarios_are_probability_weighted(evaluation):
    npv = {s.name: s.npv for s in evaluation.scenarios}
    assert close(npv["conservative"], "-42468.06912096168")
    assert close(npv["likely"], "-8842.975206611570")
    assert close(npv["optimistic"], "24782.11870773854")


def test_turnover_and_margin_before_after(evaluation):
    turnover = evaluation.turnover
    assert turnover.before["dio"] == 73
    assert turnover.after["dio"] == Decimal("36.5")
    assert turnover.release["inventory_release"] == 60000
    margin = evaluation.margin
    assert margin.before["operating_profit"] == 200000
    assert margin.after["revenue"] == 1100000
    assert margin.after["operating_profit"] == 250000


def test_simulation_and_tornado_are_present_and_ordered(evaluation):
    sim = evaluation.simulation
    assert sim.trials == 2000
    assert sim.npv.p10 <= sim.npv.p50 <= sim.npv.p90
    assert sum(sim.histogram_counts) == 2000
    swings = [bar.swing for bar in evaluation.tornado]
    assert swings == sorted(swings, reverse=True)
    assert {bar.value_id for bar in evaluation.tornado} == {"v1", "v2"}


def test_round_trip_gives_the_same_evaluation():
    case = load_case(hand_case())
    again = load_case(dump_case(case))
    assert dump_evaluation(evaluate(again)) == dump_evaluation(evaluate(case))


def test_input_hash_changes_with_inputs_and_only_with_them():
    document = hand_case()
    first = evaluate(load_case(document), simulate=False).input_hash
    assert evaluate(load_case(document), simulate=False).input_hash == first
    document["discount_rate"] = "0.11"
    assert evaluate(load_case(document), simulate=False).input_hash != first


def test_dumped_money_is_rounded_half_even_to_cents(evaluation):
    dumped = dump_evaluation(evaluation)
    assert dumped["headline"]["npv"]["value"] == "-8842.98"
    assert dumped["headline"]["roi"]["value"] == "0.069231"
    assert dumped["headline"]["discounted_payback_years"]["value"] is None
    assert dumped["cash_flow"][1]["net"] == "43000.00"


def test_days_beyond_the_baseline_are_rejected_naming_the_field():
    document = hand_case()
    document["values"][1]["driver"]["improvement"]["high"] = "80"  # DIO is only 73 days
    with pytest.raises(OutOfRangeError) as caught:
        evaluate(load_case(document), simulate=False)
    assert caught.value.argument == "values.1.driver.improvement"


def test_missing_probability_counts_as_certain_and_warns():
    document = hand_case()
    del document["values"][0]["probability"]
    evaluation = evaluate(load_case(document), simulate=False)
    v1 = evaluation.values[0]
    assert v1.probability == 1
    assert v1.streams[0].schedule == [0, 25000, 50000, 50000]
    assert evaluation.warnings
    assert any(f.code == "value_without_probability" for f in evaluation.findings)
