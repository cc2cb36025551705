"""Proposals per second through the job queue, with 1 and with 2 workers.

A throwaway setup (SQLite file, document folder, a Redis database claimed for the run like
the tests do): the samples are stored as cases, real workers (``flask --app api worker``)
are started and registered before the clock starts, then one batch render job of
``VALUEFRAME_BENCH_PROPOSALS`` (default 16) proposals is posted and polled until it is
finished. The figure is proposals / wall-clock seconds; the ratio says how well a second
worker adds to the first (at most 2 on a 2-core machine, less when the API process, the
database and Redis share the cores).

Run only this part: ``python -m benchmarks renders``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("VALUEFRAME_BENCH_REDIS_URL", "redis://127.0.0.1:6379")


def _claim_db():
    from redis import Redis

    admin = Redis.from_url(f"{REDIS_URL.rstrip('/')}/0", socket_connect_timeout=3)
    admin.ping()
    for number in range(1, 16):
        if admin.set(f"valueframe:test-db:{number}", os.getpid(), nx=True, ex=3600):
            return admin, number
    raise RuntimeError("no free Redis database 1-15")


def _start_workers(count: int, env: dict, redis) -> list[subprocess.Popen]:
    from rq import Worker

    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "api", "worker"],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(count)
    ]
    deadline = time.monotonic() + 60
    while len(Worker.all(connection=redis)) < count:
        if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
            _stop(processes)
            raise RuntimeError("the workers did not start")
        time.sleep(0.05)
    return processes


def _stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run(counts=(1, 2)) -> dict:
    import flask_migrate
    from redis import Redis

    from api import create_app
    from api.auth import create_key

    proposals = int(os.environ.get("VALUEFRAME_BENCH_PROPOSALS") or 16)
    try:
        admin, number = _claim_db()
    except Exception as error:
        print(f"renders: skipped, Redis is not reachable at {REDIS_URL} ({error})")
        return {"skipped": True}
    folder = Path(tempfile.mkdtemp(prefix="vf-bench-"))
    redis_url = f"{REDIS_URL.rstrip('/')}/{number}"
    redis = Redis.from_url(redis_url)
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
        "VALUEFRAME_REDIS_URL": redis_url,
        "VALUEFRAME_DOCUMENT_DIR": str(folder / "documents"),
        "VALUEFRAME_LOG_LEVEL": "WARNING",
    }
    figures: dict = {"proposals": proposals}
    try:
        redis.flushdb()
        overrides = {
            "DATABASE_URL": env["DATABASE_URL"],
            "VALUEFRAME_REDIS_URL": redis_url,
            "VALUEFRAME_DOCUMENT_DIR": env["VALUEFRAME_DOCUMENT_DIR"],
            "VALUEFRAME_RATE_LIMIT_ENABLED": False,
            "VALUEFRAME_LOG_LEVEL": "WARNING",
        }
        app = create_app(overrides)
        with app.app_context():
            flask_migrate.upgrade()
            key, _ = create_key("bench")
        client = app.test_client()
        headers = {"Authorization": f"Bearer {key}"}
        samples = sorted((REPO / "samples").glob("*.json"))
        ids = []
        for index in range(proposals):
            document = json.loads(samples[index % len(samples)].read_text("utf-8"))
            response = client.post("/api/v1/cases", json={"document": document}, headers=headers)
            ids.append(response.get_json()["id"])
        for count in counts:
            workers = _start_workers(count, env, redis)
            try:
                started = time.perf_counter()
                response = client.post(
                    "/api/v1/renders",
                    json={"case_ids": ids, "document": "proposal"},
                    headers=headers,
                )
                location = response.headers["Location"]
                while True:
                    body = client.get(location, headers=headers).get_json()
                    if body["state"] in ("finished", "failed"):
                        break
                    time.sleep(0.05)
                elapsed = time.perf_counter() - started
            finally:
                _stop(workers)
                redis.delete("rq:workers")
            if body["state"] != "finished":
                raise RuntimeError(f"the render job failed: {body['error']}")
            figures[count] = {"seconds": elapsed, "per_second": proposals / elapsed}
            print(
                f"renders: {proposals} proposals with {count} worker(s): {elapsed:.1f} s, "
                f"{proposals / elapsed:.2f} proposals/s"
            )
        if 1 in figures and 2 in figures:
            figures["ratio"] = figures[2]["per_second"] / figures[1]["per_second"]
            print(f"renders: 2 workers / 1 worker = {figures['ratio']:.2f}x")
    finally:
        redis.flushdb()
        redis.close()
        admin.delete(f"valueframe:test-db:{number}")
        admin.close()
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
    return figures


if __name__ == "__main__":
    run()
