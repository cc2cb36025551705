"""PDFs over the API: rendered in the request for a stored case (``lang``, ``version``,
ETag, workspace isolation) or a posted one; render limits as 422 problems; the
``application/pdf`` responses in the OpenAPI document."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from pdf_templates.formatting import Formatter
from tests.api.helpers import API, assert_problem, create_case, if_match, sample_document
from valueframe.evaluate import evaluate
from valueframe.schema import load_case


def text_of(pdf: bytes) -> str:
    """All the text, without whitespace (extraction breaks lines where layout wrapped)."""
    pages = PdfReader(io.BytesIO(pdf)).pages
    return re.sub(r"\s+", "", "".join(page.extract_text() or "" for page in pages))


def headline_npv(document: dict, locale: str) -> str:
    case = load_case(document)
    evaluation = evaluate(case)
    return re.sub(
        r"\s+", "", Formatter(locale, evaluation.currency).money(evaluation.headline["npv"].value)
    )


@pytest.fixture
def case(client, auth):
    return create_case(client, auth, sample_document("en-distributor-o2c"))


def test_proposal_pdf_shows_the_evaluations_headline_npv(client, auth, case):
    response = client.get(f"{API}/cases/{case['id']}/proposal.pdf", headers=auth)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=")
    assert disposition.endswith('-v1-en.pdf"') and "proposal-" in disposition
    assert response.headers["ETag"].startswith('W/"')
    assert headline_npv(case["document"], "en") in text_of(response.data)


def test_lang_switches_the_language_and_the_number_format(client, auth, case):
    zh = client.get(f"{API}/cases/{case['id']}/proposal.pdf?lang=zh-CN", headers=auth)
    assert zh.status_code == 200
    assert zh.headers["Content-Disposition"].endswith('-v1-zh-CN.pdf"')
    text = text_of(zh.data)
    assert re.search(r"[\u4e00-\u9fff]{4}", text), "the Chinese document has Chinese text"
    assert headline_npv(case["document"], "zh-CN") in text
    bad = client.get(f"{API}/cases/{case['id']}/proposal.pdf?lang=fr", headers=auth)
    assert_problem(bad, 422, "validation")


def test_version_parameter_renders_that_version(client, auth, case):
    patched = client.patch(
        f"{API}/cases/{case['id']}",
        json={"discount_rate": "0.2"},
        headers={**if_match(auth, 1), "Content-Type": "application/merge-patch+json"},
    )
    assert patched.status_code == 200
    second = patched.get_json()["document"]
    npv1, npv2 = headline_npv(case["document"], "en"), headline_npv(second, "en")
    assert npv1 != npv2
    current = client.get(f"{API}/cases/{case['id']}/briefing.pdf?lang=en", headers=auth)
    old = client.get(f"{API}/cases/{case['id']}/proposal.pdf?version=1", headers=auth)
    new = client.get(f"{API}/cases/{case['id']}/proposal.pdf?version=2", headers=auth)
    assert current.status_code == old.status_code == new.status_code == 200
    assert current.headers["Content-Disposition"].endswith('-v2-en.pdf"')
    assert npv1 in text_of(old.data) and npv2 not in text_of(old.data)
    assert npv2 in text_of(new.data)
    assert old.headers["ETag"] != new.headers["ETag"]
    missing = client.get(f"{API}/cases/{case['id']}/proposal.pdf?version=9", headers=auth)
    assert_problem(missing, 404)


def test_etag_answers_304_without_a_render(client, auth, case, monkeypatch):
    first = client.get(f"{API}/cases/{case['id']}/briefing.pdf", headers=auth)
    import pdf_templates

    def no_render(*args, **kwargs):  # pragma: no cover - must not be called
        raise AssertionError("rendered again")

    monkeypatch.setattr(pdf_templates, "render", no_render)
    again = client.get(
        f"{API}/cases/{case['id']}/briefing.pdf",
        headers={**auth, "If-None-Match": first.headers["ETag"]},
    )
    assert again.status_code == 304 and again.headers["ETag"] == first.headers["ETag"]


def test_another_workspace_gets_404(client, auth, make_key, case):
    other = {"Authorization": f"Bearer {make_key('globex')}"}
    for document in ("proposal", "briefing"):
        response = client.get(f"{API}/cases/{case['id']}/{document}.pdf", headers=other)
        assert_problem(response, 404)
    assert_problem(client.get(f"{API}/cases/{case['id']}/proposal.pdf"), 401)


def test_stateless_render_of_a_posted_case(client, auth):
    document = sample_document("en-distributor-o2c")
    response = client.post(f"{API}/compute/proposal.pdf?lang=en", json=document, headers=auth)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].endswith('-en.pdf"')
    assert headline_npv(document, "en") in text_of(response.data)
    invalid = client.post(f"{API}/compute/briefing.pdf", json={"title": 1}, headers=auth)
    assert_problem(invalid, 422, "validation")


def test_a_document_too_large_is_a_422_naming_the_field(client, auth, case, monkeypatch):
    import pdf_templates
    from pdf_templates import DocumentTooLarge

    def too_large(*args, **kwargs):
        raise DocumentTooLarge("issues.3.evidence", 20_000, 25_000)

    monkeypatch.setattr(pdf_templates, "render", too_large)
    for response in (
        client.get(f"{API}/cases/{case['id']}/proposal.pdf", headers=auth),
        client.post(f"{API}/compute/briefing.pdf", json=case["document"], headers=auth),
    ):
        body = assert_problem(response, 422, "validation")
        assert [e["field"] for e in body["errors"]] == ["issues.3.evidence"]


def test_pdf_responses_are_documented(client):
    spec = client.get(f"{API}/openapi.json").get_json()
    for path, method in (
        ("/api/v1/cases/{case_id}/proposal.pdf", "get"),
        ("/api/v1/cases/{case_id}/briefing.pdf", "get"),
        ("/api/v1/compute/proposal.pdf", "post"),
        ("/api/v1/compute/briefing.pdf", "post"),
        ("/api/v1/documents/{document_id}", "get"),
    ):
        content = spec["paths"][path][method]["responses"]["200"]["content"]
        assert content["application/pdf"]["schema"] == {"type": "string", "format": "binary"}
    parameters = spec["paths"]["/api/v1/cases/{case_id}/proposal.pdf"]["get"]["parameters"]
    assert {p["name"] for p in parameters} >= {"lang", "version"}
