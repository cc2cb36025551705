"""Marshmallow schemas that dump a :class:`~valueframe.realization.Realization` to JSON.

The rounding rule is the evaluation's (:mod:`valueframe.evaluation_schema`): money to 0.01,
ratios and rates to 0.000001, goal and indicator quantities to 0.0001, discount factors to
0.00000001, all half-even, every number a decimal string. A measured indicator value is
written exactly as it was entered. ``null`` means "does not exist" (no rate when nothing
was expected, no actual for a period), never zero.
"""

from __future__ import annotations

import datetime as dt

from marshmallow import Schema, fields

from valueframe.evaluation_schema import FigureSchema, _number


def _exact(**kwargs) -> fields.Decimal:
    """A decimal as entered (a measured indicator value): exact, not rounded."""
    return fields.Decimal(as_string=True, allow_none=True, **kwargs)


class _Utc(fields.Field):
    """A timezone-aware time in UTC with microseconds and ``Z`` (the API's one spelling)."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class EntrySchema(Schema):
    """The actual a figure rests on (the current entry of its value and period)."""

    id = fields.String(allow_none=True)
    measured_on = fields.Date()
    source = fields.String()
    entered_by = fields.String()
    entered_at = _Utc(metadata={"type": "string", "format": "date-time"})
    note = fields.String()


class IndicatorPointSchema(Schema):
    period = fields.Integer()
    planned_effect = _number("ratio", metadata={"description": "the plan's ramp fraction"})
    planned = _number("goal_unit", metadata={"description": "the plan's indicator value"})
    actual = _exact(metadata={"description": "the measured indicator value (current entry)"})
    effect = _number("ratio", metadata={"description": "(actual - baseline) / (target - baseline)"})
    forecast = _number("goal_unit", metadata={"description": "re-forecast after as_of"})
    entry = fields.Nested(EntrySchema, allow_none=True)
    corrections = fields.Integer(metadata={"description": "earlier entries, superseded"})


class ValueRealizationSchema(Schema):
    value_id = fields.String()
    name = fields.String()
    kind = fields.String(metadata={"enum": ["financial", "non_financial"]})
    probability = _number("ratio")
    measurable = fields.Boolean()
    status = fields.String(
        metadata={"enum": ["ahead", "on_plan", "behind", "pending", "unmeasurable"]}
    )
    indicator = fields.Dict(keys=fields.String(), values=fields.String(allow_none=True))
    points = fields.List(fields.Nested(IndicatorPointSchema))
    expected = fields.List(_number("money"), metadata={"description": "periods 0..n"})
    realized = fields.List(_number("money"), metadata={"description": "periods 0..as_of"})
    reforecast = fields.List(_number("money"), metadata={"description": "periods 0..n"})
    figures = fields.Dict(keys=fields.String(), values=fields.Nested(FigureSchema))
    missing_periods = fields.List(fields.Integer())


class RealizationRowSchema(Schema):
    period = fields.Integer()
    starts_on = fields.Date(allow_none=True)
    expected = _number("money")
    realized = _number("money", metadata={"description": "null after as_of"})
    reforecast = _number("money")
    costs = _number("money")
    discount_factor = _number("factor")


class GoalPointSchema(Schema):
    period = fields.Integer()
    expected = _number("goal_unit")
    actual = _exact()
    entry = fields.Nested(EntrySchema, allow_none=True)
    corrections = fields.Integer()


class GoalProgressSchema(Schema):
    metric = fields.String()
    unit = fields.String()
    baseline = _number("goal_unit")
    target = _number("goal_unit")
    deadline = fields.Date(allow_none=True)
    points = fields.List(fields.Nested(GoalPointSchema))
    latest_period = fields.Integer(allow_none=True)
    latest = _exact()
    progress = fields.Nested(FigureSchema)
    expected_progress = fields.Nested(FigureSchema)
    missing_periods = fields.List(fields.Integer())


class IssueReliefSchema(Schema):
    issue_id = fields.String()
    title = fields.String()
    cell = fields.String(allow_none=True, metadata={"description": "e.g. process.design"})
    status = fields.String(metadata={"enum": ["relieved", "not_relieved", "pending", "unlinked"]})
    value_ids = fields.List(fields.String())
    delivery = fields.Dict(
        keys=fields.String(),
        values=_number("ratio"),
        metadata={"description": "linked value -> its delivery rate (null: not measured)"},
    )


class CellReliefSchema(Schema):
    code = fields.String()
    relieved = fields.List(fields.String())
    not_relieved = fields.List(fields.String())
    pending = fields.List(fields.String())
    unlinked = fields.List(fields.String())


class SignalSchema(Schema):
    kind = fields.String(metadata={"enum": ["behind", "ahead", "missing_actuals", "unmeasurable"]})
    value_id = fields.String(allow_none=True, metadata={"description": "null = the goal"})
    message = fields.String()
    rate = _number("ratio")
    periods = fields.List(fields.Integer())


class RealizationSchema(Schema):
    method = fields.String()
    methodology_version = fields.String()
    input_hash = fields.String()
    currency = fields.String()
    locale = fields.String()
    as_of_period = fields.Integer()
    periods = fields.Integer()
    period_months = fields.Integer()
    period_rate = _number("rate")
    npv_convention = fields.String()
    threshold = _number("ratio")
    relief_threshold = _number("ratio")
    values = fields.List(fields.Nested(ValueRealizationSchema))
    totals = fields.Dict(keys=fields.String(), values=fields.Nested(FigureSchema))
    cash_flow = fields.List(fields.Nested(RealizationRowSchema))
    goal = fields.Nested(GoalProgressSchema, allow_none=True)
    issues = fields.List(fields.Nested(IssueReliefSchema))
    cells = fields.List(fields.Nested(CellReliefSchema))
    signals = fields.List(fields.Nested(SignalSchema))
    conventions = fields.List(fields.String())


def dump_realization(realization) -> dict:
    return RealizationSchema().dump(realization)
