"""Property tests (hypothesis) of realization: invariants that hold for any case.

- Actuals that follow the plan exactly realize the plan: with probability 1 the realized
  schedule equals the evaluation's expected schedule period by period (rate 1, delivery 1,
  no behind/ahead signal, the re-forecast equals the plan); with probability p the realized
  money is the expected money / p.
- A one-off release is never released twice: whatever the indicator does, the cash released
  to date equals the release at the best improvement reached, and no period is negative.
- A CSV written from actuals imports back to the same actuals.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from calculators import risk
from valueframe.actuals import Actual, parse_actuals_csv
from valueframe.evaluate import evaluate
from valueframe.fields import PLACES_LIMIT
from valueframe.realization import realize
from valueframe.schema import load_case
from valueframe.valuation import stream_amounts

SETTINGS = settings(max_examples=60, deadline=None)
STAMP = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
TOLERANCE = Decimal("1E-18")

DRIVERS = st.sampled_from(
    [
        ("revenue_uplift", None, "250000"),
        ("cost_reduction", None, "120000"),
        ("cost_avoidance", None, "80000"),
        ("price_realisation", None, "40000"),
        ("margin_improvement", None, "0.02"),
        ("working_capital", "inventory", "20"),
        ("working_capital", "receivables", "15"),
        ("working_capital", "payables", "10"),
    ]
)


def case_document(driver, timing, probability, scope, years, horizon, months, indicator):
    kind, component, likely = driver
    start, ramp, curve = timing
    value = {
        "id": "v1",
        "name": "value",
        "kind": "financial",
        "indicator": {"name": "kpi", "baseline": indicator[0], "target": indicator[1]},
        "driver": {
            "type": kind,
            "improvement": {"low": likely, "likely": likely, "high": likely},
            **({"component": component} if component else {}),
        },
        "timing": {"start_period": start, "ramp_periods": ramp, "curve": curve},
        "probability": probability,
        "extension": {"scope_multiplier": scope, "years": years},
    }
    return {
        "title": "property case",
        "customer": {"name": "c", "industry": "i"},
        "seller": {"name": "s"},
        "currency": "EUR",
        "locale": "en",
        "horizon_years": horizon,
        "period_months": months,
        "discount_rate": "0.1",
        "baseline": {
            "revenue": "2000000",
            "cogs": "1200000",
            "variable_costs": "1000000",
            "fixed_costs": "500000",
            "inventory": "400000",
            "receivables": "300000",
            "payables": "200000",
            "carrying_cost_rate": "0.1",
        },
        "solution": {
            "name": "s",
            "level": "process",
            "costs": [{"name": "c", "kind": "one_off", "amount": "100000"}],
        },
        "values": [value],
    }


indicators = st.sampled_from(
    [("100", "80"), ("2.9", "1.0"), ("40", "65"), ("0", "1"), ("-5", "5"), ("86", "95")]
)
timings = st.tuples(st.integers(1, 3), st.integers(0, 4), st.sampled_from(["linear", "s_curve"]))


@st.composite
def planned_cases(draw, probability=None):
    months = draw(st.sampled_from([3, 6, 12]))
    horizon = draw(st.integers(1, 3))
    document = case_document(
        draw(DRIVERS),
        draw(timings),
        probability or draw(st.sampled_from(["1", "0.8", "0.35"])),
        draw(st.sampled_from(["1", "1.5", "3"])),
        draw(st.sampled_from([None, 1, 2])),
        horizon,
        months,
        draw(indicators),
    )
    case = load_case(document)
    as_of = draw(st.integers(1, case.periods))
    return case, as_of


def on_plan(case, evaluation, as_of):
    """An actual per period 1..as_of exactly on the plan: baseline + f_t x (target - baseline),
    with f_t read from the evaluation's own schedule shape."""
    value = case.values[0]
    b, g = value.indicator.baseline, value.indicator.target
    timing = value.timing
    years = value.extension.years
    end = None if years is None else timing.start_period + years * case.periods_per_year - 1
    f = risk.ramp_fractions(
        case.periods, timing.start_period, timing.ramp_periods, timing.curve, end
    )
    return [
        Actual("v1", t, b + f[t] * (g - b), dt.date(2030, 1, 1), "plan", "hypothesis", STAMP)
        for t in range(1, as_of + 1)
    ]


