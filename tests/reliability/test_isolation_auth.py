"""Isolation and authentication: a matrix over every route of the app (from ``app.url_map``,
so routes added later are covered without editing this file), keys stored and compared
safely, and one rate-limit budget per key even across worker processes.

tests/api/test_auth.py checks each column of the matrix for the case routes; this module
adds what it does not: a foreign workspace's case must be indistinguishable from a case
that does not exist on EVERY route, no response to another workspace carries the owner's
data, no table or log line holds a key, the comparison is constant-time, and the limit is
shared by workers that share their storage.
"""

from __future__ import annotations

import ast
import inspect
import logging
import re
import uuid

import pytest
from sqlalchemy import select, update

from tests.api.helpers import API, assert_problem, if_match, sample_document
from tests.reliability.conftest import snapshot

MARKER = "Isolation-marker-7f3a"  # the owner's title: must never reach another workspace


def _routes(app) -> list[tuple[str, object]]:
    """(method, rule) of every route under /api/v1 that needs a key."""
    out = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(API) or rule.endpoint.startswith("api-docs."):
            continue
        if rule.endpoint == "docs_assets":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            out.append((method, rule))
    return out


def _fill(rule, case_id: str) -> str:
    """The rule's path with its variables filled: ``case_id`` for every UUID, 1 for every
    integer, a real template for templates, a word otherwise."""
    values = {}
    for name in rule.arguments:
        converter = type(rule._converters[name]).__name__
        if converter == "UUIDConverter":
            values[name] = case_id
        elif converter in ("IntegerConverter", "NumberConverter"):
            values[name] = "1"
        elif "template" in name:
            values[name] = "manufacturing"
        else:
            values[name] = "x"
    return re.sub(r"<(?:[^:<>]+(?:\([^)]*\))?:)?([^<>]+)>", lambda m: values[m.group(1)], rule.rule)


def _call(client, method: str, path: str, headers: dict):
    kwargs = {"headers": headers}
    if method == "PUT":
        kwargs["json"] = sample_document()  # valid: only the case id can fail
    elif method in ("POST", "PATCH"):
        kwargs["json"] = {}
    return client.open(path, method=method, **kwargs)


@pytest.fixture
def owner_and_rival(app, client, make_key):
    owner_key = make_key("owner")
    owner = {"Authorization": f"Bearer {owner_key}"}
    document = sample_document()
    document["title"] = MARKER
    response = client.post(f"{API}/cases", json={"document": document}, headers=owner)
    assert response.status_code == 201
    case = response.get_json()
    patched = client.patch(
        f"{API}/cases/{case['id']}", json={"stage": "locate"}, headers=if_match(owner, 1)
    )
    assert patched.status_code == 200
    rival = {"Authorization": f"Bearer {make_key('rival')}"}
    return owner, owner_key, rival, patched.get_json()


def _revoke(app, key: str) -> None:
    from api.extensions.db import db
    from api.models import ApiKey, utcnow

    with app.app_context():
        prefix = key.split("_")[1]
        db.session.execute(
            update(ApiKey).where(ApiKey.prefix == prefix).values(revoked_at=utcnow())
        )
        db.session.commit()


def test_the_matrix_no_key_revoked_key_and_another_workspace(
    app, client, make_key, owner_and_rival
):
    owner, owner_key, rival, case = owner_and_rival
    routes = _routes(app)
    assert len(routes) >= 25
    before = snapshot(client, owner, case["id"])
    nowhere = str(uuid.uuid4())
    failures = []
    scoped = 0
    for method, rule in routes:
        path = _fill(rule, case["id"])
        label = f"{method} {rule.rule}"
        # no key: 401 with a Bearer challenge
        response = _call(client, method, path, {})
        if response.status_code != 401 or "Bearer" not in response.headers.get(
            "WWW-Authenticate", ""
        ):
            failures.append((label, "no key", response.status_code))
        # another workspace: the owner's case is a case that does not exist
        response = _call(client, method, path, if_match(rival, case["version"]))
        body = response.get_data(as_text=True).replace(path, "")  # minus what it sent
        if MARKER in body or case["id"] in body:
            failures.append((label, "rival sees the owner's data", response.status_code))
        owned = any(  # a workspace's resource (reference data such as templates is shared)
            type(rule._converters[name]).__name__ == "UUIDConverter" for name in rule.arguments
        )
        if owned:
            scoped += 1
            absent = _call(client, method, _fill(rule, nowhere), if_match(rival, case["version"]))
            if response.status_code != absent.status_code or response.status_code < 400:
                failures.append(
                    (
                        label,
                        "rival: not like a missing case",
                        response.status_code,
                        absent.status_code,
                    )
                )
            if "case_id" in rule.arguments and response.status_code != 404:
                failures.append((label, "rival: not 404", response.status_code))
    assert scoped >= 12
    assert not failures, failures
    # nothing the rival sent changed the owner's case
    assert snapshot(client, owner, case["id"]) == before
    # a revoked key: 401 everywhere, even on the owner's own case
    _revoke(app, owner_key)
    for method, rule in routes:
        response = _call(client, method, _fill(rule, case["id"]), if_match(owner, case["version"]))
        if response.status_code != 401:
            failures.append((f"{method} {rule.rule}", "revoked", response.status_code))
    assert not failures, failures
    with app.app_context():
        from api.extensions.db import db
        from api.models import Case

        stored = db.session.get(Case, uuid.UUID(case["id"]))
        assert stored.version == case["version"] and stored.deleted_at is None


