"""The OpenAPI document validates, documents every route, and the docs page works offline."""

import re

from openapi_spec_validator import validate

from api.app import API_PREFIX


def _spec(client):
    response = client.get(f"{API_PREFIX}/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_openapi_document_validates(client):
    validate(_spec(client))


def test_every_route_under_api_v1_is_documented(app, client):
    spec = _spec(client)
    documented = {
        (path, method.upper())
        for path, operations in spec["paths"].items()
        for method in operations
        if method in ("get", "post", "put", "patch", "delete")
    }
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api-docs.") or rule.endpoint == "docs_assets":
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            if (path, method) not in documented:
                missing.append((path, method))
    assert not missing
    assert any(path.startswith(API_PREFIX) for path, _ in documented)


def test_every_operation_documents_its_problems(client):
    spec = _spec(client)
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation["responses"]
            assert "default" in responses, (method, path)
            if path.startswith(API_PREFIX):
                assert "401" in responses, (method, path)
            for status, response in responses.items():
                if status.startswith(("4", "5")):
                    ref = response.get("$ref", "")
                    assert ref.startswith("#/components/responses/"), (method, path, status)
    problem = spec["components"]["responses"]["UNPROCESSABLE_ENTITY"]["content"]
    assert "application/problem+json" in problem


def test_security_scheme_is_bearer_and_probes_are_public(client):
    spec = _spec(client)
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert spec["security"] == [{"bearerAuth": []}]
    assert spec["paths"]["/healthz"]["get"]["security"] == []


def test_docs_page_uses_local_assets(client):
    page = client.get(f"{API_PREFIX}/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
    assert f"{API_PREFIX}/docs/assets/swagger-ui-bundle.js" in html
    with client.get(f"{API_PREFIX}/docs/assets/swagger-ui-bundle.js") as asset:
        assert asset.status_code == 200 and len(asset.data) > 100_000
    assert client.get(f"{API_PREFIX}/docs/assets/../config.py").status_code == 404
