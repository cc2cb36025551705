"""Every error is RFC 9457 problem+json; bad bodies are 4xx naming the problem, never 500."""

import json

import pytest

from tests.api.helpers import API, assert_problem, fields_of, sample_document


def post_raw(client, auth, body: bytes, content_type="application/json", path="/cases"):
    return client.post(f"{API}{path}", data=body, headers={**auth, "Content-Type": content_type})


def test_validation_problem_lists_every_wrong_field_as_a_dotted_path(client, auth):
    document = sample_document()
    document["values"][0]["driver"]["improvement"]["likely"] = "a lot"
    document["baseline"]["revenue"] = "-5"
    document["issues"][0]["cell"] = {"level": "board", "dimension": "goals"}
    document["surprise"] = True
    response = client.post(f"{API}/cases", json={"document": document}, headers=auth)
    problem = assert_problem(response, 422, "validation")
    assert fields_of(problem) >= {
        "document.values.0.driver.improvement.likely",
        "document.baseline.revenue",
        "document.issues.0.cell.level",
        "document.surprise",
    }
    assert all(error["in"] == "body" and error["message"] for error in problem["errors"])
    assert "4 fields" in problem["detail"] or "fields" in problem["detail"]


def test_unknown_top_level_field_is_rejected(client, auth):
    response = client.post(f"{API}/cases", json={"documnet": {}}, headers=auth)
    problem = assert_problem(response, 422, "validation")
    assert "documnet" in fields_of(problem)


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_json_tokens_are_rejected_naming_the_field(client, auth, token):
    body = f'{{"currency": "EUR", "rate": {token}, "flows": ["-1", "2"]}}'
    response = post_raw(client, auth, body.encode(), path="/compute/returns")
    problem = assert_problem(response, 422, "validation")
    assert fields_of(problem) == {"rate"}
    assert token in problem["errors"][0]["message"]


def test_nan_inside_an_array_names_its_index(client, auth):
    body = b'{"currency": "EUR", "rate": "0.1", "flows": ["-1", NaN]}'
    problem = assert_problem(post_raw(client, auth, body, path="/compute/returns"), 422)
    assert fields_of(problem) == {"flows.1"}


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-Infinity", "1e999999"])
def test_non_finite_numbers_as_strings_are_rejected(client, auth, text):
    body = {"currency": "EUR", "rate": "0.1", "flows": ["-1", text]}
    response = client.post(f"{API}/compute/returns", json=body, headers=auth)
    problem = assert_problem(response, 422, "validation")
    assert fields_of(problem) == {"flows.1"}


def test_wrong_content_type_is_415(client, auth):
    response = post_raw(client, auth, b"title=x", "application/x-www-form-urlencoded")
    assert_problem(response, 415, "unsupported-media-type")
    response = post_raw(client, auth, b"{}", "text/plain")
    assert_problem(response, 415)


def test_invalid_utf8_is_400(client, auth):
    response = post_raw(client, auth, b'{"document": "\xff\xfe"}')
    problem = assert_problem(response, 400, "invalid-json")
    assert "UTF-8" in problem["detail"]


def test_malformed_json_is_400_with_position(client, auth):
    problem = assert_problem(post_raw(client, auth, b'{"document": '), 400, "invalid-json")
    assert "line 1" in problem["detail"]


@pytest.mark.parametrize("depth", [100, 5000, 200_000])
def test_deeply_nested_json_is_400_not_500(client, auth, depth):
    body = b"[" * depth + b"]" * depth
    assert_problem(post_raw(client, auth, body), 400, "invalid-json")
    body = b'{"a":' * depth + b"1" + b"}" * depth
    assert_problem(post_raw(client, auth, body), 400, "invalid-json")


def test_integer_with_too_many_digits_is_400(client, auth):
    body = b'{"currency": "EUR", "rate": ' + b"9" * 6000 + b', "flows": ["1"]}'
    assert_problem(post_raw(client, auth, body, path="/compute/returns"), 400, "invalid-json")


def test_huge_exponent_is_a_validation_error(client, auth):
    body = b'{"currency": "EUR", "rate": 1e999999999, "flows": ["1"]}'
    problem = assert_problem(post_raw(client, auth, body, path="/compute/returns"), 422)
    assert fields_of(problem) == {"rate"}


