"""Marshmallow schemas of a value case: JSON in and out, reused by the API and the CLI.

The schemas are the single source of truth for the case's shape and validation, including
referential integrity (every ``issue_id``, ``csf_id`` and ``assumption_id`` must name an
element of the case). ``load`` returns :class:`valueframe.model.ValueCase`; ``dump`` of a
loaded case reproduces an equivalent document, so ``load(dump(case)) == case``.
"""

from __future__ import annotations

from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates_schema,
)

from valueframe import model
from valueframe.fields import (
    Color,
    Money,
    Name,
    PngBase64,
    Probability,
    Quantity,
    Rate,
    Text,
    one_of,
)

SCHEMA_VERSION = 1
_ID = validate.Regexp(r"^[A-Za-z0-9_.-]{1,64}$", error="ids are 1-64 of A-Z a-z 0-9 _ . -")
_SCORE = validate.Range(min=1, max=5)
_PERIOD = validate.Range(min=0, max=600)


class StrictSchema(Schema):
    """Unknown fields are errors, not silently dropped."""

    class Meta:
        unknown = RAISE
        ordered = True


def _build(cls):
    """A post_load hook that builds ``cls`` from the loaded dict."""

    @post_load
    def make(self, data, **kwargs):
        return cls(**data)

    return make


class CustomerSchema(StrictSchema):
    name = Name(required=True)
    industry = Name(required=True)
    size = fields.String(load_default="", validate=validate.Length(max=300))
    make = _build(model.Customer)


class SellerSchema(StrictSchema):
    name = Name(required=True)
    primary_color = Color(load_default="#1F3A5F")
    accent_color = Color(load_default="#C8102E")
    logo_png = PngBase64(load_default=None, allow_none=True)
    make = _build(model.Seller)


class BaselineSchema(StrictSchema):
    revenue = Money(required=True, minimum=0)
    cogs = Money(required=True, minimum=0)
    variable_costs = Money(required=True, minimum=0)
    fixed_costs = Money(required=True, minimum=0)
    inventory = Money(load_default=model.Baseline.inventory, minimum=0)
    receivables = Money(load_default=model.Baseline.receivables, minimum=0)
    payables = Money(load_default=model.Baseline.payables, minimum=0)
    cash = Money(load_default=None, allow_none=True, minimum=0)
    cost_of_capital = Rate(load_default=model.Baseline.cost_of_capital)
    carrying_cost_rate = Probability(load_default=model.Baseline.carrying_cost_rate)
    make = _build(model.Baseline)


class StrategicGoalSchema(StrictSchema):
    statement = Name(required=True)
    viewpoint = fields.String(required=True, validate=one_of(model.VIEWPOINTS))
    metric = Name(required=True)
    unit = fields.String(required=True, validate=validate.Length(max=40))
    baseline = Quantity(required=True)
    target = Quantity(required=True)
    deadline = fields.Date(load_default=None, allow_none=True)
    owner_role = fields.String(load_default="", validate=validate.Length(max=300))
    make = _build(model.StrategicGoal)


class CriticalSuccessFactorSchema(StrictSchema):
    id = fields.String(required=True, validate=_ID)
    name = Name(required=True)
    source = fields.String(required=True, validate=one_of(model.CSF_SOURCES))
    description = Text()
    make = _build(model.CriticalSuccessFactor)


class GridCellSchema(StrictSchema):
    level = fields.String(required=True, validate=one_of(model.LEVELS))
    dimension = fields.String(required=True, validate=one_of(model.DIMENSIONS))
    make = _build(model.GridCell)


class KeyIssueSchema(StrictSchema):
    id = fields.String(required=True, validate=_ID)
    title = Name(required=True)
    kind = fields.String(required=True, validate=one_of(model.ISSUE_KINDS))
    csf_id = fields.String(load_default=None, allow_none=True, validate=_ID)
    cell = fields.Nested(GridCellSchema, load_default=None, allow_none=True)
    importance = fields.Integer(load_default=3, validate=_SCORE, strict=True)
    hiddenness = fields.Integer(load_default=3, validate=_SCORE, strict=True)
    trend = fields.Integer(load_default=3, validate=_SCORE, strict=True)
    evidence = Text()
    affected_roles = fields.List(Name(), load_default=list, validate=validate.Length(max=50))
    selected = fields.Boolean(load_default=True)
    make = _build(model.KeyIssue)


class IssueAddressSchema(StrictSchema):
    issue_id = fields.String(required=True, validate=_ID)
    mode = fields.String(load_default="solve", validate=one_of(model.ADDRESS_MODES))
    rationale = Text()
    make = _build(model.IssueAddress)


class SolutionScoresSchema(StrictSchema):
    linkage = fields.Integer(load_default=3, validate=_SCORE, strict=True)
    innovation = fields.Integer(load_default=3, validate=_SCORE, strict=True)
    risk = fields.Integer(load_default=3, validate=_SCORE, strict=True)
    timeliness = fields.Integer(load_default=3, validate=_SCORE, strict=True)
    make = _build(model.SolutionScores)


