"""Rendered documents shared by the PDF tests: every sample, both languages, both documents,
each rendered once per session (with 2,000 simulation trials to keep the suite fast)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from pdf_templates import render_briefing, render_proposal
from tests.pdf_templates.pdfcheck import page_texts, squash
from valueframe.evaluate import evaluate
from valueframe.evaluation import Evaluation
from valueframe.model import ValueCase
from valueframe.schema import load_case

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "samples").glob("*.json"))
ON = dt.date(2026, 11, 23)
TRIALS = 2000
LOCALES = ("zh-CN", "en")
DOCUMENTS = ("proposal", "briefing")


def quick(document: dict) -> dict:
    document = dict(document)
    document["simulation"] = {**(document.get("simulation") or {}), "trials": TRIALS}
    return document


@cache
def sample(name: str) -> tuple[ValueCase, Evaluation]:
    case = load_case(quick(json.loads((ROOT / "samples" / name).read_text("utf-8"))))
    return case, evaluate(case)


@dataclass(frozen=True)
class Rendered:
    case: ValueCase
    evaluation: Evaluation
    locale: str
    document: str
    pdf: bytes

    @property
    def texts(self) -> list[str]:
        """The text of each page (extracted once: extraction is the slow part)."""
        return _texts(self.pdf)

    @property
    def text(self) -> str:
        """All the text, without whitespace."""
        return squash("".join(self.texts))


@cache
def _texts(pdf: bytes) -> list[str]:
    return page_texts(pdf)


@cache
def rendered(name: str, locale: str, document: str) -> Rendered:
    case, evaluation = sample(name)
    render = render_proposal if document == "proposal" else render_briefing
    return Rendered(case, evaluation, locale, document, render(case, evaluation, locale, on=ON))


def sample_names() -> list[str]:
    return [path.name for path in SAMPLES]


@pytest.fixture(params=sample_names())
def sample_name(request) -> str:
    return request.param


@pytest.fixture(params=LOCALES)
def locale(request) -> str:
    return request.param


@pytest.fixture(params=DOCUMENTS)
def document(request) -> str:
    return request.param
