"""The bad-input catalogue: every row is one hostile or wrong request against a case write
(create, PUT, merge PATCH) or a compute endpoint, sent through the real app.

Each must be a 4xx ``application/problem+json`` whose ``errors`` name the wrong field (its
dotted path; ``""`` is the body as a whole), never a 500, and nothing stored may change: the
case, its ETag and its version history, and the number of cases, are compared before and
after every row.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.api.helpers import API, fields_of, sample_document
from tests.reliability.conftest import snapshot

NAN = "\x00NAN\x00"  # a placeholder for a bare JSON token (NaN, Infinity...) in a body


@dataclass(frozen=True)
class Bad:
    name: str
    target: str  # "create", "put", "patch" or a compute path such as "/compute/returns"
    body: Callable[[], Any]  # a JSON-able value, or bytes sent as they are
    status: int
    field: str  # the path the problem's errors must name
    content_type: str | None = None


def edit(change: Callable[[dict], Any]) -> Callable[[], dict]:
    """A sample case document with ``change`` applied (change edits it in place)."""

    def build() -> dict:
        document = sample_document()
        change(document)
        return document

    return build


def created(change: Callable[[dict], Any]) -> Callable[[], dict]:
    """A create body holding an edited document."""
    return lambda: {"document": edit(change)()}


def token(body: Callable[[], Any], literal: str) -> Callable[[], bytes]:
    """``body`` serialised with the placeholder replaced by a bare JSON token."""
    return lambda: json.dumps(body(), ensure_ascii=False).replace(f'"{NAN}"', literal).encode()


def put(path: tuple, value) -> Callable[[dict], None]:
    def change(document: dict) -> None:
        node = document
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return change


def returns(**fields) -> Callable[[], dict]:
    return lambda: {"currency": "EUR", "rate": "0.1", "flows": ["-100", "60", "70"], **fields}


def turnover(which: str = "before", **fields) -> Callable[[], dict]:
    period = {"revenue": "1000", "cogs": "600", "inventory": "100", "receivables": "80"}
    period["payables"] = "50"

    def build() -> dict:
        body = {"currency": "EUR", "before": dict(period), "after": dict(period)}
        body[which].update(fields)
        return body

    return build


def margin(which: str = "after", **fields) -> Callable[[], dict]:
    scenario = {"price": "10", "units": "1000", "unit_variable_cost": "6", "fixed_costs": "900"}

    def build() -> dict:
        body = {"currency": "EUR", "before": dict(scenario), "after": dict(scenario)}
        body[which].update(fields)
        return body

    return build


def batch(**fields) -> Callable[[], dict]:
    return lambda: {"currency": "EUR", "rate": 0.08, "flows": [[-100, 60, 70]], **fields}


def nested(depth: int) -> bytes:
    return b'{"title":' + b'{"a":' * depth + b"1" + b"}" * depth + b"}"


TEN_MB = 10 * 1024 * 1024


def ten_megabytes(prefix: bytes) -> Callable[[], bytes]:
    return lambda: prefix + b'"' + b"x" * TEN_MB + b'"}'


def trials(value) -> Callable[[dict], None]:
    return put(("simulation", "trials"), value)


CATALOGUE = [
    # -- NaN and Infinity as JSON tokens (Python's json accepts them) and as strings
    Bad("nan-token-rate", "/compute/returns", token(returns(rate=NAN), "NaN"), 422, "rate"),
    Bad(
        "infinity-token-in-flows",
        "/compute/returns",
        token(returns(flows=["-1", NAN]), "Infinity"),
        422,
        "flows.1",
    ),
    Bad(
        "infinity-token-create",
        "create",
        token(created(put(("baseline", "revenue"), NAN)), "Infinity"),
        422,
        "document.baseline.revenue",
    ),
    Bad(
        "minus-infinity-token-patch",
        "patch",
        token(lambda: {"discount_rate": NAN}, "-Infinity"),
        422,
        "discount_rate",
    ),
    Bad("nan-token-batch", "/compute/batch", token(batch(rate=NAN), "NaN"), 422, "rate"),
    Bad(
        "nan-string-put",
        "put",
        edit(put(("baseline", "revenue"), "NaN")),
        422,
        "baseline.revenue",
    ),
    Bad(
        "infinity-string-turnover",
        "/compute/turnover",
        turnover(revenue="Infinity"),
        422,
        "before.revenue",
    ),
    Bad(
        "minus-infinity-string-margin",
        "/compute/margin",
        margin(price="-Infinity"),
        422,
        "after.price",
    ),
    Bad("snan-string-returns", "/compute/returns", returns(rate="sNaN"), 422, "rate"),
    # -- huge and tiny exponents: no overflow, no billion-digit output
    Bad(
        "huge-exponent-token",
        "/compute/returns",
        lambda: b'{"currency": "EUR", "rate": 1e999999999, "flows": ["1"]}',
        422,
        "rate",
    ),
    Bad(
        "huge-exponent-string-create",
        "create",
        created(put(("baseline", "revenue"), "1e999999")),
        422,
        "document.baseline.revenue",
    ),
    Bad(
        "tiny-exponent-string-create",
        "create",
        created(put(("baseline", "revenue"), "1e-999999999")),
        422,
        "document.baseline.revenue",
    ),
    Bad(
        "tiny-exponent-token-flows",
        "/compute/returns",
        lambda: b'{"currency": "EUR", "rate": 0.1, "flows": [-1, 1e-999999]}',
        422,
        "flows.1",
    ),
    Bad("zero-with-huge-exponent-rate", "/compute/returns", returns(rate="0E-100000"), 422, "rate"),
    Bad("tiny-exponent-patch", "patch", lambda: {"discount_rate": "1e-9999"}, 422, "discount_rate"),
    Bad(
        "money-past-limit", "/compute/margin", margin(fixed_costs="1e16"), 422, "after.fixed_costs"
    ),
    # -- negative inventory / revenue
    Bad(
        "negative-inventory-create",
        "create",
        created(put(("baseline", "inventory"), "-1")),
        422,
        "document.baseline.inventory",
    ),
    Bad(
        "negative-inventory-turnover",
        "/compute/turnover",
        turnover(inventory="-100"),
        422,
        "before.inventory",
    ),
    Bad(
        "negative-revenue-patch",
        "patch",
        lambda: {"baseline": {"revenue": "-5"}},
        422,
        "baseline.revenue",
    ),
    Bad(
        "negative-revenue-turnover",
        "/compute/turnover",
        turnover("after", revenue="-1000"),
        422,
        "after.revenue",
    ),
    Bad(
        "negative-units-margin",
        "/compute/margin",
        margin("before", units="-3"),
        422,
        "before.units",
    ),
    # -- probability outside 0..1
    Bad(
        "probability-above-one-put",
        "put",
        edit(put(("values", 0, "probability"), "1.5")),
        422,
        "values.0.probability",
    ),
    Bad(
        "probability-below-zero-create",
        "create",
        created(put(("values", 0, "probability"), "-0.1")),
        422,
        "document.values.0.probability",
    ),
    Bad(
        "probability-as-percent-patch",
        "patch",
        lambda: {"baseline": {"carrying_cost_rate": 25}},
        422,
        "baseline.carrying_cost_rate",
    ),
    # -- discount rate <= -100%
    Bad(
        "discount-rate-minus-one-patch",
        "patch",
        lambda: {"discount_rate": "-1"},
        422,
        "discount_rate",
    ),
    Bad(
        "discount-rate-below-evaluate",
        "/compute/evaluate",
        edit(put(("discount_rate",), "-1.5")),
        422,
        "discount_rate",
    ),
    Bad("returns-rate-minus-one", "/compute/returns", returns(rate="-1"), 422, "rate"),
    Bad(
        "finance-rate-minus-two", "/compute/returns", returns(finance_rate=-2), 422, "finance_rate"
    ),
    Bad("batch-rate-minus-one", "/compute/batch", batch(rate=-1), 422, "rate"),
    Bad(
        "batch-rates-per-row",
        "/compute/batch",
        lambda: {"currency": "EUR", "rates": [-2], "flows": [[-1, 2]]},
        422,
        "rates.0",
    ),
    # -- horizons of 0 and 500 years
    Bad("horizon-zero-patch", "patch", lambda: {"horizon_years": 0}, 422, "horizon_years"),
    Bad(
        "horizon-500-create",
        "create",
        created(put(("horizon_years",), 500)),
        422,
        "document.horizon_years",
    ),
    Bad(
        "horizon-500-simulation",
        "/compute/simulation",
        edit(put(("horizon_years",), 500)),
        422,
        "horizon_years",
    ),
    # -- empty schedules
    Bad("empty-flows", "/compute/returns", returns(flows=[]), 422, "flows"),
    Bad("empty-batch", "/compute/batch", batch(flows=[]), 422, "flows"),
    Bad("empty-batch-row", "/compute/batch", batch(flows=[[-1, 2], []]), 422, "flows.1"),
    Bad("dates-without-flows", "/compute/returns", returns(dates=["2026-01-01"]), 422, "dates"),
    # -- unknown fields
    Bad(
        "unknown-top-level-create",
        "create",
        lambda: {"document": sample_document(), "colour": "red"},
        422,
        "colour",
    ),
    Bad(
        "unknown-in-document-patch",
        "patch",
        lambda: {"baseline": {"ebitda": "1"}},
        422,
        "baseline.ebitda",
    ),
    Bad("unknown-in-document-put", "put", edit(put(("surprise",), True)), 422, "surprise"),
    Bad("unknown-in-margin", "/compute/margin", margin(discount="0.1"), 422, "after.discount"),
    # -- wrong types
    Bad("title-number-put", "put", edit(put(("title",), 42)), 422, "title"),
    Bad("flows-string", "/compute/returns", returns(flows="lots"), 422, "flows"),
    Bad("horizon-string-patch", "patch", lambda: {"horizon_years": "3"}, 422, "horizon_years"),
    Bad(
        "issues-object-create",
        "create",
        created(put(("issues",), {"a": 1})),
        422,
        "document.issues",
    ),
    Bad(
        "trials-boolean-simulation",
        "/compute/simulation",
        edit(trials(True)),
        422,
        "simulation.trials",
    ),
    Bad("batch-flow-string", "/compute/batch", batch(flows=[[-1, "2"]]), 422, "flows.0.1"),
    Bad("patch-not-an-object", "patch", lambda: [{"stage": "locate"}], 422, ""),
    # -- 10 MB bodies
    Bad("ten-mb-create", "create", ten_megabytes(b'{"document": '), 413, ""),
    Bad("ten-mb-put", "put", ten_megabytes(b'{"title": '), 413, ""),
    Bad("ten-mb-patch", "patch", ten_megabytes(b'{"title": '), 413, ""),
    Bad("ten-mb-evaluate", "/compute/evaluate", ten_megabytes(b'{"title": '), 413, ""),
    # -- deeply nested JSON
    Bad("nested-100-create", "create", lambda: nested(100), 400, "title" + ".a" * 63),
    Bad("nested-100k-patch", "patch", lambda: nested(100_000), 400, ""),
    Bad("nested-arrays-returns", "/compute/returns", lambda: b"[" * 5000 + b"]" * 5000, 400, ""),
    # -- invalid UTF-8, bad strings
    Bad("invalid-utf8-create", "create", lambda: b'{"document": {"title": "\xff\xfe"}}', 400, ""),
    Bad("invalid-utf8-patch", "patch", lambda: b'{"title": "caf\xe9"}', 400, ""),
    Bad("nul-in-title-patch", "patch", lambda: b'{"title": "a\\u0000b"}', 422, "title"),
    Bad(
        "lone-surrogate-put",
        "put",
        lambda: (
            json.dumps(sample_document()).replace('"title": "', '"title": "\\ud800', 1).encode()
        ),
        422,
        "title",
    ),
    Bad("malformed-json-put", "put", lambda: b'{"title": ', 400, ""),
    # -- wrong content type
    Bad("text-plain-create", "create", lambda: b"{}", 415, "Content-Type", "text/plain"),
    Bad(
        "form-patch",
        "patch",
        lambda: b"title=x",
        415,
        "Content-Type",
        "application/x-www-form-urlencoded",
    ),
    Bad(
        "xml-returns",
        "/compute/returns",
        lambda: b"<flows/>",
        415,
        "Content-Type",
        "application/xml",
    ),
    # -- unknown enum values
    Bad(
        "grid-level-board-create",
        "create",
        created(put(("issues", 0, "cell", "level"), "board")),
        422,
        "document.issues.0.cell.level",
    ),
    Bad(
        "grid-level-board-patch-solution",
        "patch",
        lambda: {"solution": {"level": "board"}},
        422,
        "solution.level",
    ),
    Bad("stage-won-patch", "patch", lambda: {"stage": "won"}, 422, "stage"),
    Bad(
        "locale-fr-template",
        "create",
        lambda: {"template": "manufacturing", "locale": "fr"},
        422,
        "locale",
    ),
    Bad(
        "driver-type-evaluate",
        "/compute/evaluate",
        edit(put(("values", 0, "driver", "type"), "magic")),
        422,
        "values.0.driver.type",
    ),
    Bad("period-months-five-put", "put", edit(put(("period_months",), 5)), 422, "period_months"),
    Bad(
        "day-count-364-turnover",
        "/compute/turnover",
        lambda: {**turnover()(), "day_count": 364},
        422,
        "day_count",
    ),
    # -- references to elements that do not exist
    Bad(
        "value-names-missing-issue-create",
        "create",
        created(put(("values", 0, "issue_ids"), ["i-nowhere"])),
        422,
        "document.values.0.issue_ids.0",
    ),
    Bad(
        "address-names-missing-issue-put",
        "put",
        edit(put(("solution", "addresses", 0, "issue_id"), "i-nowhere")),
        422,
        "solution.addresses.0.issue_id",
    ),
    Bad(
        "issue-names-missing-csf-evaluate",
        "/compute/evaluate",
        edit(put(("issues", 0, "csf_id"), "csf-nowhere")),
        422,
        "issues.0.csf_id",
    ),
    Bad(
        "duplicate-issue-id-put",
        "put",
        edit(lambda d: d["issues"][1].update(id=d["issues"][0]["id"])),
        422,
        "issues.1.id",
    ),
    Bad("unknown-template-create", "create", lambda: {"template": "shipyard"}, 422, "template"),
    # -- trial counts past the bound
    Bad(
        "trials-past-bound-simulation",
        "/compute/simulation",
        edit(trials(200_001)),
        422,
        "simulation.trials",
    ),
    Bad(
        "trials-billion-patch",
        "patch",
        lambda: {"simulation": {"trials": 10**9}},
        422,
        "simulation.trials",
    ),
    Bad(
        "trials-below-bound-tornado", "/compute/tornado", edit(trials(99)), 422, "simulation.trials"
    ),
    # -- other limits
    Bad(
        "hundred-kb-evidence-create",
        "create",
        created(put(("issues", 0, "evidence"), "x" * 100_000)),
        422,
        "document.issues.0.evidence",
    ),
    Bad(
        "low-above-likely-put",
        "put",
        edit(put(("values", 0, "driver", "improvement", "low"), "999")),
        422,
        "values.0.driver.improvement.likely",
    ),
    Bad(
        "colour-expression-patch",
        "patch",
        lambda: {"seller": {"primary_color": "[[[getattr(pow, 'x')]]]"}},
        422,
        "seller.primary_color",
    ),
    Bad(
        "logo-not-png-patch",
        "patch",
        lambda: {"seller": {"logo_png": "PHN2Zz48L3N2Zz4="}},
        422,
        "seller.logo_png",
    ),
    Bad("impossible-date-put", "put", edit(put(("start_date",), "2026-02-30")), 422, "start_date"),
]


def test_the_catalogue_is_large_enough():
    assert len(CATALOGUE) >= 40
    assert len({bad.name for bad in CATALOGUE}) == len(CATALOGUE)


def _send(client, headers: dict, case: dict, bad: Bad):
    body = bad.body()
    data = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    content_type = bad.content_type or (
        "application/merge-patch+json" if bad.target == "patch" else "application/json"
    )
    headers = {**headers, "Content-Type": content_type}
    url = f"{API}/cases/{case['id']}"
    if bad.target == "create":
        return client.post(f"{API}/cases", data=data, headers=headers)
    if bad.target in ("put", "patch"):
        headers["If-Match"] = f'"{case["version"]}"'
        return client.open(url, method=bad.target.upper(), data=data, headers=headers)
    return client.post(f"{API}{bad.target}", data=data, headers=headers)


@pytest.mark.parametrize("bad", CATALOGUE, ids=[bad.name for bad in CATALOGUE])
def test_bad_input_is_a_4xx_problem_naming_the_field_and_changes_nothing(world, bad):
    client, headers, case = world
    before = snapshot(client, headers, case["id"])
    response = _send(client, headers, copy.deepcopy(case), bad)
    text = response.get_data(as_text=True)
    assert response.status_code == bad.status, text[:2000]
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["status"] == bad.status
    assert problem["type"].startswith("https://valueframe.dev/problems/")
    assert bad.field in fields_of(problem), problem
    assert "Traceback" not in text
    assert snapshot(client, headers, case["id"]) == before
