"""Value cases: create, read, update (full and JSON Merge Patch), soft delete, versions,
evaluation, stage checks, export and import.

Reads return ``ETag: "<version>"``; PUT, PATCH, DELETE and version restores need
``If-Match`` (428 without it, 412 when stale - and then nothing is written). Creates accept
``Idempotency-Key``. Another workspace's case is a 404.
"""

from __future__ import annotations

import uuid

from flask import g, make_response, request, url_for
from flask.views import MethodView
from marshmallow import ValidationError
from sqlalchemy import func, select

from api.errors import Problem, flatten_messages
from api.extensions.api import Blueprint, body_options, require_json_content_type
from api.extensions.db import db
from api.extensions.json import parse_json
from api.idempotency import idempotent, unit_of_work
from api.models import Case, CaseVersion
from api.resources.cases import service
from api.resources.cases.schemas import (
    CASE_EXPORT_FORMAT,
    CaseCreateSchema,
    CaseExportSchema,
    CaseGetArgsSchema,
    CaseListArgsSchema,
    CaseListSchema,
    CaseSchema,
    FindingsSchema,
    VersionListSchema,
    VersionSchema,
)
from api.resources.cases.service import etag
from api.resources.evaluation import EvaluationSchema, evaluation_of, findings_of
from api.samples import load_sample
from valueframe import templates
from valueframe.schema import ValueCaseSchema, load_case

blp = Blueprint(
    "cases",
    __name__,
    description="Value cases of your workspace, their versions, evaluation and checks.",
)

_SORT_COLUMNS = {
    "updated_at": Case.updated_at,
    "created_at": Case.created_at,
    "title": Case.title,
    "customer": Case.customer_name,
}

CASE_EXAMPLE = {
    "template": "manufacturing",
    "locale": "zh-CN",
    "title": "华东工厂 2026 价值参照系",
    "customer": {"name": "华东精密制造有限公司"},
}


def _ws() -> uuid.UUID:
    return g.principal.workspace_id


def _with_etag(row: Case, status: int = 200, *, location: bool = False):
    headers = {"ETag": etag(row.version)}
    if location:
        headers["Location"] = url_for("cases.CaseItem", case_id=row.id)
    return row, status, headers


def _not_modified(row: Case):
    response = make_response("", 304)
    response.headers["ETag"] = etag(row.version)
    return response


def _new_case_from(args: dict):
    """(ValueCase, note) for a create request."""
    if "document" in args:
        return args["document"], args.get("note") or "created"
    if "template" in args:
        try:
            templates.template(args["template"])
        except (KeyError, LookupError):
            raise Problem(
                422,
                "validation",
                detail=f"no template {args['template']!r}",
                errors=[{"field": "template", "in": "body", "message": "no such template"}],
            ) from None
        try:
            case = templates.new_case(
                args["template"],
                args.get("locale", "en"),
                title=args.get("title"),
                customer=args.get("customer"),
                seller=args.get("seller"),
            )
        except ValidationError as error:
            raise Problem(
                422,
                "validation",
                detail="the template with these overrides is not a valid case",
                errors=flatten_messages(error.messages, location="body"),
            ) from None
        return case, args.get("note") or f"created from template {args['template']}"
    if "clone_of" in args:
        source = service.get_case(_ws(), args["clone_of"])
        return load_case(source.document), args.get("note") or (
            f"cloned from {source.id} version {source.version}"
        )
    return load_sample(args["sample"]), args.get("note") or f"created from sample {args['sample']}"


@blp.route("")
class Cases(MethodView):
    @blp.arguments(CaseListArgsSchema, location="query")
    @blp.response(200, CaseListSchema)
    @blp.problems(401, 429)
    def get(self, args):
        """List cases

        Paginated (``page``, ``per_page`` up to 100), sorted (``sort``: updated_at,
        created_at, title, customer; ``-`` for descending) and filtered (``customer``
        contains, ``industry``, ``stage``, ``updated_since``). Deleted cases are left out
        unless ``include_deleted=true``.
        """
        query = select(Case).where(Case.workspace_id == _ws())
        if not args["include_deleted"]:
            query = query.where(Case.deleted_at.is_(None))
        if "customer" in args:
            pattern = "%" + args["customer"].replace("\\", "\\\\").replace("%", "\\%")
            pattern = pattern.replace("_", "\\_") + "%"
            query = query.where(Case.customer_name.ilike(pattern, escape="\\"))
        if "industry" in args:
            query = query.where(Case.industry == args["industry"])
        if "stage" in args:
            query = query.where(Case.stage == args["stage"])
        if "updated_since" in args:
            query = query.where(Case.updated_at >= args["updated_since"])
        total = db.session.scalar(select(func.count()).select_from(query.subquery()))
        sort = args["sort"]
        column = _SORT_COLUMNS[sort.lstrip("-")]
        order = (column.desc(), Case.id.desc()) if sort.startswith("-") else (column, Case.id)
        page, per_page = args["page"], args["per_page"]
        rows = db.session.scalars(
            query.order_by(*order).offset((page - 1) * per_page).limit(per_page)
        ).all()
        return {
            "items": rows,
            "pagination": {
                "page": page,
                "per_page": per_page,
                "total": total,
                "pages": (total + per_page - 1) // per_page,
            },
        }

    @idempotent
    @blp.arguments(CaseCreateSchema, example=CASE_EXAMPLE)
    @blp.response(
        201,
        CaseSchema,
        headers={
            "ETag": {"description": "The version", "schema": {"type": "string"}},
            "Location": {"description": "The new case", "schema": {"type": "string"}},
        },
    )
    @blp.problems(400, 401, 404, 413, 415, 429)
    def post(self, args):
        """Create a case

        From a whole ``document``, an industry ``template`` (with ``locale``, optional
        ``title`` and ``customer``), a copy of one of your cases (``clone_of``) or of a
        ``sample``. The case starts at version 1.
        """
        case, note = _new_case_from(args)
        row = service.add_case(_ws(), case, note=note)
        return _with_etag(row, 201, location=True)


