"""Schemas of the stateless compute endpoints.

Money and rates are decimal strings in and out (JSON numbers are accepted on input and read
through their decimal text); the batch endpoint alone takes and returns plain JSON numbers
(float64) for volume.
"""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from api.extensions.api import StrictSchema
from api.extensions.fields import DecimalString, FlowMatrix
from valueframe.fields import Money, Rate

MAX_PERIODS = 1200


def _currency():
    return fields.String(
        required=True,
        validate=validate.Regexp(r"^[A-Z]{3}$", error="an ISO 4217 code such as CNY, EUR"),
        metadata={"example": "CNY", "description": "ISO 4217 currency of every amount"},
    )


def _amount(**kwargs):
    return Money(minimum=0, **kwargs)


# -- returns ---------------------------------------------------------------------------------


class ReturnsRequestSchema(StrictSchema):
    currency = _currency()
    rate = Rate(
        required=True,
        metadata={"description": "Discount rate per period (0.1 = 10%), > -1"},
    )
    flows = fields.List(
        Money(),
        required=True,
        validate=validate.Length(min=1, max=MAX_PERIODS + 1),
        metadata={"description": "Net cash flow per period; flows[0] is period 0 (investment)"},
    )
    finance_rate = Rate(metadata={"description": "MIRR finance rate (default: rate)"})
    reinvest_rate = Rate(metadata={"description": "MIRR reinvestment rate (default: rate)"})
    dates = fields.List(
        fields.Date(),
        validate=validate.Length(min=1, max=MAX_PERIODS + 1),
        metadata={"description": "One date per flow: adds XNPV and XIRR (365-day year)"},
    )

    @validates_schema
    def _dates(self, data, **kwargs):
        dates, flows = data.get("dates"), data.get("flows")
        if dates is not None and flows is not None and len(dates) != len(flows):
            raise ValidationError(f"give one date per flow ({len(flows)})", "dates")


class IrrResponseSchema(StrictSchema):
    status = fields.String(required=True, validate=validate.OneOf(["unique", "none", "multiple"]))
    rate = DecimalString(required=True, allow_none=True)
    roots = fields.List(DecimalString(), required=True)
    message = fields.String(required=True)


class ReturnsResponseSchema(StrictSchema):
    currency = fields.String(required=True)
    rate = DecimalString(required=True)
    periods = fields.Integer(required=True, metadata={"description": "n: flows after period 0"})
    npv_convention = fields.String(required=True)
    npv = DecimalString(required=True)
    npv_excel = DecimalString(required=True)
    npv_excel_convention = fields.String(required=True)
    roi = DecimalString(required=True, allow_none=True)
    roi_convention = fields.String(required=True)
    irr = fields.Nested(IrrResponseSchema, required=True)
    mirr = DecimalString(required=True, allow_none=True)
    finance_rate = DecimalString(required=True)
    reinvest_rate = DecimalString(required=True)
    payback = DecimalString(required=True, allow_none=True)
    discounted_payback = DecimalString(required=True, allow_none=True)
    payback_convention = fields.String(required=True)
    xnpv = DecimalString(required=True, allow_none=True)
    xirr = DecimalString(required=True, allow_none=True)
    xnpv_convention = fields.String(required=True)


# -- turnover --------------------------------------------------------------------------------


class WorkingCapitalSchema(StrictSchema):
    revenue = _amount(required=True, metadata={"description": "Annual revenue"})
    cogs = _amount(required=True, metadata={"description": "Annual cost of goods sold"})
    inventory = _amount(required=True, metadata={"description": "Average inventory"})
    receivables = _amount(required=True, metadata={"description": "Average receivables"})
    payables = _amount(required=True, metadata={"description": "Average payables"})
    cash = _amount(allow_none=True, metadata={"description": "Average cash (optional)"})


class TurnoverRequestSchema(StrictSchema):
    currency = _currency()
    day_count = fields.Integer(load_default=365, validate=validate.OneOf([360, 365]), strict=True)
    before = fields.Nested(WorkingCapitalSchema, required=True)
    after = fields.Nested(WorkingCapitalSchema, required=True)


class TurnoverProfileSchema(StrictSchema):
    inventory_turnover = DecimalString(required=True, allow_none=True)
    dio = DecimalString(required=True)
    receivables_turnover = DecimalString(required=True, allow_none=True)
    dso = DecimalString(required=True)
    payables_turnover = DecimalString(required=True, allow_none=True)
    dpo = DecimalString(required=True)
    ccc = DecimalString(required=True)
    cash_turnover = DecimalString(required=True, allow_none=True)
    day_count = fields.Integer(required=True)


