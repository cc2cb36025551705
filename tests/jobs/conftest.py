"""Real Redis, real worker processes.

Redis must answer at ``VALUEFRAME_TEST_REDIS_URL`` (default redis://127.0.0.1:6379): the
tests fail, never skip, when it does not (``make test`` starts it). Each test session
claims a database number of its own (1-15, claimed in db 0 with SET NX, so two test runs on
one machine never share one) and flushes it before every test. Workers are subprocesses
(``tests/jobs/worker_main.py``) killed - with the children they forked - at teardown.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import clear_tables, make_app

REDIS_URL = os.environ.get("VALUEFRAME_TEST_REDIS_URL", "redis://127.0.0.1:6379")
REPO = Path(__file__).resolve().parents[2]
LEASE_SECONDS = 2


@pytest.fixture(scope="session")
def redis_db():
    """A Redis database number claimed for this session: redis://host:port/<n>."""
    from redis import Redis
    from redis.exceptions import RedisError

    admin = Redis.from_url(f"{REDIS_URL.rstrip('/')}/0", socket_connect_timeout=3)
    try:
        admin.ping()
    except RedisError as error:
        pytest.fail(f"Redis is not reachable at {REDIS_URL} ({error}); run `make services`")
    claim = None
    for number in range(1, 16):
        if admin.set(f"valueframe:test-db:{number}", os.getpid(), nx=True, ex=3600):
            claim = number
            break
    if claim is None:
        pytest.fail("all Redis databases 1-15 are claimed by other test runs")
    yield f"{REDIS_URL.rstrip('/')}/{claim}"
    admin.delete(f"valueframe:test-db:{claim}")
    admin.close()


@pytest.fixture
def redis(redis_db):
    from redis import Redis

    client = Redis.from_url(redis_db)
    client.flushdb()
    yield client
    client.close()


@pytest.fixture(scope="session")
def queue_env(redis_db, tmp_path_factory) -> dict:
    """The configuration the test app and its workers share (by environment)."""
    folder = tmp_path_factory.mktemp("queue")
    return {
        "VALUEFRAME_REDIS_URL": redis_db,
        "VALUEFRAME_DOCUMENT_DIR": str(folder / "documents"),
        "VALUEFRAME_JOB_LEASE_SECONDS": str(LEASE_SECONDS),
        "VALUEFRAME_JOB_RETRIES": "2",
        "VALUEFRAME_JOB_TIMEOUT": "60",
        "VALUEFRAME_JOB_BATCH_CHUNK_ROWS": "10",
        "VALUEFRAME_RATE_LIMIT": "100000/minute",
        "SAMPLES_DIR": str(REPO / "samples"),
    }


@pytest.fixture(scope="session")
def _queue_app(queue_env, tmp_path_factory):
    overrides = {key: value for key, value in queue_env.items() if key != "DATABASE_URL"}
    for key in ("VALUEFRAME_JOB_LEASE_SECONDS", "VALUEFRAME_JOB_RETRIES"):
        overrides[key] = int(overrides[key])
    overrides["VALUEFRAME_JOB_TIMEOUT"] = int(overrides["VALUEFRAME_JOB_TIMEOUT"])
    overrides["VALUEFRAME_JOB_BATCH_CHUNK_ROWS"] = int(overrides["VALUEFRAME_JOB_BATCH_CHUNK_ROWS"])
    app, finalize = make_app("sqlite", tmp_path_factory, **overrides)
    # the workers must see the very same database file
    app.config["TEST_DATABASE_URL"] = app.config["SQLALCHEMY_DATABASE_URI"]
    yield app
    finalize()


@pytest.fixture
def queue_app(_queue_app, queue_env, redis):
    import shutil

    clear_tables(_queue_app)
    shutil.rmtree(queue_env["VALUEFRAME_DOCUMENT_DIR"], ignore_errors=True)
    _queue_app.extensions.pop("valueframe_redis", None)
    return _queue_app


@pytest.fixture
def queue_client(queue_app):
    return queue_app.test_client()


@pytest.fixture
def queue_auth(queue_app):
    from api.auth import create_key

    with queue_app.app_context():
        full, _ = create_key("acme")
    return {"Authorization": f"Bearer {full}"}


def descendants(pid: int) -> list[int]:
    """Every process forked (transitively) by ``pid`` (RQ's work horses start their own
    process group, so killing the worker's group would miss them)."""
    found = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:
        return found
    for task in tasks:
        try:
            children = Path(f"/proc/{pid}/task/{task}/children").read_text().split()
        except FileNotFoundError:
            continue
        for child in map(int, children):
            found.append(child)
            found.extend(descendants(child))
    return found


def kill_tree(pid: int) -> None:
    for process in [*descendants(pid), pid]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(process, signal.SIGKILL)


@pytest.fixture
def workers(queue_app, queue_env, tmp_path, redis):
    """start(n, **env) -> the Popen of n worker processes, killed at teardown."""
    started: list[subprocess.Popen] = []
    markers = tmp_path / "markers.txt"

    def start(count: int = 1, **extra) -> list[subprocess.Popen]:
        from rq import Worker

        env = {**os.environ, **queue_env, "VF_TEST_MARKERS": str(markers)}
        env["DATABASE_URL"] = queue_app.config["TEST_DATABASE_URL"]
        env.update({key: str(value) for key, value in extra.items()})
        before = len(Worker.all(connection=redis))
        new = []
        for _ in range(count):
            with open(tmp_path / f"worker-{len(started)}.log", "wb") as log:
                process = subprocess.Popen(
                    [sys.executable, str(REPO / "tests" / "jobs" / "worker_main.py")],
                    cwd=REPO,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            started.append(process)
            new.append(process)
        deadline = time.monotonic() + 20
        while len(Worker.all(connection=redis)) < before + count:
            for process in new:
                if process.poll() is not None:
                    log = (tmp_path / f"worker-{started.index(process)}.log").read_text()
                    pytest.fail(f"a worker exited at start:\n{log[-3000:]}")
            if time.monotonic() > deadline:
                pytest.fail("the workers did not register with Redis in 20 s")
            time.sleep(0.05)
        return new

    start.markers = markers
    start.logs = tmp_path
    try:
        yield start
    finally:
        for process in started:
            kill_tree(process.pid)
        for process in started:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)