class CostItemSchema(StrictSchema):
    name = Name(required=True)
    kind = fields.String(required=True, validate=one_of(model.COST_KINDS))
    amount = Money(required=True, minimum=0)
    period = fields.Integer(load_default=0, validate=_PERIOD, strict=True)
    start_period = fields.Integer(load_default=1, validate=_PERIOD, strict=True)
    end_period = fields.Integer(load_default=None, allow_none=True, validate=_PERIOD, strict=True)
    make = _build(model.CostItem)

    @validates_schema
    def _ordered(self, data, **kwargs):
        end = data.get("end_period")
        if end is not None and end < data.get("start_period", 1):
            raise ValidationError("must not be before start_period", "end_period")


class SolutionSchema(StrictSchema):
    name = Name(required=True)
    level = fields.String(required=True, validate=one_of(model.LEVELS))
    description = Text()
    capabilities = fields.List(Name(), load_default=list, validate=validate.Length(max=50))
    addresses = fields.List(
        fields.Nested(IssueAddressSchema), load_default=list, validate=validate.Length(max=200)
    )
    constraints = fields.List(Text(), load_default=list, validate=validate.Length(max=50))
    scores = fields.Nested(SolutionScoresSchema, load_default=model.SolutionScores)
    costs = fields.List(
        fields.Nested(CostItemSchema), load_default=list, validate=validate.Length(max=200)
    )
    make = _build(model.Solution)


class RangeSchema(StrictSchema):
    low = Quantity(required=True)
    likely = Quantity(required=True)
    high = Quantity(required=True)
    make = _build(model.Range)

    @validates_schema
    def _ordered(self, data, **kwargs):
        low, likely, high = data.get("low"), data.get("likely"), data.get("high")
        if None not in (low, likely, high) and not low <= likely <= high:
            raise ValidationError("must satisfy low <= likely <= high", "likely")


class DriverSchema(StrictSchema):
    type = fields.String(required=True, validate=one_of(model.DRIVER_TYPES))
    improvement = fields.Nested(RangeSchema, required=True)
    component = fields.String(
        load_default=None, allow_none=True, validate=one_of(model.WORKING_CAPITAL_COMPONENTS)
    )
    make = _build(model.Driver)

    @validates_schema
    def _component(self, data, **kwargs):
        working_capital = data.get("type") == "working_capital"
        if working_capital and not data.get("component"):
            raise ValidationError("required for a working_capital driver", "component")
        if not working_capital and data.get("component"):
            raise ValidationError("only a working_capital driver has a component", "component")
        improvement = data.get("improvement")
        is_margin = data.get("type") == "margin_improvement"
        if is_margin and improvement is not None and (improvement.low < 0 or improvement.high > 1):
            raise ValidationError(
                {"improvement": ["a margin improvement is a fraction between 0 and 1"]}
            )


class TimingSchema(StrictSchema):
    start_period = fields.Integer(load_default=1, validate=validate.Range(1, 600), strict=True)
    ramp_periods = fields.Integer(load_default=0, validate=validate.Range(0, 600), strict=True)
    curve = fields.String(load_default="linear", validate=one_of(model.CURVES))
    delay_low = fields.Integer(load_default=0, validate=validate.Range(0, 120), strict=True)
    delay_high = fields.Integer(load_default=0, validate=validate.Range(0, 120), strict=True)
    make = _build(model.Timing)

    @validates_schema
    def _delays(self, data, **kwargs):
        if data.get("delay_high", 0) < data.get("delay_low", 0):
            raise ValidationError("must not be below delay_low", "delay_high")


class ExtensionSchema(StrictSchema):
    scope_multiplier = Quantity(
        load_default=model.Extension.scope_multiplier, minimum=0, maximum=10_000
    )
    years = fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(1, 50), strict=True
    )
    make = _build(model.Extension)


class IndicatorSchema(StrictSchema):
    name = Name(required=True)
    unit = fields.String(load_default="", validate=validate.Length(max=40))
    baseline = Quantity(load_default=None, allow_none=True)
    target = Quantity(load_default=None, allow_none=True)
    make = _build(model.Indicator)


class PerformanceValueSchema(StrictSchema):
    id = fields.String(required=True, validate=_ID)
    name = Name(required=True)
    kind = fields.String(required=True, validate=one_of(model.VALUE_KINDS))
    indicator = fields.Nested(IndicatorSchema, required=True)
    issue_ids = fields.List(fields.String(validate=_ID), load_default=list)
    driver = fields.Nested(DriverSchema, load_default=None, allow_none=True)
    timing = fields.Nested(TimingSchema, load_default=model.Timing)
    probability = Probability(load_default=None, allow_none=True)
    extension = fields.Nested(ExtensionSchema, load_default=model.Extension)
    goal_contribution = Quantity(load_default=None, allow_none=True)
    evidence = fields.String(load_default="estimate", validate=one_of(model.EVIDENCE))
    assumption_ids = fields.List(fields.String(validate=_ID), load_default=list)
    description = Text()
    distribution = fields.String(load_default="pert", validate=one_of(model.DISTRIBUTIONS))
    make = _build(model.PerformanceValue)

    @validates_schema
    def _driver_matches_kind(self, data, **kwargs):
        if data.get("kind") == "financial" and data.get("driver") is None:
            raise ValidationError("a financial value needs a driver", "driver")
        if data.get("kind") == "non_financial" and data.get("driver") is not None:
            raise ValidationError("a non-financial value has no driver", "driver")


