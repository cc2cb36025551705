"""Reference data: the 3x3 grid, the question bank and the industry templates."""

from __future__ import annotations

from flask import g
from flask.views import MethodView

from api.errors import Problem
from api.extensions.api import Blueprint
from api.resources.reference.schemas import (
    GridSchema,
    LangArgsSchema,
    QuestionArgsSchema,
    QuestionListSchema,
    TemplateDetailSchema,
    TemplateListSchema,
)
from valueframe import grid, model, questions, templates
from valueframe.schema import dump_case

blp = Blueprint(
    "reference",
    __name__,
    description="The 3x3 grid, the diagnostic question bank and the industry templates.",
)


def _lang(args: dict) -> str | None:
    g.reference_lang = args.get("lang")
    return g.reference_lang


@blp.route("/grid")
class Grid(MethodView):
    @blp.arguments(LangArgsSchema, location="query")
    @blp.response(200, GridSchema)
    @blp.problems(401, 429)
    def get(self, args):
        """The nine cells (levels x dimensions) with names, definitions and examples"""
        _lang(args)
        return {
            "levels": list(model.LEVELS),
            "dimensions": list(model.DIMENSIONS),
            "cells": list(grid.cells()),
        }


@blp.route("/questions")
class Questions(MethodView):
    @blp.arguments(QuestionArgsSchema, location="query")
    @blp.response(200, QuestionListSchema)
    @blp.problems(401, 429)
    def get(self, args):
        """The diagnostic question bank, filtered by cell, element and type"""
        _lang(args)
        items = questions.questions(
            cell=args.get("cell"), element=args.get("element"), type=args.get("type")
        )
        return {"items": items, "total": len(items)}


@blp.route("/templates")
class Templates(MethodView):
    @blp.arguments(LangArgsSchema, location="query")
    @blp.response(200, TemplateListSchema)
    @blp.problems(401, 429)
    def get(self, args):
        """The industry templates a case can start from"""
        _lang(args)
        return {"items": templates.templates()}


@blp.route("/templates/<string:template_id>")
class TemplateItem(MethodView):
    @blp.arguments(LangArgsSchema, location="query")
    @blp.response(200, TemplateDetailSchema)
    @blp.problems(401, 404, 429)
    def get(self, args, template_id):
        """One template and the case document it starts (in ``lang``, default en)"""
        lang = _lang(args) or "en"
        try:
            template = templates.template(template_id)
        except (KeyError, LookupError):
            raise Problem(404, detail=f"no template {template_id!r}") from None
        case = templates.new_case(template_id, lang)
        return {
            "id": template.id,
            "name": template.name,
            "description": template.description,
            "locale": lang,
            "currency": case.currency,
            "document": dump_case(case),
        }
