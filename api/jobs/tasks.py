"""What a worker runs: :func:`run_item` (one document, one batch chunk, one simulation).

The same function runs on an RQ worker and, without Redis, in the request. An item:

1. is marked ``started`` (its attempt counted) - unless it already ended, then nothing
   happens (a duplicate delivery does no work twice);
2. does its work and writes its output to the one path fixed for it (temp file + rename:
   a retry overwrites, never duplicates);
3. is marked ``finished`` with the output, or ``failed`` with the reason when the failure
   is the input's (a document too large, a case deleted, a calculation that cannot be
   done): retrying would fail again. Anything else (the database or the disk away, a
   missing font) raises, and RQ retries it up to ``VALUEFRAME_JOB_RETRIES`` times;
   :func:`on_failure` records the reason when no retry is left.

On a worker, a lease key in Redis (``valueframe:lease:<rq job id>``, refreshed every
third of ``VALUEFRAME_JOB_LEASE_SECONDS``) says the item is being worked on; a worker that
dies stops refreshing it, and :mod:`api.jobs.worker` requeues the item.
"""

from __future__ import annotations

import logging
import os
import threading
import uuid

import numpy as np
from flask import current_app
from marshmallow import ValidationError
from sqlalchemy import select, update

from api.extensions.db import db
from api.jobs import store
from api.jobs.logs import CURRENT
from api.models import Case, CaseVersion, utcnow
from api.resources.jobs.models import Job, JobItem

log = logging.getLogger("api.jobs")

_pid = os.getpid()


class ItemFailed(Exception):
    """The input makes this item fail on every attempt: record why, do not retry."""


def _after_fork() -> None:
    """An RQ worker forks per job: never share the parent's database connections."""
    global _pid
    if os.getpid() != _pid:
        db.session.remove()
        db.engine.dispose(close=False)
        _pid = os.getpid()


