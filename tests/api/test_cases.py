"""Value cases: create, read, update with If-Match, versions, soft delete, lists."""

import copy
import datetime as dt
import json
import time

import pytest

from tests.api.helpers import (
    API,
    assert_problem,
    create_case,
    fields_of,
    if_match,
    sample_document,
    sample_stems,
)


def get(client, auth, case_id, **params):
    return client.get(f"{API}/cases/{case_id}", headers=auth, query_string=params)


def versions(client, auth, case_id):
    return client.get(f"{API}/cases/{case_id}/versions", headers=auth).get_json()


def test_create_from_document_returns_201_location_etag(client, auth):
    document = sample_document()
    response = client.post(f"{API}/cases", json={"document": document}, headers=auth)
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["ETag"] == '"1"'
    assert response.headers["Location"].endswith(f"/api/v1/cases/{body['id']}")
    assert body["version"] == 1
    assert body["title"] == document["title"]
    assert body["customer_name"] == document["customer"]["name"]
    assert body["currency"] == document["currency"]
    assert body["deleted_at"] is None
    assert body["created_at"].endswith("Z")
    # the stored document is the canonical dump: the posted one, money as strings
    assert body["document"]["baseline"] == document["baseline"]
    assert body["document"]["schema_version"] == 1


def test_create_accepts_json_numbers_for_money_and_keeps_them_exact(client, auth):
    document = sample_document()
    text = f'{{"document": {json.dumps(document)}}}'
    text = text.replace(
        f'"revenue": "{document["baseline"]["revenue"]}"', '"revenue": 1234567.10', 1
    )
    response = client.post(
        f"{API}/cases", data=text, headers={**auth, "Content-Type": "application/json"}
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["document"]["baseline"]["revenue"] == "1234567.10"


def test_get_returns_the_case_with_its_etag(client, auth):
    case = create_case(client, auth)
    response = get(client, auth, case["id"])
    assert response.status_code == 200
    assert response.headers["ETag"] == '"1"'
    assert response.get_json() == case
    not_modified = client.get(f"{API}/cases/{case['id']}", headers={**auth, "If-None-Match": '"1"'})
    assert not_modified.status_code == 304


def test_put_replaces_the_document_and_writes_a_version(client, auth):
    case = create_case(client, auth)
    document = copy.deepcopy(case["document"])
    document["title"] = "Renamed"
    response = client.put(f"{API}/cases/{case['id']}", json=document, headers=if_match(auth, 1))
    assert response.status_code == 200, response.get_json()
    assert response.headers["ETag"] == '"2"'
    assert response.get_json()["title"] == "Renamed"
    assert [v["number"] for v in versions(client, auth, case["id"])["items"]] == [1, 2]


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_writes_without_if_match_are_428_and_change_nothing(client, auth, method):
    case = create_case(client, auth)
    kwargs = {"json": case["document"] if method == "put" else {"stage": "locate"}}
    if method == "delete":
        kwargs = {}
    response = getattr(client, method)(f"{API}/cases/{case['id']}", headers=auth, **kwargs)
    assert_problem(response, 428, "precondition-required")
    assert get(client, auth, case["id"]).get_json() == case
    assert len(versions(client, auth, case["id"])["items"]) == 1


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_stale_if_match_is_412_and_changes_nothing(client, auth, method):
    case = create_case(client, auth)
    patched = client.patch(
        f"{API}/cases/{case['id']}",
        json={"stage": "locate"},
        headers=if_match(auth, 1),
    )
    assert patched.status_code == 200
    current = patched.get_json()
    kwargs = {"json": case["document"] if method == "put" else {"stage": "improve"}}
    if method == "delete":
        kwargs = {}
    response = getattr(client, method)(
        f"{API}/cases/{case['id']}", headers=if_match(auth, 1), **kwargs
    )
    assert_problem(response, 412, "precondition-failed")
    assert response.headers["ETag"] == '"2"'
    assert get(client, auth, case["id"]).get_json() == current
    assert len(versions(client, auth, case["id"])["items"]) == 2


def test_if_match_star_and_weak_tags(client, auth):
    case = create_case(client, auth)
    url = f"{API}/cases/{case['id']}"
    assert (
        client.patch(url, json={"stage": "locate"}, headers={**auth, "If-Match": "*"}).status_code
        == 200
    )
    weak = client.patch(url, json={"stage": "improve"}, headers={**auth, "If-Match": 'W/"2"'})
    assert_problem(weak, 412)
    several = client.patch(url, json={"stage": "improve"}, headers={**auth, "If-Match": '"1", "2"'})
    assert several.status_code == 200


@pytest.mark.parametrize(
    "header", ['""', '"", W/"@", ""', "garbage", '"99999999999999999999"', "W/"]
)
def test_malformed_if_match_is_412(client, auth, header):
    case = create_case(client, auth)
    url = f"{API}/cases/{case['id']}"
    headers = {**auth, "If-Match": header}
    assert_problem(client.patch(url, json={"stage": "locate"}, headers=headers), 412)
    assert_problem(client.delete(url, headers=headers), 412)
    assert_problem(client.post(f"{url}/versions/1/restore", headers=headers), 412)
    assert get(client, auth, case["id"]).get_json() == case


def test_invalid_put_is_422_with_paths_and_writes_nothing(client, auth):
    case = create_case(client, auth)
    document = copy.deepcopy(case["document"])
    document["discount_rate"] = "-1.5"
    document["values"][0]["probability"] = "1.2"
    response = client.put(f"{API}/cases/{case['id']}", json=document, headers=if_match(auth, 1))
    problem = assert_problem(response, 422, "validation")
    assert fields_of(problem) == {"discount_rate", "values.0.probability"}
    assert get(client, auth, case["id"]).get_json() == case


def test_merge_patch(client, auth):
    case = create_case(client, auth)
    url = f"{API}/cases/{case['id']}"
    patch = {
        "stage": "improve",
        "customer": {"size": "large"},
        "goal": None,
        "assumptions": [],
    }
    document = copy.deepcopy(case["document"])
    document["values"] = [{**value, "assumption_ids": []} for value in document["values"]]
    patch["values"] = document["values"]
    response = client.patch(
        url,
        data=json.dumps(patch),
        headers={**if_match(auth, 1), "Content-Type": "application/merge-patch+json"},
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["stage"] == "improve"
    assert body["document"]["customer"]["size"] == "large"
    assert body["document"]["customer"]["name"] == case["document"]["customer"]["name"]
    assert body["document"]["goal"] is None
    assert body["document"]["assumptions"] == []
    assert body["version"] == 2


def test_merge_patch_errors(client, auth):
    case = create_case(client, auth)
    url = f"{API}/cases/{case['id']}"
    bad = client.patch(url, json={"stage": "done", "horizon_years": 0}, headers=if_match(auth, 1))
    problem = assert_problem(bad, 422, "validation")
    assert fields_of(problem) == {"stage", "horizon_years"}
    unknown = client.patch(url, json={"colour": "red"}, headers=if_match(auth, 1))
    assert fields_of(assert_problem(unknown, 422)) == {"colour"}
    not_object = client.patch(url, json=[1, 2], headers=if_match(auth, 1))
    assert_problem(not_object, 422)
    wrong_type = client.patch(
        url, data="stage=x", headers={**if_match(auth, 1), "Content-Type": "text/plain"}
    )
    assert_problem(wrong_type, 415)
    dangling = client.patch(url, json={"issues": []}, headers=if_match(auth, 1))
    problem = assert_problem(dangling, 422)
    assert any(f.startswith(("values.", "solution.")) for f in fields_of(problem))
    assert get(client, auth, case["id"]).get_json() == case


def test_version_history_is_immutable_and_restorable(client, auth):
    case = create_case(client, auth)
    url = f"{API}/cases/{case['id']}"
    for number, stage in enumerate(["locate", "improve", "present"], start=1):
        response = client.patch(url, json={"stage": stage}, headers=if_match(auth, number))
        assert response.status_code == 200
    history = versions(client, auth, case["id"])
    assert history["current_version"] == 4
    assert [v["number"] for v in history["items"]] == [1, 2, 3, 4]
    assert [v["note"] for v in history["items"]][1:] == ["patched"] * 3
    first = client.get(f"{url}/versions/1", headers=auth).get_json()
    assert first["document"] == case["document"]
    assert first["currency"] == case["currency"]
    assert client.get(f"{url}/versions/9", headers=auth).status_code == 404

    assert_problem(client.post(f"{url}/versions/1/restore", headers=auth), 428)
    assert_problem(client.post(f"{url}/versions/1/restore", headers=if_match(auth, 3)), 412)
    restored = client.post(f"{url}/versions/1/restore", headers=if_match(auth, 4))
    assert restored.status_code == 200
    assert restored.headers["ETag"] == '"5"'
    assert restored.get_json()["document"] == case["document"]
    assert restored.get_json()["stage"] == case["stage"]
    history = versions(client, auth, case["id"])["items"]
    assert history[-1] == {**history[-1], "number": 5, "note": "restored version 1"}
    # the restored-from version is untouched
    assert (
        client.get(f"{url}/versions/4", headers=auth).get_json()["document"]["stage"] == "present"
    )


def test_soft_delete_and_restore(client, auth):
    case = create_case(client, auth)
    url = f"{API}/cases/{case['id']}"
    deleted = client.delete(url, headers=if_match(auth, 1))
    assert deleted.status_code == 204
    assert_problem(get(client, auth, case["id"]), 404)
    assert client.get(f"{API}/cases", headers=auth).get_json()["items"] == []
    listed = client.get(f"{API}/cases?include_deleted=true", headers=auth).get_json()["items"]
    assert [c["id"] for c in listed] == [case["id"]] and listed[0]["deleted_at"]
    shown = get(client, auth, case["id"], include_deleted="true").get_json()
    assert shown["deleted_at"] is not None
    # a deleted case cannot be edited; its history stays readable
    assert_problem(client.patch(url, json={"stage": "locate"}, headers=if_match(auth, 1)), 404)
    assert len(versions(client, auth, case["id"])["items"]) == 1
    assert_problem(client.delete(url, headers=if_match(auth, 1)), 404)

    restored = client.post(f"{url}/restore", headers=auth)
    assert restored.status_code == 200
    assert restored.get_json()["deleted_at"] is None
    assert restored.get_json()["version"] == 1
    assert get(client, auth, case["id"]).status_code == 200
    assert_problem(client.post(f"{url}/restore", headers=auth), 409)


def test_create_from_template(client, auth):
    body = {
        "template": "manufacturing",
        "locale": "zh-CN",
        "title": "华东工厂",
        "customer": {"name": "华东精密"},
    }
    response = client.post(f"{API}/cases", json=body, headers=auth)
    assert response.status_code == 201, response.get_json()
    case = response.get_json()
    assert case["title"] == "华东工厂"
    assert case["customer_name"] == "华东精密"
    assert case["document"]["locale"] == "zh-CN"
    notes = versions(client, auth, case["id"])["items"]
    assert notes[0]["note"] == "created from template manufacturing"
    missing = client.post(f"{API}/cases", json={"template": "no-such"}, headers=auth)
    assert fields_of(assert_problem(missing, 422)) == {"template"}


def test_create_from_sample_and_clone(client, auth):
    stem = sample_stems()[0]
    response = client.post(f"{API}/cases", json={"sample": stem}, headers=auth)
    assert response.status_code == 201, response.get_json()
    case = response.get_json()
    clone = client.post(f"{API}/cases", json={"clone_of": case["id"]}, headers=auth)
    assert clone.status_code == 201
    assert clone.get_json()["id"] != case["id"]
    assert clone.get_json()["document"] == case["document"]
    missing = client.post(f"{API}/cases", json={"sample": "nope"}, headers=auth)
    assert fields_of(assert_problem(missing, 422)) == {"sample"}
    traversal = client.post(f"{API}/cases", json={"sample": "../pyproject"}, headers=auth)
    assert fields_of(assert_problem(traversal, 422)) == {"sample"}


def test_create_needs_exactly_one_source(client, auth):
    for body in ({}, {"template": "manufacturing", "sample": "x"}, {"sample": "x", "locale": "en"}):
        assert_problem(client.post(f"{API}/cases", json=body, headers=auth), 422, "validation")


def _seed(client, auth):
    rows = [
        ("Alpha plan", "Acme Steel", "steel", "establish"),
        ("Beta plan", "Bolt Motors", "automotive", "locate"),
        ("Gamma plan", "acme foods", "food", "locate"),
        ("Delta plan", "Zeta Bank", "banking", "present"),
        ("Epsilon plan", "Acme_Percent%", "steel", "improve"),
    ]
    ids = {}
    for title, customer, industry, stage in rows:
        document = sample_document()
        document["title"] = title
        document["customer"]["name"] = customer
        document["customer"]["industry"] = industry
        document["stage"] = stage
        ids[title] = create_case(client, auth, document)["id"]
        time.sleep(0.002)
    return ids


def _titles(client, auth, **params):
    response = client.get(f"{API}/cases", headers=auth, query_string=params)
    assert response.status_code == 200, response.get_json()
    return [c["title"] for c in response.get_json()["items"]]


def test_list_pagination_sort_and_filters(client, auth):
    ids = _seed(client, auth)
    assert _titles(client, auth) == [
        "Epsilon plan",
        "Delta plan",
        "Gamma plan",
        "Beta plan",
        "Alpha plan",
    ]
    assert _titles(client, auth, sort="title") == sorted(ids)
    assert _titles(client, auth, sort="-title")[0] == "Gamma plan"
    assert _titles(client, auth, sort="customer")[0] == "Alpha plan"
    page = client.get(f"{API}/cases?per_page=2&page=2&sort=title", headers=auth).get_json()
    assert [c["title"] for c in page["items"]] == ["Delta plan", "Epsilon plan"]
    assert page["pagination"] == {"page": 2, "per_page": 2, "total": 5, "pages": 3}
    empty = client.get(f"{API}/cases?page=9", headers=auth).get_json()
    assert empty["items"] == [] and empty["pagination"]["total"] == 5

    assert sorted(_titles(client, auth, customer="acme")) == [
        "Alpha plan",
        "Epsilon plan",
        "Gamma plan",
    ]
    assert _titles(client, auth, customer="Acme_P") == ["Epsilon plan"]
    assert _titles(client, auth, customer="%") == ["Epsilon plan"]
    assert sorted(_titles(client, auth, industry="steel")) == ["Alpha plan", "Epsilon plan"]
    assert sorted(_titles(client, auth, stage="locate")) == ["Beta plan", "Gamma plan"]
    assert _titles(client, auth, stage="locate", industry="food") == ["Gamma plan"]

    # updated_since: only what changed after the mark
    mark = dt.datetime.now(dt.UTC)
    time.sleep(0.01)
    client.patch(
        f"{API}/cases/{ids['Beta plan']}", json={"stage": "improve"}, headers=if_match(auth, 1)
    )
    assert _titles(client, auth, updated_since=mark.isoformat()) == ["Beta plan"]
    assert len(_titles(client, auth, updated_since="2000-01-01T00:00:00Z")) == 5
    assert_problem(client.get(f"{API}/cases?updated_since=yesterday", headers=auth), 422)
    assert_problem(client.get(f"{API}/cases?stage=done", headers=auth), 422)
    assert_problem(client.get(f"{API}/cases?per_page=101", headers=auth), 422)


def test_checks_of_a_stored_case(client, auth):
    case = create_case(client, auth)
    response = client.get(f"{API}/cases/{case['id']}/checks", headers=auth)
    assert response.status_code == 200
    body = response.get_json()
    assert body["case_id"] == case["id"] and body["version"] == 1
    assert body["currency"] == case["currency"]
    assert isinstance(body["findings"], list)