@pytest.mark.parametrize("bad", ["\\u0000", "\\ud800"])
def test_nul_and_lone_surrogates_in_strings_are_rejected(client, auth, bad):
    document = json.dumps({"document": sample_document()})
    document = document.replace('"title": "', f'"title": "{bad}', 1)
    problem = assert_problem(post_raw(client, auth, document.encode()), 422, "validation")
    assert fields_of(problem) == {"document.title"}


def test_body_over_the_limit_is_413(client, auth):
    body = b'{"document": "' + b"x" * (3 * 1024 * 1024) + b'"}'
    problem = assert_problem(post_raw(client, auth, body), 413, "payload-too-large")
    assert "2097152" in problem["detail"]


def test_ten_megabyte_body_is_413_on_document_endpoints(client, auth):
    body = b"[" + b"1," * (5 * 1024 * 1024) + b"1]"
    for path in ("/cases", "/compute/returns", "/compute/evaluate", "/compute/tornado"):
        assert_problem(post_raw(client, auth, body, path=path), 413)


def test_bulk_endpoints_have_their_own_limits(app, client, auth, monkeypatch):
    monkeypatch.setitem(app.config, "VALUEFRAME_MAX_IMPORT_BODY_BYTES", 1024)
    monkeypatch.setitem(app.config, "VALUEFRAME_MAX_BATCH_BODY_BYTES", 1024)
    body = b"[" + b"1," * 1024 + b"1]"
    for path in ("/cases/import", "/workspace/import", "/compute/batch"):
        problem = assert_problem(post_raw(client, auth, body, path=path), 413)
        assert "1024 bytes" in problem["detail"]


def test_missing_body_is_a_validation_error(client, auth):
    response = client.post(f"{API}/compute/returns", headers=auth)
    problem = assert_problem(response, 422, "validation")
    assert {"currency", "rate", "flows"} <= fields_of(problem)


def test_wrong_types_name_the_fields(client, auth):
    body = {"currency": 7, "rate": [], "flows": "lots"}
    problem = assert_problem(client.post(f"{API}/compute/returns", json=body, headers=auth), 422)
    assert fields_of(problem) == {"currency", "rate", "flows"}


def test_body_that_is_not_an_object(client, auth):
    for body in (b"[]", b"42", b'"text"', b"null"):
        response = post_raw(client, auth, body, path="/compute/returns")
        assert response.status_code in (400, 422)
        assert response.mimetype == "application/problem+json"


def test_unknown_route_and_method(client, auth):
    assert_problem(client.get(f"{API}/nothing-here", headers=auth), 404, "not-found")
    response = client.delete(f"{API}/compute/returns", headers=auth)
    assert_problem(response, 405, "method-not-allowed")
    assert "POST" in response.headers["Allow"]


def test_bad_query_parameters_are_422_in_query(client, auth):
    response = client.get(f"{API}/cases?per_page=0&sort=colour", headers=auth)
    problem = assert_problem(response, 422, "validation")
    assert fields_of(problem) == {"per_page", "sort"}
    assert {e["in"] for e in problem["errors"]} == {"query"}


def test_malformed_uuid_in_path_is_404(client, auth):
    assert_problem(client.get(f"{API}/cases/not-a-uuid", headers=auth), 404)


def test_unexpected_errors_are_500_problems_without_internals(app, client, auth, monkeypatch):
    from api.resources.compute import resources

    def boom(*args, **kwargs):
        raise RuntimeError("secret internals: password=hunter2")

    monkeypatch.setattr(resources.returns, "npv", boom)
    body = {"currency": "EUR", "rate": "0.1", "flows": ["-1", "2"]}
    response = client.post(f"{API}/compute/returns", json=body, headers=auth)
    problem = assert_problem(response, 500, "internal")
    assert "hunter2" not in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)
    assert problem["detail"]


def test_calculator_errors_are_422_naming_the_argument(client, auth):
    before = {"revenue": "0", "cogs": "100", "inventory": "1", "receivables": "1", "payables": "1"}
    after = {"revenue": "100", "cogs": "100", "inventory": "1", "receivables": "1", "payables": "1"}
    body = {"currency": "EUR", "before": before, "after": after}
    response = client.post(f"{API}/compute/turnover", json=body, headers=auth)
    problem = assert_problem(response, 422, "calculation")
    assert fields_of(problem) == {"before.revenue"}


def test_responses_never_contain_nan_tokens(app):
    from api.extensions.json import dumps

    with pytest.raises(ValueError):
        dumps({"x": float("nan")})
    with app.app_context(), pytest.raises(ValueError):
        app.json.dumps({"x": float("inf")})
