"""Industry templates: complete, valid, plausible cases that agree across the two locales."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from valueframe import grid, model
from valueframe.schema import dump_case, load_case
from valueframe.stages import check
from valueframe.templates import (
    CNY_PER_USD,
    new_case,
    template,
    template_document,
    templates,
)

CJK = re.compile(r"[\u4e00-\u9fff]")
REQUIRED = {"manufacturing", "distribution", "banking", "logistics", "systems_integration"}
IDS = sorted(t.id for t in templates())
MONEY_DRIVERS = {"revenue_uplift", "cost_reduction", "cost_avoidance", "price_realisation"}
CURRENCY = {"en": "USD", "zh-CN": "CNY"}


def test_every_driver_type_is_classified():
    # A new driver type must be declared money (scaled by CNY_PER_USD) or not.
    assert MONEY_DRIVERS | {"margin_improvement", "working_capital"} == set(model.DRIVER_TYPES)


def _docs(template_id):
    return {locale: template_document(template_id, locale) for locale in model.LOCALES}


def test_the_five_industries_are_there():
    assert set(IDS) >= REQUIRED
    assert len(IDS) >= 5
    for item in templates():
        assert template(item.id) == item
        for locale in model.LOCALES:
            assert item.name[locale].strip() and item.description[locale].strip()
        assert CJK.search(item.name["zh-CN"]) and not CJK.search(item.name["en"])


def test_unknown_template_or_locale():
    with pytest.raises(KeyError):
        template("mining")
    with pytest.raises(KeyError):
        template_document("mining", "en")
    with pytest.raises(ValueError):
        template_document("banking", "fr")


@pytest.mark.parametrize("template_id", IDS)
@pytest.mark.parametrize("locale", model.LOCALES)
def test_document_loads_and_is_complete(template_id, locale):
    case = load_case(template_document(template_id, locale))
    assert case.stage == "present"
    assert case.locale == locale
    assert case.currency == CURRENCY[locale]
    assert case.customer.name == {"en": "Your customer", "zh-CN": "客户名称"}[locale]
    assert case.seller.name == {"en": "Your company", "zh-CN": "贵公司"}[locale]

    goal = case.goal
    assert goal is not None and goal.target != goal.baseline and goal.deadline
    assert goal.metric and goal.unit

    assert 3 <= len(case.csfs) <= 5
    assert {c.source for c in case.csfs} >= {"industry", "organisation"}
    assert 4 <= len(case.issues) <= 6
    assert all(issue.cell is not None for issue in case.issues)
    assert all(issue.csf_id and issue.evidence for issue in case.issues)
    assert any(issue.kind == "CBI" for issue in case.issues)
    levels = [issue.cell.level for issue in case.issues]
    assert levels.count("process") > len(levels) / 2 - 1  # most issues at process level
    assert levels.count("process") >= max(levels.count("organisation"), levels.count("job"))

    solution = case.solution
    assert solution is not None and solution.capabilities and solution.constraints
    addressed = {a.issue_id for a in solution.addresses}
    assert addressed == {issue.id for issue in case.issues}
    bypasses = [a for a in solution.addresses if a.mode == "bypass"]
    assert bypasses and all(a.rationale.strip() for a in bypasses)
    kinds = {(c.kind, c.period if c.kind == "one_off" else None) for c in solution.costs}
    assert ("one_off", 0) in kinds and ("recurring", None) in kinds

    issue_ids = {issue.id for issue in case.issues}
    assumption_ids = {a.id for a in case.assumptions}
    financial = [v for v in case.values if v.kind == "financial"]
    non_financial = [v for v in case.values if v.kind == "non_financial"]
    assert 3 <= len(financial) <= 5
    assert non_financial and all(v.driver is None and v.indicator.name for v in non_financial)
    for value in case.values:
        assert value.issue_ids and set(value.issue_ids) <= issue_ids
        assert value.probability is not None and value.goal_contribution is not None
    for value in financial:
        assert value.evidence == "benchmark"
        assert value.assumption_ids and set(value.assumption_ids) <= assumption_ids
        assert value.indicator.baseline is not None and value.indicator.target is not None
    assert all(a.source.strip() for a in case.assumptions)


@pytest.mark.parametrize("template_id", IDS)
def test_numbers_are_plausible(template_id):
    case = load_case(template_document(template_id, "en"))
    b = case.baseline
    assert b.revenue > b.variable_costs > 0
    assert b.revenue > b.variable_costs + b.fixed_costs  # a profitable starting point
    days = {
        "inventory": b.inventory * case.day_count / b.cogs if b.cogs else Decimal(0),
        "receivables": b.receivables * case.day_count / b.revenue,
    }
    goal = case.goal
    direction = 1 if goal.target > goal.baseline else -1
    total = Decimal(0)
    for value in case.values:
        # No value moves the goal away from its target.
        assert value.goal_contribution * direction >= 0, value.id
        total += value.goal_contribution * value.probability
        driver = value.driver
        if driver is None:
            continue
        if driver.type == "working_capital" and driver.component != "payables":
            assert driver.improvement.high < days[driver.component], value.id
        if driver.type in MONEY_DRIVERS:
            assert driver.improvement.high <= b.revenue * Decimal("0.05"), value.id
    # Together the values move the goal, without overshooting it on expectation.
    assert 0 < total * direction <= abs(goal.target - goal.baseline)
    one_off = sum(c.amount for c in case.solution.costs if c.kind == "one_off")
    assert one_off < b.revenue * Decimal("0.02")


def test_working_capital_example_from_the_brief():
    # 10 DSO days on a distributor's ~840M CNY revenue release ~23M CNY.
    case = load_case(template_document("distribution", "zh-CN"))
    release = 10 * case.baseline.revenue / case.day_count
    assert Decimal(22_000_000) < release < Decimal(24_000_000)


MONEY_BASELINE = {"revenue", "cogs", "variable_costs", "fixed_costs", "inventory"}
MONEY_BASELINE |= {"receivables", "payables", "cash"}


def _is_money(path: tuple, en_doc: dict) -> bool:
    if path[0] == "baseline":
        return path[-1] in MONEY_BASELINE
    if path[:2] == ("solution", "costs"):
        return path[-1] == "amount"
    if path[0] == "values" and path[2:4] == ("driver", "improvement"):
        return en_doc["values"][path[1]]["driver"]["type"] in MONEY_DRIVERS
    return False


def _same_structure(en, zh, path, en_doc, problems):
    where = ".".join(map(str, path))
    if isinstance(en, dict):
        if set(en) != set(zh):
            problems.append(f"{where}: keys {sorted(set(en) ^ set(zh))}")
        for key in set(en) & set(zh):
            _same_structure(en[key], zh[key], (*path, key), en_doc, problems)
    elif isinstance(en, list):
        if not isinstance(zh, list) or len(en) != len(zh):
            problems.append(f"{where}: list lengths differ")
            return
        for index, (a, b) in enumerate(zip(en, zh, strict=True)):
            _same_structure(a, b, (*path, index), en_doc, problems)
    elif isinstance(en, str) and isinstance(zh, str):
        if CJK.search(en):
            problems.append(f"{where}: Chinese in the en document")
        if _is_money(path, en_doc):
            if Decimal(zh) != Decimal(en) * CNY_PER_USD:
                problems.append(f"{where}: {zh} is not {CNY_PER_USD} x {en}")
        elif CJK.search(zh):
            if not en.strip():
                problems.append(f"{where}: empty en text")
        elif path[-1] not in ("currency", "locale") and en != zh:
            problems.append(f"{where}: {en!r} != {zh!r}")
    elif en != zh:
        problems.append(f"{where}: {en!r} != {zh!r}")


@pytest.mark.parametrize("template_id", IDS)
def test_locales_describe_the_same_case(template_id):
    docs = _docs(template_id)
    problems: list[str] = []
    _same_structure(docs["en"], docs["zh-CN"], (), docs["en"], problems)
    assert not problems


@pytest.mark.parametrize("template_id", IDS)
def test_locales_share_scores_ranges_and_timings(template_id):
    en, zh = (load_case(template_document(template_id, loc)) for loc in ("en", "zh-CN"))
    assert [i.id for i in en.issues] == [i.id for i in zh.issues]
    for a, b in zip(en.issues, zh.issues, strict=True):
        assert (a.kind, a.csf_id, a.cell, a.importance, a.hiddenness, a.trend) == (
            b.kind,
            b.csf_id,
            b.cell,
            b.importance,
            b.hiddenness,
            b.trend,
        )
    assert [v.id for v in en.values] == [v.id for v in zh.values]
    for a, b in zip(en.values, zh.values, strict=True):
        assert (a.timing, a.probability, a.goal_contribution) == (
            b.timing,
            b.probability,
            b.goal_contribution,
        )
        assert a.issue_ids == b.issue_ids and a.assumption_ids == b.assumption_ids
        if a.driver is None:
            assert b.driver is None
            continue
        scale = CNY_PER_USD if a.driver.type in MONEY_DRIVERS else 1
        for level in ("low", "likely", "high"):
            got = getattr(b.driver.improvement, level)
            assert got == getattr(a.driver.improvement, level) * scale
    assert en.goal.baseline == zh.goal.baseline and en.goal.target == zh.goal.target
    assert en.solution.scores == zh.solution.scores
    assert en.baseline.cost_of_capital == zh.baseline.cost_of_capital


@pytest.mark.parametrize("template_id", IDS)
@pytest.mark.parametrize("locale", model.LOCALES)
def test_templates_pass_the_stage_checks(template_id, locale):
    case = load_case(template_document(template_id, locale))
    findings = [(f.code, f.path) for f in check(case) if f.severity != "info"]
    assert findings == []


@pytest.mark.parametrize("template_id", IDS)
def test_issues_sit_on_real_cells(template_id):
    case = load_case(template_document(template_id, "en"))
    for issue in case.issues:
        assert grid.cell(issue.cell.code)


def test_template_document_is_a_copy():
    document = template_document("manufacturing", "en")
    document["title"] = "changed"
    document["issues"].clear()
    fresh = template_document("manufacturing", "en")
    assert fresh["title"] != "changed" and fresh["issues"]


def test_new_case_applies_overrides():
    case = new_case(
        "logistics",
        "zh-CN",
        title="某物流集团价值参照系",
        customer={"name": "某物流集团"},
        seller={"name": "示例科技", "primary_color": "#004488"},
    )
    assert case.title == "某物流集团价值参照系"
    assert case.customer.name == "某物流集团"
    assert case.customer.industry == "公路运输与合同物流"  # kept from the template
    assert case.seller.name == "示例科技" and case.seller.primary_color == "#004488"
    assert case.locale == "zh-CN" and case.stage == "present"
    # Round-trips like any case.
    assert load_case(dump_case(case)) == case


def test_new_case_without_overrides_keeps_the_placeholders():
    case = new_case("banking", "en")
    assert case.title == template_document("banking", "en")["title"]
    assert case.customer.name == "Your customer" and case.seller.name == "Your company"


def test_new_case_rejects_invalid_overrides():
    from marshmallow import ValidationError

    with pytest.raises(ValidationError):
        new_case("banking", "en", seller={"primary_color": "red"})
    with pytest.raises(ValidationError):
        new_case("banking", "en", customer={"unknown": 1})
