"""Schemas of the value-case endpoints. The case document itself is
:class:`valueframe.schema.ValueCaseSchema` - reused, never duplicated."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from api.extensions.api import StrictSchema
from api.extensions.fields import StoredDocument, UtcDateTime
from valueframe import model
from valueframe.evaluation_schema import FindingSchema
from valueframe.fields import Color, Name
from valueframe.schema import SCHEMA_VERSION, ValueCaseSchema

SORTS = ("updated_at", "-updated_at", "created_at", "-created_at", "title", "-title")
SORTS += ("customer", "-customer")


class StoredCaseDocumentSchema(ValueCaseSchema):
    """A case document as stored and returned: :class:`ValueCaseSchema` whose
    ``schema_version`` is also written (the stored document always carries it)."""

    schema_version = fields.Integer(
        load_default=SCHEMA_VERSION,
        validate=validate.Equal(SCHEMA_VERSION),
        metadata={"description": "Version of the document format", "example": SCHEMA_VERSION},
    )


class CustomerOverrideSchema(StrictSchema):
    name = Name()
    industry = Name()
    size = fields.String(validate=validate.Length(max=300))


class SellerOverrideSchema(StrictSchema):
    name = Name()
    primary_color = Color()
    accent_color = Color()


class CaseCreateSchema(StrictSchema):
    """Exactly one of ``document``, ``template``, ``clone_of``, ``sample``."""

    document = fields.Nested(
        ValueCaseSchema, metadata={"description": "A whole case document (blank or complete)"}
    )
    template = fields.String(
        validate=validate.Length(min=1, max=64),
        metadata={"description": "An industry template id (GET /reference/templates)"},
    )
    locale = fields.String(
        validate=validate.OneOf(model.LOCALES),
        metadata={"description": "With template: the language of the new case"},
    )
    title = Name(metadata={"description": "With template: the case title"})
    customer = fields.Nested(
        "CustomerOverrideSchema",
        metadata={"description": "With template: the customer, over the placeholder"},
    )
    seller = fields.Nested(
        "SellerOverrideSchema",
        metadata={"description": "With template: your company, over the placeholder"},
    )
    clone_of = fields.UUID(metadata={"description": "Copy this case of your workspace"})
    sample = fields.String(
        validate=validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$"),
        metadata={"description": "Copy a sample case (file stem under samples/)"},
    )
    note = fields.String(
        validate=validate.Length(max=500),
        metadata={"description": "A note on the first version"},
    )

    @validates_schema
    def _one_source(self, data, **kwargs):
        sources = [k for k in ("document", "template", "clone_of", "sample") if k in data]
        if len(sources) != 1:
            raise ValidationError(
                "give exactly one of document, template, clone_of, sample"
                + (f" (got {', '.join(sources)})" if sources else ""),
            )
        if "template" not in data:
            for name in ("locale", "title", "customer", "seller"):
                if name in data:
                    raise ValidationError("only with template", name)


class CaseSummarySchema(StrictSchema):
    id = fields.UUID(required=True)
    version = fields.Integer(required=True, metadata={"description": "Also the ETag"})
    title = fields.String(required=True)
    customer_name = fields.String(required=True)
    industry = fields.String(required=True)
    stage = fields.String(required=True, validate=validate.OneOf(model.STAGES))
    currency = fields.String(required=True, metadata={"example": "CNY"})
    created_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(required=True)
    deleted_at = UtcDateTime(required=True, allow_none=True)


class CaseSchema(CaseSummarySchema):
    document = StoredDocument(StoredCaseDocumentSchema, required=True)


class PaginationSchema(StrictSchema):
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True)
    pages = fields.Integer(required=True)


class CaseListSchema(StrictSchema):
    items = fields.List(fields.Nested(CaseSummarySchema), required=True)
    pagination = fields.Nested(PaginationSchema, required=True)


class CaseListArgsSchema(StrictSchema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    sort = fields.String(
        load_default="-updated_at",
        validate=validate.OneOf(SORTS),
        metadata={"description": "A field, '-' first for descending"},
    )
    customer = fields.String(
        validate=validate.Length(min=1, max=300),
        metadata={"description": "Customer name contains (case-insensitive)"},
    )
    industry = fields.String(
        validate=validate.Length(min=1, max=300), metadata={"description": "Exact industry"}
    )
    stage = fields.String(validate=validate.OneOf(model.STAGES))
    updated_since = UtcDateTime(
        metadata={"description": "ISO 8601 (UTC if no offset); cases updated at or after it"},
    )
    include_deleted = fields.Boolean(load_default=False)


class CaseGetArgsSchema(StrictSchema):
    include_deleted = fields.Boolean(load_default=False)


class VersionSummarySchema(StrictSchema):
    number = fields.Integer(required=True)
    created_at = UtcDateTime(required=True)
    note = fields.String(required=True)


class VersionSchema(VersionSummarySchema):
    case_id = fields.UUID(required=True)
    currency = fields.String(required=True)
    document = StoredDocument(StoredCaseDocumentSchema, required=True)


class VersionListSchema(StrictSchema):
    case_id = fields.UUID(required=True)
    current_version = fields.Integer(required=True)
    items = fields.List(fields.Nested(VersionSummarySchema), required=True)


class FindingsSchema(StrictSchema):
    case_id = fields.UUID(required=True)
    version = fields.Integer(required=True)
    currency = fields.String(required=True)
    findings = fields.List(fields.Nested(FindingSchema), required=True)


# -- export / import -------------------------------------------------------------------------

CASE_EXPORT_FORMAT = "valueframe.case/1"


class ExportedVersionSchema(StrictSchema):
    number = fields.Integer(required=True, validate=validate.Range(min=1), strict=True)
    created_at = UtcDateTime(required=True)
    note = fields.String(load_default="", validate=validate.Length(max=500))
    document = StoredDocument(StoredCaseDocumentSchema, required=True, canonical=True)


class ExportedCaseSchema(StrictSchema):
    id = fields.UUID(required=True)
    version = fields.Integer(required=True, validate=validate.Range(min=1), strict=True)
    created_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(required=True)
    deleted_at = UtcDateTime(required=True, allow_none=True)
    versions = fields.List(
        fields.Nested(ExportedVersionSchema),
        required=True,
        validate=validate.Length(min=1, max=10_000),
    )

    @validates_schema
    def _versions(self, data, **kwargs):
        numbers = [v["number"] for v in data.get("versions", [])]
        if numbers and numbers != list(range(1, len(numbers) + 1)):
            raise ValidationError("versions must be numbered 1, 2, 3, ... in order", "versions")
        if numbers and data.get("version") != numbers[-1]:
            raise ValidationError("must be the number of the last version", "version")


class CaseExportSchema(StrictSchema):
    format = fields.String(required=True, validate=validate.Equal(CASE_EXPORT_FORMAT))
    case = fields.Nested(ExportedCaseSchema, required=True)
