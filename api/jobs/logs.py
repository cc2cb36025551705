"""Job ids in log lines: ``[job=<job id>_<item>]`` on every record a worker logs while it
runs an item (RQ's lines and ours, in the worker and in the child that does the work),
``[job=-]`` between jobs. The API's own lines about jobs name the job in the message."""

from __future__ import annotations

import contextvars
import logging
import sys

CURRENT = contextvars.ContextVar("valueframe_job", default=None)
FORMAT = "%(asctime)s %(levelname)s %(name)s [job=%(job)s] %(message)s"


class JobFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "job"):
            record.job = CURRENT.get() or "-"
        return True


def configure(level: str = "INFO") -> None:
    """One stdout handler on the root logger (the worker's logs), job ids in every line."""
    root = logging.getLogger()
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(JobFilter())
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("api", "rq"):
        logger = logging.getLogger(name)
        logger.handlers.clear()  # everything goes through the root handler, once
        logger.propagate = True
        logger.setLevel(level)
