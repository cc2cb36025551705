"""Figures as text: Babel formatting after the evaluation's rounding rule, words for figures
that do not exist, and the font runs that keep Chinese visible in English documents."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from pdf_templates import fonts
from pdf_templates.formatting import Formatter
from valueframe.i18n import t


def test_money_is_exact_to_the_minor_unit_and_rounded_half_even():
    assert Formatter("zh-CN", "CNY").money(Decimal("28088075.235")) == "¥28,088,075.24"
    assert Formatter("en", "USD").money(Decimal("-1642343.245")) == "-$1,642,343.24"
    assert Formatter("en", "CNY").money(Decimal("5")) == "CN¥5.00"
    assert Formatter("en", "USD").money(Decimal("-0.001")) == "$0.00"  # no "-0.00"


def test_headline_money_is_compact_for_executives():
    assert Formatter("zh-CN", "CNY").money_compact(Decimal("28088075.24")) == "¥2808.8万"
    assert Formatter("zh-CN", "CNY").money_compact(Decimal("312000000")) == "¥3.1亿"
    assert Formatter("en", "USD").money_compact(Decimal("28088075.24")) == "$28.1M"
    assert Formatter("en", "USD").money_compact(Decimal("950")) == "$950.00"


def test_ratios_rates_and_durations():
    en, zh = Formatter("en", "USD"), Formatter("zh-CN", "CNY")
    assert en.percent(Decimal("4.6952948")) == "469.5%"
    assert en.percent(Decimal("0.3"), 0) == "30%"
    assert en.rate(Decimal("0.0725")) == "7.25%"
    assert en.years(Decimal("0.2228618")) == "0.22 years"
    assert zh.years(Decimal("1.5")) == "1.50 年"
    assert en.days(Decimal("91.25")) == "91.2 days"  # one place, half-even
    assert en.days(Decimal("91.35")) == "91.4 days"
    assert zh.quantity(Decimal("51500.0"), "万元") == "51,500 万元"


def test_figures_that_do_not_exist_are_words():
    for locale in ("en", "zh-CN"):
        fmt = Formatter(locale, "USD")
        assert fmt.years(None) == t("doc.word.never", locale)
        assert fmt.percent(None) == t("doc.word.none", locale)
        assert fmt.money(None) == t("doc.word.none", locale)


def test_chinese_in_an_english_document_switches_to_the_cjk_face():
    latin = fonts.font_set("en")
    assert fonts.runs("Acme 华东精工 → ok", latin) == [
        ("Helvetica", "Acme "),
        (fonts.CJK, "华东精工"),
        ("Helvetica", " "),
        (fonts.CJK, "→"),
        ("Helvetica", " ok"),
    ]
    assert (
        fonts.with_fallback("a &amp; 华东", latin)
        == f'a &amp; <font face="{fonts.CJK}">华东</font>'
    )
    chinese = fonts.font_set("zh-CN")
    assert fonts.with_fallback("a 华东", chinese) == "a 华东"
    assert fonts.font_for("plain", latin) == "Helvetica"
    assert fonts.font_for("plain", chinese) == fonts.CJK


def test_no_chinese_literals_in_the_document_code():
    """Every word a document shows comes from the translation table."""
    cjk = re.compile("[\u3000-\u9fff\uff00-\uffef]")
    folder = Path(__file__).resolve().parents[2] / "pdf_templates"
    offenders = [
        f"{path.name}:{number}"
        for path in sorted(folder.glob("*.py"))
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
        if cjk.search(line)
    ]
    assert not offenders
