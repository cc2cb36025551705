"""Export and import round-trip exactly: a case, and a whole workspace into a fresh database."""

import json

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


def _seed_workspace(client, auth):
    """Cases with histories, one deleted, in several languages."""
    ids = []
    for stem in sample_stems():
        case = create_case(client, auth, sample_document(stem))
        ids.append(case["id"])
        url = f"{API}/cases/{case['id']}"
        assert (
            client.patch(url, json={"stage": "locate"}, headers=if_match(auth, 1)).status_code
            == 200
        )
        assert (
            client.patch(
                url, json={"discount_rate": "0.095"}, headers=if_match(auth, 2)
            ).status_code
            == 200
        )
    assert (
        client.post(
            f"{API}/cases/{ids[0]}/versions/1/restore", headers=if_match(auth, 3)
        ).status_code
        == 200
    )
    assert client.delete(f"{API}/cases/{ids[-1]}", headers=if_match(auth, 3)).status_code == 204
    return ids


def test_case_export_holds_every_version_exactly(client, auth):
    case = create_case(client, auth)
    url = f"{API}/cases/{case['id']}"
    client.patch(url, json={"stage": "improve"}, headers=if_match(auth, 1))
    export = client.get(f"{url}/export", headers=auth).get_json()
    assert export["format"] == "valueframe.case/1"
    assert export["case"]["id"] == case["id"] and export["case"]["version"] == 2
    versions = export["case"]["versions"]
    assert [v["number"] for v in versions] == [1, 2]
    assert versions[0]["document"] == case["document"]
    assert versions[1]["document"]["stage"] == "improve"


def test_case_import_creates_a_copy_with_its_history(client, auth):
    case = create_case(client, auth)
    url = f"{API}/cases/{case['id']}"
    client.patch(url, json={"stage": "improve"}, headers=if_match(auth, 1))
    export = client.get(f"{url}/export", headers=auth)
    imported = client.post(
        f"{API}/cases/import",
        data=export.data,
        headers={**auth, "Content-Type": "application/json"},
    )
    assert imported.status_code == 201, imported.get_json()
    new = imported.get_json()
    assert new["id"] != case["id"] and new["version"] == 2
    assert imported.headers["ETag"] == '"2"'
    again = client.get(f"{API}/cases/{new['id']}/export", headers=auth).get_json()
    original = json.loads(export.data)
    assert again["case"]["versions"] == original["case"]["versions"]
    assert again["case"]["created_at"] == original["case"]["created_at"]


def test_case_import_validates_every_version(client, auth):
    case = create_case(client, auth)
    export = client.get(f"{API}/cases/{case['id']}/export", headers=auth).get_json()
    export["case"]["versions"][0]["document"]["baseline"]["revenue"] = "NaN"
    export["case"]["versions"][0]["number"] = 2
    response = client.post(f"{API}/cases/import", json=export, headers=auth)
    problem = assert_problem(response, 422)
    assert "case.versions.0.document.baseline.revenue" in fields_of(problem)
    export = client.get(f"{API}/cases/{case['id']}/export", headers=auth).get_json()
    export["case"]["versions"].append(dict(export["case"]["versions"][0], number=3))
    assert "case.versions" in fields_of(
        assert_problem(client.post(f"{API}/cases/import", json=export, headers=auth), 422)
    )
    assert_problem(
        client.post(f"{API}/cases/import", json={**export, "format": "x"}, headers=auth), 422
    )


@pytest.mark.parametrize("target", ["same", "other"])
def test_workspace_export_import_into_a_fresh_database_is_byte_for_byte(
    app, app_factory, client, auth, target
):
    from api.auth import create_key

    _seed_workspace(client, auth)
    exported = client.get(f"{API}/workspace/export", headers=auth)
    assert exported.status_code == 200
    document = json.loads(exported.data)
    assert document["format"] == "valueframe.workspace/1"
    assert len(document["cases"]) == len(sample_stems())
    assert sum(1 for c in document["cases"] if c["deleted_at"]) == 1

    backend = app.config["TEST_BACKEND"]
    if target == "other":
        backend = "postgres" if backend == "sqlite" else "sqlite"
    fresh = app_factory(backend)
    with fresh.app_context():
        key, _ = create_key("restored")
    fresh_client = fresh.test_client()
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    imported = fresh_client.post(f"{API}/workspace/import", data=exported.data, headers=headers)
    assert imported.status_code == 201, imported.get_json()
    result = imported.get_json()
    assert result["imported"] == len(document["cases"])
    assert result["versions"] == sum(len(c["versions"]) for c in document["cases"])

    again = fresh_client.get(f"{API}/workspace/export", headers=headers)
    assert again.data == exported.data  # byte for byte
    # the restored cases behave: same ETags, editable with them
    first = document["cases"][0]
    case = fresh_client.get(f"{API}/cases/{first['id']}", headers=headers)
    assert case.headers["ETag"] == f'"{first["version"]}"'
    assert case.get_json()["document"] == first["versions"][-1]["document"]

    # importing the same export again: the ids are taken, nothing is imported
    conflict = fresh_client.post(f"{API}/workspace/import", data=exported.data, headers=headers)
    problem = assert_problem(conflict, 409)
    assert len(problem["case_ids"]) == len(document["cases"])
    assert fresh_client.get(f"{API}/workspace/export", headers=headers).data == exported.data


def test_workspace_import_is_all_or_nothing(app, client, auth, make_key):
    ids = [create_case(client, auth)["id"] for _ in range(2)]
    export = client.get(f"{API}/workspace/export", headers=auth).get_json()
    other = {"Authorization": f"Bearer {make_key('other')}"}
    fresh = create_case(client, other)
    # one case of the export is fine, one collides with an existing id
    export["cases"][1]["id"] = fresh["id"]
    response = client.post(f"{API}/workspace/import", json=export, headers=other)
    problem = assert_problem(response, 409)
    assert problem["case_ids"] == [fresh["id"]]
    listed = client.get(f"{API}/cases", headers=other).get_json()["items"]
    assert [c["id"] for c in listed] == [fresh["id"]]
    assert ids  # untouched in the first workspace
    duplicate = {**export, "cases": [export["cases"][0], export["cases"][0]]}
    assert_problem(client.post(f"{API}/workspace/import", json=duplicate, headers=other), 422)
