"""The shipped sample cases (``samples/*.json``) are complete, clean and worth showing.

Each sample is a real-looking value reference frame at stage "present": it loads, the
four stage checks find nothing worse than "info", it evaluates without warnings, it
survives a dump/load round trip with identical figures, and its headline is a deal a
rep could defend (positive NPV, payback inside the horizon, ROI neither trivial nor
absurd). The simulation runs with few trials here: it is checked for determinism, not
for accuracy.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from valueframe import stages
from valueframe.evaluate import evaluate
from valueframe.evaluation_schema import dump_evaluation
from valueframe.model import ValueCase
from valueframe.schema import dump_case, load_case

SAMPLES_DIR = Path(__file__).resolve().parents[2] / "samples"
SAMPLES = sorted(SAMPLES_DIR.glob("*.json"))
TRIALS = 2000


def _load(path: Path) -> ValueCase:
    case = load_case(json.loads(path.read_text(encoding="utf-8")))
    case.simulation.trials = TRIALS
    return case


@cache
def _evaluated(path: Path):
    case = _load(path)
    return case, evaluate(case)


@pytest.fixture(params=SAMPLES, ids=[p.stem for p in SAMPLES])
def sample(request):
    return _evaluated(request.param)


def test_there_are_enough_samples_in_both_languages():
    cases = [_load(path) for path in SAMPLES]
    assert len(cases) >= 4
    assert sum(case.locale == "zh-CN" for case in cases) >= 2
    assert sum(case.locale == "en" for case in cases) >= 1


def test_samples_cover_the_period_and_day_count_conventions():
    cases = [_load(path) for path in SAMPLES]
    assert {case.period_months for case in cases} >= {3, 12}
    assert {case.day_count for case in cases} == {360, 365}


@pytest.mark.parametrize("path", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_file_name_is_a_valid_sample_id(path):
    assert re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", path.stem)


def test_sample_is_a_complete_frame(sample):
    case, _ = sample
    assert case.stage == "present"
    assert case.goal is not None and case.solution is not None
    assert 3 <= len(case.csfs) <= 5
    assert any(value.kind == "financial" for value in case.values)
    assert any(value.kind == "non_financial" for value in case.values)
    assert case.solution.costs
    assert 3 <= case.horizon_years <= 5


def test_sample_has_no_error_or_warning_findings(sample):
    case, _ = sample
    serious = [
        (finding.severity, finding.code, finding.path)
        for finding in stages.check(case)
        if finding.severity in ("error", "warning")
    ]
    assert serious == []


def test_sample_evaluates_without_warnings(sample):
    _, evaluation = sample
    assert evaluation.warnings == []


def test_sample_round_trips_with_identical_figures(sample):
    case, evaluation = sample
    again = load_case(dump_case(case))
    assert again == case
    assert dump_evaluation(evaluate(again)) == dump_evaluation(evaluation)


def test_sample_headline_is_a_defensible_deal(sample):
    case, evaluation = sample
    headline = evaluation.headline
    assert headline["npv"].value > 0
    payback = headline["payback_years"].value
    assert payback is not None and 0 < payback <= case.horizon_years
    assert Decimal("0.5") <= headline["roi"].value <= 6
    attainment = headline["goal_attainment"].value
    assert attainment is not None and 0 < attainment <= 1
