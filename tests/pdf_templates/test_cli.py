"""The ``valueframe`` command: render and evaluate, and clear errors on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.pdf_templates import cases
from tests.pdf_templates.conftest import quick
from tests.pdf_templates.pdfcheck import page_texts, squash
from valueframe.cli import main
from valueframe.evaluate import evaluate
from valueframe.evaluation_schema import dump_evaluation
from valueframe.schema import load_case


@pytest.fixture
def case_file(tmp_path) -> Path:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(quick(cases.case_document(cases.BASE_ZH)), ensure_ascii=False))
    return path


def test_render_writes_the_proposal(case_file, tmp_path, capsys):
    out = tmp_path / "out.pdf"
    assert main(["render", str(case_file), "-o", str(out)]) == 0
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF")
    assert "out.pdf" in capsys.readouterr().err


def test_render_the_briefing_in_english(case_file, tmp_path):
    out = tmp_path / "briefing.pdf"
    code = main(
        ["render", str(case_file), "-o", str(out), "--lang", "en", "--document", "briefing"]
    )
    assert code == 0
    text = squash("".join(page_texts(out.read_bytes())))
    assert "INTERNAL" in text


def test_evaluate_prints_the_evaluation(case_file, capsys):
    assert main(["evaluate", str(case_file)]) == 0
    printed = json.loads(capsys.readouterr().out)
    expected = dump_evaluation(evaluate(load_case(json.loads(case_file.read_text("utf-8")))))
    assert printed["headline"]["npv"]["value"] == expected["headline"]["npv"]["value"]
    assert printed["input_hash"] == expected["input_hash"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b'{"title": NaN}', "NaN"),
        (b"\xff\xfe", "not UTF-8"),
        (b"[]", "JSON object"),
        (b'{"title": "x"}', "customer: Missing data"),
    ],
)
def test_bad_input_exits_non_zero_with_a_clear_message(tmp_path, capsys, content, message):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    assert main(["evaluate", str(path)]) == 2
    assert message in capsys.readouterr().err
    assert main(["render", str(path), "-o", str(tmp_path / "x.pdf")]) == 2
    assert not (tmp_path / "x.pdf").exists()


def test_an_invalid_field_is_named(tmp_path, capsys):
    document = cases.case_document(cases.BASE_EN)
    document["values"][0]["probability"] = "1.5"
    path = tmp_path / "case.json"
    path.write_text(json.dumps(document))
    assert main(["render", str(path), "-o", str(tmp_path / "x.pdf")]) == 2
    assert "values.0.probability" in capsys.readouterr().err


def test_a_missing_file(tmp_path, capsys):
    assert main(["evaluate", str(tmp_path / "nope.json")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_an_unknown_language_is_refused(case_file, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["render", str(case_file), "-o", str(tmp_path / "x.pdf"), "--lang", "fr"])
    assert exit_.value.code == 2
