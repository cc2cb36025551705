"""Backup and restore: a workspace export imported into a FRESH database (a new SQLite file,
or a new PostgreSQL schema) reproduces every case and every version byte for byte, and
every baseline and actual (corrections and their history) of a baselined case.

tests/api/test_export_import.py compares the export documents of the samples. Here the
cases are built to stress the round trip - text in many scripts, numbers at the bounds the
schema allows (fifteen integer digits, fifty decimal places), a logo, long histories,
a deleted case and a restored version, a re-baselined case with actuals and corrections -
and every read endpoint of every case and version
is compared byte for byte between the original and the restored database, then the restore
is exported and restored again (a fixed point).
"""

from __future__ import annotations

import base64
import json

from tests.api.helpers import API, create_case, if_match, sample_document
from tests.api.test_export_import import realization_reads, seed_realization
from tests.pdf_templates.cases import tiny_png

EDGE_TEXT = "Ünïcødé 中文 العربية עברית \u202eRTL\u202c e\u0301 𝔘 🧾 \t tab «»"


def _edge_document() -> dict:
    document = sample_document()
    document["title"] = f"Backup {EDGE_TEXT}"[:300]
    document["customer"]["name"] = EDGE_TEXT
    document["baseline"]["revenue"] = "999999999999999.99999999999999999999999999999999999999"
    document["baseline"]["cogs"] = "0.00000000000000000000000000000000000000000000000001"
    document["discount_rate"] = "0.08500000000000000000000000000000000000000000000000"
    document["seller"]["logo_png"] = base64.b64encode(tiny_png()).decode("ascii")
    document["issues"][0]["evidence"] = ("证据 evidence\n" * 1000)[:20_000]
    return document


def _seed(client, headers) -> list[str]:
    ids = []
    edge = create_case(client, headers, _edge_document())
    ids.append(edge["id"])
    url = f"{API}/cases/{edge['id']}"
    for n in range(1, 16):  # a long history, each version different
        change = {
            "stage": ["locate", "improve", "present"][n % 3],
            "title": f"v{n + 1} {EDGE_TEXT}",
        }
        response = client.patch(url, json=change, headers=if_match(headers, n))
        assert response.status_code == 200, response.get_json()
    restored = client.post(f"{url}/versions/3/restore", headers=if_match(headers, 16))
    assert restored.status_code == 200
    plain = create_case(client, headers, sample_document("en-bank-itops"))
    ids.append(plain["id"])
    gone = create_case(client, headers, sample_document("zh-av-integrator-collections"))
    ids.append(gone["id"])
    deleted = client.delete(f"{API}/cases/{gone['id']}", headers=if_match(headers, 1))
    assert deleted.status_code == 204
    ids.append(seed_realization(client, headers))
    return ids


def _every_read(client, headers, ids: list[str]) -> dict[str, bytes]:
    """The body of every read of every case and version, by path."""
    bodies = {}
    for case_id in ids:
        url = f"{API}/cases/{case_id}"
        versions = client.get(f"{url}/versions", headers=headers)
        assert versions.status_code == 200
        bodies[f"{url}/versions"] = versions.data
        paths = [f"{url}?include_deleted=true", f"{url}/export"]
        paths += [f"{url}/versions/{v['number']}" for v in versions.get_json()["items"]]
        for path in paths:
            response = client.get(path, headers=headers)
            assert response.status_code == 200, path
            bodies[path] = response.data
            bodies[f"{path} ETag"] = (response.headers.get("ETag") or "").encode()
    listed = client.get(f"{API}/cases?include_deleted=true&sort=created_at", headers=headers)
    bodies["list"] = listed.data
    bodies.update(realization_reads(client, headers, ids[-1]))  # the baselined case
    return bodies


def _restore_into_fresh(app_factory, backend: str, export: bytes):
    from api.auth import create_key

    fresh = app_factory(backend)
    with fresh.app_context():
        key, _ = create_key("restored")
    client = fresh.test_client()
    headers = {"Authorization": f"Bearer {key}"}
    imported = client.post(
        f"{API}/workspace/import",
        data=export,
        headers={**headers, "Content-Type": "application/json"},
    )
    assert imported.status_code == 201, imported.get_json()
    return client, headers, imported.get_json()


def test_export_import_into_a_fresh_database_reproduces_every_byte(app, app_factory, client, auth):
    ids = _seed(client, auth)
    export = client.get(f"{API}/workspace/export", headers=auth)
    assert export.status_code == 200
    document = json.loads(export.data)
    assert [c["id"] for c in document["cases"]] == ids
    assert [len(c["versions"]) for c in document["cases"]] == [17, 1, 1, 2]
    assert [(len(c["baselines"]), len(c["actuals"])) for c in document["cases"]] == [
        (0, 0),
        (0, 0),
        (0, 0),
        (2, 11),
    ]
    original = _every_read(client, auth, ids)

    backend = app.config["TEST_BACKEND"]
    restored_client, restored_headers, result = _restore_into_fresh(
        app_factory, backend, export.data
    )
    assert result == {
        "imported": 4,
        "versions": 21,
        "baselines": 2,
        "actuals": 11,
        "case_ids": ids,
    }
    assert _every_read(restored_client, restored_headers, ids) == original
    again = restored_client.get(f"{API}/workspace/export", headers=restored_headers)
    assert again.data == export.data

    # restoring the restore changes nothing: the export is a fixed point
    third_client, third_headers, _ = _restore_into_fresh(app_factory, backend, again.data)
    assert third_client.get(f"{API}/workspace/export", headers=third_headers).data == export.data
    # and the restored cases carry on where they were: the next save is version 18
    url = f"{API}/cases/{ids[0]}"
    patched = restored_client.patch(
        url, json={"stage": "locate"}, headers=if_match(restored_headers, 17)
    )
    assert patched.status_code == 200 and patched.headers["ETag"] == '"18"'
    logo = json.loads(original[f"{url}/versions/1"])["document"]["seller"]["logo_png"]
    assert base64.b64decode(logo) == tiny_png()