@blp.route("/<uuid:case_id>")
class CaseItem(MethodView):
    @blp.arguments(CaseGetArgsSchema, location="query")
    @blp.response(
        200,
        CaseSchema,
        headers={"ETag": {"description": "The version", "schema": {"type": "string"}}},
    )
    @blp.alt_response(304, description="Not modified (If-None-Match)")
    @blp.problems(401, 404, 429)
    def get(self, args, case_id):
        """Read a case (ETag: its version)"""
        row = service.get_case(_ws(), case_id, include_deleted=args["include_deleted"])
        if request.if_none_match and request.if_none_match.contains(str(row.version)):
            return _not_modified(row)
        return _with_etag(row)

    @unit_of_work
    @blp.if_match()
    @blp.arguments(ValueCaseSchema)
    @blp.response(200, CaseSchema)
    @blp.problems(401, 404, 413, 415, 429)
    def put(self, case, case_id):
        """Replace a case's document (a new version)"""
        row = service.get_case(_ws(), case_id)
        expected = service.check_if_match(row)
        row = service.save_document(_ws(), row, expected, case, note="replaced")
        return _with_etag(row)

    @unit_of_work
    @blp.if_match()
    @blp.doc(
        requestBody={
            "required": True,
            "description": "A JSON Merge Patch (RFC 7396) of the case document: null removes"
            " a member (back to its default), objects merge, arrays replace.",
            "content": {
                "application/merge-patch+json": {
                    "schema": {"type": "object"},
                    "example": {"stage": "locate", "discount_rate": "0.09"},
                },
                "application/json": {"schema": {"type": "object"}},
            },
        }
    )
    @blp.response(200, CaseSchema)
    @blp.problems(400, 401, 404, 413, 415, 422, 429)
    def patch(self, case_id):
        """Patch a case's document (JSON Merge Patch; a new version)"""
        row = service.get_case(_ws(), case_id)
        expected = service.check_if_match(row)
        require_json_content_type("application/merge-patch+json", "application/json")
        raw = request.get_data(cache=True)
        if not raw:
            raise Problem(400, detail="send a merge patch (a JSON object)")
        patch = parse_json(raw)
        if not isinstance(patch, dict):
            raise Problem(
                422,
                "validation",
                detail="a merge patch of a case document is a JSON object",
                errors=[{"field": "", "in": "body", "message": "must be a JSON object"}],
            )
        merged = service.merge_patch(row.document, patch)
        try:
            case = load_case(merged)
        except ValidationError as error:
            raise Problem(
                422,
                "validation",
                detail="the patched document is not a valid case",
                errors=flatten_messages(error.messages, location="body"),
            ) from None
        row = service.save_document(_ws(), row, expected, case, note="patched")
        return _with_etag(row)

    @unit_of_work
    @blp.if_match()
    @blp.response(204)
    @blp.problems(401, 404, 429)
    def delete(self, case_id):
        """Delete a case (soft: restorable with POST /cases/{id}/restore)"""
        row = service.get_case(_ws(), case_id)
        expected = service.check_if_match(row)
        service.set_deleted(_ws(), row, expected, True)
        return None, 204, {"ETag": etag(row.version)}


@blp.route("/<uuid:case_id>/restore", methods=["POST"])
@unit_of_work
@blp.if_match(required=False)
@blp.response(200, CaseSchema)
@blp.problems(401, 404, 429)
def restore_case(case_id):
    """Restore a deleted case

    If-Match is optional here; when sent it must match.
    """
    row = service.get_case(_ws(), case_id, include_deleted=True)
    if row.deleted_at is None:
        raise Problem(409, detail="the case is not deleted")
    expected = service.check_if_match(row, required=False)
    row = service.set_deleted(_ws(), row, expected, False)
    return _with_etag(row)


