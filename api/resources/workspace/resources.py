"""The caller's workspace as a whole: what it is, export (backup) and import (restore).

An export holds every case (deleted ones too) with every version, documents exactly as
stored, and the case's realization records: every baseline and every actual (superseded
ones too, with their ids, ``supersedes`` links and who entered them when). Importing it
into an empty database reproduces the same export byte for byte, in one transaction (all
or nothing). Ids are kept on import, so a case, baseline or actual id that already exists
is a 409 (nothing is imported). An export made before realization existed (cases without
``baselines`` / ``actuals``) still imports.
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
from api.resources.realization.models import CaseActual, CaseBaseline
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
        return {
            "format": WORKSPACE_EXPORT_FORMAT,
            "cases": [_export_case(row) for row in rows],
        }


def _export_case(row: Case) -> dict:
    """The case export plus the case's baselines and actuals, in their stored order."""
    baselines = db.session.scalars(
        select(CaseBaseline).where(CaseBaseline.case_id == row.id).order_by(CaseBaseline.number)
    ).all()
    actuals = db.session.scalars(
        select(CaseActual).where(CaseActual.case_id == row.id).order_by(CaseActual.number)
    ).all()
    return {
        **export_case(row),
        "baselines": [
            {
                "id": b.id,
                "number": b.number,
                "version": b.version,
                "baselined_at": b.baselined_at,
                "baselined_by": b.baselined_by,
                "key_prefix": b.key_prefix,
                "note": b.note,
            }
            for b in baselines
        ],
        "actuals": [
            {
                "id": a.id,
                "number": a.number,
                "baseline_number": a.baseline_number,
                "value_id": a.value_id,
                "period": a.period,
                "indicator_value": a.indicator_value,
                "measured_on": a.measured_on,
                "source": a.source,
                "reported_by": a.reported_by,
                "note": a.note,
                "supersedes": a.supersedes_id,
                "import_id": a.import_id,
                "entered_by": a.entered_by,
                "key_prefix": a.key_prefix,
                "entered_at": a.entered_at,
            }
            for a in actuals
        ],
    }


def _import_realization(workspace_id, case_id, data: dict) -> None:
    """Store the case's baselines and actuals as exported (ids kept)."""
    db.session.add_all(
        CaseBaseline(workspace_id=workspace_id, case_id=case_id, **baseline)
        for baseline in data["baselines"]
    )
    db.session.add_all(
        CaseActual(
            workspace_id=workspace_id,
            case_id=case_id,
            supersedes_id=actual["supersedes"],
            **{k: v for k, v in actual.items() if k != "supersedes"},
        )
        for actual in data["actuals"]
    )
    db.session.flush()


def _taken(model, ids: list) -> list[tuple]:
    """(id, workspace_id) of the rows of ``model`` that already hold one of ``ids``."""
    taken: list[tuple] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        taken += db.session.execute(
            select(model.id, model.workspace_id).where(model.id.in_(chunk))
        ).all()
    return taken


@blp.route("/import")
class Import(MethodView):
    @body_options(max_bytes_config="VALUEFRAME_MAX_IMPORT_BODY_BYTES")
    @idempotent
    @blp.arguments(WorkspaceExportSchema)
    @blp.response(201, WorkspaceImportResultSchema)
    @blp.problems(400, 401, 409, 413, 415, 429)
    def post(self, data):
        """Import a workspace export (ids, versions, baselines, actuals and timestamps kept;
        all or nothing)"""
        cases = data["cases"]
        ids = [case["id"] for case in cases]
        if len(set(ids)) != len(ids):
            raise Problem(422, "validation", detail="the export holds a case id twice")
        records = {
            "baseline": (CaseBaseline, [b["id"] for c in cases for b in c["baselines"]]),
            "actual": (CaseActual, [a["id"] for c in cases for a in c["actuals"]]),
        }
        for what, (_, record_ids) in records.items():
            if len(set(record_ids)) != len(record_ids):
                raise Problem(422, "validation", detail=f"the export holds a {what} id twice")
        taken = _taken(Case, ids)
        if taken:
            own = sorted(str(i) for i, ws in taken if ws == g.principal.workspace_id)
            raise Problem(
                409,
                detail=f"{len(taken)} of these case ids are taken; nothing was imported",
                case_ids=own,
            )
        for what, (model, record_ids) in records.items():
            if _taken(model, record_ids):
                raise Problem(
                    409, detail=f"some of these {what} ids are taken; nothing was imported"
                )
        counts = {"versions": 0, "baselines": 0, "actuals": 0}
        for case in cases:
            row = import_case(g.principal.workspace_id, case, keep_id=True)
            _import_realization(row.workspace_id, row.id, case)
            for key in counts:
                counts[key] += len(case[key])
        return {"imported": len(cases), **counts, "case_ids": ids}, 201