class ReleaseSchema(StrictSchema):
    dio_saved = DecimalString(required=True)
    dso_saved = DecimalString(required=True)
    dpo_gained = DecimalString(required=True)
    ccc_saved = DecimalString(required=True)
    inventory_release = DecimalString(required=True)
    receivables_release = DecimalString(required=True)
    payables_release = DecimalString(required=True)
    total_release = DecimalString(required=True)


class TurnoverResponseSchema(StrictSchema):
    currency = fields.String(required=True)
    day_count = fields.Integer(required=True)
    conventions = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    before = fields.Nested(TurnoverProfileSchema, required=True)
    after = fields.Nested(TurnoverProfileSchema, required=True)
    release = fields.Nested(ReleaseSchema, required=True)


# -- margin ----------------------------------------------------------------------------------


class MarginScenarioSchema(StrictSchema):
    price = _amount(required=True, metadata={"description": "Price per unit"})
    units = _amount(required=True, metadata={"description": "Units sold in the period"})
    unit_variable_cost = _amount(required=True)
    fixed_costs = _amount(required=True, metadata={"description": "Fixed costs of the period"})


class MarginRequestSchema(StrictSchema):
    currency = _currency()
    before = fields.Nested(MarginScenarioSchema, required=True)
    after = fields.Nested(MarginScenarioSchema, required=True)


class MarginResultSchema(StrictSchema):
    revenue = DecimalString(required=True)
    variable_costs = DecimalString(required=True)
    contribution_margin = DecimalString(required=True)
    unit_cm = DecimalString(required=True)
    cm_ratio = DecimalString(required=True, allow_none=True)
    fixed_costs = DecimalString(required=True)
    operating_profit = DecimalString(required=True)
    break_even_revenue = DecimalString(required=True, allow_none=True)
    break_even_units = DecimalString(required=True, allow_none=True)


class MarginResponseSchema(StrictSchema):
    currency = fields.String(required=True)
    conventions = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    before = fields.Nested(MarginResultSchema, required=True)
    after = fields.Nested(MarginResultSchema, required=True)
    profit_change = DecimalString(required=True)
    contribution_margin_change = DecimalString(required=True)
    price_effect = DecimalString(required=True)
    volume_effect = DecimalString(required=True)
    variable_cost_effect = DecimalString(required=True)
    fixed_cost_effect = DecimalString(required=True)


# -- batch -----------------------------------------------------------------------------------


class BatchRequestSchema(StrictSchema):
    currency = _currency()
    rate = fields.Float(
        allow_nan=False,
        validate=validate.Range(min=-1, max=10, min_inclusive=False),
        metadata={"description": "One discount rate per period for every row (> -1)"},
    )
    rates = fields.Raw(
        metadata={
            "description": "Or one rate per row (JSON numbers, each > -1)",
            "type": "array",
            "items": {"type": "number"},
        }
    )
    flows = FlowMatrix(
        required=True,
        metadata={
            "type": "array",
            "items": {"type": "array", "items": {"type": "number"}, "minItems": 1},
            "minItems": 1,
            "description": "Rows of cash flows as JSON numbers (float64); column 0 is period 0."
            " Shorter rows are padded with zeros (which change neither NPV nor IRR).",
        },
    )
    irr = fields.Boolean(load_default=True, metadata={"description": "Also solve IRR per row"})

    @validates_schema
    def _one_rate(self, data, **kwargs):
        if ("rate" in data) == ("rates" in data):
            raise ValidationError("give either rate or rates (one per row)", "rate")


class BatchResponseSchema(StrictSchema):
    currency = fields.String(required=True)
    rows = fields.Integer(required=True)
    periods = fields.Integer(required=True, metadata={"description": "Columns after period 0"})
    npv_convention = fields.String(required=True)
    irr_convention = fields.String(required=True)
    npv = fields.List(
        fields.Float(allow_none=True),
        required=True,
        metadata={"description": "NPV of row i at index i (null if it overflows)"},
    )
    irr = fields.List(
        fields.Float(allow_none=True),
        metadata={"description": "IRR per period of row i (null: none found)"},
    )
    irr_status = fields.List(
        fields.String(validate=validate.OneOf(["unique", "none", "multiple"])),
        metadata={"description": "unique, none, or multiple (several IRRs may exist)"},
    )
    sign_changes = fields.List(fields.Integer())