def mark(item_id: uuid.UUID, **values) -> None:
    db.session.execute(
        update(JobItem)
        .where(JobItem.id == item_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


class Lease:
    """A Redis key that lives while this process works on the item."""

    def __init__(self, connection, key: str, seconds: int):
        self.connection, self.key, self.seconds = connection, key, max(1, seconds)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._refresh, daemon=True, name="lease")

    def _refresh(self) -> None:
        while not self.stopped.wait(self.seconds / 3):
            try:
                self.connection.set(self.key, os.getpid(), ex=self.seconds)
            except Exception:  # Redis away for a moment: the next beat tries again
                log.warning("lease %s: could not refresh", self.key, exc_info=True)

    def __enter__(self):
        self.connection.set(self.key, os.getpid(), ex=self.seconds)
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stopped.set()
        self.thread.join(timeout=5)
        try:
            self.connection.delete(self.key)
        except Exception:
            log.warning("lease %s: could not release", self.key, exc_info=True)


class _NoLease:
    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return None


def _lease():
    from rq import get_current_job

    from api.jobs.queue import LEASE_KEY

    rq_job = get_current_job()
    if rq_job is None:
        return _NoLease()
    seconds = current_app.config["VALUEFRAME_JOB_LEASE_SECONDS"]
    return Lease(rq_job.connection, LEASE_KEY.format(rq_job.id), seconds)


def run_item(item_id: str, payload=None) -> str:
    """Run one item; returns its final state ("finished", "failed" or "skipped")."""
    from rq.timeouts import JobTimeoutException

    _after_fork()
    item = db.session.get(JobItem, uuid.UUID(item_id))
    if item is None:
        log.warning("item %s: no such item (its job was deleted); nothing to do", item_id)
        return "skipped"
    job = item.job
    token = CURRENT.set(f"{job.id}_{item.index}")
    prefix = f"job {job.id} item {item.index}"
    try:
        if item.state in ("finished", "failed"):
            log.info("%s: already %s; nothing to do", prefix, item.state)
            return "skipped"
        with _lease():
            attempt = item.attempts + 1
            mark(item.id, state="started", attempts=attempt, started_at=utcnow(), error=None)
            log.info("%s: %s started (attempt %d)", prefix, job.kind, attempt)
            try:
                output = HANDLERS[job.kind](job, item, payload)
            except ItemFailed as error:
                mark(item.id, state="failed", error=str(error), finished_at=utcnow())
                log.warning("%s: failed: %s", prefix, error)
                return "failed"
            except JobTimeoutException:
                reason = (
                    f"took longer than the job timeout "
                    f"({current_app.config['VALUEFRAME_JOB_TIMEOUT']} s)"
                )
                mark(item.id, state="failed", error=reason, finished_at=utcnow())
                log.warning("%s: failed: %s", prefix, reason)
                return "failed"
            mark(item.id, state="finished", finished_at=utcnow(), **output)
            log.info("%s: finished (%s)", prefix, output.get("path"))
            return "finished"
    except Exception:
        db.session.rollback()
        log.exception("%s: attempt failed", prefix)
        raise
    finally:
        CURRENT.reset(token)
        if _on_worker():
            db.session.remove()


def _on_worker() -> bool:
    from rq import get_current_job

    return get_current_job() is not None


def describe(exc_type, value) -> str:
    """Why an attempt failed, for the job resource (no traceback, no internals)."""
    from rq.exceptions import AbandonedJobError
    from rq.timeouts import JobTimeoutException

    if exc_type is not None and issubclass(exc_type, AbandonedJobError):
        return "the worker running it stopped before it finished, and no retry is left"
    if exc_type is not None and issubclass(exc_type, JobTimeoutException):
        return "took longer than the job timeout"
    name = getattr(exc_type, "__name__", "error")
    return f"an unexpected error ({name}); the log has the details under this job's id"


def on_failure(rq_job, connection, exc_type, value, traceback) -> None:
    """RQ's failure callback: the item goes back to queued for a retry, or fails with why."""
    item_id = uuid.UUID(rq_job.args[0])
    token = CURRENT.set(rq_job.id)
    try:
        _after_fork()
        if rq_job.should_retry:
            log.warning(
                "job %s: attempt failed (%s); %d retries left",
                rq_job.id,
                getattr(exc_type, "__name__", exc_type),
                rq_job.retries_left,
            )
            mark(item_id, state="queued")
        else:
            reason = describe(exc_type, value)
            log.error("job %s: failed for good: %s", rq_job.id, reason)
            mark(item_id, state="failed", error=reason, finished_at=utcnow())
    finally:
        CURRENT.reset(token)
        db.session.remove()


# -- the work ----------------------------------------------------------------------------------


def pdf_filename(case_title: str, document: str, version: int | None, lang: str) -> str:
    """An ASCII file name: ``proposal-plant-2-value-frame-v3-en.pdf``."""
    slug = "".join(c.lower() if c.isascii() and c.isalnum() else "-" for c in case_title)
    slug = "-".join(part for part in slug.split("-") if part)[:60].strip("-")
    parts = [document, slug, f"v{version}" if version else "", lang]
    return "-".join(part for part in parts if part) + ".pdf"


def _check_simulation(case) -> None:
    budget = current_app.config["VALUEFRAME_JOB_SIMULATION_BUDGET"]
    cost = case.simulation.trials * max(1, case.periods) * (len(case.values) + 1)
    if cost > budget:
        raise ItemFailed(
            f"simulation.trials: trials x periods x (values + 1) = {cost:,} exceeds the job "
            f"budget of {budget:,}"
        )


def _render(job: Job, item: JobItem, payload) -> dict:
    from calculators.errors import CalculatorError
    from pdf_templates import DocumentTooLarge, RenderTimeout, render
    from valueframe.evaluate import evaluate
    from valueframe.schema import load_case

    row = db.session.scalar(
        select(Case).where(Case.id == item.case_id, Case.workspace_id == job.workspace_id)
    )
    if row is None or row.deleted_at is not None:
        raise ItemFailed(f"case {item.case_id} was deleted")
    version = db.session.scalar(
        select(CaseVersion).where(
            CaseVersion.case_id == item.case_id, CaseVersion.number == item.version
        )
    )
    if version is None:
        raise ItemFailed(f"case {item.case_id} has no version {item.version}")
    document, lang = job.params["document"], job.params.get("lang")
    try:
        case = load_case(version.document)
        lang = lang or case.locale
        _check_simulation(case)
        evaluation = evaluate(case)
        pdf = render(document, case, evaluation, lang)
    except ValidationError as error:
        raise ItemFailed(f"the stored case is not valid any more: {error.messages}") from None
    except CalculatorError as error:
        raise ItemFailed(f"cannot evaluate the case: {error}") from None
    except RenderTimeout as error:
        raise ItemFailed(str(error)) from None
    except DocumentTooLarge as error:
        raise ItemFailed(f"the document is too large: {error}") from None
    path = store.render_path(job.workspace_id, job.id, item.case_id, item.version, document, lang)
    size = store.write_atomic(path, pdf)
    return {
        "path": path,
        "size": size,
        "filename": pdf_filename(row.title, document, item.version, lang),
    }


def _nullable(values: np.ndarray) -> list:
    return [None if not np.isfinite(v) else v for v in values.tolist()]


def _batch(job: Job, item: JobItem, payload) -> dict:
    from calculators import batch

    flows = np.asarray(payload["flows"], dtype=np.float64)
    rates = payload["rates"]
    rates = float(rates) if np.isscalar(rates) else np.asarray(rates, dtype=np.float64)
    body = {
        "start": job.params["chunk_rows"] * item.index,
        "npv": _nullable(batch.batch_npv(rates, flows)),
    }
    if job.params.get("irr", True):
        result = batch.batch_irr(flows)
        statuses = {
            batch.IRR_UNIQUE: "unique",
            batch.IRR_NONE: "none",
            batch.IRR_MULTIPLE: "multiple",
        }
        body["irr"] = _nullable(result.rates)
        body["irr_status"] = [statuses[s] for s in result.status.tolist()]
        body["sign_changes"] = result.sign_changes.tolist()
    path = store.results_path(job.workspace_id, job.id, item.index)
    return {"path": path, "size": store.write_json(path, body)}


def _simulation(job: Job, item: JobItem, payload) -> dict:
    from api.resources.evaluation import SimulationResponseSchema
    from calculators.errors import CalculatorError
    from valueframe.evaluate import evaluate
    from valueframe.schema import load_case

    try:
        case = load_case(payload)
        _check_simulation(case)
        evaluation = evaluate(case)
    except ValidationError as error:
        raise ItemFailed(f"the case is not valid: {error.messages}") from None
    except CalculatorError as error:
        raise ItemFailed(f"cannot evaluate the case: {error}") from None
    body = SimulationResponseSchema().dump(
        {"currency": evaluation.currency, "simulation": evaluation.simulation}
    )
    path = store.results_path(job.workspace_id, job.id, item.index)
    return {"path": path, "size": store.write_json(path, body)}


HANDLERS = {"render": _render, "batch-evaluation": _batch, "simulation": _simulation}
