"""Baselining: only a finished, computable frame can become the customer's commitment."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from valueframe.baselining import check_baseline
from valueframe.schema import load_case

SAMPLES = sorted((Path(__file__).resolve().parents[2] / "samples").glob("*.json"))


def load(path: Path):
    return load_case(json.loads(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("path", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_every_sample_can_be_baselined(path):
    check = check_baseline(load(path))
    assert check.allowed and check.reasons == [] and check.warnings == []


def test_a_case_before_present_cannot_be_baselined():
    case = load(SAMPLES[0])
    case.stage = "improve"
    check = check_baseline(case)
    assert not check.allowed
    assert [(r.code, r.path) for r in check.reasons] == [("not_present", "stage")]
    assert "'Improve'" in check.reasons[0].message


def test_error_findings_block_and_are_the_reasons():
    case = load(SAMPLES[0])
    case.solution.costs = []
    case.values[0].probability = None
    check = check_baseline(case)
    assert not check.allowed
    assert {r.code for r in check.reasons} == {"no_costs", "value_without_probability"}
    assert all(r.severity == "error" for r in check.reasons)


def test_a_case_that_cannot_be_evaluated_is_refused():
    case = next(load(p) for p in SAMPLES if p.stem == "en-distributor-o2c")
    case.values[0].driver.improvement.likely = Decimal("70")  # DSO is only 59.25 days
    case.values[0].driver.improvement.high = Decimal("70")
    check = check_baseline(case)
    assert [(r.code, r.path) for r in check.reasons] == [
        ("not_computable", "values.0.driver.improvement")
    ]


def test_warnings_name_what_realization_cannot_measure():
    case = next(load(p) for p in SAMPLES if p.stem == "zh-manufacturing-erp")
    case.values[1].indicator.target = None
    case.start_date = None
    check = check_baseline(case)
    assert check.allowed
    assert [(w.code, w.path) for w in check.warnings] == [
        ("indicator_unmeasurable", "values.1.indicator"),
        ("without_start_date", "start_date"),
    ]
    assert "无法衡量" in check.warnings[0].message
