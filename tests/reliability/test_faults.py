"""Faults: the database going away mid-run and coming back, and crashes inside a save.

The outage scenarios run against a PRIVATE PostgreSQL cluster (initdb into a temporary
directory, a free loopback port, started and stopped with pg_ctl, removed at the end), never
the machine's shared server. tests/api/test_faults.py covers a database that is down from
the start or never answers; here it disappears while the service is running and under load,
and the service must recover by itself.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid

import pytest

from tests.api.helpers import API, assert_problem, create_case, if_match, sample_document
from tests.reliability.conftest import snapshot

FAST = 5.0  # seconds a request may take while the database is down


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        found = [shutil.which(name) or ""]
    assert found[-1], f"{name} not found (PostgreSQL server binaries)"
    return found[-1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateCluster:
    """A throwaway PostgreSQL cluster owned by the postgres OS user (initdb refuses root)."""

    def __init__(self):
        self.root = tempfile.mkdtemp(prefix="vf-faults-")
        self.data = os.path.join(self.root, "data")
        self.log = os.path.join(self.root, "server.log")
        self.port = _free_port()
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(_bin("initdb"), "-D", self.data, "-U", "postgres", "-A", "trust", "--no-sync")
        self.start()

    def _run(self, *command: str, timeout: float = 60) -> None:
        if self.as_postgres:
            command = ("runuser", "-u", "postgres", "--", *command)
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        assert result.returncode == 0, (command, result.stdout, result.stderr)

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(_bin("pg_ctl"), "-D", self.data, "-l", self.log, "-o", options, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run(_bin("pg_ctl"), "-D", self.data, "-m", mode, "-w", "stop")

    def destroy(self) -> None:
        with contextlib.suppress(AssertionError):  # already stopped
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="module")
def cluster():
    server = PrivateCluster()
    yield server
    server.destroy()


@pytest.fixture
def service(cluster):
    """A migrated app on the private cluster, a key, and a stored case."""
    import flask_migrate

    from api import create_app
    from api.auth import create_key
    from api.extensions.db import db

    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": cluster.url,
            "VALUEFRAME_DB_SCHEMA": f"faults_{uuid.uuid4().hex[:8]}",
            "VALUEFRAME_DB_CONNECT_TIMEOUT": 2,
            "VALUEFRAME_RATE_LIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        db.session.execute(db.text(f'CREATE SCHEMA "{app.config["VALUEFRAME_DB_SCHEMA"]}"'))
        db.session.commit()
        flask_migrate.upgrade()
        key, _ = create_key("faults")
    client = app.test_client()
    headers = {"Authorization": f"Bearer {key}"}
    case = create_case(client, headers)
    yield app, client, headers, case
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _requests(case: dict) -> list[tuple[str, str, dict | None]]:
    url = f"{API}/cases/{case['id']}"
    return [
        ("GET", f"{API}/cases", None),
        ("GET", url, None),
        ("GET", f"{url}/versions", None),
        ("GET", f"{url}/evaluation", None),
        ("PATCH", url, {"title": "written while the database is down"}),
        ("POST", f"{API}/cases", {"document": sample_document()}),
        (
            "POST",
            f"{API}/compute/returns",
            {"currency": "EUR", "rate": "0.1", "flows": ["-1", "2"]},
        ),
        ("GET", f"{API}/workspace/export", None),
        ("GET", "/readyz", None),
    ]


def _wait_until_ready(client, seconds: float = 30) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        if client.get("/readyz").status_code == 200:
            return time.perf_counter() - started
        time.sleep(0.2)
    raise AssertionError(f"not ready {seconds} s after the database came back")


def test_database_stopped_mid_run_is_fast_503s_and_the_service_recovers(cluster, service):
    _app, client, headers, case = service
    before = snapshot(client, headers, case["id"])
    cluster.stop()
    try:
        for method, path, body in _requests(case):
            started = time.perf_counter()
            response = client.open(
                path, method=method, json=body, headers=if_match(headers, case["version"])
            )
            elapsed = time.perf_counter() - started
            assert elapsed < FAST, (method, path, elapsed)
            problem = assert_problem(response, 503, "service-unavailable")
            assert int(response.headers["Retry-After"]) > 0
            assert "psycopg" not in response.get_data(as_text=True), problem
        assert client.get("/healthz").status_code == 200  # the process itself answers
    finally:
        cluster.start()
    _wait_until_ready(client)  # no restart of the app: the pool reconnects by itself
    assert snapshot(client, headers, case["id"]) == before  # nothing was half-written
    patched = client.patch(
        f"{API}/cases/{case['id']}", json={"stage": "improve"}, headers=if_match(headers, 1)
    )
    assert patched.status_code == 200 and patched.headers["ETag"] == '"2"'


def _consistent(app, case_id: str) -> tuple[int, list[str]]:
    """The case row and its versions agree; returns (version, titles of versions 2..)."""
    from sqlalchemy import select

    from api.extensions.db import db
    from api.models import Case, CaseVersion

    with app.app_context():
        row = db.session.get(Case, uuid.UUID(case_id))
        versions = db.session.scalars(
            select(CaseVersion).where(CaseVersion.case_id == row.id).order_by(CaseVersion.number)
        ).all()
        assert [v.number for v in versions] == list(range(1, row.version + 1))
        assert row.document == versions[-1].document
        assert row.title == versions[-1].document["title"]
        db.session.remove()
        return row.version, [v.document["title"] for v in versions[1:]]


def test_database_stopped_under_load_leaves_no_partial_write(cluster, service):
    """Four writers PATCH in a loop while the cluster is stopped and started again: every
    answer is 200, 412 or 503 (never a 500 or a hang), every 200 is in the history, and
    the case row always agrees with its last version."""
    app, client, headers, case = service
    url = f"{API}/cases/{case['id']}"
    stop = threading.Event()
    outcomes: list[tuple[str, int, float]] = []
    errors: list[BaseException] = []

    def writer(index: int) -> None:
        own = app.test_client()
        n = 0
        while not stop.is_set():
            n += 1
            marker = f"writer {index} #{n}"
            try:
                current = own.get(url, headers=headers)
                outcomes.append(("read", current.status_code, 0.0))
                etag = current.headers.get("ETag", '"1"')
                started = time.perf_counter()
                response = own.patch(
                    url, json={"title": marker}, headers={**headers, "If-Match": etag}
                )
                outcomes.append((marker, response.status_code, time.perf_counter() - started))
                if response.status_code == 503:
                    assert response.mimetype == "application/problem+json"
                    time.sleep(0.1)
            except BaseException as error:
                errors.append(error)
                return

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1.0)
        cluster.stop()
        time.sleep(1.5)
    finally:
        cluster.start()
    _wait_until_ready(client)
    time.sleep(1.0)
    stop.set()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    statuses = {status for _, status, _ in outcomes}
    assert statuses <= {200, 412, 503}, statuses
    assert 503 in statuses and 200 in statuses
    assert max(elapsed for _, _, elapsed in outcomes) < FAST
    version, titles = _consistent(app, case["id"])
    applied = [marker for marker, status, _ in outcomes if status == 200 and marker != "read"]
    assert set(applied) <= set(titles)
    assert len(titles) == len(set(titles)) == version - 1
    # the writers got through after the restart
    last_ok = max(i for i, (_, status, _) in enumerate(outcomes) if status == 200)
    assert any(status == 503 for _, status, _ in outcomes[:last_ok])


def test_a_connection_killed_inside_a_save_writes_nothing(cluster, service, monkeypatch):
    """The database session dies between the version insert and the commit (its backend
    is terminated, as in a crash): the request is a 503 and neither row changed."""
    from sqlalchemy import text

    from api.extensions.db import db
    from api.resources.cases import service as cases_service

    app, client, headers, case = service
    before = snapshot(client, headers, case["id"])
    real = cases_service.save_document

    def save_then_die(*args, **kwargs):
        row = real(*args, **kwargs)  # case UPDATEd and version INSERTed, not committed
        pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar()
        with db.engine.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        return row

    monkeypatch.setattr(cases_service, "save_document", save_then_die)
    response = client.patch(
        f"{API}/cases/{case['id']}", json={"title": "never"}, headers=if_match(headers, 1)
    )
    assert_problem(response, 503)
    monkeypatch.undo()
    assert snapshot(client, headers, case["id"]) == before
    assert _consistent(app, case["id"]) == (1, [])


def test_a_connection_killed_after_a_read_is_still_answered(cluster, service, monkeypatch):
    """The backend dies after the view has its data: the answer stands (the dead
    connection is discarded at the end of the request, not rolled back into a 500)."""
    from sqlalchemy import text

    from api.extensions.db import db
    from api.resources.cases import service as cases_service

    app, client, headers, case = service
    real = cases_service.get_case

    def read_then_die(*args, **kwargs):
        row = real(*args, **kwargs)
        pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar()
        with db.engine.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        return row

    monkeypatch.setattr(cases_service, "get_case", read_then_die)
    response = client.get(f"{API}/cases/{case['id']}", headers=headers)
    assert response.status_code == 200
    monkeypatch.undo()
    assert client.get(f"{API}/cases/{case['id']}", headers=headers).status_code == 200
    assert _consistent(app, case["id"]) == (1, [])


@pytest.mark.parametrize("where", ["after the case update", "after the version insert"])
def test_a_crash_inside_a_save_changes_neither_row(client, auth, monkeypatch, where):
    """An exception between updating the case and writing its version, or between writing
    the version and the commit, rolls back both: one transaction per save."""
    from api.extensions.db import db
    from api.models import CaseVersion

    case = create_case(client, auth)
    before = snapshot(client, auth, case["id"])
    real_add = db.session.add

    def crash_before_version(instance, *args, **kwargs):
        if isinstance(instance, CaseVersion):
            raise RuntimeError("crash after the case update, before its version")
        return real_add(instance, *args, **kwargs)

    def crash_before_commit(*args, **kwargs):
        raise RuntimeError("crash after the version insert, before the commit")

    if where == "after the case update":
        monkeypatch.setattr(db.session, "add", crash_before_version)
    else:  # save_document refreshes the row after flushing the version
        monkeypatch.setattr(db.session, "refresh", crash_before_commit)
    response = client.patch(
        f"{API}/cases/{case['id']}", json={"title": "half"}, headers=if_match(auth, 1)
    )
    assert_problem(response, 500, "internal")
    monkeypatch.undo()
    assert snapshot(client, auth, case["id"]) == before
