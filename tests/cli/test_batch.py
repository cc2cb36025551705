"""``valueframe batch``: a folder of cases -> PDFs, a CSV of schedules -> a CSV of figures;
a progress bar, a summary, and a non-zero exit when anything failed."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

from valueframe.cli import main

REPO = Path(__file__).resolve().parents[2]


def _case(folder: Path, name: str) -> None:
    document = json.loads((REPO / "samples" / "en-distributor-o2c.json").read_text("utf-8"))
    document["simulation"]["trials"] = 500
    (folder / name).write_text(json.dumps(document), encoding="utf-8")


def test_a_folder_renders_with_progress_and_summary(tmp_path, capsys):
    cases = tmp_path / "cases"
    cases.mkdir()
    _case(cases, "one.json")
    _case(cases, "two.json")
    code = main(["batch", str(cases), "-o", str(tmp_path / "out"), "--document", "briefing"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "one-briefing-en.pdf",
        "two-briefing-en.pdf",
    ]
    assert "2/2" in err and "100%" in err  # the progress bar
    assert re.search(r"render: 2 done, 0 failed in \d+\.\d s", err)


def test_a_bad_file_fails_the_run_but_not_the_others(tmp_path):
    cases = tmp_path / "cases"
    cases.mkdir()
    _case(cases, "good.json")
    (cases / "broken.json").write_text('{"title": ', encoding="utf-8")
    (cases / "invalid.json").write_text('{"title": 3}', encoding="utf-8")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "valueframe.cli",
            "batch",
            str(cases),
            "-o",
            str(tmp_path / "o"),
            "--document",
            "briefing",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1
    assert "failed: broken.json: not valid JSON" in run.stderr
    assert "failed: invalid.json: invalid case; title: Not a valid string." in run.stderr
    assert "render: 1 done, 2 failed in" in run.stderr
    assert [p.name for p in (tmp_path / "o").iterdir()] == ["good-briefing-en.pdf"]


def test_a_csv_of_schedules(tmp_path, capsys):
    source = tmp_path / "schedules.csv"
    source.write_text(
        "id,rate,p0,p1,p2,p3\na,0.1,-100,30,40,50\nb,,-50,20,40,\nc,0.1,-100,oops,3,\n",
        encoding="utf-8",
    )
    code = main(["batch", str(source), "-o", str(tmp_path / "out.csv"), "--rate", "0.05"])
    err = capsys.readouterr().err
    assert code == 1
    with (tmp_path / "out.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["id"] for r in rows] == ["a", "b", "c"]
    assert abs(float(rows[0]["npv"]) - (-100 + 30 / 1.1 + 40 / 1.21 + 50 / 1.331)) < 1e-9
    assert abs(float(rows[1]["npv"]) - (-50 + 20 / 1.05 + 40 / 1.05**2)) < 1e-9
    assert rows[0]["irr_status"] == "unique" and rows[0]["status"] == "ok"
    assert rows[2]["status"] == "error" and "p1: 'oops' is not a number" in rows[2]["message"]
    assert "schedules: 2 done, 1 failed" in err and "100%" in err


def test_unreadable_input_exits_2(tmp_path, capsys):
    assert main(["batch", str(tmp_path / "missing.csv"), "-o", str(tmp_path / "x.csv")]) == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["batch", str(empty), "-o", str(tmp_path / "out")]) == 2
    assert "no *.json case files" in capsys.readouterr().err
