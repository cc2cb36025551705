"""The 3x3 grid data and the domain vocabulary (labels/domain.json)."""

from __future__ import annotations

import json
import re
from importlib import resources

import pytest

from valueframe import grid, i18n, model
from valueframe.questions import ELEMENTS, QUESTION_TYPES

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_nine_cells_in_grid_order():
    cells = grid.cells()
    assert len(cells) == 9
    codes = [c.code for c in cells]
    assert len(set(codes)) == 9
    expected = [f"{level}.{dim}" for dim in model.DIMENSIONS for level in model.LEVELS]
    assert codes == expected
    assert codes[:3] == ["organisation.goals", "process.goals", "job.goals"]


@pytest.mark.parametrize("cell", grid.cells(), ids=lambda c: c.code)
def test_cell_is_complete_in_both_languages(cell):
    assert cell.code == f"{cell.level}.{cell.dimension}"
    for locale in model.LOCALES:
        assert cell.name[locale].strip()
        assert cell.definition[locale].strip()
        assert cell.examples[locale], f"{cell.code} has no {locale} examples"
        assert all(example.strip() for example in cell.examples[locale])
    assert CJK.search(cell.name["zh-CN"]) and CJK.search(cell.definition["zh-CN"])
    assert not CJK.search(cell.name["en"] + cell.definition["en"] + "".join(cell.examples["en"]))
    assert len(cell.examples["en"]) == len(cell.examples["zh-CN"])


def test_cell_lookup():
    assert grid.cell("organisation.goals").name == {"en": "Organisation goals", "zh-CN": "组织目标"}
    assert grid.cell("process.management").level == "process"
    assert grid.cell("job.design").dimension == "design"
    assert "市场部门与销售部门脱节" in grid.cell("organisation.design").examples["zh-CN"]
    with pytest.raises(KeyError):
        grid.cell("team.goals")
    with pytest.raises(KeyError):
        grid.cell("process")


def test_level_rank_goes_upward():
    assert grid.level_rank("job") < grid.level_rank("process") < grid.level_rank("organisation")
    assert [grid.level_rank(level) for level in ("job", "process", "organisation")] == [1, 2, 3]
    assert sorted(model.LEVELS, key=grid.level_rank, reverse=True) == list(model.LEVELS)
    with pytest.raises(KeyError):
        grid.level_rank("team")


def _domain_labels() -> dict:
    path = resources.files("valueframe") / "data" / "labels" / "domain.json"
    return json.loads(path.read_text(encoding="utf-8"))


def test_every_domain_label_has_both_languages():
    for key, texts in _domain_labels().items():
        assert set(texts) == set(model.LOCALES), key
        assert all(texts[locale].strip() for locale in model.LOCALES), key
        assert CJK.search(texts["zh-CN"]), key


def test_domain_labels_cover_every_enumeration():
    labels = _domain_labels()
    groups = {
        "level": model.LEVELS,
        "dimension": model.DIMENSIONS,
        "stage": model.STAGES,
        "viewpoint": model.VIEWPOINTS,
        "csf_source": model.CSF_SOURCES,
        "issue_kind": model.ISSUE_KINDS,
        "address_mode": model.ADDRESS_MODES,
        "value_kind": model.VALUE_KINDS,
        "driver": model.DRIVER_TYPES,
        "component": model.WORKING_CAPITAL_COMPONENTS,
        "curve": model.CURVES,
        "evidence": model.EVIDENCE,
        "cost_kind": model.COST_KINDS,
        "criterion": ("level", "linkage", "innovation", "risk", "timeliness"),
        "element": ELEMENTS,
        "question_type": QUESTION_TYPES,
    }
    missing = [
        f"{prefix}.{name}"
        for prefix, names in groups.items()
        for name in names
        if f"{prefix}.{name}" not in labels
    ]
    assert not missing


def test_translation_table_loads_with_domain_labels():
    table = i18n.table()
    for key in _domain_labels():
        assert key in table
    assert i18n.t("stage.establish", "zh-CN") == "确立"
    assert i18n.t("address_mode.bypass", "zh-CN") == "绕过"
    assert i18n.t("evidence.benchmark", "zh-CN") == "行业基准"
    assert i18n.t("criterion.risk", "zh-CN") == "冒险"
    assert i18n.t("level.process", "en") == "Process"
