from marshmallow import fields

from api.extensions.api import StrictSchema


class HealthSchema(StrictSchema):
    status = fields.String(required=True, metadata={"example": "ok"})
    database = fields.String(metadata={"example": "ok"})
