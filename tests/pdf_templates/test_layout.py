"""Large frames paginate cleanly; a frame early in its life leaves its empty sections out."""

from __future__ import annotations

import pytest

from pdf_templates import render_briefing, render_proposal
from pdf_templates.formatting import Formatter
from tests.pdf_templates import cases
from tests.pdf_templates.conftest import ON
from tests.pdf_templates.pdfcheck import body_has_ink, page_texts, rasterise, squash
from valueframe.evaluate import evaluate
from valueframe.i18n import t
from valueframe.schema import load_case


@pytest.fixture(scope="module")
def big():
    case = load_case(cases.big_document(issues=50, values=30))
    return case, evaluate(case)


@pytest.fixture(scope="module")
def big_proposal(big):
    case, evaluation = big
    return render_proposal(case, evaluation, "en", on=ON)


@pytest.fixture(scope="module")
def big_texts(big_proposal):
    return page_texts(big_proposal)


def test_fifty_issues_and_thirty_values_paginate(big, big_proposal, big_texts):
    case, _ = big
    texts = big_texts
    assert len(texts) > 25
    text = squash("".join(texts))
    for issue in (case.issues[0], case.issues[-1]):
        assert squash(issue.title) in text
    for value in (case.values[0], case.values[-1]):
        assert squash(value.name) in text
    pages = rasterise(big_proposal)
    assert len(pages) == len(texts)
    assert all(body_has_ink(page) for page in pages)


def test_long_tables_repeat_their_header_on_every_page(big_texts):
    """The 50-row issue list continues with its column headers on the next page."""
    header = squash(t("doc.col.priority", "en"))
    pages_with_header = [n for n, text in enumerate(big_texts) if header in squash(text)]
    assert len(pages_with_header) >= 2


def test_the_frame_diagram_summarises_what_does_not_fit(big_texts):
    text = squash("".join(big_texts))
    assert squash(t("doc.frame.more_issues", "en").split("{n}")[1]) in text


def test_the_big_briefing_has_a_table_of_contents(big):
    case, evaluation = big
    pdf = render_briefing(case, evaluation, "zh-CN", on=ON)
    texts = page_texts(pdf)
    assert len(texts) > 8
    assert t("doc.toc", "zh-CN") in squash(texts[1])


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_empty_optional_sections_are_left_out(locale):
    case = load_case(cases.sparse_document())
    evaluation = evaluate(case)
    text = squash("".join(page_texts(render_proposal(case, evaluation, locale, on=ON))))
    for present in ("summary", "solution", "financials", "method"):
        assert squash(t(f"doc.section.{present}", locale)) in text, present
    for absent in ("frame", "grid", "issues", "values", "risk"):
        assert squash(t(f"doc.section.{absent}", locale)) not in text, absent
    for absent in ("financials.turnover", "method.evidence_legend", "summary.distance"):
        assert squash(t(f"doc.{absent}", locale)) not in text, absent
    # Figures that do not exist are words, not zeros or blanks.
    assert squash(t("doc.word.never", locale)) in text
    assert squash(t("irr.none", locale)) in text


def test_the_sparse_briefing_says_what_is_missing():
    case = load_case(cases.sparse_document())
    evaluation = evaluate(case)
    text = squash("".join(page_texts(render_briefing(case, evaluation, "en", on=ON))))
    assert squash(t("finding.goal_missing", "en")) in text
    assert squash(t("doc.briefing.all_confirmed", "en")) in text


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_several_irrs_are_explained_not_hidden(locale):
    case = load_case(cases.multiple_irr_document())
    evaluation = evaluate(case)
    assert evaluation.irr.status == "multiple"
    fmt = Formatter(locale, evaluation.currency)
    text = squash("".join(page_texts(render_proposal(case, evaluation, locale, on=ON))))
    assert squash(fmt.word("multiple")) in text
    roots = ", ".join(fmt.percent(root) for root in evaluation.irr.roots)
    assert squash(t("irr.multiple", locale, roots=roots)) in text
