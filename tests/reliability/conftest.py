"""Shared helpers of the reliability tests (issue 6): snapshots of what is stored."""

from __future__ import annotations

import pytest

from tests.api.helpers import API, create_case, sample_document


def snapshot(client, headers: dict, case_id: str | None = None) -> dict:
    """What the workspace stores, as the API shows it: every case and, for ``case_id``,
    its current document and version history."""
    listed = client.get(f"{API}/cases?include_deleted=true&per_page=100", headers=headers)
    assert listed.status_code == 200
    state = {"cases": sorted((c["id"], c["version"]) for c in listed.get_json()["items"])}
    if case_id:
        case = client.get(f"{API}/cases/{case_id}", headers=headers)
        versions = client.get(f"{API}/cases/{case_id}/versions", headers=headers)
        state["case"] = case.get_data(as_text=True)
        state["etag"] = case.headers["ETag"]
        state["versions"] = [v["number"] for v in versions.get_json()["items"]]
    return state


@pytest.fixture(scope="module")
def world(app):
    """One workspace with one stored case, shared by a module's tests (which must leave it
    as they found it): (client, headers, case)."""
    from api.auth import create_key
    from tests.conftest import clear_tables

    clear_tables(app)
    with app.app_context():
        key, _ = create_key("reliability")
    client = app.test_client()
    headers = {"Authorization": f"Bearer {key}"}
    document = sample_document()
    case = create_case(client, headers, document)
    yield client, headers, case
    clear_tables(app)