@blp.route("/<uuid:case_id>/versions")
@blp.response(200, VersionListSchema)
@blp.problems(401, 404, 429)
def list_versions(case_id):
    """List a case's versions (oldest first)"""
    row = service.get_case(_ws(), case_id, include_deleted=True)
    versions = db.session.execute(
        select(CaseVersion.number, CaseVersion.created_at, CaseVersion.note)
        .where(CaseVersion.case_id == row.id)
        .order_by(CaseVersion.number)
    ).all()
    return {
        "case_id": row.id,
        "current_version": row.version,
        "items": [v._asdict() for v in versions],
    }


@blp.route("/<uuid:case_id>/versions/<int(min=1, max=2147483647):number>")
@blp.response(200, VersionSchema)
@blp.problems(401, 404, 429)
def get_version(case_id, number):
    """Read one version (immutable)"""
    version = service.get_version(_ws(), case_id, number)
    return {
        "case_id": version.case_id,
        "number": version.number,
        "created_at": version.created_at,
        "note": version.note,
        "currency": version.document.get("currency", ""),
        "document": version.document,
    }


@blp.route("/<uuid:case_id>/versions/<int(min=1, max=2147483647):number>/restore", methods=["POST"])
@unit_of_work
@blp.if_match()
@blp.response(200, CaseSchema)
@blp.problems(401, 404, 429)
def restore_version(case_id, number):
    """Restore a version: a new version whose document equals version ``number``"""
    row = service.get_case(_ws(), case_id)
    expected = service.check_if_match(row)
    version = service.get_version(_ws(), case_id, number)
    case = load_case(version.document)
    row = service.save_document(_ws(), row, expected, case, note=f"restored version {number}")
    return _with_etag(row)


@blp.route("/<uuid:case_id>/evaluation")
@blp.response(200, EvaluationSchema)
@blp.problems(401, 404, 422, 429)
def case_evaluation(case_id):
    """Evaluate the current version of a case"""
    row = service.get_case(_ws(), case_id)
    return evaluation_of(row.document)


@blp.route("/<uuid:case_id>/versions/<int(min=1, max=2147483647):number>/evaluation")
@blp.response(200, EvaluationSchema)
@blp.problems(401, 404, 422, 429)
def version_evaluation(case_id, number):
    """Evaluate one version of a case"""
    version = service.get_version(_ws(), case_id, number)
    return evaluation_of(version.document)


@blp.route("/<uuid:case_id>/checks")
@blp.response(200, FindingsSchema)
@blp.problems(401, 404, 429)
def case_checks(case_id):
    """Stage checks of the current version (findings with element paths)"""
    row = service.get_case(_ws(), case_id)
    return {
        "case_id": row.id,
        "version": row.version,
        "currency": row.currency,
        "findings": findings_of(row.document),
    }


# -- export / import -------------------------------------------------------------------------


def export_case(row: Case) -> dict:
    versions = db.session.scalars(
        select(CaseVersion).where(CaseVersion.case_id == row.id).order_by(CaseVersion.number)
    ).all()
    return {
        "id": row.id,
        "version": row.version,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
        "deleted_at": row.deleted_at,
        "versions": [
            {
                "number": v.number,
                "created_at": v.created_at,
                "note": v.note,
                "document": v.document,
            }
            for v in versions
        ],
    }


def import_case(workspace_id: uuid.UUID, data: dict, *, keep_id: bool) -> Case:
    """Store an exported case (versions, timestamps and documents as exported)."""
    versions = data["versions"]
    current = load_case(versions[-1]["document"])
    case_id = data["id"] if keep_id else uuid.uuid4()
    row = Case(
        id=case_id,
        workspace_id=workspace_id,
        version=data["version"],
        document=versions[-1]["document"],
        created_at=data["created_at"],
        updated_at=data["updated_at"],
        deleted_at=data["deleted_at"],
        **service.index_fields(current),
    )
    db.session.add(row)
    db.session.flush()
    for version in versions:
        db.session.add(
            CaseVersion(
                case_id=row.id,
                number=version["number"],
                document=version["document"],
                created_at=version["created_at"],
                note=version["note"],
            )
        )
    db.session.flush()
    return row


@blp.route("/<uuid:case_id>/export")
@blp.response(200, CaseExportSchema)
@blp.problems(401, 404, 429)
def export(case_id):
    """Export a case with all its versions (exact JSON; import with POST /cases/import)"""
    row = service.get_case(_ws(), case_id, include_deleted=True)
    return {"format": CASE_EXPORT_FORMAT, "case": export_case(row)}


@blp.route("/import", methods=["POST"])
@body_options(max_bytes_config="VALUEFRAME_MAX_IMPORT_BODY_BYTES")
@idempotent
@blp.arguments(CaseExportSchema)
@blp.response(201, CaseSchema)
@blp.problems(400, 401, 413, 415, 429)
def import_(data):
    """Import an exported case as a new case (new id; versions and timestamps kept)"""
    row = import_case(_ws(), data["case"], keep_id=False)
    return _with_etag(row, 201, location=True)
