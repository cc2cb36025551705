"""Idempotency-Key on creates (IETF httpapi draft) and concurrent writers."""

import datetime as dt
import hashlib
import json
import threading

from sqlalchemy import func, select, update

from tests.api.helpers import API, assert_problem, create_case, if_match, sample_document


def _post(client, auth, body, key):
    data = json.dumps(body)
    headers = {**auth, "Content-Type": "application/json", "Idempotency-Key": key}
    return client.post(f"{API}/cases", data=data, headers=headers), data


def _count_cases(app):
    from api.extensions.db import db
    from api.models import Case

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Case))


def test_replay_returns_the_stored_response(app, client, auth):
    body = {"document": sample_document()}
    first, _ = _post(client, auth, body, "create-1")
    assert first.status_code == 201
    again, _ = _post(client, auth, body, "create-1")
    assert again.status_code == 201
    assert again.data == first.data
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.mimetype == "application/json"
    assert _count_cases(app) == 1
    # another key creates another case
    other, _ = _post(client, auth, body, "create-2")
    assert other.status_code == 201 and other.get_json()["id"] != first.get_json()["id"]
    assert _count_cases(app) == 2


def test_same_key_with_a_different_body_is_422(app, client, auth):
    body = {"document": sample_document()}
    assert _post(client, auth, body, "k")[0].status_code == 201
    body["document"]["title"] = "Something else"
    problem = assert_problem(_post(client, auth, body, "k")[0], 422, "idempotency-key-reuse")
    assert problem["errors"][0]["field"] == "Idempotency-Key"
    assert _count_cases(app) == 1


def test_keys_are_per_workspace(app, client, make_key):
    a = {"Authorization": f"Bearer {make_key('a')}"}
    b = {"Authorization": f"Bearer {make_key('b')}"}
    body = {"document": sample_document()}
    first = _post(client, a, body, "shared")[0]
    second = _post(client, b, body, "shared")[0]
    assert first.status_code == second.status_code == 201
    assert "Idempotent-Replayed" not in second.headers
    assert _count_cases(app) == 2


def test_in_flight_is_409_and_a_stale_reservation_is_taken_over(app, client, auth):
    from api.extensions.db import db
    from api.models import IdempotencyRecord, Workspace

    body = {"document": sample_document()}
    data = json.dumps(body)
    path = f"{API}/cases"
    fingerprint = hashlib.sha256(b"POST\x00" + path.encode() + b"\x00" + data.encode())
    with app.app_context():
        workspace = db.session.scalar(select(Workspace).where(Workspace.name == "acme"))
        db.session.add(
            IdempotencyRecord(
                workspace_id=workspace.id, key="busy", request_hash=fingerprint.hexdigest()
            )
        )
        db.session.commit()
    response, _ = _post(client, auth, body, "busy")
    problem = assert_problem(response, 409, "idempotency-in-flight")
    assert response.headers["Retry-After"] == "1"
    assert problem["detail"]
    assert _count_cases(app) == 0
    # a reservation older than the lock (a crashed worker) is taken over
    with app.app_context():
        old = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)
        db.session.execute(update(IdempotencyRecord).values(created_at=old))
        db.session.commit()
    response, _ = _post(client, auth, body, "busy")
    assert response.status_code == 201
    assert _post(client, auth, body, "busy")[0].data == response.data


def test_a_failed_create_releases_its_key(app, client, auth):
    bad = {"document": {**sample_document(), "currency": "euros"}}
    assert_problem(_post(client, auth, bad, "retry-me")[0], 422, "validation")
    good = {"document": sample_document()}
    assert _post(client, auth, good, "retry-me")[0].status_code == 201


def test_malformed_key_is_400(client, auth):
    for key in ("", "x" * 256, "has space"):
        response, _ = _post(client, auth, {"document": sample_document()}, key)
        assert_problem(response, 400)


def test_imports_are_idempotent_too(app, client, auth):
    case = create_case(client, auth)
    export = client.get(f"{API}/cases/{case['id']}/export", headers=auth).get_json()
    headers = {**auth, "Idempotency-Key": "import-1"}
    first = client.post(f"{API}/cases/import", json=export, headers=headers)
    again = client.post(f"{API}/cases/import", json=export, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.data == again.data
    assert _count_cases(app) == 2


def _parallel(count, target):
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(index):
        barrier.wait()
        results[index] = target(index)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_parallel_creates_with_one_key_make_one_case(app, client, auth):
    body = json.dumps({"document": sample_document()})
    headers = {**auth, "Content-Type": "application/json", "Idempotency-Key": "race"}

    def create(_):
        response = app.test_client().post(f"{API}/cases", data=body, headers=headers)
        return response.status_code, response.get_json()

    results = _parallel(8, create)
    statuses = [status for status, _ in results]
    assert set(statuses) <= {201, 409}, results
    assert statuses.count(201) >= 1
    assert len({body["id"] for status, body in results if status == 201}) == 1
    assert _count_cases(app) == 1


def test_concurrent_updates_with_one_etag_have_exactly_one_winner(app, client, auth):
    case = create_case(client, auth)
    url = f"{API}/cases/{case['id']}"
    rounds = 5

    for round_ in range(rounds):
        version = round_ + 1

        def update_stage(index, version=version):
            response = app.test_client().patch(
                url,
                json={"title": f"writer {index} round {version}"},
                headers=if_match(auth, version),
            )
            return response.status_code

        statuses = _parallel(8, update_stage)
        assert sorted(statuses) == [200] + [412] * 7, statuses
    history = client.get(f"{url}/versions", headers=auth).get_json()
    assert [v["number"] for v in history["items"]] == list(range(1, rounds + 2))
    current = client.get(url, headers=auth).get_json()
    assert current["version"] == rounds + 1
    last = client.get(f"{url}/versions/{rounds + 1}", headers=auth).get_json()
    assert last["document"] == current["document"]
