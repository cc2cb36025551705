"""Value realization through the API: baselining, actuals (single, CSV, corrections) and the
realization figures of the baselined version, on SQLite and PostgreSQL.

The figures are the ones worked by hand in tests/valueframe/test_realization.py (the
distributor sample and its two years of actuals), as the API rounds them: money to 0.01,
ratios to 0.000001 (valueframe.evaluation_schema.rounded).
"""

from __future__ import annotations

import io
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from tests.api.helpers import (
    API,
    assert_problem,
    create_case,
    fields_of,
    if_match,
    sample_document,
)
from valueframe.evaluation_schema import rounded
from valueframe.i18n import t

ACTUALS_CSV = (
    Path(__file__).resolve().parents[2]
    / "samples"
    / "realization"
    / "en-distributor-o2c-actuals.csv"
).read_bytes()
HEADER = "value_id,period,indicator_value,measured_on,source,entered_by,note\n"
CSV = {"Content-Type": "text/csv"}


def ratio(fraction: Fraction) -> str:
    return rounded(Decimal(fraction.numerator) / Decimal(fraction.denominator), "ratio")


def money(fraction: Fraction) -> str:
    return rounded(Decimal(fraction.numerator) / Decimal(fraction.denominator), "money")


def url(case_id: str, tail: str = "") -> str:
    return f"{API}/cases/{case_id}{tail}"


def new_case(client, auth) -> dict:
    return create_case(client, auth, sample_document("en-distributor-o2c"))


def baseline(client, auth, case: dict, version: int = 1, **body):
    return client.post(url(case["id"], "/baseline"), json=body, headers=if_match(auth, version))


@pytest.fixture
def case(client, auth) -> dict:
    """The distributor sample, baselined at version 1."""
    created = new_case(client, auth)
    response = baseline(client, auth, created, note="signed 2026-09-15")
    assert response.status_code == 201, response.get_json()
    return created


def import_csv(client, auth, case, data: bytes = ACTUALS_CSV, headers=None, **params):
    return client.post(
        url(case["id"], "/actuals/import"),
        data=data,
        headers={**auth, **CSV, **(headers or {})},
        query_string=params,
    )


def actual(value_id="v-leakage", period=2, value="0.5", **extra) -> dict:
    return {
        "value_id": value_id,
        "period": period,
        "indicator_value": value,
        "measured_on": "2028-10-18",
        "source": "Price-override audit, full ledger re-run",
        "entered_by": "J. Bakker (pricing)",
        **extra,
    }


def history(client, auth, case) -> list[dict]:
    response = client.get(url(case["id"], "/actuals"), headers=auth, query_string={"history": 1})
    assert response.status_code == 200
    return response.get_json()["items"]


