"""The job queue with real workers on the real Redis: work is shared and done exactly
once, a worker killed mid-job loses nothing, and a failed job says why."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

from sqlalchemy import select

from tests.api.helpers import API, create_case, sample_document
from tests.jobs.conftest import kill_tree


def wait_for(client, headers, location: str, timeout: float = 30, until=("finished", "failed")):
    deadline = time.monotonic() + timeout
    while True:
        body = client.get(location, headers=headers).get_json()
        if body["state"] in until:
            return body
        assert time.monotonic() < deadline, f"job still {body['state']}: {body['progress']}"
        time.sleep(0.1)


def markers(workers) -> Counter:
    path: Path = workers.markers
    lines = path.read_text().split("\n") if path.exists() else []
    return Counter(line.split()[0] for line in lines if line.strip())


def pids(workers) -> set[str]:
    return {line.split()[1] for line in workers.markers.read_text().split("\n") if line.strip()}


def test_100_jobs_across_2_workers_complete_exactly_once(
    queue_app, queue_client, queue_auth, workers
):
    from api.extensions.db import db
    from api.resources.jobs.models import JobItem

    workers(2)
    locations = []
    for n in range(100):
        response = queue_client.post(
            f"{API}/jobs/batch-evaluations",
            json={"currency": "EUR", "rate": 0.1, "flows": [[-100, 30 + n, 40, 50]]},
            headers=queue_auth,
        )
        assert response.status_code == 202, response.get_json()
        assert response.get_json()["state"] in ("queued", "started", "finished")
        locations.append(response.headers["Location"])
    bodies = [wait_for(queue_client, queue_auth, location) for location in locations]
    assert {body["state"] for body in bodies} == {"finished"}
    assert all(
        body["progress"] == {"done": 1, "total": 1, "failed": 0, "unit": "rows"} for body in bodies
    )

    with queue_app.app_context():
        items = db.session.scalars(select(JobItem)).all()
        assert len(items) == 100
        assert {item.attempts for item in items} == {1}
        ids = {str(item.id) for item in items}
    done = markers(workers)
    assert set(done) == ids and set(done.values()) == {1}  # each exactly once
    assert len(pids(workers)) >= 2, "both workers should have taken a share"
    stored = list(Path(queue_app.config["VALUEFRAME_DOCUMENT_DIR"]).rglob("results-*.json"))
    assert len(stored) == 100
    # the figures are right: NPV of row n of job n at 10%
    page = queue_client.get(bodies[7]["results_url"], headers=queue_auth).get_json()
    expected = -100 + 37 / 1.1 + 40 / 1.1**2 + 50 / 1.1**3
    assert abs(float(page["npv"][0]) - expected) < 1e-9


def test_a_worker_killed_mid_job_does_not_lose_it(
    queue_app, queue_client, queue_auth, workers, redis
):
    from rq import Worker

    from api.extensions.db import db
    from api.resources.jobs.models import JobItem

    first, second = workers(2, VF_TEST_SLOW_SECONDS=3)
    case = create_case(queue_client, queue_auth, sample_document())
    response = queue_client.post(
        f"{API}/cases/{case['id']}/renders", json={"document": "briefing"}, headers=queue_auth
    )
    assert response.status_code == 202
    location = response.headers["Location"]
    wait_for(queue_client, queue_auth, location, until=("started",))
    job_id = response.get_json()["id"]
    deadline = time.monotonic() + 10
    busy = None
    while busy is None:
        for worker in Worker.all(connection=redis):
            if (worker.get_current_job_id() or "").startswith(job_id):
                busy = worker
        assert time.monotonic() < deadline, "no worker took the job"
        time.sleep(0.05)
    kill_tree(busy.pid)  # the worker and the child doing the work: SIGKILL, no goodbye
    survivor = second if busy.pid == first.pid else first
    assert survivor.poll() is None

    body = wait_for(queue_client, queue_auth, location, timeout=30)
    assert body["state"] == "finished", body
    assert body["progress"]["done"] == 1 and len(body["documents"]) == 1
    with queue_app.app_context():
        item = db.session.scalars(select(JobItem)).one()
        assert item.attempts == 2  # the killed attempt and the one that finished
        item_id = str(item.id)
    assert markers(workers) == Counter({item_id: 1})
    folder = Path(queue_app.config["VALUEFRAME_DOCUMENT_DIR"])
    pdfs = list(folder.rglob("*.pdf"))
    assert len(pdfs) == 1 and not list(folder.rglob(".tmp-*"))
    download = queue_client.get(body["documents"][0]["url"], headers=queue_auth)
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    assert download.data == pdfs[0].read_bytes()
    download.close()


def test_a_failing_job_is_retried_a_bounded_number_of_times_and_says_why(
    queue_app, queue_client, queue_auth, workers
):
    from api.extensions.db import db
    from api.resources.jobs.models import JobItem

    workers(1, VF_TEST_FAIL=1)
    response = queue_client.post(
        f"{API}/jobs/batch-evaluations",
        json={"currency": "EUR", "rate": 0.1, "flows": [[-100, 60, 60]]},
        headers=queue_auth,
    )
    body = wait_for(queue_client, queue_auth, response.headers["Location"])
    assert body["state"] == "failed"
    assert "RuntimeError" in body["error"]
    assert body["failures"][0]["error"] == body["error"]
    assert body["results_url"] is None
    with queue_app.app_context():
        assert db.session.scalars(select(JobItem)).one().attempts == 3  # 1 + 2 retries
    results = queue_client.get(f"{API}/jobs/{body['id']}/results", headers=queue_auth)
    assert results.status_code == 409


def test_a_job_whose_input_fails_is_not_retried(queue_app, queue_client, queue_auth, workers):
    """A case deleted before its render ran: failed at once, with the reason."""
    case = create_case(queue_client, queue_auth, sample_document())
    response = queue_client.post(
        f"{API}/renders", json={"case_ids": [case["id"]]}, headers=queue_auth
    )
    assert response.status_code == 202 and response.get_json()["state"] == "queued"
    deleted = queue_client.delete(
        f"{API}/cases/{case['id']}", headers={**queue_auth, "If-Match": '"1"'}
    )
    assert deleted.status_code == 204
    workers(1)
    body = wait_for(queue_client, queue_auth, response.headers["Location"])
    assert body["state"] == "failed"
    assert body["error"] == f"case {case['id']} was deleted"
    assert body["failures"][0]["case_id"] == case["id"]


def test_a_batch_render_tracks_every_case_and_pages_nothing_twice(
    queue_app, queue_client, queue_auth, workers
):
    workers(2)
    ids = [create_case(queue_client, queue_auth, sample_document())["id"] for _ in range(3)]
    response = queue_client.post(
        f"{API}/renders",
        json={"filter": {}, "document": "briefing", "lang": "en"},
        headers=queue_auth,
    )
    assert response.status_code == 202
    body = wait_for(queue_client, queue_auth, response.headers["Location"])
    assert body["state"] == "finished"
    assert body["progress"] == {"done": 3, "total": 3, "failed": 0, "unit": "renders"}
    assert sorted(d["case_id"] for d in body["documents"]) == sorted(ids)
    for document in body["documents"]:
        download = queue_client.get(document["url"], headers=queue_auth)
        assert download.status_code == 200 and download.mimetype == "application/pdf"
        assert document["filename"] in download.headers["Content-Disposition"]
        download.close()


def test_large_batch_evaluation_is_chunked_and_paged(queue_app, queue_client, queue_auth, workers):
    workers(2)
    flows = [[-100.0, float(n % 50), 60.0, 70.0] for n in range(95)]  # 10 chunks of <= 10
    response = queue_client.post(
        f"{API}/jobs/batch-evaluations",
        json={"currency": "USD", "rate": 0.05, "flows": flows},
        headers=queue_auth,
    )
    body = wait_for(queue_client, queue_auth, response.headers["Location"])
    assert body["state"] == "finished"
    assert body["progress"]["done"] == body["progress"]["total"] == 95
    npv = []
    page = 1
    while True:
        part = queue_client.get(
            f"{body['results_url']}?page={page}&per_page=30", headers=queue_auth
        ).get_json()
        assert part["first_row"] == (page - 1) * 30
        npv += part["npv"]
        if page == part["pagination"]["pages"]:
            break
        page += 1
    assert len(npv) == 95 and page == 4
    for n, value in enumerate(npv):
        expected = -100 + (n % 50) / 1.05 + 60 / 1.05**2 + 70 / 1.05**3
        assert abs(float(value) - expected) < 1e-9
