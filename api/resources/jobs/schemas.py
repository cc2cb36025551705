"""Schemas of the job endpoints (requests and the job representation)."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from api.extensions.api import StrictSchema
from api.extensions.fields import UtcDateTime
from valueframe import model

DOCUMENT_NAMES = ("proposal", "briefing")


def _document() -> fields.String:
    return fields.String(
        load_default="proposal",
        validate=validate.OneOf(DOCUMENT_NAMES),
        metadata={"description": "proposal (customer-facing) or briefing (internal)"},
    )


def _lang() -> fields.String:
    return fields.String(
        validate=validate.OneOf(model.LOCALES),
        metadata={"description": "zh-CN or en; default: each case's own locale"},
    )


class RenderRequestSchema(StrictSchema):
    document = _document()
    lang = _lang()
    version = fields.Integer(
        validate=validate.Range(min=1, max=2_147_483_647),
        metadata={"description": "The case version to render; default: the current one"},
    )


class CaseFilterSchema(StrictSchema):
    customer = fields.String(
        validate=validate.Length(min=1, max=300),
        metadata={"description": "Customer name contains (case-insensitive)"},
    )
    industry = fields.String(validate=validate.Length(min=1, max=300))
    stage = fields.String(validate=validate.OneOf(model.STAGES))
    updated_since = UtcDateTime()


class BatchRenderRequestSchema(StrictSchema):
    document = _document()
    lang = _lang()
    case_ids = fields.List(
        fields.UUID(),
        validate=validate.Length(min=1),
        metadata={"description": "The cases to render (their current versions)"},
    )
    filter = fields.Nested(
        CaseFilterSchema,
        metadata={"description": "Or every case of the workspace matching this ({} = all)"},
    )

    @validates_schema
    def _one_selection(self, data, **kwargs):
        if ("case_ids" in data) == ("filter" in data):
            raise ValidationError("give either case_ids or filter", "case_ids")


class ProgressSchema(StrictSchema):
    done = fields.Integer(required=True)
    total = fields.Integer(required=True)
    failed = fields.Integer(required=True)
    unit = fields.String(required=True, metadata={"description": "renders, rows or simulations"})


class JobDocumentSchema(StrictSchema):
    id = fields.UUID(required=True)
    url = fields.String(required=True, metadata={"description": "GET it to download the PDF"})
    case_id = fields.UUID(required=True)
    version = fields.Integer(required=True)
    document = fields.String(required=True)
    filename = fields.String(required=True)
    size = fields.Integer(required=True, metadata={"description": "Bytes"})


class JobFailureSchema(StrictSchema):
    index = fields.Integer(required=True)
    case_id = fields.UUID(allow_none=True)
    version = fields.Integer(allow_none=True)
    error = fields.String(allow_none=True)


class JobSchema(StrictSchema):
    id = fields.UUID(required=True)
    kind = fields.String(
        required=True, validate=validate.OneOf(("render", "batch-evaluation", "simulation"))
    )
    state = fields.String(
        required=True,
        validate=validate.OneOf(("queued", "started", "finished", "failed")),
        metadata={
            "description": "queued, started, finished (every item done) or failed (every "
            "item ended and at least one failed: see error and failures)"
        },
    )
    runner = fields.String(
        required=True,
        metadata={"description": "redis (workers run it) or in-process (run in the request)"},
    )
    progress = fields.Nested(ProgressSchema, required=True)
    params = fields.Dict(required=True, metadata={"description": "What the job was asked"})
    created_at = UtcDateTime(required=True)
    started_at = UtcDateTime(allow_none=True)
    finished_at = UtcDateTime(allow_none=True)
    error = fields.String(allow_none=True, metadata={"description": "Why it failed"})
    failures = fields.List(
        fields.Nested(JobFailureSchema), metadata={"description": "The failed items (100 first)"}
    )
    documents = fields.List(
        fields.Nested(JobDocumentSchema), metadata={"description": "The rendered documents"}
    )
    results_url = fields.String(
        allow_none=True, metadata={"description": "Paged results (batch evaluations, simulations)"}
    )


class ResultsArgsSchema(StrictSchema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=1000, validate=validate.Range(min=1, max=10_000))


class ResultsPaginationSchema(StrictSchema):
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True)
    pages = fields.Integer(required=True)


class ResultsSchema(StrictSchema):
    job_id = fields.UUID(required=True)
    kind = fields.String(required=True)
    currency = fields.String(required=True)
    pagination = fields.Nested(ResultsPaginationSchema, required=True)
    first_row = fields.Integer(metadata={"description": "Index of the page's first row"})
    npv_convention = fields.String()
    irr_convention = fields.String()
    npv = fields.List(fields.Float(allow_none=True), metadata={"description": "Row i at i"})
    irr = fields.List(fields.Float(allow_none=True))
    irr_status = fields.List(fields.String())
    sign_changes = fields.List(fields.Integer())
    simulation = fields.Dict(metadata={"description": "A simulation job's result"})
