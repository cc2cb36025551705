"""Fuzzing: schemathesis against the service's own OpenAPI document, every operation.

In process through WSGI on SQLite, authenticated with a real key, Hypothesis derandomized
(the same requests on every run). Each operation is fuzzed three ways: valid requests with
generated path parameters, valid requests aimed at a real stored case (so the case routes
run past their 404), and invalid requests (negative mode). Every response must pass
``not_a_server_error`` and ``response_schema_conformance`` (it matches its documented
schema). Failures are collected, not shrunk, so one run reports all of them.

Nothing is excluded: every operation of the document is fuzzed. Two kinds get fewer
examples to keep the run near a minute: operations that render documents (a PDF answer, or
a render request) - each example costs full renders, and what is fuzzed there is the
parameters, not the renderer (tests/pdf_templates and test_pdf_safety.py do that) - and the
two imports, whose bodies hold whole case histories (generating one takes about a second).
"""

from __future__ import annotations

import collections
import os
import time

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable

from tests.api.helpers import API, create_case, if_match, sample_document

# per operation and mode: over 1,000 requests in CI; VALUEFRAME_FUZZ_EXAMPLES=200 digs deeper
EXAMPLES = int(os.environ.get("VALUEFRAME_FUZZ_EXAMPLES") or 15)
EXPENSIVE = 5  # operations that render documents or take whole exported histories
MINIMUM_REQUESTS = 1000


@pytest.fixture(scope="module")
def fuzz_target(tmp_path_factory):
    import flask_migrate

    from api import create_app
    from api.auth import create_key
    from api.extensions.db import db

    folder = tmp_path_factory.mktemp("fuzz")
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{folder / 'fuzz.sqlite3'}",
            "VALUEFRAME_RATE_LIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        flask_migrate.upgrade()
        key, _ = create_key("fuzz")
    headers = {"Authorization": f"Bearer {key}"}
    client = app.test_client()
    case = create_case(client, headers, sample_document())
    patched = client.patch(
        f"{API}/cases/{case['id']}", json={"stage": "locate"}, headers=if_match(headers, 1)
    )
    assert patched.status_code == 200
    yield app, headers, case["id"]
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _expensive(operation) -> bool:
    if operation.path.endswith(("/cases/import", "/workspace/import", "/renders")):
        return True
    responses = operation.definition.raw.get("responses", {})
    return any(
        "application/pdf" in (response.get("content") or {})
        for response in responses.values()
        if isinstance(response, dict)
    )


def _fuzzer(strategy, examples, headers, checks, label, mode, sent, failures):
    """A Hypothesis test sending ``examples`` generated requests of one operation."""

    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def fuzz(case):
        response = case.call(headers=headers)
        sent[label] += 1
        try:
            case.validate_response(response, checks=checks, headers=headers)
        except Exception as error:  # collected: every failure is reported
            failures[f"{label} ({mode})"].append(str(error)[:3000])

    return fuzz


def test_schemathesis_finds_no_server_error_and_no_schema_mismatch(fuzz_target):
    import schemathesis
    from schemathesis import GenerationMode
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import response_schema_conformance

    app, headers, case_id = fuzz_target
    schema = schemathesis.openapi.from_wsgi(f"{API}/openapi.json", app)
    checks = [not_a_server_error, response_schema_conformance]
    sent: collections.Counter = collections.Counter()
    failures: dict[str, list[str]] = collections.defaultdict(list)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25
    started = time.perf_counter()

    for operation in operations:
        examples = EXPENSIVE if _expensive(operation) else EXAMPLES
        modes = [("valid", GenerationMode.POSITIVE, None)]
        if "{case_id}" in operation.path:
            real = {"case_id": case_id}
            if "{number}" in operation.path:
                real["number"] = 1
            modes.append(("real case", GenerationMode.POSITIVE, real))
        modes.append(("invalid", GenerationMode.NEGATIVE, None))
        for mode, generation, path_parameters in modes:
            strategy = operation.as_strategy(
                generation_mode=generation, path_parameters=path_parameters
            )

            fuzz = _fuzzer(
                strategy, examples, headers, checks, operation.label, mode, sent, failures
            )
            try:
                fuzz()
            except Unsatisfiable:
                if mode != "invalid":  # no parameter and no body: nothing to make invalid
                    raise

    total = sum(sent.values())
    elapsed = time.perf_counter() - started
    print(f"schemathesis: {total} requests over {len(operations)} operations in {elapsed:.0f} s")
    assert not failures, "\n\n".join(
        f"{label}: {len(found)} failure(s)\n{found[0]}" for label, found in failures.items()
    )
    assert total >= MINIMUM_REQUESTS
    assert set(sent) == {operation.label for operation in operations}
