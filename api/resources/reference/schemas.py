"""Schemas of the reference data: texts are objects keyed by locale (``en``, ``zh-CN``);
``lang`` narrows them to one locale."""

from __future__ import annotations

from flask import g
from marshmallow import fields, validate

from api.extensions.api import StrictSchema
from valueframe import model
from valueframe.grid import grid_codes
from valueframe.questions import ELEMENTS, QUESTION_TYPES


def _localise(value):
    lang = g.get("reference_lang")
    if not isinstance(value, dict):
        value = {locale: value for locale in model.LOCALES}
    if lang:
        return {lang: value.get(lang, value.get("en"))}
    return dict(value)


class Localized(fields.Field):
    """``{"en": ..., "zh-CN": ...}`` (only the requested ``lang`` when one is given)."""

    def __init__(self, *, many: bool = False, **kwargs):
        self.many = many
        metadata = kwargs.pop("metadata", {})
        items = {"type": "array", "items": {"type": "string"}} if many else {"type": "string"}
        metadata = {
            "type": "object",
            "additionalProperties": items,
            "example": {"en": "...", "zh-CN": "..."},
            **metadata,
        }
        super().__init__(metadata=metadata, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else _localise(value)


class LangArgsSchema(StrictSchema):
    lang = fields.String(
        validate=validate.OneOf(model.LOCALES),
        metadata={"description": "Only this language (default: both)"},
    )


class CellSchema(StrictSchema):
    code = fields.String(required=True, metadata={"example": "process.management"})
    level = fields.String(required=True, validate=validate.OneOf(model.LEVELS))
    dimension = fields.String(required=True, validate=validate.OneOf(model.DIMENSIONS))
    name = Localized(required=True)
    definition = Localized(required=True)
    examples = Localized(required=True, many=True)


class GridSchema(StrictSchema):
    levels = fields.List(fields.String(), required=True)
    dimensions = fields.List(fields.String(), required=True)
    cells = fields.List(fields.Nested(CellSchema), required=True)


class QuestionArgsSchema(LangArgsSchema):
    cell = fields.String(
        validate=validate.OneOf(grid_codes()),
        metadata={"description": "Diagnostic questions of one grid cell"},
    )
    element = fields.String(
        validate=validate.OneOf(ELEMENTS),
        metadata={"description": "Delivery questions about one element of the frame"},
    )
    type = fields.String(validate=validate.OneOf(QUESTION_TYPES))


class QuestionSchema(StrictSchema):
    id = fields.String(required=True)
    text = Localized(required=True)
    cell = fields.String(allow_none=True)
    element = fields.String(allow_none=True)
    type = fields.String(allow_none=True)
    purpose = Localized(allow_none=True)


class QuestionListSchema(StrictSchema):
    items = fields.List(fields.Nested(QuestionSchema), required=True)
    total = fields.Integer(required=True)


class TemplateSchema(StrictSchema):
    id = fields.String(required=True, metadata={"example": "manufacturing"})
    name = Localized(required=True)
    description = Localized(required=True)


class TemplateListSchema(StrictSchema):
    items = fields.List(fields.Nested(TemplateSchema), required=True)


class TemplateDetailSchema(TemplateSchema):
    locale = fields.String(required=True)
    currency = fields.String(required=True)
    document = fields.Dict(
        required=True,
        metadata={"description": "The case a create from this template starts with"},
    )
