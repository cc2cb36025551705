"""The realization report: the distributor sample with its two years of actuals in both
languages - the figures in the PDF are the realization's as the document formats them, the
summary is one page, every page rasterises with something on it - and every sample renders
with and without actuals; user text prints literally."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from functools import cache

import pytest

from pdf_templates import EvaluationMismatch, render_realization
from pdf_templates.formatting import Formatter
from pdf_templates.safety import clean
from tests.pdf_templates import cases
from tests.pdf_templates.conftest import LOCALES, ON, ROOT, sample, sample_names
from tests.pdf_templates.pdfcheck import (
    body_has_ink,
    external_actions,
    fonts,
    page_texts,
    rasterise,
    reader,
    squash,
)
from valueframe.actuals import Actual, parse_actuals_csv
from valueframe.evaluate import evaluate
from valueframe.i18n import t
from valueframe.realization import realize
from valueframe.schema import load_case

ACTUALS = ROOT / "samples" / "realization" / "en-distributor-o2c-actuals.csv"
ENTERED = dt.datetime(2028, 10, 20, 9, 0, tzinfo=dt.UTC)


@cache
def distributor():
    case, evaluation = sample("en-distributor-o2c.json")
    evaluation = evaluate(case, simulate=False)
    actuals = parse_actuals_csv(ACTUALS.read_text("utf-8"), case, entered_at=ENTERED)
    return case, evaluation, realize(case, evaluation, actuals, 2)


@cache
def report(locale: str) -> bytes:
    case, evaluation, realization = distributor()
    return render_realization(case, evaluation, realization, locale, on=ON)


@cache
def texts(locale: str) -> tuple[str, ...]:
    return tuple(squash(text) for text in page_texts(report(locale)))


@pytest.fixture(params=LOCALES)
def locale(request) -> str:
    return request.param


def test_the_realized_figures_are_in_the_report_as_formatted(locale):
    _, _, realization = distributor()
    fmt = Formatter(locale, realization.currency)
    text = "".join(texts(locale))
    totals = realization.totals
    expected = {
        "realized to date": fmt.money(totals["realized_to_date"].value),
        "expected to date": fmt.money(totals["expected_to_date"].value),
        "realization rate": fmt.percent(totals["realization_rate"].value),
        "realized NPV": fmt.money(totals["npv_to_date"].value),
        "realized ROI": fmt.percent(totals["roi_to_date"].value),
        "re-forecast NPV": fmt.money(totals["reforecast_npv"].value),
        "plan NPV": fmt.money(totals["plan_npv"].value),
        "cash released": fmt.money(totals["cash_released_to_date"].value),
    }
    for value in realization.values:
        expected[f"{value.value_id} delivery"] = fmt.percent(value.figures["delivery_rate"].value)
        if value.kind == "financial":
            figures = value.figures
            expected[f"{value.value_id} realized"] = fmt.money(figures["realized_to_date"].value)
            expected[f"{value.value_id} rate"] = fmt.percent(figures["realization_rate"].value)
    expected["goal progress"] = fmt.percent(realization.goal.progress.value, 0)
    missing = {name: shown for name, shown in expected.items() if squash(shown) not in text}
    assert not missing, f"figures not found in the PDF text: {missing}"
    # the hand-worked figures, as the English document writes them
    if locale == "en":
        for shown in ("€10,950,000.00", "103.3%", "€7,334,654.49", "354.4%", "41.7%", "125.0%"):
            assert shown in text


def test_the_summary_is_one_page_a_sponsor_can_forward(locale):
    pages = texts(locale)
    summary = pages[1]
    assert squash(t("doc.realization.section.summary", locale)) in summary
    assert squash(t("doc.realization.summary.note", locale))[:40] in summary
    assert squash(t("doc.realization.section.summary", locale)) not in pages[2]
    assert squash(t("doc.realization.section.values", locale)) in pages[2]
    # the signals and the grid relief speak the document's language
    case, _, _ = distributor()
    behind = t(
        "realization.signal.behind",
        locale,
        value=case.values[1].name,
        rate=Formatter(locale, "EUR").percent(Decimal(5) / 12, 0),
        threshold=Formatter(locale, "EUR").percent(Decimal("0.2"), 0),
    )
    assert squash(behind) in summary


def test_every_section_is_there(locale):
    text = "".join(texts(locale))
    for section in ("summary", "values", "totals", "goal", "grid", "signals", "method"):
        assert squash(t(f"doc.realization.section.{section}", locale)) in text, section
    for status in ("relieved", "not_relieved"):
        assert squash(t(f"realization.relief.{status}", locale)) in text
    for status in ("behind", "ahead", "on_plan"):
        assert squash(t(f"realization.status.{status}", locale)) in text
    assert squash(t("realization.convention.5", locale)) in text


def test_every_page_rasterises_with_something_on_it(locale):
    pages = rasterise(report(locale))
    assert len(pages) == len(reader(report(locale)).pages) >= 6
    assert all(body_has_ink(page) for page in pages[1:])


def test_fonts_are_embedded_and_nothing_leaves_the_document(locale):
    pdf = report(locale)
    embedded = fonts(pdf)
    cjk = [name for name in embedded if "WQY" in name.upper() or "ZENHEI" in name.upper()]
    if locale == "zh-CN":
        assert cjk and all(embedded[name] for name in cjk)
    assert not external_actions(pdf)
    metadata = reader(pdf).metadata
    assert metadata.title == distributor()[0].title


@pytest.mark.parametrize("name", sample_names())
def test_every_sample_renders_with_and_without_actuals(name):
    case, _ = sample(name)
    evaluation = evaluate(case, simulate=False)
    measured = []
    for value in case.values:
        low, high = value.indicator.baseline, value.indicator.target
        if low is None or high is None:
            continue
        for period in range(1, min(case.periods, 2) + 1):
            level = low + (high - low) * Decimal("0.6")
            measured.append(
                Actual(value.id, period, level, dt.date(2027, 1, 1), "src", "me", ENTERED)
            )
    for actuals, as_of in (([], 1), (measured, min(2, case.periods))):
        realization = realize(case, evaluation, actuals, as_of)
        for locale in LOCALES:
            pdf = render_realization(case, evaluation, realization, locale, on=ON)
            text = squash("".join(page_texts(pdf)))
            fmt = Formatter(locale, case.currency)
            assert squash(fmt.money(realization.totals["realized_to_date"].value)) in text
            assert squash(clean(case.customer.name)) in text


def test_a_realization_of_other_inputs_is_refused():
    case, _, realization = distributor()
    other = load_case(json.loads((ROOT / "samples" / "en-bank-itops.json").read_text("utf-8")))
    other_evaluation = evaluate(other, simulate=False)
    with pytest.raises(EvaluationMismatch):
        render_realization(other, other_evaluation, realization)
    with pytest.raises(EvaluationMismatch):
        render_realization(case, other_evaluation, realization)


def test_hostile_text_prints_literally():
    case = load_case(cases.hostile_document())
    evaluation = evaluate(case, simulate=False)
    source = '<font color="[[[getattr(pow, Attacker().__name__)]]]">SAP</font> & <b>x'
    actuals = [
        Actual(value.id, 1, value.indicator.target, dt.date(2027, 1, 1), source, "me", ENTERED)
        for value in case.values
        if value.indicator.target is not None and value.indicator.baseline is not None
    ]
    realization = realize(case, evaluation, actuals, 1)
    for locale in LOCALES:
        pdf = render_realization(case, evaluation, realization, locale, on=ON)
        text = squash("".join(page_texts(pdf)))
        for value in case.values:
            assert squash(clean(value.name))[:60] in text
        for issue in case.issues:
            if issue.selected:
                assert squash(clean(issue.title))[:30] in text
        if actuals:
            assert squash(source) in text
        assert not external_actions(pdf)