def close(a: Decimal, b: Decimal) -> bool:
    return abs(a - b) <= TOLERANCE * max(Decimal(1), abs(a), abs(b))


@SETTINGS
@given(planned_cases(probability="1"))
def test_actuals_on_plan_with_certainty_realize_exactly_the_plan(drawn):
    case, as_of = drawn
    evaluation = evaluate(case, simulate=False)
    result = realize(case, evaluation, on_plan(case, evaluation, as_of), as_of)
    value = result.values[0]
    for realized, expected in zip(value.realized, value.expected, strict=False):
        assert close(realized, expected)
    for forecast, expected in zip(value.reforecast, value.expected, strict=True):
        assert close(forecast, expected)
    rate = value.figures["realization_rate"].value
    assert rate is None or close(rate, Decimal(1))
    delivery = value.figures["delivery_rate"].value
    assert delivery is None or close(delivery, Decimal(1))
    assert not [s for s in result.signals if s.kind in ("behind", "ahead")]
    assert close(result.totals["reforecast_npv"].value, evaluation.headline["npv"].value)


@SETTINGS
@given(planned_cases())
def test_realized_money_is_the_expected_money_without_probability(drawn):
    case, as_of = drawn
    probability = case.values[0].probability
    evaluation = evaluate(case, simulate=False)
    value = realize(case, evaluation, on_plan(case, evaluation, as_of), as_of).values[0]
    for realized, expected in zip(value.realized, value.expected, strict=False):
        assert close(realized * probability, expected)


@SETTINGS
@given(
    st.sampled_from(["inventory", "receivables", "payables"]),
    st.lists(st.decimals(min_value=-30, max_value=30, places=1), min_size=1, max_size=4),
)
def test_a_one_off_release_is_never_released_twice(component, days):
    document = case_document(
        ("working_capital", component, "10"),
        (1, 2, "linear"),
        "0.8",
        "2",
        None,
        1,
        3,
        ("0", "10"),  # the indicator is the days saved: actual = improvement
    )
    case = load_case(document)
    evaluation = evaluate(case, simulate=False)
    actuals = [
        Actual("v1", t, d, dt.date(2030, 1, 1), "s", "e", STAMP) for t, d in enumerate(days, 1)
    ]
    value = realize(case, evaluation, actuals, len(days)).values[0]
    assert all(amount >= 0 for amount in value.realized)
    best = max(Decimal(0), *days)
    streams = stream_amounts(case.values[0], best, case.baseline, case.day_count, "v")
    release = next(s.amount for s in streams if s.key == "release") * 2
    assert close(value.figures["cash_released_to_date"].value, release)
    assert sum(value.reforecast) >= sum(value.realized)


names = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() == s and s.strip())


@SETTINGS
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["v1", None]),
            st.integers(1, 4),
            st.decimals(
                allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9
            ).filter(lambda d: -d.as_tuple().exponent <= PLACES_LIMIT),
            st.dates(dt.date(2000, 1, 1), dt.date(2100, 12, 31)),
            names,
            names,
        ),
        min_size=1,
        max_size=8,
        unique_by=lambda row: (row[0], row[1]),
    )
)
def test_a_csv_written_from_actuals_imports_back(rows):
    document = case_document(
        ("cost_reduction", None, "1000"), (1, 0, "linear"), "1", "1", None, 1, 3, ("1", "2")
    )
    document["goal"] = {
        "statement": "g",
        "viewpoint": "own",
        "metric": "m",
        "unit": "%",
        "baseline": "1",
        "target": "2",
    }
    case = load_case(document)
    assume(all(not text.startswith("\ufeff") for row in rows for text in row[4:]))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["value_id", "period", "indicator_value", "measured_on", "source", "entered_by"]
    )
    for value_id, period, number, day, source, who in rows:
        writer.writerow([value_id or "goal", period, str(number), day.isoformat(), source, who])
    imported = parse_actuals_csv(out.getvalue(), case, entered_at=STAMP)
    assert [(a.value_id, a.period, a.indicator_value, a.measured_on) for a in imported] == [
        (value_id, period, number, day) for value_id, period, number, day, _, _ in rows
    ]
    assert [(a.source, a.entered_by) for a in imported] == [(r[4], r[5]) for r in rows]
