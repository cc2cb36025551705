"""Keys, workspaces and rate limits: nobody sees or changes another workspace's data."""

import re
import uuid

import pytest

from tests.api.helpers import API, assert_problem, create_case, if_match, sample_document


def _routes(app):
    """(method, path template) of every API route that needs a key."""
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(API) or rule.endpoint.startswith("api-docs."):
            continue
        if rule.endpoint == "docs_assets":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((method, rule.rule))
    return routes


def _fill(template: str, case_id: str) -> str:
    path = re.sub(r"<uuid:case_id>", case_id, template)
    path = re.sub(r"<int(\([^)]*\))?:number>", "1", path)
    return re.sub(r"<(string:)?template_id>", "manufacturing", path)


def _call(client, method, path, headers):
    kwargs = {"headers": headers}
    if method == "PUT":
        kwargs["json"] = sample_document()  # valid, so only the case id can fail
    elif method in ("POST", "PATCH"):
        kwargs["json"] = {}
    return client.open(path, method=method, **kwargs)


def test_every_endpoint_needs_a_key(app, client):
    routes = _routes(app)
    assert len(routes) >= 25
    case_id = str(uuid.uuid4())
    for method, template in routes:
        response = _call(client, method, _fill(template, case_id), {})
        assert_problem(response, 401, "unauthorized")
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Basic dXNlcjpwYXNz",
        "Bearer vf_000000000000_notarealsecretnotarealsecret",
        "Bearer something-else",
        "vf_abc",
    ],
)
def test_bad_keys_are_401(client, make_key, header):
    make_key("acme")
    response = client.get(f"{API}/cases", headers={"Authorization": header})
    assert_problem(response, 401)


def test_right_prefix_wrong_secret_is_401(client, make_key):
    key = make_key("acme")
    forged = key[: key.rindex("_") + 1] + "x" * 43
    response = client.get(f"{API}/cases", headers={"Authorization": f"Bearer {forged}"})
    assert_problem(response, 401)


def test_revoked_key_is_401_on_every_endpoint(app, client, runner, make_key):
    key = make_key("acme")
    headers = {"Authorization": f"Bearer {key}"}
    case = create_case(client, headers)
    prefix = key.split("_")[1]
    result = runner.invoke(args=["keys", "revoke", prefix])
    assert result.exit_code == 0, result.output
    for method, template in _routes(app):
        response = _call(client, method, _fill(template, case["id"]), headers)
        assert_problem(response, 401)


def test_another_workspace_sees_nothing(app, client, make_key):
    mine = {"Authorization": f"Bearer {make_key('acme')}"}
    theirs = {"Authorization": f"Bearer {make_key('rival')}"}
    case = create_case(client, mine)
    case_scoped = [(m, t) for m, t in _routes(app) if "<uuid:case_id>" in t]
    assert len(case_scoped) >= 12
    for method, template in case_scoped:
        headers = if_match(theirs, case["version"])
        response = _call(client, method, _fill(template, case["id"]), headers)
        assert_problem(response, 404, "not-found")
    # lists, exports and clones do not show it either
    assert client.get(f"{API}/cases", headers=theirs).get_json()["items"] == []
    exported = client.get(f"{API}/workspace/export", headers=theirs).get_json()
    assert exported["cases"] == []
    response = client.post(f"{API}/cases", json={"clone_of": case["id"]}, headers=theirs)
    assert_problem(response, 404)
    # and nothing of it changed
    mine_now = client.get(f"{API}/cases/{case['id']}", headers=mine)
    assert mine_now.status_code == 200
    assert mine_now.get_json()["version"] == case["version"]
    assert mine_now.get_json()["deleted_at"] is None


def test_same_document_in_two_workspaces_is_independent(client, make_key):
    a = {"Authorization": f"Bearer {make_key('a')}"}
    b = {"Authorization": f"Bearer {make_key('b')}"}
    create_case(client, a, sample_document())
    create_case(client, b, sample_document())
    assert client.get(f"{API}/cases", headers=a).get_json()["pagination"]["total"] == 1
    assert client.get(f"{API}/cases", headers=b).get_json()["pagination"]["total"] == 1


def test_keys_are_stored_hashed(app, make_key):
    from sqlalchemy import select

    from api.auth import hash_secret
    from api.extensions.db import db
    from api.models import ApiKey

    key = make_key("acme")
    _, prefix, secret = key.split("_", 2)
    with app.app_context():
        row = db.session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
        assert row.key_hash == hash_secret(secret)
        assert secret not in row.key_hash and len(row.key_hash) == 64


def test_keys_cli_create_list_revoke(client, runner):
    result = runner.invoke(args=["keys", "create", "--workspace", "cli-ws", "--name", "laptop"])
    assert result.exit_code == 0, result.output
    key = result.stdout.strip().splitlines()[0]
    assert re.fullmatch(r"vf_[0-9a-f]{12}_[A-Za-z0-9_-]+", key)
    headers = {"Authorization": f"Bearer {key}"}
    assert client.get(f"{API}/workspace", headers=headers).get_json()["name"] == "cli-ws"
    prefix = key.split("_")[1]
    listed = runner.invoke(args=["keys", "list"])
    assert prefix in listed.output and "laptop" in listed.output and "active" in listed.output
    assert runner.invoke(args=["keys", "revoke", prefix]).exit_code == 0
    assert client.get(f"{API}/workspace", headers=headers).status_code == 401
    assert "revoked" not in runner.invoke(args=["keys", "list"]).output.split(prefix)[0]
    missing = runner.invoke(args=["keys", "revoke", "000000000000"])
    assert missing.exit_code != 0


def test_rate_limit_per_key_gives_429_with_retry_after(app_factory, app):
    from api.auth import create_key

    limited = app_factory(app.config["TEST_BACKEND"], VALUEFRAME_RATE_LIMIT="3/minute")
    with limited.app_context():
        key_a, _ = create_key("a")
        key_b, _ = create_key("b")
    client = limited.test_client()
    a = {"Authorization": f"Bearer {key_a}"}
    b = {"Authorization": f"Bearer {key_b}"}
    # the budget is per key across endpoints
    assert client.get(f"{API}/cases", headers=a).status_code == 200
    assert client.get(f"{API}/workspace", headers=a).status_code == 200
    assert client.get(f"{API}/reference/grid", headers=a).status_code == 200
    response = client.get(f"{API}/cases", headers=a)
    assert_problem(response, 429, "rate-limited")
    assert int(response.headers["Retry-After"]) > 0
    # another key has its own budget; probes are not limited
    assert client.get(f"{API}/cases", headers=b).status_code == 200
    assert client.get("/healthz").status_code == 200
    # a wrong secret with a's prefix does not spend b's or a's budget: it is a 401
    forged = key_b[: key_b.rindex("_") + 1] + "y" * 43
    for _ in range(5):
        assert (
            client.get(f"{API}/cases", headers={"Authorization": f"Bearer {forged}"}).status_code
            == 401
        )
    assert client.get(f"{API}/cases", headers=b).status_code == 200