def realization(client, auth, case, **params) -> dict:
    response = client.get(url(case["id"], "/realization"), headers=auth, query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def by_id(body: dict, value_id: str) -> dict:
    return next(v for v in body["values"] if v["value_id"] == value_id)


# -- baselining ------------------------------------------------------------------------------


def test_baseline_freezes_the_version_and_says_who(client, make_key):
    auth = {"Authorization": f"Bearer {make_key('acme', name='account team')}"}
    created = new_case(client, auth)
    response = baseline(client, auth, created, note="signed 2026-09-15")
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"].endswith(f"/cases/{created['id']}/baseline")
    prefix = auth["Authorization"].split("_")[1]
    assert body["baselined_by"] == f"account team ({prefix})"
    assert (body["number"], body["version"], body["current"]) == (1, 1, True)
    assert body["note"] == "signed 2026-09-15" and body["currency"] == "EUR"
    assert body["baselined_at"].endswith("Z") and body["warnings"] == []
    again = client.get(url(created["id"], "/baseline"), headers=auth).get_json()
    assert again == body


def test_baseline_is_refused_with_the_reasons(client, auth):
    created = new_case(client, auth)
    patched = client.patch(
        url(created["id"]),
        json={"stage": "locate"},
        headers={**if_match(auth, 1), "Content-Type": "application/merge-patch+json"},
    )
    assert patched.status_code == 200
    problem = assert_problem(baseline(client, auth, created, version=2), 409, "baseline-refused")
    assert [e["field"] for e in problem["errors"]] == ["stage"]
    assert "Present" in problem["errors"][0]["message"]
    assert_problem(client.get(url(created["id"], "/baseline"), headers=auth), 409, "no-baseline")


def test_baseline_needs_the_current_etag(client, auth):
    created = new_case(client, auth)
    missing = client.post(url(created["id"], "/baseline"), json={}, headers=auth)
    assert_problem(missing, 428)
    stale = baseline(client, auth, created, version=7)
    assert_problem(stale, 412)
    assert stale.headers["ETag"] == '"1"'
    assert_problem(client.get(url(created["id"], "/baseline"), headers=auth), 409)


def test_rebaselining_keeps_the_history_and_one_version_is_baselined_once(client, auth, case):
    assert_problem(baseline(client, auth, case), 409, "already-baselined")
    patched = client.patch(
        url(case["id"]),
        json={"discount_rate": "0.1"},
        headers={**if_match(auth, 1), "Content-Type": "application/merge-patch+json"},
    )
    assert patched.status_code == 200
    response = baseline(client, auth, case, version=2, note="change request 1")
    assert response.status_code == 201
    body = response.get_json()
    assert (body["number"], body["version"]) == (2, 2)
    assert [(h["number"], h["version"], h["current"]) for h in body["history"]] == [
        (1, 1, False),
        (2, 2, True),
    ]


def test_actuals_and_realization_need_a_baseline(client, auth):
    created = new_case(client, auth)
    for response in (
        client.post(url(created["id"], "/actuals"), json=actual(), headers=auth),
        import_csv(client, auth, created),
        client.get(url(created["id"], "/actuals"), headers=auth),
        client.get(url(created["id"], "/realization"), headers=auth),
        client.get(url(created["id"], "/realization.pdf"), headers=auth),
    ):
        assert_problem(response, 409, "no-baseline")


# -- actuals ---------------------------------------------------------------------------------


def test_the_sample_csv_imports_and_the_figures_are_the_hand_worked_ones(client, auth, case):
    response = import_csv(client, auth, case)
    assert response.status_code == 201, response.get_json()
    imported = response.get_json()
    assert (imported["imported"], imported["superseded"], imported["currency"]) == (9, 0, "EUR")
    assert {item["import_id"] for item in imported["items"]} == {imported["import_id"]}
    body = realization(client, auth, case)  # as_of defaults to the latest measured period
    assert (body["as_of_period"], body["currency"], body["excluded_actuals"]) == (2, "EUR", [])
    assert body["baseline"]["version"] == 1
    totals = {key: figure["value"] for key, figure in body["totals"].items()}
    assert totals["realized_to_date"] == "10950000.00"
    assert totals["expected_to_date"] == money(Fraction(31_808_000, 3))
    assert totals["realization_rate"] == ratio(Fraction(32_850_000, 31_808_000)) == "1.032759"
    assert totals["costs_to_date"] == "2410000.00"
    assert totals["cash_released_to_date"] == "8000000.00"
    assert totals["roi_to_date"] == ratio(Fraction(854, 241)) == "3.543568"
    assert totals["npv_to_date"] == "7334654.49"
    assert totals["reforecast_benefits"] == "12580000.00"
    assert totals["reforecast_npv"] == "8191778.15"
    assert totals["reforecast_roi"] == ratio(Fraction(965, 293)) == "3.293515"
    assert totals["plan_npv"] == "8084146.48"
    dso, leakage = by_id(body, "v-dso"), by_id(body, "v-leakage")
    desk, disputes = by_id(body, "v-order-desk"), by_id(body, "v-disputes")
    assert dso["realized"] == ["0.00", "4000000.00", "4000000.00"]
    assert dso["figures"]["realization_rate"]["value"] == ratio(Fraction(15, 14))
    assert dso["figures"]["delivery_rate"]["value"] == ratio(Fraction(6, 7))
    assert [p["planned"] for p in dso["points"]] == ["55.5000", "52.0000", "52.0000"]
    assert [p["actual"] for p in dso["points"]] == ["56", "53", None]
    assert leakage["figures"]["realization_rate"]["value"] == ratio(Fraction(25, 42))
    assert leakage["figures"]["delivery_rate"]["value"] == ratio(Fraction(5, 12))
    assert desk["figures"]["realization_rate"]["value"] == "1.562500"
    assert desk["figures"]["delivery_rate"]["value"] == "1.250000"
    assert disputes["figures"]["delivery_rate"]["value"] == "1.000000"
    statuses = [(v["value_id"], v["status"]) for v in body["values"]]
    assert statuses == [
        ("v-dso", "on_plan"),
        ("v-leakage", "behind"),
        ("v-order-desk", "ahead"),
        ("v-disputes", "on_plan"),
    ]
    assert [r["realized"] for r in body["cash_flow"]] == ["0.00", "5320000.00", "5630000.00", None]
    assert body["goal"]["progress"]["value"] == "0.500000"
    assert body["goal"]["expected_progress"]["value"] == ratio(Fraction(6125, 9000))
    assert {i["issue_id"]: i["status"] for i in body["issues"]} == {
        "i-dso": "relieved",
        "i-disputes": "relieved",
        "i-order-entry": "relieved",
        "i-leakage": "not_relieved",
        "i-edi-adoption": "relieved",
    }
    assert [(s["kind"], s["value_id"], s["periods"]) for s in body["signals"]] == [
        ("behind", "v-leakage", []),
        ("ahead", "v-order-desk", []),
        ("missing_actuals", "v-disputes", [2]),
    ]
    assert len(body["conventions"]) == 12
    assert body["totals"]["npv_to_date"]["formula"]  # every figure keeps its trail


def test_each_bad_row_is_reported_by_line_and_nothing_is_imported(client, auth, case):
    assert import_csv(client, auth, case).status_code == 201
    before = history(client, auth, case)
    bad = (
        HEADER
        + "v-leakage,3,0.6,2029-09-30,Audit FY2029,J. Bakker,\n"  # line 2: fine
        + "v-nope,1,3,2027-09-30,Audit,J. Bakker,\n"  # line 3: unknown value
        + "v-dso,4,50,2030-09-30,AR report,M. de Vries,\n"  # line 4: past the horizon
        + "\n"  # line 5: blank, skipped
        + "v-order-desk,3,1.2.3,2029-09-30,Error report,S. Jansen,\n"  # line 6: not a number
        + "goal,3,92,30/09/2029,Scorecard,Office,\n"  # line 7: not an ISO date
        + "v-disputes,3,3.1,2029-09-30,,M. de Vries,\n"  # line 8: no source
    )
    problem = assert_problem(import_csv(client, auth, case, bad.encode()), 422, "validation")
    reported = [(e["field"], e["message"]) for e in problem["errors"]]  # <line>.<column>
    assert reported == [
        ("3.value_id", "The case has no performance value 'v-nope'."),
        ("4.period", "Period 4 lies outside the case's horizon (1 to 3)."),
        ("6.indicator_value", t("actuals.error.not_a_number", "en", text="1.2.3")),
        ("7.measured_on", "'30/09/2029' is not a date in the form YYYY-MM-DD."),
        ("8.source", "A value is required."),
    ]
    assert all(e["in"] == "body" for e in problem["errors"])
    assert "nothing was imported" in problem["detail"]
    assert history(client, auth, case) == before  # the count stays the same


def test_an_improvement_the_baseline_cannot_hold_is_reported_on_its_line(client, auth, case):
    # DSO -1 = 60 days saved; the receivables hold 59.25 days.
    rows = HEADER + "v-leakage,1,0.8,2027-09-30,Audit,J. Bakker,\nv-dso,1,-1,2027-09-30,AR,M,\n"
    problem = assert_problem(import_csv(client, auth, case, rows.encode()), 422)
    [error] = problem["errors"]
    assert error["field"] == "3.indicator_value" and "cannot hold" in error["message"]
    assert history(client, auth, case) == []


def test_a_multipart_upload_and_the_row_messages_language(client, auth, case):
    bad = (HEADER + "v-nope,1,3,2027-09-30,Audit,J,\n").encode()
    problem = client.post(
        url(case["id"], "/actuals/import"),
        data={"file": (io.BytesIO(bad), "actuals.csv", "text/csv")},
        headers=auth,
        query_string={"lang": "zh-CN"},
        content_type="multipart/form-data",
    ).get_json()
    assert problem["status"] == 422 and "没有绩效价值" in problem["errors"][0]["message"]
    response = client.post(
        url(case["id"], "/actuals/import"),
        data={"file": (io.BytesIO(ACTUALS_CSV), "actuals.csv", "text/csv")},
        headers=auth,
        content_type="multipart/form-data",
    )
    assert response.status_code == 201 and response.get_json()["imported"] == 9


def test_an_upload_that_is_not_csv_is_415(client, auth, case):
    response = client.post(url(case["id"], "/actuals/import"), json={"a": 1}, headers=auth)
    assert_problem(response, 415)
    assert "text/csv" in response.headers["Accept-Post"]


def test_one_actual_is_entered_by_the_key_and_timed_by_the_server(client, make_key, case):
    auth = {"Authorization": f"Bearer {make_key('acme', name='pricing desk')}"}
    response = client.post(url(case["id"], "/actuals"), json=actual(period=1), headers=auth)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    prefix = auth["Authorization"].split("_")[1]
    assert body["entered_by"] == f"pricing desk ({prefix})"
    assert body["reported_by"] == "J. Bakker (pricing)"
    assert body["entered_at"].endswith("Z") and body["currency"] == "EUR"
    assert (body["current"], body["supersedes"], body["number"]) == (True, None, 1)
    assert body["indicator_value"] == "0.5" and body["baseline_number"] == 1
    assert response.headers["ETag"] == '"b1.a1"'
    goal = client.post(url(case["id"], "/actuals"), json=actual("goal", 1, "88"), headers=auth)
    assert goal.status_code == 201 and goal.get_json()["value_id"] is None


def test_an_actual_that_does_not_fit_names_its_field(client, auth, case):
    for body, field, words in (
        (actual("v-nope"), "value_id", "no performance value 'v-nope'"),
        (actual(period=3, value="0.5") | {"period": 4}, "period", "outside the case's horizon"),
        (actual("v-dso", 1, "-1"), "indicator_value", "cannot hold"),
    ):
        problem = assert_problem(
            client.post(url(case["id"], "/actuals"), json=body, headers=auth), 422
        )
        [error] = problem["errors"]
        assert error["field"] == field and words in error["message"]
    problem = assert_problem(
        client.post(url(case["id"], "/actuals"), json=actual(value="NaN"), headers=auth), 422
    )
    assert "indicator_value" in fields_of(problem)
    assert history(client, auth, case) == []


def test_a_correction_supersedes_and_keeps_the_history(client, auth, case):
    assert import_csv(client, auth, case).status_code == 201
    first = next(
        i for i in history(client, auth, case) if (i["value_id"], i["period"]) == ("v-leakage", 2)
    )
    response = client.post(url(case["id"], "/actuals"), json=actual(), headers=auth)
    assert response.status_code == 201
    correction = response.get_json()
    assert correction["supersedes"] == first["id"] and correction["current"]
    items = history(client, auth, case)
    assert len(items) == 10
    old = next(i for i in items if i["id"] == first["id"])
    assert (old["current"], old["superseded_by"], old["indicator_value"]) == (
        False,
        correction["id"],
        "0.75",
    )
    current = client.get(url(case["id"], "/actuals"), headers=auth).get_json()
    assert current["pagination"]["total"] == 9
    assert correction["id"] in {i["id"] for i in current["items"]}
    leakage = by_id(realization(client, auth, case, as_of=2), "v-leakage")
    assert leakage["realized"] == ["0.00", "480000.00", "1920000.00"]  # 0.5: the full effect
    assert leakage["points"][1]["corrections"] == 1
    # a correction naming the entry it corrects must name the current one
    stale = actual(value="0.55", supersedes=first["id"])
    assert_problem(client.post(url(case["id"], "/actuals"), json=stale, headers=auth), 409)
    other = actual(period=1, supersedes=correction["id"])
    assert_problem(client.post(url(case["id"], "/actuals"), json=other, headers=auth), 422)
    named = actual(value="0.55", supersedes=correction["id"])
    assert client.post(url(case["id"], "/actuals"), json=named, headers=auth).status_code == 201
    assert len(history(client, auth, case)) == 11


def test_list_filters_and_pages(client, auth, case):
    assert import_csv(client, auth, case).status_code == 201
    goal = client.get(url(case["id"], "/actuals"), headers=auth, query_string={"value_id": "goal"})
    assert [(i["value_id"], i["period"]) for i in goal.get_json()["items"]] == [
        (None, 1),
        (None, 2),
    ]
    page = client.get(
        url(case["id"], "/actuals"), headers=auth, query_string={"per_page": 4, "page": 3}
    ).get_json()
    assert page["pagination"] == {"page": 3, "per_page": 4, "total": 9, "pages": 3}
    assert len(page["items"]) == 1 and page["currency"] == "EUR"


def test_if_match_on_the_actuals_refuses_a_stale_write(client, auth, case):
    listed = client.get(url(case["id"], "/actuals"), headers=auth)
    tag = listed.headers["ETag"]
    assert tag == '"b1.a0"'
    assert client.post(url(case["id"], "/actuals"), json=actual(), headers=auth).status_code == 201
    stale = client.post(
        url(case["id"], "/actuals"), json=actual(value="0.6"), headers={**auth, "If-Match": tag}
    )
    assert_problem(stale, 412)
    assert stale.headers["ETag"] == '"b1.a1"'
    assert_problem(import_csv(client, auth, case, headers={"If-Match": tag}), 412)
    assert len(history(client, auth, case)) == 1
    fresh = client.post(
        url(case["id"], "/actuals"),
        json=actual(value="0.6"),
        headers={**auth, "If-Match": '"b1.a1"'},
    )
    assert fresh.status_code == 201


def test_a_retried_create_with_an_idempotency_key_is_recorded_once(client, auth, case):
    headers = {**auth, "Idempotency-Key": "leakage-p2-correction"}
    first = client.post(url(case["id"], "/actuals"), json=actual(), headers=headers)
    again = client.post(url(case["id"], "/actuals"), json=actual(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["id"] == first.get_json()["id"]
    assert len(history(client, auth, case)) == 1


# -- realization -----------------------------------------------------------------------------


def test_realization_is_measured_against_the_baselined_version(client, auth, case):
    assert import_csv(client, auth, case).status_code == 201
    patched = client.patch(
        url(case["id"]),
        json={"discount_rate": "0.2", "stage": "improve"},
        headers={**if_match(auth, 1), "Content-Type": "application/merge-patch+json"},
    )
    assert patched.status_code == 200
    body = realization(client, auth, case, as_of=2)
    assert body["totals"]["plan_npv"]["value"] == "8084146.48"  # version 1 at 9%
    assert body["totals"]["npv_to_date"]["value"] == "7334654.49"
    evaluation = client.get(url(case["id"], "/versions/1/evaluation"), headers=auth).get_json()
    assert body["input_hash"] == evaluation["input_hash"]


def test_actuals_a_rebaselined_version_cannot_count_are_reported_not_counted(client, auth, case):
    assert import_csv(client, auth, case).status_code == 201
    document = sample_document("en-distributor-o2c")
    document["values"] = [v for v in document["values"] if v["id"] != "v-disputes"]
    put = client.put(url(case["id"]), json=document, headers=if_match(auth, 1))
    assert put.status_code == 200, put.get_json()
    assert baseline(client, auth, case, version=2).status_code == 201
    body = realization(client, auth, case, as_of=2)
    assert [(e["value_id"], e["period"], e["code"]) for e in body["excluded_actuals"]] == [
        ("v-disputes", 1, "unknown_value")
    ]
    assert body["totals"]["realized_to_date"]["value"] == "10950000.00"


def test_realization_arguments_are_checked(client, auth, case):
    problem = assert_problem(
        client.get(url(case["id"], "/realization"), headers=auth, query_string={"as_of": 4}), 422
    )
    assert fields_of(problem) == {"as_of"}
    for bad in ({"threshold": "1"}, {"threshold": "0"}, {"as_of": "0"}, {"as_of": "x"}):
        response = client.get(url(case["id"], "/realization"), headers=auth, query_string=bad)
        assert_problem(response, 422)
    calm = realization(client, auth, case, as_of=2, threshold="0.6")
    assert (calm["threshold"], calm["relief_threshold"]) == ("0.600000", "0.400000")


def test_without_actuals_nothing_is_realized(client, auth, case):
    body = realization(client, auth, case)
    assert body["as_of_period"] == 1
    assert body["totals"]["realized_to_date"]["value"] == "0.00"
    assert {v["status"] for v in body["values"]} == {"pending"}


def test_the_report_pdf_in_both_languages(client, auth, case):
    assert import_csv(client, auth, case).status_code == 201
    for lang in ("en", "zh-CN"):
        response = client.get(
            url(case["id"], "/realization.pdf"), headers=auth, query_string={"lang": lang}
        )
        assert response.status_code == 200
        assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
        disposition = response.headers["Content-Disposition"]
        assert disposition == f'inline; filename="realization-{case["id"]}-p2-{lang}.pdf"'
    assert_problem(
        client.get(url(case["id"], "/realization.pdf"), headers=auth, query_string={"lang": "fr"}),
        422,
    )


# -- isolation and documentation ---------------------------------------------------------------


def test_another_workspace_sees_nothing(client, auth, make_key, case):
    assert import_csv(client, auth, case).status_code == 201
    other = {"Authorization": f"Bearer {make_key('globex')}"}
    for response in (
        client.get(url(case["id"], "/baseline"), headers=other),
        client.post(url(case["id"], "/baseline"), json={}, headers=if_match(other, 1)),
        client.get(url(case["id"], "/actuals"), headers=other),
        client.post(url(case["id"], "/actuals"), json=actual(), headers=other),
        import_csv(client, other, case),
        client.get(url(case["id"], "/realization"), headers=other),
        client.get(url(case["id"], "/realization.pdf"), headers=other),
    ):
        assert_problem(response, 404)
    assert len(history(client, auth, case)) == 9


def test_a_deleted_case_has_no_realization(client, auth, case):
    deleted = client.delete(url(case["id"]), headers=if_match(auth, 1))
    assert deleted.status_code == 204
    assert_problem(client.get(url(case["id"], "/realization"), headers=auth), 404)


def test_the_endpoints_are_documented_with_their_currency(client):
    spec = client.get(f"{API}/openapi.json").get_json()
    paths = spec["paths"]
    for path, method in (
        ("/baseline", "post"),
        ("/baseline", "get"),
        ("/actuals", "post"),
        ("/actuals", "get"),
        ("/actuals/import", "post"),
        ("/realization", "get"),
        ("/realization.pdf", "get"),
    ):
        operation = paths[f"{API}/cases/{{case_id}}{path}"][method]
        assert "404" in operation["responses"] and operation["summary"]
    schemas = spec["components"]["schemas"]
    for name in ("RealizationResponse", "CaseBaseline", "ActualList", "ImportResult"):
        assert "currency" in schemas[name]["properties"], name
    body = paths[f"{API}/cases/{{case_id}}/actuals/import"]["post"]["requestBody"]["content"]
    assert {"text/csv", "multipart/form-data"} <= set(body)
    pdf = paths[f"{API}/cases/{{case_id}}/realization.pdf"]["get"]["responses"]["200"]
    assert "application/pdf" in pdf["content"]


def test_another_workspace_gets_404_before_its_body_is_read(client, auth, make_key, case):
    other = {"Authorization": f"Bearer {make_key('globex')}"}
    assert_problem(client.post(url(case["id"], "/actuals"), json={}, headers=other), 404)
    bad_note = {"note": "x" * 600}
    assert_problem(client.post(url(case["id"], "/baseline"), json=bad_note, headers=other), 404)
    assert_problem(client.post(url(case["id"], "/actuals"), json={}, headers=auth), 422)
