"""The queue: RQ on Redis when ``VALUEFRAME_REDIS_URL`` is set, else in-process.

- Each :class:`~api.resources.jobs.models.JobItem` becomes one RQ job, id
  ``<job id>_<item index>`` (so RQ's own log lines name our job), on the queue of its kind:
  ``valueframe-renders`` for documents, ``valueframe-compute`` for batch evaluations and
  simulations. It has a timeout (``VALUEFRAME_JOB_TIMEOUT``) and a bounded retry count
  (``VALUEFRAME_JOB_RETRIES``, RQ ``Retry``); ``on_failure`` records why the last attempt
  failed.
- Items are enqueued after the job's rows are committed, so a worker always finds them.
- Without Redis the same item function runs in the request, one item after the other:
  the job is already finished when the 202 is sent.
"""

from __future__ import annotations

import logging

from flask import current_app

from api.models import utcnow
from api.resources.jobs.models import Job, JobItem

log = logging.getLogger("api.jobs")

RENDERS = "valueframe-renders"
COMPUTE = "valueframe-compute"
QUEUES = (RENDERS, COMPUTE)
QUEUE_OF = {"render": RENDERS, "batch-evaluation": COMPUTE, "simulation": COMPUTE}
LEASE_KEY = "valueframe:lease:{}"


class QueueUnavailable(Exception):
    """Redis is configured but cannot be reached."""


def enabled() -> bool:
    return bool(current_app.config.get("VALUEFRAME_REDIS_URL"))


def connection():
    """The app's Redis client (one per app, created on first use)."""
    from redis import Redis

    extensions = current_app.extensions
    client = extensions.get("valueframe_redis")
    if client is None:
        client = Redis.from_url(
            current_app.config["VALUEFRAME_REDIS_URL"],
            socket_connect_timeout=3,
            health_check_interval=30,
        )
        extensions["valueframe_redis"] = client
    return client


def queue(name: str):
    from rq import Queue

    return Queue(name, connection=connection())


def rq_job_id(job_id, index: int) -> str:
    return f"{job_id}_{index}"


def submit(job: Job, items: list[JobItem], payloads: list | None = None) -> None:
    """Run the items: enqueue them (Redis) or run them now (in-process)."""
    from api.jobs import tasks

    payloads = payloads or [None] * len(items)
    if not enabled():
        for item, payload in zip(items, payloads, strict=True):
            try:
                tasks.run_item(str(item.id), payload)
            except Exception as error:  # logged by run_item; one attempt in-process
                reason = tasks.describe(type(error), error)
                tasks.mark(item.id, state="failed", error=reason, finished_at=utcnow())
        return
    from redis.exceptions import RedisError
    from rq import Callback, Queue, Retry

    config = current_app.config
    target = queue(QUEUE_OF[job.kind])
    retries = config["VALUEFRAME_JOB_RETRIES"]
    data = [
        Queue.prepare_data(
            tasks.run_item,
            args=(str(item.id), payload),
            job_id=rq_job_id(job.id, item.index),
            timeout=config["VALUEFRAME_JOB_TIMEOUT"],
            retry=Retry(max=retries) if retries > 0 else None,
            on_failure=Callback(tasks.on_failure),
            result_ttl=3600,
            failure_ttl=7 * 24 * 3600,
            description=f"{job.kind} job {job.id} item {item.index}",
        )
        for item, payload in zip(items, payloads, strict=True)
    ]
    try:
        with connection().pipeline() as pipeline:
            target.enqueue_many(data, pipeline=pipeline)
            pipeline.execute()
    except RedisError as error:
        log.error("job %s: cannot enqueue %d items: %s", job.id, len(items), error)
        raise QueueUnavailable(str(error)) from error
    log.info("job %s: enqueued %d %s items on %s", job.id, len(items), job.kind, target.name)
