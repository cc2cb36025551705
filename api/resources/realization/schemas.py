"""Schemas of the realization endpoints.

The actual a client sends is :class:`valueframe.actuals.ActualEntrySchema` and the figures
are :class:`valueframe.realization_schema.RealizationSchema` - reused, never duplicated;
this module adds what the API stores around them (who entered what, when, under which
baseline).
"""

from __future__ import annotations

from marshmallow import fields, validate

from api.extensions.api import StrictSchema
from api.extensions.fields import DecimalString, UtcDateTime
from api.resources.cases.schemas import PaginationSchema
from valueframe.actuals import PERIOD_LIMIT, ActualEntrySchema
from valueframe.evaluation_schema import FindingSchema
from valueframe.fields import Name
from valueframe.model import LOCALES
from valueframe.realization_schema import RealizationSchema

# -- baselines ------------------------------------------------------------------------------


class CaseBaselineCreateSchema(StrictSchema):
    note = fields.String(
        load_default="",
        validate=validate.Length(max=500),
        metadata={"description": "Why this version is the commitment (contract, change request)"},
    )


class CaseBaselineRecordSchema(StrictSchema):
    number = fields.Integer(
        required=True, metadata={"description": "1 for the first baseline, 2 after re-baselining"}
    )
    version = fields.Integer(required=True, metadata={"description": "The case version frozen"})
    baselined_at = UtcDateTime(required=True)
    baselined_by = fields.String(
        required=True, metadata={"description": "The API key that baselined: its name (prefix)"}
    )
    note = fields.String(required=True)
    current = fields.Boolean(required=True, metadata={"description": "The baseline in force"})


class CaseBaselineSchema(CaseBaselineRecordSchema):
    case_id = fields.UUID(required=True)
    currency = fields.String(required=True, metadata={"example": "EUR"})
    warnings = fields.List(
        fields.Nested(FindingSchema),
        required=True,
        metadata={"description": "What realization will not be able to measure"},
    )
    history = fields.List(
        fields.Nested(CaseBaselineRecordSchema),
        required=True,
        metadata={"description": "Every baseline of the case, oldest first"},
    )


# -- actuals ----------------------------------------------------------------------------------


class ActualCreateSchema(ActualEntrySchema):
    """One measured indicator value. The server adds ``id``, ``entered_at`` and the API key
    that entered it."""

    entered_by = Name(
        required=True,
        metadata={
            "description": "Who reported the figure (a person or office); stored as "
            "reported_by - the entry itself is attributed to your API key"
        },
    )
    supersedes = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=1, max=64),
        metadata={
            "description": "Optional: the id of the current actual of this value and period "
            "that this one corrects (409 if another correction came first). Without it a new "
            "entry for the same value and period supersedes the current one all the same."
        },
    )


class ActualSchema(StrictSchema):
    id = fields.UUID(required=True)
    number = fields.Integer(required=True, metadata={"description": "Order of entry in the case"})
    value_id = fields.String(
        required=True, allow_none=True, metadata={"description": "null = the strategic goal"}
    )
    period = fields.Integer(required=True)
    indicator_value = fields.String(
        required=True, metadata={"description": "Decimal string, exactly as entered"}
    )
    measured_on = fields.Date(required=True)
    source = fields.String(required=True)
    reported_by = fields.String(required=True)
    note = fields.String(required=True)
    supersedes = fields.UUID(
        required=True, allow_none=True, metadata={"description": "The actual this one corrects"}
    )
    superseded_by = fields.UUID(
        required=True, allow_none=True, metadata={"description": "The correction of this one"}
    )
    current = fields.Boolean(
        required=True, metadata={"description": "The entry in force for its value and period"}
    )
    baseline_number = fields.Integer(
        required=True, metadata={"description": "The baseline in force when it was entered"}
    )
    import_id = fields.UUID(
        required=True, allow_none=True, metadata={"description": "The CSV import it came with"}
    )
    entered_by = fields.String(
        required=True, metadata={"description": "The API key that entered it: name (prefix)"}
    )
    entered_at = UtcDateTime(required=True)


class ActualListArgsSchema(StrictSchema):
    history = fields.Boolean(
        load_default=False,
        metadata={"description": "Every entry, superseded ones too (default: current only)"},
    )
    value_id = fields.String(
        validate=validate.Length(min=1, max=64),
        metadata={"description": "Only this value ('goal' = the strategic goal)"},
    )
    period = fields.Integer(validate=validate.Range(min=1, max=PERIOD_LIMIT))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))


class ActualListSchema(StrictSchema):
    case_id = fields.UUID(required=True)
    currency = fields.String(required=True)
    baseline_number = fields.Integer(required=True)
    history = fields.Boolean(required=True)
    items = fields.List(fields.Nested(ActualSchema), required=True)
    pagination = fields.Nested(PaginationSchema, required=True)


class ActualCreatedSchema(ActualSchema):
    case_id = fields.UUID(required=True)
    currency = fields.String(required=True)


class ImportArgsSchema(StrictSchema):
    lang = fields.String(
        validate=validate.OneOf(LOCALES),
        metadata={"description": "Language of the row messages (default: the case's)"},
    )


class ImportResultSchema(StrictSchema):
    case_id = fields.UUID(required=True)
    currency = fields.String(required=True)
    import_id = fields.UUID(required=True)
    imported = fields.Integer(required=True)
    superseded = fields.Integer(
        required=True, metadata={"description": "Earlier entries these rows correct"}
    )
    items = fields.List(fields.Nested(ActualSchema), required=True)


# -- realization ------------------------------------------------------------------------------


class RealizationArgsSchema(StrictSchema):
    as_of = fields.Integer(
        validate=validate.Range(min=1, max=PERIOD_LIMIT),
        metadata={
            "description": "The period reached (1..n); default: the latest period with an actual"
        },
    )
    threshold = DecimalString(
        validate=validate.Range(min=0, max=1, min_inclusive=False, max_inclusive=False),
        metadata={"description": "Behind / ahead of plan by more than this (default 0.2)"},
    )
    relief_threshold = DecimalString(
        validate=validate.Range(min=0, max=10, min_inclusive=False),
        metadata={
            "description": "Delivery rate at which a key issue counts as relieved "
            "(default 1 - threshold)"
        },
    )


class ReportArgsSchema(RealizationArgsSchema):
    lang = fields.String(
        validate=validate.OneOf(LOCALES),
        metadata={"description": "Language of the report (default: the case's)"},
    )


class ExcludedActualSchema(StrictSchema):
    id = fields.String(required=True)
    value_id = fields.String(required=True, allow_none=True)
    period = fields.Integer(required=True)
    field = fields.String(required=True)
    code = fields.String(required=True)
    message = fields.String(required=True)


class RealizationResponseSchema(RealizationSchema):
    case_id = fields.UUID()
    baseline = fields.Nested(CaseBaselineRecordSchema)
    excluded_actuals = fields.List(
        fields.Nested(ExcludedActualSchema),
        metadata={
            "description": "Actuals that do not fit the baselined version (a value it no "
            "longer has, a period past its horizon): kept, but not counted"
        },
    )
