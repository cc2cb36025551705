"""The caller's workspace as a whole: what it is, export (backup) and import (restore).

An export holds every case (deleted ones too) with every version, documents exactly as
stored; importing it into an empty database reproduces the same export byte for byte. Ids
are kept on import, so a case id that already exists is a 409 (nothing is imported).
"""

from __future__ import annotations

from flask import g
from flask.views import MethodView
from sqlalchemy import func, select

from api.errors import Problem
from api.extensions.api import Blueprint, body_options
from api.extensions.db import db
from api.idempotency import idempotent
from api.models import Case, Workspace
from api.resources.cases.resources import export_case, import_case
from api.resources.workspace.schemas import (
    WORKSPACE_EXPORT_FORMAT,
    WorkspaceExportSchema,
    WorkspaceImportResultSchema,
    WorkspaceSchema,
)

blp = Blueprint("workspace", __name__, description="Your workspace: export and import.")


@blp.route("")
class WorkspaceItem(MethodView):
    @blp.response(200, WorkspaceSchema)
    @blp.problems(401, 429)
    def get(self):
        """The workspace of the calling key"""
        workspace = db.session.get(Workspace, g.principal.workspace_id)
        count = db.session.scalar(
            select(func.count()).select_from(Case).where(Case.workspace_id == workspace.id)
        )
        return {"id": workspace.id, "name": workspace.name, "cases": count}


@blp.route("/export")
class Export(MethodView):
    @blp.response(200, WorkspaceExportSchema)
    @blp.problems(401, 429)
    def get(self):
        """Export every case of the workspace with all versions (a backup)"""
        rows = db.session.scalars(
            select(Case)
            .where(Case.workspace_id == g.principal.workspace_id)
            .order_by(Case.created_at, Case.id)
        ).all()
        return {"format": WORKSPACE_EXPORT_FORMAT, "cases": [export_case(row) for row in rows]}


@blp.route("/import")
class Import(MethodView):
    @body_options(max_bytes_config="VALUEFRAME_MAX_IMPORT_BODY_BYTES")
    @idempotent
    @blp.arguments(WorkspaceExportSchema)
    @blp.response(201, WorkspaceImportResultSchema)
    @blp.problems(400, 401, 409, 413, 415, 429)
    def post(self, data):
        """Import a workspace export (ids, versions and timestamps kept; all or nothing)"""
        cases = data["cases"]
        ids = [case["id"] for case in cases]
        if len(set(ids)) != len(ids):
            raise Problem(422, "validation", detail="the export holds a case id twice")
        taken: list[tuple] = []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            taken += db.session.execute(
                select(Case.id, Case.workspace_id).where(Case.id.in_(chunk))
            ).all()
        if taken:
            own = sorted(str(i) for i, ws in taken if ws == g.principal.workspace_id)
            raise Problem(
                409,
                detail=f"{len(taken)} of these case ids are taken; nothing was imported",
                case_ids=own,
            )
        versions = 0
        for case in cases:
            import_case(g.principal.workspace_id, case, keep_id=True)
            versions += len(case["versions"])
        return {"imported": len(cases), "versions": versions, "case_ids": ids}, 201
