"""Helpers for the API tests: sample documents and request shortcuts."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
API = "/api/v1"


@cache
def _sample(stem: str) -> str:
    return (SAMPLES / f"{stem}.json").read_text(encoding="utf-8")


def sample_stems() -> list[str]:
    return sorted(p.stem for p in SAMPLES.glob("*.json"))


def sample_document(stem: str | None = None) -> dict:
    """A complete case document (a fresh copy): the given sample or the smallest one."""
    if stem is None:
        stem = min(sample_stems(), key=lambda s: len(_sample(s)))
    document = json.loads(_sample(stem))
    document.setdefault("simulation", {})["trials"] = 500  # keep evaluations quick
    return copy.deepcopy(document)


def create_case(client, headers, document: dict | None = None, **extra) -> dict:
    body = {"document": document or sample_document(), **extra}
    response = client.post(f"{API}/cases", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def if_match(headers: dict, version: int | str) -> dict:
    return {**headers, "If-Match": f'"{version}"'}


def assert_problem(response, status: int, slug: str | None = None) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status
    assert body["type"].startswith("https://valueframe.dev/problems/")
    assert body["title"]
    assert body["instance"]
    if slug:
        assert body["type"] == f"https://valueframe.dev/problems/{slug}"
    return body


def fields_of(problem: dict) -> set[str]:
    return {error["field"] for error in problem.get("errors", [])}
