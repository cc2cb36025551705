"""Export and import round-trip exactly: a case, and a whole workspace into a fresh database
(cases, versions, and the realization records: baselines and actuals with corrections)."""

import copy
import json
from pathlib import Path

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

ACTUALS_CSV = (
    Path(__file__).resolve().parents[2]
    / "samples"
    / "realization"
    / "en-distributor-o2c-actuals.csv"
).read_bytes()


def _correction(value: str, **extra) -> dict:
    return {
        "value_id": "v-leakage",
        "period": 2,
        "indicator_value": value,
        "measured_on": "2028-10-18",
        "source": "Price-override audit, full ledger re-run",
        "entered_by": "J. Bakker (pricing)",
        **extra,
    }


def seed_realization(client, auth) -> str:
    """A baselined case (re-baselined once: two baselines) with a CSV of actuals, a
    correction and a correction of the correction, the goal's metric among them."""
    case = create_case(client, auth, sample_document("en-distributor-o2c"))
    url = f"{API}/cases/{case['id']}"
    first = client.post(f"{url}/baseline", json={"note": "signed"}, headers=if_match(auth, 1))
    assert first.status_code == 201, first.get_json()
    imported = client.post(
        f"{url}/actuals/import", data=ACTUALS_CSV, headers={**auth, "Content-Type": "text/csv"}
    )
    assert imported.status_code == 201, imported.get_json()
    corrected = client.post(f"{url}/actuals", json=_correction("0.5"), headers=auth)
    assert corrected.status_code == 201, corrected.get_json()
    patched = client.patch(url, json={"discount_rate": "0.1"}, headers=if_match(auth, 1))
    assert patched.status_code == 200
    second = client.post(
        f"{url}/baseline", json={"note": "change request 1"}, headers=if_match(auth, 2)
    )
    assert second.status_code == 201, second.get_json()
    again = client.post(
        f"{url}/actuals",
        json=_correction("0.55", note="re-run", supersedes=corrected.get_json()["id"]),
        headers=auth,
    )
    assert again.status_code == 201, again.get_json()
    return case["id"]


def realization_reads(client, headers, case_id: str) -> dict[str, bytes]:
    """Every realization read of the case, by path (the figures, the actuals with their
    history, the baseline with its history)."""
    url = f"{API}/cases/{case_id}"
    bodies = {}
    for path in (
        f"{url}/baseline",
        f"{url}/actuals?history=true&per_page=1000",
        f"{url}/actuals",
        f"{url}/realization",
        f"{url}/realization?as_of=1",
    ):
        response = client.get(path, headers=headers)
        assert response.status_code == 200, (path, response.get_json())
        bodies[path] = response.data
        bodies[f"{path} ETag"] = (response.headers.get("ETag") or "").encode()
    return bodies


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


def _fresh(app_factory, backend):
    from api.auth import create_key

    fresh = app_factory(backend)
    with fresh.app_context():
        key, _ = create_key("restored")
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    return fresh.test_client(), headers


