"""Background jobs: renders of one or many cases, batch evaluations and simulations.

Every create answers 202 with ``Location: /api/v1/jobs/{id}``; the job shows its state,
progress and, when finished, the documents' URLs or the results' URL. With Redis
(``VALUEFRAME_REDIS_URL``) workers run the jobs; without it the request runs them and the
job is already finished in the 202. Another workspace's job is a 404.
"""

from __future__ import annotations

import uuid

import numpy as np
from flask import current_app, g, url_for
from sqlalchemy import select

from api.errors import Problem
from api.extensions.api import Blueprint, body_options
from api.extensions.db import db
from api.idempotency import idempotent
from api.jobs import service, store
from api.models import Case
from api.resources.cases import service as cases
from api.resources.compute.resources import NPV_CONVENTION, _rates
from api.resources.compute.schemas import BatchRequestSchema
from api.resources.jobs.models import JobItem
from api.resources.jobs.schemas import (
    BatchRenderRequestSchema,
    JobSchema,
    RenderRequestSchema,
    ResultsArgsSchema,
    ResultsSchema,
)
from valueframe.schema import ValueCaseSchema, dump_case

blp = Blueprint(
    "jobs",
    __name__,
    description="Background jobs: PDF renders (one case or many), large batch evaluations and "
    "simulations. Poll the job; download its documents or page through its results.",
)

IRR_CONVENTION = (
    "per period; 'multiple' rows (several sign changes) may have several IRRs - the one "
    "closest to 0 is shown, null when none is real"
)
ACCEPTED_HEADERS = {
    "Location": {
        "description": "The job: GET it for state and progress",
        "schema": {"type": "string"},
    },
    "Retry-After": {
        "description": "Seconds before polling is useful",
        "schema": {"type": "integer"},
    },
}


def _ws() -> uuid.UUID:
    return g.principal.workspace_id


def _accepted(job):
    body = service.representation(job)
    headers = {"Location": url_for("jobs.job", job_id=job.id)}
    if body["state"] in ("queued", "started"):
        headers["Retry-After"] = 1
    return body, 202, headers


def _render_params(args: dict) -> dict:
    params = {"document": args["document"]}
    if "lang" in args:
        params["lang"] = args["lang"]
    return params


@blp.route("/cases/<uuid:case_id>/renders", methods=["POST"])
@idempotent
@blp.arguments(RenderRequestSchema, example={"document": "proposal", "lang": "en"})
@blp.response(202, JobSchema, headers=ACCEPTED_HEADERS)
@blp.problems(401, 404, 413, 415, 429, 503)
def render_case(args, case_id):
    """Render a case's proposal or briefing in the background

    The job renders the given ``version`` (default: the current one) in ``lang`` (default:
    the case's locale). When it is finished, ``documents[0].url`` downloads the PDF.
    """
    row = cases.get_case(_ws(), case_id)
    version = args.get("version", row.version)
    if version != row.version:
        cases.get_version(_ws(), case_id, version)  # 404 if there is no such version
    job = service.create(
        _ws(), "render", _render_params(args), [{"case_id": row.id, "version": version}]
    )
    return _accepted(service.submit(job))


def _filtered_cases(criteria: dict) -> list[Case]:
    query = select(Case).where(Case.workspace_id == _ws(), Case.deleted_at.is_(None))
    if "customer" in criteria:
        text = criteria["customer"].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Case.customer_name.ilike(f"%{text}%", escape="\\"))
    if "industry" in criteria:
        query = query.where(Case.industry == criteria["industry"])
    if "stage" in criteria:
        query = query.where(Case.stage == criteria["stage"])
    if "updated_since" in criteria:
        query = query.where(Case.updated_at >= criteria["updated_since"])
    limit = current_app.config["VALUEFRAME_RENDER_BATCH_MAX"]
    return list(db.session.scalars(query.order_by(Case.updated_at, Case.id).limit(limit + 1)))


@blp.route("/renders", methods=["POST"])
@idempotent
@blp.arguments(
    BatchRenderRequestSchema,
    example={"document": "proposal", "filter": {"industry": "manufacturing"}},
)
@blp.response(202, JobSchema, headers=ACCEPTED_HEADERS)
@blp.problems(401, 404, 413, 415, 429, 503)
def render_many(args):
    """Render many cases in one job (a list of ids or a filter)

    Each case's current version is rendered; progress counts the documents, and the
    finished job lists one document per case. At most ``VALUEFRAME_RENDER_BATCH_MAX``
    (1000) cases per job; an unknown or deleted id is a 404 naming it.
    """
    limit = current_app.config["VALUEFRAME_RENDER_BATCH_MAX"]
    if "case_ids" in args:
        ids = list(dict.fromkeys(args["case_ids"]))
        found = {
            row.id: row
            for row in db.session.scalars(
                select(Case).where(
                    Case.workspace_id == _ws(), Case.id.in_(ids), Case.deleted_at.is_(None)
                )
            )
        }
        missing = [str(i) for i in ids if i not in found]
        if missing:
            raise Problem(404, detail=f"no such case in this workspace: {', '.join(missing[:10])}")
        rows = [found[i] for i in ids]
    else:
        rows = _filtered_cases(args["filter"])
        if not rows:
            raise Problem(
                422,
                "validation",
                detail="no case of this workspace matches the filter",
                errors=[{"field": "filter", "in": "body", "message": "matches no case"}],
            )
    if len(rows) > limit:
        raise Problem(
            422,
            "validation",
            detail=f"at most {limit} cases per render job",
            errors=[{"field": "case_ids", "in": "body", "message": f"at most {limit} cases"}],
        )
    items = [{"case_id": row.id, "version": row.version} for row in rows]
    job = service.create(_ws(), "render", _render_params(args), items)
    return _accepted(service.submit(job))


