"""Faults and edge inputs: the database away, values at the edges of their types."""

import socket
import time

import pytest

from tests.api.helpers import API, assert_problem, create_case, fields_of


def _app_on(url, **config):
    from api import create_app

    return create_app({"TESTING": True, "DATABASE_URL": url, **config})


def test_database_refusing_connections_is_a_fast_503(tmp_path):
    app = _app_on("postgresql+psycopg://postgres@127.0.0.1:1/test")
    client = app.test_client()
    started = time.perf_counter()
    response = client.get(
        f"{API}/cases", headers={"Authorization": "Bearer vf_0123456789ab_" + "x" * 43}
    )
    problem = assert_problem(response, 503, "service-unavailable")
    assert int(response.headers["Retry-After"]) > 0
    assert "psycopg" not in response.get_data(as_text=True)
    assert problem["detail"]
    assert_problem(client.get("/readyz"), 503)
    assert client.get("/healthz").status_code == 200
    assert time.perf_counter() - started < 5


def test_database_that_never_answers_times_out_into_a_503():
    """A server that accepts TCP but never speaks: the connect timeout bounds the wait."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    port = silent.getsockname()[1]
    try:
        app = _app_on(
            f"postgresql+psycopg://postgres@127.0.0.1:{port}/test",
            VALUEFRAME_DB_CONNECT_TIMEOUT=1,
        )
        started = time.perf_counter()
        response = app.test_client().get("/readyz")
        elapsed = time.perf_counter() - started
        assert_problem(response, 503)
        assert elapsed < 5
    finally:
        silent.close()


def test_sqlite_file_that_cannot_be_opened_is_a_503(tmp_path):
    app = _app_on(f"sqlite:///{tmp_path / 'missing' / 'dir' / 'db.sqlite3'}")
    assert_problem(app.test_client().get("/readyz"), 503)


def test_version_numbers_past_the_integer_range_are_404(client, auth):
    case = create_case(client, auth)
    for number in ("0", "2147483648", "99999999999999999999999", "-1"):
        response = client.get(f"{API}/cases/{case['id']}/versions/{number}", headers=auth)
        assert_problem(response, 404)


@pytest.mark.parametrize(
    "value", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "2024-13-01T00:00:00Z"]
)
def test_datetimes_outside_utc_range_are_422(client, auth, value):
    response = client.get(f"{API}/cases", headers=auth, query_string={"updated_since": value})
    assert fields_of(assert_problem(response, 422)) == {"updated_since"}


def test_arithmetic_failures_are_422_not_500(client, auth, monkeypatch):
    from decimal import Overflow

    from api.resources.compute import resources

    def overflow(*args, **kwargs):
        raise Overflow("too big")

    monkeypatch.setattr(resources.returns, "npv", overflow)
    body = {"currency": "EUR", "rate": "0.1", "flows": ["-1", "2"]}
    problem = assert_problem(client.post(f"{API}/compute/returns", json=body, headers=auth), 422)
    assert problem["type"].endswith("/calculation")


def test_a_lost_insert_race_is_409(client, auth, monkeypatch):
    from api.resources.cases import service

    existing = create_case(client, auth)
    real = service.add_case

    def same_id(workspace_id, case, **kwargs):
        import uuid

        return real(workspace_id, case, **{**kwargs, "case_id": uuid.UUID(existing["id"])})

    monkeypatch.setattr(service, "add_case", same_id)
    response = client.post(f"{API}/cases", json={"clone_of": existing["id"]}, headers=auth)
    assert_problem(response, 409)
    listed = client.get(f"{API}/cases", headers=auth).get_json()
    assert listed["pagination"]["total"] == 1