@pytest.mark.parametrize("target", ["same", "other"])
def test_workspace_export_import_into_a_fresh_database_is_byte_for_byte(
    app, app_factory, client, auth, target
):
    _seed_workspace(client, auth)
    realized = seed_realization(client, auth)
    before = realization_reads(client, auth, realized)
    exported = client.get(f"{API}/workspace/export", headers=auth)
    assert exported.status_code == 200
    document = json.loads(exported.data)
    assert document["format"] == "valueframe.workspace/1"
    assert len(document["cases"]) == len(sample_stems()) + 1
    assert sum(1 for c in document["cases"] if c["deleted_at"]) == 1
    assert all(c["baselines"] == [] and c["actuals"] == [] for c in document["cases"][:-1])
    exported_case = document["cases"][-1]
    assert exported_case["id"] == realized
    assert [(b["number"], b["version"], b["note"]) for b in exported_case["baselines"]] == [
        (1, 1, "signed"),
        (2, 2, "change request 1"),
    ]
    actuals = exported_case["actuals"]
    assert [a["number"] for a in actuals] == list(range(1, 12))  # superseded ones too
    history = json.loads(before[f"{API}/cases/{realized}/actuals?history=true&per_page=1000"])
    listed = {item["id"]: item for item in history["items"]}
    assert set(listed) == {a["id"] for a in actuals}
    for entry in actuals:  # exactly what the actuals endpoint says of each
        item = listed[entry["id"]]
        for key in ("indicator_value", "supersedes", "entered_by", "entered_at", "import_id"):
            assert entry[key] == item[key], key
    assert actuals[-1]["supersedes"] == actuals[-2]["id"]  # the correction's correction
    assert actuals[-2]["supersedes"] is not None and actuals[-1]["baseline_number"] == 2

    backend = app.config["TEST_BACKEND"]
    if target == "other":
        backend = "postgres" if backend == "sqlite" else "sqlite"
    fresh_client, headers = _fresh(app_factory, backend)
    imported = fresh_client.post(f"{API}/workspace/import", data=exported.data, headers=headers)
    assert imported.status_code == 201, imported.get_json()
    result = imported.get_json()
    assert result["imported"] == len(document["cases"])
    assert result["versions"] == sum(len(c["versions"]) for c in document["cases"])
    assert (result["baselines"], result["actuals"]) == (2, 11)

    again = fresh_client.get(f"{API}/workspace/export", headers=headers)
    assert again.data == exported.data  # byte for byte
    # the same figures, history and ETags from the restored database
    assert realization_reads(fresh_client, headers, realized) == before
    # the restored cases behave: same ETags, editable with them
    first = document["cases"][0]
    case = fresh_client.get(f"{API}/cases/{first['id']}", headers=headers)
    assert case.headers["ETag"] == f'"{first["version"]}"'
    assert case.get_json()["document"] == first["versions"][-1]["document"]
    # and the actuals carry on: the next entry is number 12, a correction of the last
    more = fresh_client.post(
        f"{API}/cases/{realized}/actuals", json=_correction("0.6"), headers=headers
    )
    assert more.status_code == 201, more.get_json()
    assert more.get_json()["number"] == 12 and more.get_json()["supersedes"] == actuals[-1]["id"]

    # importing the same export again: the ids are taken, nothing is imported
    conflict = fresh_client.post(f"{API}/workspace/import", data=exported.data, headers=headers)
    problem = assert_problem(conflict, 409)
    assert len(problem["case_ids"]) == len(document["cases"])


def test_an_export_without_realization_records_still_imports(app, app_factory, client, auth):
    """An export made before baselines and actuals were exported: the cases import, and
    the next export holds empty lists."""
    create_case(client, auth)
    document = client.get(f"{API}/workspace/export", headers=auth).get_json()
    for case in document["cases"]:
        assert case.pop("baselines") == [] and case.pop("actuals") == []
    fresh_client, headers = _fresh(app_factory, app.config["TEST_BACKEND"])
    imported = fresh_client.post(f"{API}/workspace/import", json=document, headers=headers)
    assert imported.status_code == 201, imported.get_json()
    assert (imported.get_json()["baselines"], imported.get_json()["actuals"]) == (0, 0)
    again = fresh_client.get(f"{API}/workspace/export", headers=headers).get_json()
    assert [
        {k: v for k, v in c.items() if k not in ("baselines", "actuals")} for c in again["cases"]
    ] == document["cases"]
    assert all(c["baselines"] == [] and c["actuals"] == [] for c in again["cases"])


def test_realization_records_that_do_not_hold_together_are_refused(app, app_factory, client, auth):
    realized = seed_realization(client, auth)
    document = client.get(f"{API}/workspace/export", headers=auth).get_json()
    fresh_client, headers = _fresh(app_factory, app.config["TEST_BACKEND"])

    def refused(change, status=422):
        broken = copy.deepcopy(document)
        change(broken["cases"][0])
        response = fresh_client.post(f"{API}/workspace/import", json=broken, headers=headers)
        return assert_problem(response, status)

    assert "cases.0.actuals.10.supersedes" in fields_of(
        refused(lambda c: c["actuals"][-1].update(supersedes=realized))  # no such actual
    )
    assert "cases.0.actuals.10.supersedes" in fields_of(
        refused(lambda c: c["actuals"][-1].update(period=1))  # another period's entry
    )
    assert "cases.0.baselines.1.version" in fields_of(
        refused(lambda c: c["baselines"][1].update(version=9))
    )
    assert "cases.0.baselines" in fields_of(refused(lambda c: c["baselines"].reverse()))
    assert "cases.0.actuals.3.number" in fields_of(
        refused(lambda c: c["actuals"][3].update(number=1))
    )
    assert "cases.0.actuals" in fields_of(refused(lambda c: c.update(baselines=[])))
    assert "cases.0.actuals.0.indicator_value" in fields_of(
        refused(lambda c: c["actuals"][0].update(indicator_value="1e9"))
    )
    # an actual id another case of the database holds already: 409, nothing imported
    other = seed_realization(fresh_client, headers)
    held = fresh_client.get(f"{API}/workspace/export", headers=headers).get_json()
    refused(lambda c: c["actuals"][0].update(id=held["cases"][0]["actuals"][0]["id"]), 409)
    listed = fresh_client.get(f"{API}/cases", headers=headers).get_json()["items"]
    assert [c["id"] for c in listed] == [other]


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
