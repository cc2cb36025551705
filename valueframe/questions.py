"""The question bank a presales engineer works from (data: ``valueframe/data/questions.json``).

Two kinds of question, both in zh-CN and en:

- *diagnostic* questions, one set per grid cell (Rummler and Brache's nine performance
  variables): they find and locate key issues. They carry ``cell`` and a ``purpose``.
- *delivery* questions for presenting the frame (第六章 传递价值): for each of the four
  elements (goal, issue, solution, value) *confirm-deviation* questions - does the customer
  agree the gap is real? - and *guiding* questions that lead toward the new frame. They
  carry ``element`` and ``type`` (and a ``purpose`` too).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from valueframe.grid import cell as grid_cell
from valueframe.model import LOCALES

ELEMENTS = ("goal", "issue", "solution", "value")
QUESTION_TYPES = ("confirm_deviation", "guiding")


@dataclass(frozen=True)
class Question:
    """One question. ``text`` and ``purpose`` map locale -> text."""

    id: str
    text: dict
    cell: str | None = None
    element: str | None = None
    type: str | None = None
    purpose: dict | None = None


def _both_languages(where: str, texts) -> None:
    if not isinstance(texts, dict) or any(not texts.get(locale) for locale in LOCALES):
        raise ValueError(f"questions.json: {where} needs text in {list(LOCALES)}")


@cache
def _all() -> tuple[Question, ...]:
    text = (resources.files("valueframe") / "data" / "questions.json").read_text(encoding="utf-8")
    seen: set[str] = set()
    loaded = []
    for entry in json.loads(text)["questions"]:
        question = Question(
            id=entry["id"],
            text=entry["text"],
            cell=entry.get("cell"),
            element=entry.get("element"),
            type=entry.get("type"),
            purpose=entry.get("purpose"),
        )
        if question.id in seen:
            raise ValueError(f"questions.json: duplicate id {question.id!r}")
        seen.add(question.id)
        _both_languages(f"{question.id} text", question.text)
        if question.purpose is not None:
            _both_languages(f"{question.id} purpose", question.purpose)
        if question.cell is not None:
            grid_cell(question.cell)  # KeyError on an unknown cell
        elif question.element not in ELEMENTS or question.type not in QUESTION_TYPES:
            raise ValueError(f"questions.json: {question.id} needs a cell or element and type")
        loaded.append(question)
    return tuple(loaded)


def questions(
    cell: str | None = None, element: str | None = None, type: str | None = None
) -> list[Question]:
    """The questions matching every filter given, in bank order. An unknown cell code,
    element or type is a ValueError (a typo should not look like an empty bank)."""
    if cell is not None:
        _check_cell(cell)
    if element is not None and element not in ELEMENTS:
        raise ValueError(f"no element {element!r}; one of {ELEMENTS}")
    if type is not None and type not in QUESTION_TYPES:
        raise ValueError(f"no question type {type!r}; one of {QUESTION_TYPES}")
    return [
        q
        for q in _all()
        if (cell is None or q.cell == cell)
        and (element is None or q.element == element)
        and (type is None or q.type == type)
    ]


def for_cells(codes: Iterable[str]) -> list[Question]:
    """The diagnostic questions of the given cells, grouped in the order the codes are given
    (each cell once), e.g. the cells a case's issues sit in."""
    ordered: list[str] = []
    for code in codes:
        _check_cell(code)
        if code not in ordered:
            ordered.append(code)
    return [q for code in ordered for q in _all() if q.cell == code]


def _check_cell(code: str) -> None:
    try:
        grid_cell(code)
    except KeyError:
        raise ValueError(f"no grid cell {code!r}") from None