@blp.route("/jobs/<job_id>", endpoint="job")
@blp.response(200, JobSchema)
@blp.problems(401, 404, 429)
def get_job(job_id):
    """A job: state, progress, why it failed, its documents or results"""
    return service.representation(service.get(_ws(), service.parse_id(job_id, "job")))


@blp.route("/jobs/batch-evaluations", methods=["POST"])
@body_options(exact=False, max_bytes_config="VALUEFRAME_MAX_BATCH_BODY_BYTES")
@idempotent
@blp.arguments(
    BatchRequestSchema,
    example={"currency": "EUR", "rate": 0.08, "flows": [[-100, 30, 40, 50], [-50, 20, 40]]},
)
@blp.response(202, JobSchema, headers=ACCEPTED_HEADERS)
@blp.problems(400, 401, 413, 415, 429, 503)
def batch_evaluation(args):
    """NPV and IRR of many schedules, as a job (results paged)

    The body is that of ``POST /compute/batch``. The rows are split into chunks of
    ``VALUEFRAME_JOB_BATCH_CHUNK_ROWS`` (10,000) that workers compute in parallel;
    progress counts rows. ``GET /jobs/{id}/results?page=`` pages through the figures.
    """
    flows = args["flows"]
    rows, columns = flows.shape
    rates = _rates(args, rows)
    chunk = current_app.config["VALUEFRAME_JOB_BATCH_CHUNK_ROWS"]
    params = {
        "currency": args["currency"],
        "rows": rows,
        "periods": columns - 1,
        "chunk_rows": chunk,
        "irr": args["irr"],
    }
    items, payloads = [], []
    for start in range(0, rows, chunk):
        stop = min(rows, start + chunk)
        items.append({"weight": stop - start})
        part = rates if np.isscalar(rates) else rates[start:stop]
        payloads.append({"flows": flows[start:stop], "rates": part})
    job = service.create(_ws(), "batch-evaluation", params, items)
    return _accepted(service.submit(job, payloads))


@blp.route("/jobs/simulations", methods=["POST"])
@idempotent
@blp.arguments(ValueCaseSchema)
@blp.response(202, JobSchema, headers=ACCEPTED_HEADERS)
@blp.problems(400, 401, 413, 415, 429, 503)
def simulation(case):
    """The Monte Carlo simulation of a case document, as a job

    For simulations past what one request may run (``VALUEFRAME_SIMULATION_BUDGET``); the
    job's bound is ``VALUEFRAME_JOB_SIMULATION_BUDGET``. The result (P10/P50/P90, the
    histogram) is at ``GET /jobs/{id}/results``.
    """
    params = {"currency": case.currency, "trials": case.simulation.trials}
    job = service.create(_ws(), "simulation", params, [{}])
    return _accepted(service.submit(job, [dump_case(case)]))


@blp.route("/jobs/<job_id>/results", endpoint="results")
@blp.arguments(ResultsArgsSchema, location="query")
@blp.response(200, ResultsSchema)
@blp.problems(401, 404, 409, 429)
def results(args, job_id):
    """A finished batch evaluation's figures, a page at a time (or a simulation's result)

    Rows are columns as in ``POST /compute/batch``: ``npv[k]`` is row ``first_row + k``.
    409 while the job is not finished.
    """
    job = service.get(_ws(), service.parse_id(job_id, "job"))
    if job.kind == "render":
        raise Problem(404, detail="a render job has documents, not results; see its documents")
    state = service.representation(job)["state"]
    if state != "finished":
        raise Problem(409, detail=f"the job is {state}; results exist once it is finished")
    items = db.session.scalars(
        select(JobItem).where(JobItem.job_id == job.id).order_by(JobItem.index)
    ).all()
    body = {"job_id": job.id, "kind": job.kind, "currency": job.params["currency"]}
    if job.kind == "simulation":
        body["pagination"] = {"page": 1, "per_page": 1, "total": 1, "pages": 1}
        body["simulation"] = store.read_json(items[0].path)["simulation"]
        return body
    total, per_page, page = job.params["rows"], args["per_page"], args["page"]
    pages = service.pages(total, per_page)
    if page > pages:
        raise Problem(404, detail=f"page {page} is past the last page ({pages})")
    first, last = (page - 1) * per_page, min(total, page * per_page)
    chunk = job.params["chunk_rows"]
    columns = {"npv": [], "irr": [], "irr_status": [], "sign_changes": []}
    for index in range(first // chunk, (last - 1) // chunk + 1):
        part = store.read_json(items[index].path)
        lo, hi = max(first, part["start"]) - part["start"], min(last, part["start"] + chunk)
        hi -= part["start"]
        for name in columns:
            if name in part:
                columns[name].extend(part[name][lo:hi])
    body.update(
        pagination={"page": page, "per_page": per_page, "total": total, "pages": pages},
        first_row=first,
        npv_convention=NPV_CONVENTION,
        npv=columns["npv"],
    )
    if job.params.get("irr"):
        body.update(
            irr_convention=IRR_CONVENTION,
            irr=columns["irr"],
            irr_status=columns["irr_status"],
            sign_changes=columns["sign_changes"],
        )
    return body
