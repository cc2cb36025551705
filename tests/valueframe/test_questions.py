"""The question bank: diagnostic questions per grid cell, delivery questions per element."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from valueframe import grid, model
from valueframe.questions import ELEMENTS, QUESTION_TYPES, Question, for_cells, questions

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_question_ids_are_unique():
    ids = [q.id for q in questions()]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z_.0-9]+", i) for i in ids)


@pytest.mark.parametrize("code", [c.code for c in grid.cells()])
def test_every_cell_has_at_least_five_questions(code):
    found = questions(cell=code)
    assert len(found) >= 5
    for q in found:
        assert q.cell == code and q.element is None and q.type is None
        assert q.purpose is not None


@pytest.mark.parametrize("element", ELEMENTS)
@pytest.mark.parametrize("qtype", QUESTION_TYPES)
def test_every_element_has_at_least_four_of_each_type(element, qtype):
    found = questions(element=element, type=qtype)
    assert len(found) >= 4
    assert all(q.cell is None and q.element == element and q.type == qtype for q in found)


def test_at_least_45_diagnostic_questions():
    assert sum(1 for q in questions() if q.cell is not None) >= 45


@pytest.mark.parametrize("question", questions(), ids=lambda q: q.id)
def test_question_has_both_languages(question: Question):
    for field in (question.text, question.purpose):
        assert field is not None
        for locale in model.LOCALES:
            assert field[locale].strip()
        assert CJK.search(field["zh-CN"])
        assert not CJK.search(field["en"])
    # Chinese text takes full-width punctuation.
    assert not re.search(r"[\u4e00-\u9fff][,:;?()]", question.text["zh-CN"])


def test_every_question_is_diagnostic_or_delivery():
    kinds = Counter("diagnostic" if q.cell else "delivery" for q in questions())
    assert kinds["diagnostic"] + kinds["delivery"] == len(questions())
    for q in questions():
        assert (q.cell is not None) != (q.element is not None)


def test_filters_combine():
    assert questions(element="goal", type="guiding") == [
        q for q in questions(element="goal") if q.type == "guiding"
    ]
    confirm = questions(type="confirm_deviation")
    assert {q.element for q in confirm} == set(ELEMENTS)
    assert questions(cell="process.management", element="goal") == []


def test_for_cells_groups_in_the_given_order():
    found = for_cells(["job.management", "process.design", "job.management"])
    cells = [q.cell for q in found]
    first_other = cells.index("process.design")
    assert set(cells[:first_other]) == {"job.management"}
    assert set(cells[first_other:]) == {"process.design"}
    assert len(found) == len(questions(cell="job.management")) + len(
        questions(cell="process.design")
    )
    assert for_cells([]) == []


def test_unknown_filters_are_errors():
    with pytest.raises(ValueError):
        questions(cell="process.goal")
    with pytest.raises(ValueError):
        questions(element="goals")
    with pytest.raises(ValueError):
        questions(type="confirm")
    with pytest.raises(ValueError):
        for_cells(["nowhere.goals"])


def test_the_hand_off_question_is_in_process_management():
    texts = [q.text["en"] for q in questions(cell="process.management")]
    assert any("order entry and credit check" in text for text in texts)
