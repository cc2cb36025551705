"""Starts a real worker (``flask --app api worker``) for the tests, with test-only hooks.

Environment (all optional):
- ``VF_TEST_MARKERS``: a file; every item whose work completes appends
  ``<item id> <pid>`` (one O_APPEND write), so a test can count completions.
- ``VF_TEST_SLOW_SECONDS``: sleep that long before each render (a job that is
  deterministically slow enough to kill its worker in the middle).
- ``VF_TEST_FAIL``: every item raises RuntimeError (retries, then a failed job).
"""

from __future__ import annotations

import os
import sys
import time


def _hook() -> None:
    from api.jobs import tasks

    markers = os.environ.get("VF_TEST_MARKERS")
    slow = float(os.environ.get("VF_TEST_SLOW_SECONDS") or 0)
    fail = bool(os.environ.get("VF_TEST_FAIL"))

    def wrap(kind, handler):
        def run(job, item, payload):
            if fail:
                raise RuntimeError("the test asked this item to fail")
            if slow and kind == "render":
                time.sleep(slow)
            output = handler(job, item, payload)
            if markers:
                fd = os.open(markers, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
                try:
                    os.write(fd, f"{item.id} {os.getpid()}\n".encode())
                finally:
                    os.close(fd)
            return output

        return run

    for kind, handler in list(tasks.HANDLERS.items()):
        tasks.HANDLERS[kind] = wrap(kind, handler)


if __name__ == "__main__":
    sys.path.insert(0, os.getcwd())
    _hook()
    from flask.cli import main

    sys.argv = ["flask", "--app", "api", "worker", *sys.argv[1:]]
    main()
