"""Without Redis (the default ``make run``), jobs run in the request: the 202 already
shows them finished, and the job, document and results resources work the same way."""

from __future__ import annotations

import pytest

from tests.api.helpers import API, assert_problem, create_case, sample_document


@pytest.fixture
def local(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "VALUEFRAME_REDIS_URL", None)
    monkeypatch.setitem(app.config, "VALUEFRAME_DOCUMENT_DIR", str(tmp_path / "documents"))
    return tmp_path / "documents"


def test_a_render_job_is_finished_in_the_202(client, auth, local):
    case = create_case(client, auth, sample_document())
    response = client.post(
        f"{API}/cases/{case['id']}/renders", json={"document": "briefing"}, headers=auth
    )
    assert response.status_code == 202
    body = response.get_json()
    assert response.headers["Location"] == f"{API}/jobs/{body['id']}"
    assert body["state"] == "finished" and body["runner"] == "in-process"
    assert body["progress"] == {"done": 1, "total": 1, "failed": 0, "unit": "renders"}
    assert client.get(response.headers["Location"], headers=auth).get_json() == body
    [document] = body["documents"]
    download = client.get(document["url"], headers=auth)
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    assert len(download.data) == document["size"]
    download.close()
    assert len(list(local.rglob("*.pdf"))) == 1


def test_jobs_and_documents_are_isolated_by_workspace(client, auth, make_key, local):
    case = create_case(client, auth, sample_document())
    body = client.post(
        f"{API}/cases/{case['id']}/renders", json={"document": "briefing"}, headers=auth
    ).get_json()
    other = {"Authorization": f"Bearer {make_key('globex')}"}
    assert_problem(client.get(f"{API}/jobs/{body['id']}", headers=other), 404)
    assert_problem(client.get(body["documents"][0]["url"], headers=other), 404)
    assert_problem(client.post(f"{API}/cases/{case['id']}/renders", json={}, headers=other), 404)
    assert_problem(
        client.post(f"{API}/renders", json={"case_ids": [case["id"]]}, headers=other), 404
    )


def test_a_version_that_does_not_exist_is_a_404(client, auth, local):
    case = create_case(client, auth, sample_document())
    response = client.post(f"{API}/cases/{case['id']}/renders", json={"version": 5}, headers=auth)
    assert_problem(response, 404)


def test_batch_evaluation_and_results_in_process(client, auth, local, app, monkeypatch):
    monkeypatch.setitem(app.config, "VALUEFRAME_JOB_BATCH_CHUNK_ROWS", 4)
    flows = [[-100, 30, 40, 50 + n] for n in range(10)]
    response = client.post(
        f"{API}/jobs/batch-evaluations",
        json={"currency": "EUR", "rates": [0.1] * 10, "flows": flows, "irr": False},
        headers=auth,
    )
    body = response.get_json()
    assert response.status_code == 202 and body["state"] == "finished"
    assert body["progress"]["total"] == 10
    page = client.get(f"{body['results_url']}?page=2&per_page=3", headers=auth).get_json()
    assert page["first_row"] == 3 and len(page["npv"]) == 3 and "irr" not in page
    assert abs(float(page["npv"][0]) - (-100 + 30 / 1.1 + 40 / 1.21 + 53 / 1.331)) < 1e-9
    assert_problem(client.get(f"{body['results_url']}?page=9&per_page=3", headers=auth), 404)


def test_a_simulation_job_fails_with_the_reason_past_its_budget(
    client, auth, local, app, monkeypatch
):
    document = sample_document()
    finished = client.post(f"{API}/jobs/simulations", json=document, headers=auth).get_json()
    assert finished["state"] == "finished"
    result = client.get(finished["results_url"], headers=auth).get_json()
    assert set(result["simulation"]["npv"]) >= {"p10", "p50", "p90"}

    monkeypatch.setitem(app.config, "VALUEFRAME_JOB_SIMULATION_BUDGET", 1000)
    failed = client.post(f"{API}/jobs/simulations", json=document, headers=auth).get_json()
    assert failed["state"] == "failed"
    assert failed["error"].startswith("simulation.trials:")
    assert_problem(client.get(f"{API}/jobs/{failed['id']}/results", headers=auth), 409)


def test_batch_render_by_filter_and_its_bounds(client, auth, local, app, monkeypatch):
    create_case(client, auth, sample_document())
    create_case(client, auth, sample_document())
    none = client.post(f"{API}/renders", json={"filter": {"stage": "establish"}}, headers=auth)
    assert_problem(none, 422, "validation")
    both = client.post(f"{API}/renders", json={"filter": {}, "case_ids": []}, headers=auth)
    assert_problem(both, 422, "validation")
    monkeypatch.setitem(app.config, "VALUEFRAME_RENDER_BATCH_MAX", 1)
    too_many = client.post(f"{API}/renders", json={"filter": {}}, headers=auth)
    assert_problem(too_many, 422, "validation")
