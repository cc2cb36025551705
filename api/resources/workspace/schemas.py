from marshmallow import fields, validate

from api.extensions.api import StrictSchema
from api.resources.cases.schemas import ExportedCaseSchema

WORKSPACE_EXPORT_FORMAT = "valueframe.workspace/1"


class WorkspaceExportSchema(StrictSchema):
    format = fields.String(required=True, validate=validate.Equal(WORKSPACE_EXPORT_FORMAT))
    cases = fields.List(
        fields.Nested(ExportedCaseSchema),
        required=True,
        validate=validate.Length(max=100_000),
    )


class WorkspaceImportResultSchema(StrictSchema):
    imported = fields.Integer(required=True)
    versions = fields.Integer(required=True)
    case_ids = fields.List(fields.UUID(), required=True)


class WorkspaceSchema(StrictSchema):
    id = fields.UUID(required=True)
    name = fields.String(required=True)
    cases = fields.Integer(required=True, metadata={"description": "Cases, deleted included"})
