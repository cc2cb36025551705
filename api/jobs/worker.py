"""Workers: ``flask --app api worker [--queues valueframe-renders,valueframe-compute]``.

Each worker is an RQ worker (it forks a child per job, which enforces the job's timeout)
running in the app's context, so a job sees the same configuration, database and document
store as the API. Start as many as the machines have cores, on as many machines as you
like: they share the queues in Redis.

A worker killed mid-job (SIGKILL, a machine lost) must not lose the job. RQ notices an
abandoned job only a minute or more after its last heartbeat; here every job holds a lease
(:class:`api.jobs.tasks.Lease`) and every worker, between jobs and every few seconds while
idle, looks for started jobs whose lease has lapsed (:func:`reap`): such a job is put back
on its queue (RQ's ``job.retry``, counted against its retries) or, with no retry left,
failed with the reason. A per-execution lock makes sure only one worker requeues it.
"""

from __future__ import annotations

import logging
import time

import click
from flask import current_app
from flask.cli import with_appcontext

from api.jobs import logs, queue
from api.jobs.tasks import describe, mark
from api.models import utcnow

log = logging.getLogger("api.jobs.worker")


def reap(connection, queue_names, lease_seconds: int) -> int:
    """Requeue (or fail) started jobs whose worker died; returns how many."""
    import uuid

    from rq import Queue
    from rq.exceptions import AbandonedJobError, NoSuchJobError
    from rq.executions import Execution
    from rq.job import Job, JobStatus

    reaped = 0
    for name in queue_names:
        rq_queue = Queue(name, connection=connection)
        registry = rq_queue.started_job_registry
        for job_id, execution_id in registry.get_job_and_execution_ids(cleanup=False):
            if connection.exists(queue.LEASE_KEY.format(job_id)):
                continue
            try:
                execution = Execution.fetch(execution_id, job_id, connection)
            except Exception:  # the execution ended between the two reads
                continue
            if (utcnow() - execution.created_at).total_seconds() < lease_seconds:
                continue  # just started: its lease may not be written yet
            lock = f"valueframe:reaped:{job_id}:{execution_id}"
            if not connection.set(lock, 1, nx=True, ex=24 * 3600):
                continue  # another worker handles it
            try:
                job = Job.fetch(job_id, connection=connection)
            except NoSuchJobError:
                connection.zrem(registry.key, execution.composite_key)
                continue
            if job.get_status() != JobStatus.STARTED:
                continue
            with connection.pipeline() as pipeline:
                registry.remove_execution(execution, pipeline=pipeline)
                if job.should_retry:
                    job.retry(rq_queue, pipeline)
                    pipeline.execute()
                    log.warning(
                        "job %s: its worker %s stopped mid-job; requeued (%d retries left)",
                        job_id,
                        execution.worker_name or "?",
                        job.retries_left,
                    )
                    mark(uuid.UUID(job.args[0]), state="queued")
                else:
                    reason = describe(AbandonedJobError, None)
                    job.set_status(JobStatus.FAILED, pipeline=pipeline)
                    job._handle_failure(reason, pipeline, worker_name="")
                    pipeline.execute()
                    log.error("job %s: its worker stopped mid-job; failed: %s", job_id, reason)
                    mark(uuid.UUID(job.args[0]), state="failed", error=reason, finished_at=utcnow())
            reaped += 1
    return reaped


def worker_class():
    from rq import Worker

    class ValueframeWorker(Worker):
        """RQ's forking worker that also requeues the jobs of dead workers."""

        reap_interval = 5
        lease_seconds = 30

        @property
        def dequeue_timeout(self) -> int:
            return self.reap_interval  # wake up that often while idle, to reap

        def run_maintenance_tasks(self):
            super().run_maintenance_tasks()
            try:
                reap(self.connection, self.queue_names(), self.lease_seconds)
            except Exception:
                self.log.exception("Worker %s: reaping abandoned jobs failed", self.name)

        def execute_job(self, job, queue):
            token = logs.CURRENT.set(job.id)  # the forked child inherits it too
            try:
                return super().execute_job(job, queue)
            finally:
                logs.CURRENT.reset(token)

        def handle_work_horse_killed(self, job, retpid, ret_val, rusage):
            # the child died (OOM, a signal): record it if no retry is left
            super().handle_work_horse_killed(job, retpid, ret_val, rusage)
            if not job.should_retry:
                import uuid

                reason = "the process running it was killed before it finished"
                mark(uuid.UUID(job.args[0]), state="failed", error=reason, finished_at=utcnow())

    return ValueframeWorker


@click.command("worker")
@click.option(
    "--queues",
    default=",".join(queue.QUEUES),
    show_default=True,
    help="Comma-separated queues to work on, in priority order.",
)
@click.option("--name", default=None, help="Worker name (default: host and pid).")
@click.option("--burst", is_flag=True, help="Quit when the queues are empty.")
@with_appcontext
def worker_command(queues: str, name: str | None, burst: bool) -> None:
    """Run a worker: render documents and run batch jobs from the Redis queues."""
    if not queue.enabled():
        raise click.ClickException(
            "VALUEFRAME_REDIS_URL is not set: without Redis, jobs run in the API process "
            "and no worker is needed"
        )
    config = current_app.config
    logs.configure(config["VALUEFRAME_LOG_LEVEL"])
    names = [q.strip() for q in queues.split(",") if q.strip()]
    unknown = sorted(set(names) - set(queue.QUEUES))
    if unknown:
        raise click.BadParameter(f"unknown queue(s) {', '.join(unknown)}", param_hint="--queues")
    _warm_up()
    cls = worker_class()
    cls.lease_seconds = config["VALUEFRAME_JOB_LEASE_SECONDS"]
    cls.reap_interval = max(1, min(5, cls.lease_seconds // 3))
    connection = queue.connection()
    worker = cls(
        [queue.queue(n) for n in names],
        connection=connection,
        name=name,
        maintenance_interval=cls.reap_interval,
    )
    log.info("worker %s: queues %s, lease %d s", worker.name, ",".join(names), cls.lease_seconds)
    started = time.monotonic()
    worker.work(burst=burst, logging_level=config["VALUEFRAME_LOG_LEVEL"])
    log.info("worker %s: stopped after %.0f s", worker.name, time.monotonic() - started)


def _warm_up() -> None:
    """Load what every job needs once, in the parent: each forked child inherits it."""
    import pdf_templates  # noqa: F401
    import valueframe.evaluate  # noqa: F401
    from pdf_templates import fonts

    try:
        fonts.register()
    except Exception as error:  # e.g. FontMissing: the Chinese renders will say so
        log.warning("fonts not loaded: %s", error)
