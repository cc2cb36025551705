"""Every sample, in both languages, as proposal and briefing: the figures in the PDF are the
evaluation's figures as formatted, Chinese extracts as real characters, the CJK font is
embedded, every page rasterises with something on it, and the metadata is right."""

from __future__ import annotations

import pytest

from pdf_templates.formatting import Formatter
from tests.pdf_templates.conftest import SAMPLES, rendered, sample_names
from tests.pdf_templates.pdfcheck import (
    body_has_ink,
    fonts,
    rasterise,
    reader,
    squash,
)
from valueframe.i18n import t
from valueframe.questions import questions


def test_there_are_samples_in_both_languages():
    locales = [name.split("-")[0] for name in sample_names()]
    assert len(SAMPLES) >= 4
    assert locales.count("zh") >= 2 and locales.count("en") >= 2


def _text(result) -> str:
    return result.text


def test_headline_figures_equal_the_evaluation(sample_name, locale):
    result = rendered(sample_name, locale, "proposal")
    ev, fmt = result.evaluation, Formatter(locale, result.evaluation.currency)
    text = _text(result)
    headline = ev.headline
    expected = {
        "npv": fmt.money(headline["npv"].value),
        "roi": fmt.percent(headline["roi"].value),
        "payback": fmt.years(headline["payback_years"].value),
        "discounted payback": fmt.years(headline["discounted_payback_years"].value),
        "irr": fmt.percent(ev.irr.rate)
        if ev.irr.status == "unique"
        else fmt.word("multiple" if ev.irr.status == "multiple" else "none"),
        "mirr": fmt.percent(headline["mirr"].value),
        "total benefits": fmt.money(headline["total_benefits"].value),
        "total costs": fmt.money(headline["total_costs"].value),
        "cumulative": fmt.money(ev.cash_flow[-1].cumulative),
        "cost of delay": fmt.money(headline["cost_of_delay_per_month"].value),
    }
    if ev.goal is not None and ev.goal.attainment.value is not None:
        expected["attainment"] = fmt.percent(ev.goal.attainment.value, 0)
    if ev.simulation is not None:
        expected["p10"] = fmt.money(ev.simulation.npv.p10)
        expected["p90"] = fmt.money(ev.simulation.npv.p90)
    missing = {name: value for name, value in expected.items() if squash(value) not in text}
    assert not missing, f"figures not found in the PDF text: {missing}"


def test_every_cash_flow_row_is_in_the_table(sample_name):
    result = rendered(sample_name, "en", "proposal")
    fmt = Formatter("en", result.evaluation.currency)
    text = _text(result)
    for row in result.evaluation.cash_flow:
        for amount in (row.benefits, row.costs, row.net, row.cumulative):
            assert squash(fmt.money(amount)) in text, (row.period, amount)


def test_chinese_extracts_as_real_characters(sample_name, locale, document):
    result = rendered(sample_name, locale, document)
    text = _text(result)
    assert squash(result.case.customer.name) in text
    assert squash(result.case.seller.name) in text
    if locale == "zh-CN":
        label = "doc.section.summary" if document == "proposal" else "doc.briefing.section.guide"
        assert t(label, "zh-CN") in text
        assert t("doc.section.method", "zh-CN") in text or document == "briefing"


def test_the_cjk_font_is_embedded(sample_name, locale, document):
    result = rendered(sample_name, locale, document)
    found = fonts(result.pdf)
    cjk = {name: embedded for name, embedded in found.items() if "WenQuanYiZenHei" in name}
    chinese_case = result.case.locale == "zh-CN"
    if locale == "zh-CN" or chinese_case:
        assert cjk, f"no CJK font in {sorted(found)}"
        assert all(cjk.values()), "the CJK font is referenced but not embedded"
    # Nothing but the CJK face and the PDF base-14 Latin faces.
    assert set(found) - set(cjk) <= {"/Helvetica", "/Helvetica-Bold"}


def test_every_page_rasterises_with_something_on_it(sample_name, locale, document):
    result = rendered(sample_name, locale, document)
    pages = rasterise(result.pdf)
    assert len(pages) == len(reader(result.pdf).pages) >= 4
    blank = [n for n, image in enumerate(pages, start=1) if not body_has_ink(image)]
    assert not blank, f"blank pages: {blank}"


def test_metadata(sample_name, locale, document):
    result = rendered(sample_name, locale, document)
    info = reader(result.pdf).metadata
    assert info.title == result.case.title
    assert info.author == result.case.seller.name
    assert result.case.customer.name in info.subject


def test_running_header_footer_and_page_numbers(sample_name, locale):
    result = rendered(sample_name, locale, "proposal")
    texts = result.texts
    total = len(texts)
    label = t("doc.page_of", locale, page=3, pages=total)
    third = squash(texts[2])
    assert squash(label) in third
    assert result.evaluation.input_hash[:12] in third
    assert result.evaluation.methodology_version in third
    assert squash(result.case.seller.name) in third


def test_the_proposal_has_a_table_of_contents(sample_name, locale):
    result = rendered(sample_name, locale, "proposal")
    second = squash(result.texts[1])
    assert t("doc.toc", locale) in second
    for section in ("summary", "financials", "method"):
        assert squash(t(f"doc.section.{section}", locale)) in second


def test_the_briefing_is_internal_on_every_page(sample_name, locale):
    result = rendered(sample_name, locale, "briefing")
    banner = squash(t("doc.briefing.internal_banner", locale))
    for number, text in enumerate(result.texts, start=1):
        assert banner in squash(text), f"page {number} is not marked internal"


def test_the_briefing_holds_the_question_guide(sample_name, locale):
    result = rendered(sample_name, locale, "briefing")
    text = _text(result)
    for element in ("goal", "issue", "solution", "value"):
        for kind in ("confirm_deviation", "guiding"):
            first = questions(element=element, type=kind)[0]
            assert squash(first.text[locale]) in text, (element, kind)
    cells = {i.cell.code for i in result.case.issues if i.selected and i.cell is not None}
    for code in cells:
        assert squash(questions(cell=code)[0].text[locale]) in text, code
    for assumption in result.case.assumptions:
        if assumption.evidence != "confirmed":
            assert squash(assumption.name) in text


@pytest.mark.parametrize("name", sample_names()[:1])
def test_a_case_renders_in_the_other_language(name):
    """A Chinese case rendered in English (and the reverse) keeps the user's text."""
    for locale in ("zh-CN", "en"):
        result = rendered(name, locale, "proposal")
        text = _text(result)
        assert squash(t("doc.section.financials", locale)) in text
        assert squash(result.case.title)[:20] in text