def _every_stored_value(app) -> list[str]:
    from api.extensions.db import db

    values = []
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(select(table)).all():
                values.extend(str(value) for value in row)
    return values


def test_no_table_and_no_log_line_holds_a_key(app, client, make_key, caplog):
    key = make_key("acme")
    _, prefix, secret = key.split("_", 2)
    headers = {"Authorization": f"Bearer {key}", "Idempotency-Key": "stored-response"}
    with caplog.at_level(logging.DEBUG):
        created = client.post(f"{API}/cases", json={"document": sample_document()}, headers=headers)
        assert created.status_code == 201  # an idempotent create stores its response
        forged = f"vf_{prefix}_{'y' * len(secret)}"
        assert (
            client.get(f"{API}/cases", headers={"Authorization": f"Bearer {forged}"}).status_code
            == 401
        )
        wrong = {"Authorization": f"Bearer {key}x"}
        assert client.get(f"{API}/workspace", headers=wrong).status_code == 401
    stored = _every_stored_value(app)
    assert any(prefix in value for value in stored)  # the public prefix is indexed
    assert not [value for value in stored if secret in value or secret[:16] in value]
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert secret not in logged and secret[:16] not in logged


def test_keys_are_compared_in_constant_time(app, client, make_key, monkeypatch):
    """Every presented key - valid, wrong secret, unknown prefix, malformed - costs one
    sha256 and one hmac.compare_digest of two 64-hex-digit hashes; the stored hash is never
    compared with == anywhere in api.auth."""
    import hmac

    import api.auth as auth

    key = make_key("acme")
    calls = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(auth.hmac, "compare_digest", spy)
    prefix = key.split("_")[1]
    presented = {
        "valid": (key, 200),
        "wrong secret": (f"vf_{prefix}_{'z' * 43}", 401),
        "unknown prefix": (f"vf_000000000000_{'z' * 43}", 401),
        "malformed": ("not-a-key-at-all", 401),
    }
    for name, (token, status) in presented.items():
        calls.clear()
        response = client.get(f"{API}/workspace", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == status, name
        assert len(calls) == 1, name
        a, b = calls[0]
        assert re.fullmatch("[0-9a-f]{64}", a) and re.fullmatch("[0-9a-f]{64}", b), name

    tree = ast.parse(inspect.getsource(auth))
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and any(
            isinstance(op, ast.Eq | ast.NotEq) for op in node.ops
        ):
            names = {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)}
            names |= {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
            assert not names & {"key_hash", "presented", "stored"}, ast.unparse(node)


@pytest.mark.redis
def test_the_rate_limit_is_one_budget_per_key_across_workers(tmp_path):
    """Two app instances (two gunicorn workers) sharing Redis: a key's budget is spent on
    either; past it both answer 429 problem+json with a Retry-After within the window, and
    another key is unaffected."""
    import os

    import flask_migrate

    from api import create_app
    from api.auth import create_key

    redis_url = os.environ.get("VALUEFRAME_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    config = {
        "TESTING": True,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite3'}",
        "VALUEFRAME_RATE_LIMIT": "4/minute",
        "VALUEFRAME_RATE_LIMIT_STORAGE_URI": redis_url,
    }
    first, second = create_app(config), create_app(config)
    with first.app_context():
        flask_migrate.upgrade()
        key_a, _ = create_key("a")  # fresh random prefixes: no other run shares the budget
        key_b, _ = create_key("b")
    a = {"Authorization": f"Bearer {key_a}"}
    b = {"Authorization": f"Bearer {key_b}"}
    workers = [first.test_client(), second.test_client()]
    for i in range(4):
        assert workers[i % 2].get(f"{API}/workspace", headers=a).status_code == 200
    for worker in workers:
        response = worker.get(f"{API}/reference/grid", headers=a)
        assert_problem(response, 429, "rate-limited")
        assert 1 <= int(response.headers["Retry-After"]) <= 61  # the window, rounded up
    assert workers[1].get(f"{API}/workspace", headers=b).status_code == 200
    from api.extensions.db import db

    for worker_app in (first, second):
        with worker_app.app_context():
            db.engine.dispose()