class AssumptionSchema(StrictSchema):
    id = fields.String(required=True, validate=_ID)
    name = Name(required=True)
    value = fields.String(required=True, validate=validate.Length(min=1, max=300))
    unit = fields.String(load_default="", validate=validate.Length(max=40))
    source = Text()
    evidence = fields.String(load_default="estimate", validate=one_of(model.EVIDENCE))
    make = _build(model.Assumption)


class SimulationSettingsSchema(StrictSchema):
    trials = fields.Integer(load_default=10_000, validate=validate.Range(100, 200_000), strict=True)
    seed = fields.Integer(
        load_default=20_261_123, validate=validate.Range(0, 2**32 - 1), strict=True
    )
    make = _build(model.SimulationSettings)


def _nested_list(schema, limit):
    return fields.List(
        fields.Nested(schema), load_default=list, validate=validate.Length(max=limit)
    )


class ValueCaseSchema(StrictSchema):
    """A whole value case. ``schema_version`` is written on dump and accepted on load."""

    schema_version = fields.Integer(
        load_default=SCHEMA_VERSION, validate=validate.Equal(SCHEMA_VERSION), load_only=True
    )
    title = Name(required=True)
    customer = fields.Nested(CustomerSchema, required=True)
    seller = fields.Nested(SellerSchema, required=True)
    currency = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]{3}$"))
    locale = fields.String(required=True, validate=one_of(model.LOCALES))
    baseline = fields.Nested(BaselineSchema, required=True)
    goal = fields.Nested(StrategicGoalSchema, load_default=None, allow_none=True)
    horizon_years = fields.Integer(load_default=3, validate=validate.Range(1, 30), strict=True)
    period_months = fields.Integer(
        load_default=12, validate=one_of(model.PERIOD_MONTHS), strict=True
    )
    discount_rate = Rate(load_default=model.ValueCase.discount_rate)
    reinvestment_rate = Rate(load_default=None, allow_none=True)
    day_count = fields.Integer(load_default=365, validate=one_of((360, 365)), strict=True)
    start_date = fields.Date(load_default=None, allow_none=True)
    stage = fields.String(load_default="establish", validate=one_of(model.STAGES))
    csfs = _nested_list(CriticalSuccessFactorSchema, 100)
    issues = _nested_list(KeyIssueSchema, 200)
    solution = fields.Nested(SolutionSchema, load_default=None, allow_none=True)
    values = _nested_list(PerformanceValueSchema, 100)
    assumptions = _nested_list(AssumptionSchema, 300)
    simulation = fields.Nested(SimulationSettingsSchema, load_default=model.SimulationSettings)

    @post_load
    def make(self, data, **kwargs):
        data.pop("schema_version", None)
        return model.ValueCase(**data)

    @validates_schema
    def _references(self, data, **kwargs):
        """Ids are unique per collection and every reference names an element."""
        errors: dict = {}

        def add(path: tuple, message: str) -> None:
            node = errors
            for key in path[:-1]:
                node = node.setdefault(key, {})
            node.setdefault(path[-1], []).append(message)

        def unique(collection: str) -> set[str]:
            seen: set[str] = set()
            for index, item in enumerate(data.get(collection) or []):
                if item.id in seen:
                    add((collection, index, "id"), f"duplicate id {item.id!r}")
                seen.add(item.id)
            return seen

        csf_ids, issue_ids = unique("csfs"), unique("issues")
        assumption_ids = unique("assumptions")
        unique("values")
        for index, issue in enumerate(data.get("issues") or []):
            if issue.csf_id is not None and issue.csf_id not in csf_ids:
                add(("issues", index, "csf_id"), f"no critical success factor {issue.csf_id!r}")
        solution = data.get("solution")
        if solution is not None:
            for index, address in enumerate(solution.addresses):
                if address.issue_id not in issue_ids:
                    add(
                        ("solution", "addresses", index, "issue_id"),
                        f"no key issue {address.issue_id!r}",
                    )
        for index, value in enumerate(data.get("values") or []):
            for position, issue_id in enumerate(value.issue_ids):
                if issue_id not in issue_ids:
                    add(("values", index, "issue_ids", position), f"no key issue {issue_id!r}")
            for position, assumption_id in enumerate(value.assumption_ids):
                if assumption_id not in assumption_ids:
                    add(
                        ("values", index, "assumption_ids", position),
                        f"no assumption {assumption_id!r}",
                    )
        if errors:
            raise ValidationError(errors)


def load_case(document: dict) -> model.ValueCase:
    """Validate a JSON document (already parsed) and build the case; raises ValidationError."""
    return ValueCaseSchema().load(document)


def dump_case(case: model.ValueCase) -> dict:
    """The case as a JSON-ready document (money as decimal strings)."""
    document = ValueCaseSchema().dump(case)
    return {"schema_version": SCHEMA_VERSION, **document}
