"""Concurrent writers on PostgreSQL, through a real threaded HTTP server in this process.

8 threads x 50 read-modify-write updates of ONE case with If-Match: every update either
applies (200) or is refused (412); the history holds exactly the applied ones, numbered
without gaps, and every applied update's marker is in exactly one version (none is lost,
none is written twice). 8 parallel creates with one Idempotency-Key make one case.
"""

from __future__ import annotations

import http.client
import json
import threading
from collections import Counter

import pytest
from werkzeug.serving import make_server

from tests.api.helpers import API, sample_document

THREADS = 8
UPDATES = 50

pytestmark = pytest.mark.postgres


class Server:
    """The app behind werkzeug's threaded server on a free loopback port."""

    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def request(self, connection, method: str, path: str, headers: dict, body=None):
        data = None if body is None else json.dumps(body).encode()
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        payload = response.read()
        return response.status, dict(response.getheaders()), payload

    def connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)


@pytest.fixture(scope="module")
def served(app_factory):
    from api.auth import create_key

    app = app_factory("postgres", VALUEFRAME_RATE_LIMIT_ENABLED=False)
    with app.app_context():
        key, _ = create_key("concurrency")
    server = Server(app)
    yield server, {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    server.close()


def _run(count: int, target) -> list:
    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors: list = []

    def run(index: int) -> None:
        try:
            barrier.wait(30)
            results[index] = target(index)
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(180)
    assert not errors, errors
    assert not any(thread.is_alive() for thread in threads)
    return results


def test_parallel_if_match_updates_lose_nothing(served):
    server, headers = served
    connection = server.connect()
    status, _, body = server.request(
        connection, "POST", f"{API}/cases", headers, {"document": sample_document()}
    )
    assert status == 201, body
    case_id = json.loads(body)["id"]
    url = f"{API}/cases/{case_id}"

    def writer(index: int) -> list[tuple[str, int, str | None]]:
        connection = server.connect()
        outcomes = []
        for update in range(UPDATES):
            status, got, _ = server.request(connection, "GET", url, headers)
            assert status == 200
            marker = f"writer {index} update {update}"
            status, got, body = server.request(
                connection,
                "PATCH",
                url,
                {
                    **headers,
                    "If-Match": got["ETag"],
                    "Content-Type": "application/merge-patch+json",
                },
                {"title": marker},
            )
            assert status in (200, 412), (status, body[:500])
            if status == 412:
                problem = json.loads(body)
                assert problem["status"] == 412
                assert got["Content-Type"] == "application/problem+json"
            outcomes.append((marker, status, got.get("ETag") if status == 200 else None))
        connection.close()
        return outcomes

    outcomes = [o for thread in _run(THREADS, writer) for o in thread]
    assert len(outcomes) == THREADS * UPDATES
    applied = {marker: etag for marker, status, etag in outcomes if status == 200}
    refused = {marker for marker, status, _ in outcomes if status == 412}
    assert applied and len(applied) + len(refused) == THREADS * UPDATES
    print(f"{len(applied)} updates applied, {len(refused)} refused with 412")

    status, _, body = server.request(connection, "GET", f"{url}/export", headers)
    assert status == 200
    exported = json.loads(body)["case"]
    numbers = [v["number"] for v in exported["versions"]]
    assert numbers == list(range(1, len(applied) + 2))  # version 1 + one per applied update
    assert exported["version"] == numbers[-1]
    titles = Counter(v["document"]["title"] for v in exported["versions"][1:])
    assert set(titles) == set(applied)  # exactly the applied updates...
    assert set(titles.values()) == {1}  # ...each in exactly one version
    for version in exported["versions"][1:]:  # the ETag each writer got names its version
        assert applied[version["document"]["title"]] == f'"{version["number"]}"'
    assert not refused & set(titles)
    status, _, body = server.request(connection, "GET", url, headers)
    assert json.loads(body)["document"] == exported["versions"][-1]["document"]
    connection.close()


def test_parallel_creates_with_one_idempotency_key_make_one_case(served):
    server, headers = served
    body = {"document": {**sample_document(), "title": "created once"}}
    key = {**headers, "Idempotency-Key": "parallel-create-1"}

    def create(_: int):
        connection = server.connect()
        try:
            for _attempt in range(100):  # a request in flight is a 409: retry as told
                status, got, payload = server.request(connection, "POST", f"{API}/cases", key, body)
                if status != 409:
                    return status, json.loads(payload)["id"]
                assert int(got["Retry-After"]) >= 1
                threading.Event().wait(0.05)
            raise AssertionError("still in flight after 100 retries")
        finally:
            connection.close()

    results = _run(THREADS, create)
    assert {status for status, _ in results} == {201}
    assert len({case_id for _, case_id in results}) == 1
    connection = server.connect()
    status, _, listed = server.request(connection, "GET", f"{API}/cases?per_page=100", headers)
    assert status == 200
    titles = [c["title"] for c in json.loads(listed)["items"]]
    assert titles.count("created once") == 1
    connection.close()
