"""Characters neither face can draw (✓, emoji, ☃, 𝔘...) print as visible substitutes the
faces do draw, never as blank boxes or nothing: user text does not silently lose characters."""

from __future__ import annotations

import pytest

from pdf_templates import fonts, render_briefing, render_proposal
from tests.pdf_templates import cases
from tests.pdf_templates.conftest import DOCUMENTS, LOCALES, ON
from tests.pdf_templates.pdfcheck import page_texts, squash
from valueframe.evaluate import evaluate
from valueframe.schema import load_case

ODD = "✓ 😀 ☃ 𝔘"
SHOWN = "√ ? ? U"  # ✓ -> √ (the CJK face has it), no look-alike -> ?, 𝔘 -> U
NAME = f"Acme {ODD} 华东"
TITLE = f"Stock {ODD} rising"


def test_substitutes_are_drawable_by_both_faces_together():
    assert fonts.drawable(ODD) == SHOWN
    assert fonts.drawable("plain 华东 → ok") == "plain 华东 → ok"  # already drawable: as is
    assert fonts.drawable("👍🏽 e\u0301 🇨🇳 ✗") == "? é CN ×"  # modifier dropped, é composed
    covered = fonts.coverage()
    assert set(fonts.drawable("".join(map(chr, range(0x20, 0x30000, 7))))) <= covered


@pytest.mark.parametrize("locale", LOCALES)
def test_every_font_choice_draws_what_it_chose(locale):
    theme_fonts = fonts.font_set(locale)
    text = f"Škoda • „x“ {ODD} 华东"
    for font, part in fonts.runs(text, theme_fonts):
        assert set(part) <= fonts.coverage(font), (font, part)
    for bold in (False, True):
        font, shown = fonts.single(text, theme_fonts, bold)
        assert set(shown) <= fonts.coverage(font), (font, shown)
    # A Chinese document keeps WinAnsi letters its face lacks, set in Helvetica.
    if locale == "zh-CN":
        assert fonts.with_fallback("Škoda", theme_fonts) == '<font face="Helvetica">Š</font>koda'


@pytest.fixture(scope="module")
def odd_case():
    document = cases.case_document(cases.BASE_EN)
    document["customer"]["name"] = NAME
    document["issues"][0]["title"] = TITLE
    case = load_case(document)
    return case, evaluate(case)


@pytest.mark.parametrize("document", DOCUMENTS)
@pytest.mark.parametrize("locale", LOCALES)
def test_odd_characters_print_as_substitutes(odd_case, locale, document):
    case, evaluation = odd_case
    render = render_proposal if document == "proposal" else render_briefing
    text = squash("".join(page_texts(render(case, evaluation, locale, on=ON))))
    for field in (NAME, TITLE):
        assert squash(field.replace(ODD, SHOWN)) in text, field
    assert not set(ODD) - {" "} & set(text), "an undrawable character reached the PDF"
    assert set(text) <= fonts.coverage(), sorted(set(text) - fonts.coverage())
