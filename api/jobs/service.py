"""Creating jobs and reading their state (the job resource's representation)."""

from __future__ import annotations

import math
import uuid

from flask import url_for
from sqlalchemy import func, select

from api.errors import Problem
from api.extensions.db import db
from api.jobs import queue
from api.resources.jobs.models import Job, JobItem


def create(workspace_id: uuid.UUID, kind: str, params: dict, items: list[dict]) -> Job:
    """A job and its items, committed (so a worker can find them) but not yet submitted."""
    job = Job(
        workspace_id=workspace_id,
        kind=kind,
        params=params,
        runner="redis" if queue.enabled() else "in-process",
    )
    db.session.add(job)
    db.session.flush()
    for index, values in enumerate(items):
        db.session.add(JobItem(job_id=job.id, index=index, state="queued", **values))
    db.session.commit()
    return job


def submit(job: Job, payloads: list | None = None) -> Job:
    """Enqueue (or run) a committed job's items; 503 when Redis cannot be reached."""
    job_id = job.id
    items = db.session.scalars(
        select(JobItem).where(JobItem.job_id == job_id).order_by(JobItem.index)
    ).all()
    try:
        queue.submit(job, list(items), payloads)
    except queue.QueueUnavailable:
        for item in items:
            item.state, item.error = "failed", "the job queue (Redis) could not be reached"
        db.session.commit()
        raise Problem(
            503,
            "service-unavailable",
            detail="the job queue cannot be reached; retry shortly",
            headers={"Retry-After": 5},
        ) from None
    db.session.expire_all()
    return db.session.get(Job, job_id)


def parse_id(value: str, what: str) -> uuid.UUID:
    """A job or document id from the path (a UUID; anything else names nothing: 404).

    The path takes any segment rather than Werkzeug's ``uuid`` converter so that every
    request to these routes is authenticated first (401 before 404), like the others.
    """
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Problem(404, detail=f"no such {what} in this workspace") from None


def get(workspace_id: uuid.UUID, job_id: uuid.UUID) -> Job:
    job = db.session.scalar(select(Job).where(Job.id == job_id, Job.workspace_id == workspace_id))
    if job is None:
        raise Problem(404, detail="no such job in this workspace")
    return job


def state_of(counts: dict[str, int]) -> str:
    total = sum(counts.values())
    ended = counts.get("finished", 0) + counts.get("failed", 0)
    if total and ended == total:
        return "failed" if counts.get("failed") else "finished"
    if counts.get("queued", 0) == total:
        return "queued"
    return "started"


def representation(job: Job) -> dict:
    """What GET /jobs/{id} shows: state, progress, error, the documents or results."""
    rows = db.session.execute(
        select(JobItem.state, func.count(), func.sum(JobItem.weight))
        .where(JobItem.job_id == job.id)
        .group_by(JobItem.state)
    ).all()
    counts = {state: count for state, count, _ in rows}
    weights = {state: int(weight or 0) for state, _, weight in rows}
    state = state_of(counts)
    items = db.session.scalars(
        select(JobItem).where(JobItem.job_id == job.id).order_by(JobItem.index)
    ).all()
    started = [i.started_at for i in items if i.started_at]
    finished = [i.finished_at for i in items if i.finished_at]
    failures = [
        {"index": i.index, "case_id": i.case_id, "version": i.version, "error": i.error}
        for i in items
        if i.state == "failed"
    ]
    body = {
        "id": job.id,
        "kind": job.kind,
        "state": state,
        "runner": job.runner,
        "progress": {
            "done": weights.get("finished", 0) + weights.get("failed", 0),
            "total": sum(weights.values()),
            "failed": weights.get("failed", 0),
            "unit": "rows" if job.kind == "batch-evaluation" else job.kind + "s",
        },
        "params": job.params,
        "created_at": job.created_at,
        "started_at": min(started) if started else None,
        "finished_at": max(finished) if finished and state in ("finished", "failed") else None,
        "error": _error(failures, len(items)) if failures else None,
        "failures": failures[:100],
        "documents": [],
        "results_url": None,
    }
    if job.kind == "render":
        body["documents"] = [
            {
                "id": i.id,
                "url": url_for("documents.download", document_id=i.id),
                "case_id": i.case_id,
                "version": i.version,
                "document": job.params["document"],
                "filename": i.filename,
                "size": i.size,
            }
            for i in items
            if i.state == "finished"
        ]
    elif state == "finished":
        body["results_url"] = url_for("jobs.results", job_id=job.id)
    return body


def _error(failures: list[dict], total: int) -> str:
    if total == 1:
        return failures[0]["error"]
    first = failures[0]
    where = f"case {first['case_id']}" if first["case_id"] else f"item {first['index']}"
    return f"{len(failures)} of {total} items failed; first: {where}: {first['error']}"


def pages(total: int, per_page: int) -> int:
    return max(1, math.ceil(total / per_page))
