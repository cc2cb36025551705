"""Marshmallow schemas that dump an :class:`~valueframe.evaluation.Evaluation` to JSON.

Rounding rule (the only place figures are rounded for JSON): money to 0.01, days and years
to 0.01, ratios and rates to 0.000001, all half-even; every number is a decimal string.
``null`` means "does not exist" (no IRR, never pays back, undefined ROI), never zero.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from marshmallow import Schema, fields

PLACES = {
    "money": Decimal("0.01"),
    "days": Decimal("0.01"),
    "years": Decimal("0.01"),
    "times": Decimal("0.0001"),
    "ratio": Decimal("0.000001"),
    "rate": Decimal("0.000001"),
    "goal_unit": Decimal("0.0001"),
    "factor": Decimal("0.00000001"),
}


def rounded(value: Decimal | None, unit: str) -> str | None:
    """``value`` as a decimal string rounded by the rule for ``unit``."""
    if value is None:
        return None
    return format(value.quantize(PLACES[unit], rounding=ROUND_HALF_EVEN), "f")


def _number(unit: str, **kwargs) -> fields.Decimal:
    places = -PLACES[unit].as_tuple().exponent
    return fields.Decimal(
        as_string=True, places=places, rounding=ROUND_HALF_EVEN, allow_none=True, **kwargs
    )


class _FigureValue(fields.Field):
    """A figure's value, rounded by the rule of the figure's own unit."""

    def _serialize(self, value, attr, obj, **kwargs):
        return rounded(value, obj.unit)


class _RoundedMapping(fields.Field):
    """A mapping of name -> Decimal, each rounded by a unit chosen from the name."""

    def __init__(self, unit_of, **kwargs):
        super().__init__(**kwargs)
        self.unit_of = unit_of

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return {key: rounded(number, self.unit_of(key)) for key, number in value.items()}


def _turnover_unit(key: str) -> str:
    if key.endswith(("release", "per_year")):
        return "money"
    return "times" if key.endswith("turnover") else "days"


def _margin_unit(key: str) -> str:
    return "ratio" if key == "cm_ratio" else "money"


class FigureSchema(Schema):
    key = fields.String()
    value = _FigureValue(metadata={"description": "decimal string, rounded by unit; null = none"})
    unit = fields.String()
    formula = fields.String()
    inputs = fields.Dict(keys=fields.String(), values=fields.String())
    note = fields.String()


class StreamSchema(Schema):
    key = fields.String()
    kind = fields.String()
    amount = fields.Dict(keys=fields.String(), values=fields.Nested(FigureSchema))
    expected = fields.Nested(FigureSchema)
    schedule = fields.List(_number("money"))


class ValueFiguresSchema(Schema):
    value_id = fields.String()
    name = fields.String()
    kind = fields.String()
    driver_type = fields.String(allow_none=True)
    component = fields.String(allow_none=True)
    probability = _number("ratio")
    evidence = fields.String()
    indicator = fields.Dict(keys=fields.String(), values=fields.String(allow_none=True))
    improvement = fields.Dict(
        keys=fields.String(), values=fields.Decimal(as_string=True), allow_none=True
    )
    streams = fields.List(fields.Nested(StreamSchema))
    total_expected = _number("money")
    goal_contribution = _number("goal_unit")


class CashFlowRowSchema(Schema):
    period = fields.Integer()
    starts_on = fields.Date(allow_none=True)
    benefits = _number("money")
    costs = _number("money")
    net = _number("money")
    cumulative = _number("money")
    discount_factor = _number("factor")
    discounted_net = _number("money")
    cumulative_discounted = _number("money")


class IrrSchema(Schema):
    status = fields.String(metadata={"enum": ["unique", "none", "multiple"]})
    rate = _number("rate")
    roots = fields.List(_number("rate"))
    message = fields.String()


class ScenarioSchema(Schema):
    name = fields.String()
    npv = _number("money")
    roi = _number("ratio")
    payback_years = _number("years")


class TurnoverComparisonSchema(Schema):
    before = _RoundedMapping(_turnover_unit)
    after = _RoundedMapping(_turnover_unit)
    release = _RoundedMapping(_turnover_unit)
    day_count = fields.Integer()


class MarginComparisonSchema(Schema):
    before = _RoundedMapping(_margin_unit)
    after = _RoundedMapping(_margin_unit)


def _percentiles_schema(unit: str) -> type[Schema]:
    return Schema.from_dict(
        {name: _number(unit) for name in ("p10", "p50", "p90", "mean")},
        name=f"Percentiles{unit.title()}",
    )


class SimulationSchema(Schema):
    trials = fields.Integer()
    seed = fields.Integer()
    npv = fields.Nested(_percentiles_schema("money"))
    roi = fields.Nested(_percentiles_schema("ratio"))
    payback_years = fields.Nested(_percentiles_schema("years"))
    probability_npv_positive = _number("ratio")
    probability_payback = _number("ratio")
    histogram_counts = fields.List(fields.Integer())
    histogram_edges = fields.List(_number("money"))


class TornadoBarSchema(Schema):
    name = fields.String()
    value_id = fields.String()
    stream = fields.String()
    low_input = _number("money")
    high_input = _number("money")
    npv_at_low = _number("money")
    npv_at_high = _number("money")
    base_npv = _number("money")
    swing = _number("money")


class GoalFiguresSchema(Schema):
    metric = fields.String()
    unit = fields.String()
    baseline = _number("goal_unit")
    target = _number("goal_unit")
    gap = _number("goal_unit")
    expected_movement = _number("goal_unit")
    projected = _number("goal_unit")
    attainment = fields.Nested(FigureSchema)


class FindingSchema(Schema):
    stage = fields.String(metadata={"enum": ["establish", "locate", "improve", "present"]})
    code = fields.String()
    severity = fields.String(metadata={"enum": ["error", "warning", "info"]})
    path = fields.String(metadata={"description": "dotted path of the field to fix"})
    message = fields.String()
    params = fields.Dict(keys=fields.String(), values=fields.String())


class EvaluationSchema(Schema):
    methodology_version = fields.String()
    input_hash = fields.String()
    currency = fields.String()
    locale = fields.String()
    periods = fields.Integer()
    period_months = fields.Integer()
    day_count = fields.Integer()
    discount_rate = _number("rate")
    period_rate = _number("rate")
    npv_convention = fields.String()
    values = fields.List(fields.Nested(ValueFiguresSchema))
    cash_flow = fields.List(fields.Nested(CashFlowRowSchema))
    headline = fields.Dict(keys=fields.String(), values=fields.Nested(FigureSchema))
    irr = fields.Nested(IrrSchema)
    scenarios = fields.List(fields.Nested(ScenarioSchema))
    turnover = fields.Nested(TurnoverComparisonSchema, allow_none=True)
    margin = fields.Nested(MarginComparisonSchema, allow_none=True)
    simulation = fields.Nested(SimulationSchema, allow_none=True)
    tornado = fields.List(fields.Nested(TornadoBarSchema))
    goal = fields.Nested(GoalFiguresSchema, allow_none=True)
    findings = fields.List(fields.Nested(FindingSchema))
    warnings = fields.List(fields.String())


def dump_evaluation(evaluation) -> dict:
    return EvaluationSchema().dump(evaluation)
