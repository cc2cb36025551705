"""Actuals: the CSV import (all or nothing, every bad row with its line), the schema the
API reuses, and corrections that keep history."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from marshmallow import ValidationError

from valueframe.actuals import (
    Actual,
    ActualEntrySchema,
    ActualSchema,
    ActualsError,
    ActualsImportError,
    check_actual,
    correct,
    current,
    decode_csv,
    history,
    parse_actuals_csv,
    validate_actuals,
)
from valueframe.schema import dump_case, load_case

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "en-distributor-o2c.json"
ACTUALS = ROOT / "samples" / "realization" / "en-distributor-o2c-actuals.csv"
STAMP = dt.datetime(2028, 10, 20, 9, 0, tzinfo=dt.UTC)
HEADER = "value_id,period,indicator_value,measured_on,source,entered_by\n"


@cache
def _case():
    return load_case(json.loads(SAMPLE.read_text(encoding="utf-8")))


@pytest.fixture
def case():
    return load_case(dump_case(_case()))


def parse(text, case, **kwargs):
    return parse_actuals_csv(text, case, entered_at=STAMP, **kwargs)


def problems(text, case, **kwargs):
    with pytest.raises(ActualsImportError) as raised:
        parse(text, case, **kwargs)
    return raised.value


def test_the_sample_file_imports(case):
    actuals = parse(ACTUALS.read_text(encoding="utf-8"), case)
    assert len(actuals) == 9
    first = actuals[0]
    assert first == Actual(
        value_id="v-dso",
        period=1,
        indicator_value=Decimal("56"),
        measured_on=dt.date(2027, 9, 30),
        source="SAP AR ageing report FY2027 (360-day basis)",
        entered_by="M. de Vries (credit control)",
        entered_at=STAMP,
    )
    goal = [a for a in actuals if a.value_id is None]
    assert [(a.period, a.indicator_value) for a in goal] == [
        (1, Decimal("88.0")),
        (2, Decimal("90.5")),
    ]
    assert actuals[2].note == "Override approval live in 6 of 11 branches"


def test_bom_crlf_and_chinese_headers_are_accepted(case):
    text = (
        "\ufeff绩效价值编号,期间,指标实际值,测量日期,数据来源,录入人,备注\r\n"
        "v-dso,1,56,2027-09-30,SAP 应收账龄报表,财务部 王芳,首年\r\n"
        "goal,2,90.5,2028-10-16,记分卡,总经理办公室,\r\n"
    )
    actuals = parse(decode_csv(text.encode("utf-8")), case)
    assert [(a.value_id, a.period) for a in actuals] == [("v-dso", 1), (None, 2)]
    assert actuals[0].entered_by == "财务部 王芳" and actuals[0].note == "首年"
    mixed = (
        "Value id,PERIOD,Indicator value,measured_on,Source,Entered by\nv-dso,1,56,2027-09-30,s,e\n"
    )
    assert len(parse(mixed, case)) == 1


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_imported(case):
    text = (
        HEADER  # line 1
        + "v-dso,1,56,2027-09-30,AR report,Credit control\n"  # 2: good
        + "v-nope,1,56,2027-09-30,AR report,Credit control\n"  # 3: unknown value
        + "v-leakage,4,0.8,2027-09-30,audit,pricing\n"  # 4: outside the horizon
        + "v-leakage,1,0.8%,2027-09-30,audit,pricing\n"  # 5: not a number
        + "\n"  # 6: blank, skipped
        + "v-order-desk,1,0.62,30/09/2027,report,service\n"  # 7: bad date
        + "v-order-desk,2,0.43,2027-02-30,,service\n"  # 8: impossible date, no source
        + "v-dso,1,55,2027-09-30,AR report,Credit control\n"  # 9: same as line 2
        + "v-disputes,1.5,4.9,2027-09-30,log\n"  # 10: five cells
        + 'goal,x,"88,0",2027-10-15,"scorecard\nFY2027",office\n'  # 11-12: two errors
        + "goal,2,NaN,2028-10-16,scorecard,office\n"  # 13: NaN
        + "v-disputes,2,1e16,2028-09-30,log,credit\n"  # 14: out of range
    )
    error = problems(text, case)
    found = [(e["line"], e["field"], e["code"]) for e in error.errors]
    assert found == [
        (3, "value_id", "unknown_value"),
        (4, "period", "period_outside_horizon"),
        (5, "indicator_value", "not_a_number"),
        (7, "measured_on", "bad_date"),
        (8, "measured_on", "bad_date"),
        (8, "source", "required"),
        (9, "period", "duplicate_row"),
        (10, "", "cell_count"),
        (11, "period", "not_whole_number"),
        (11, "indicator_value", "not_a_number"),
        (13, "indicator_value", "not_a_number"),
        (14, "indicator_value", "out_of_range"),
    ]
    messages = {e["line"]: e["message"] for e in error.errors}
    assert messages[3] == "The case has no performance value 'v-nope'."
    assert messages[4] == "Period 4 lies outside the case's horizon (1 to 3)."
    assert messages[9] == "Same value and period as line 2: enter a correction on its own."
    assert messages[10] == "The row has 5 cells; the header has 6."
    assert str(error) == "12 problem(s) in the actuals file; nothing was imported."


def test_header_problems_are_reported_on_line_one(case):
    text = "value_id,period,value,measured_on,source,source\nv-dso,1,56,2027-09-30,a,b\n"
    found = [(e["line"], e["field"], e["code"]) for e in problems(text, case).errors]
    assert found == [
        (1, "value", "unknown_column"),
        (1, "source", "duplicate_column"),
        (1, "indicator_value", "missing_column"),
        (1, "entered_by", "missing_column"),
    ]


def test_a_header_after_blank_lines_keeps_true_line_numbers(case):
    text = "\n\n" + HEADER + "v-dso,9,56,2027-09-30,a,b\n"
    assert [e["line"] for e in problems(text, case).errors] == [4]


@pytest.mark.parametrize(
    ("text", "code"),
    [("", "no_rows"), ("\ufeff\n  \n", "no_rows"), (HEADER, None)],
)
def test_an_empty_file_is_an_error(case, text, code):
    if code is None:
        assert parse(text, case) == []
    else:
        assert [e["code"] for e in problems(text, case).errors] == [code]


def test_goal_rows_need_a_goal_and_an_unambiguous_keyword(case):
    row = "goal,1,88,2027-10-15,scorecard,office\n"
    no_goal = load_case(dump_case(case))
    no_goal.goal = None
    assert [e["code"] for e in problems(HEADER + row, no_goal).errors] == ["no_goal"]
    clash = load_case(dump_case(case))
    clash.values[0].id = "goal"
    assert [e["code"] for e in problems(HEADER + row, clash).errors] == ["ambiguous_goal"]


def test_messages_follow_the_locale(case):
    error = problems(HEADER + "v-nope,1,1,2027-09-30,a,b\n", case, locale="zh-CN")
    assert error.errors[0]["message"] == "案例中没有绩效价值“v-nope”。"
    assert str(error) == "实际值文件中有 1 处问题；未导入任何数据。"


def test_bytes_that_are_not_utf8_are_rejected_with_their_line():
    with pytest.raises(ActualsImportError) as raised:
        decode_csv(HEADER.encode() + "v-dso,1,56,2027-09-30,报表,王\n".encode("gbk"))
    assert raised.value.errors[0]["line"] == 2
    assert raised.value.errors[0]["code"] == "not_utf8"


def test_a_naive_import_time_is_refused(case):
    with pytest.raises(ValueError, match="timezone"):
        parse_actuals_csv(HEADER, case, entered_at=dt.datetime(2028, 1, 1))


def test_too_long_names_are_reported(case):
    text = HEADER + "v-dso,1,56,2027-09-30," + "x" * 301 + ",me\n"
    assert [(e["field"], e["code"]) for e in problems(text, case).errors] == [
        ("source", "too_long")
    ]


# -- the schema ---------------------------------------------------------------------------


def test_schema_round_trips_every_imported_actual(case):
    schema = ActualSchema()
    for number, imported in enumerate(parse(ACTUALS.read_text(encoding="utf-8"), case)):
        stored = dataclasses.replace(imported, id=f"a-{number}")
        document = schema.dump(stored)
        assert isinstance(document["indicator_value"], str)
        assert schema.load(json.loads(json.dumps(document))) == stored


def test_entry_schema_is_strict_and_bounded():
    schema = ActualEntrySchema()
    entry = {
        "value_id": None,
        "period": 2,
        "indicator_value": "90.5",
        "measured_on": "2028-10-16",
        "source": "scorecard",
        "entered_by": "office",
    }
    loaded = schema.load(entry)
    assert loaded["value_id"] is None and loaded["indicator_value"] == Decimal("90.5")
    assert loaded["supersedes"] is None and loaded["note"] == ""
    bad = [
        ({"extra": 1}, "extra"),
        ({"period": "2"}, "period"),
        ({"period": 0}, "period"),
        ({"indicator_value": "NaN"}, "indicator_value"),
        ({"indicator_value": "1e16"}, "indicator_value"),
        ({"measured_on": "16.10.2028"}, "measured_on"),
        ({"value_id": "has space"}, "value_id"),
        ({"source": ""}, "source"),
    ]
    for change, field in bad:
        with pytest.raises(ValidationError) as raised:
            schema.load({**entry, **change})
        assert field in raised.value.messages, change


def test_a_stored_actual_needs_an_aware_entry_time():
    document = {
        "value_id": "v-dso",
        "period": 1,
        "indicator_value": "56",
        "measured_on": "2027-09-30",
        "source": "AR",
        "entered_by": "me",
        "entered_at": "2028-10-20T09:00:00",
    }
    with pytest.raises(ValidationError) as raised:
        ActualSchema().load(document)
    assert "entered_at" in raised.value.messages
    loaded = ActualSchema().load({**document, "entered_at": "2028-10-20T09:00:00+08:00"})
    assert loaded.entered_at.utcoffset() == dt.timedelta(hours=8)


# -- history --------------------------------------------------------------------------------


def make(value_id, period, number, minutes, **kwargs):
    return Actual(
        value_id=value_id,
        period=period,
        indicator_value=Decimal(number),
        measured_on=dt.date(2027, 9, 30),
        source="s",
        entered_by="e",
        entered_at=STAMP + dt.timedelta(minutes=minutes),
        **kwargs,
    )


def test_the_latest_entry_wins_and_the_history_stays():
    first = make("v-dso", 1, "57", 0, id="a1")
    second = correct(first, Decimal("56"), entered_by="f", entered_at=STAMP + dt.timedelta(hours=1))
    other = make("v-dso", 2, "53", 5, id="a3")
    log = [second, other, first]  # order of storage does not matter
    assert current(log)[("v-dso", 1)] is second
    assert current(log)[("v-dso", 2)] is other
    assert history(log, "v-dso", 1) == [first, second]
    assert second.supersedes == "a1" and second.measured_on == first.measured_on
    with pytest.raises(ValueError, match="before"):
        correct(second, Decimal("1"), entered_by="x", entered_at=STAMP)


def test_equal_entry_times_are_broken_by_list_order():
    a, b = make("v-dso", 1, "57", 0), make("v-dso", 1, "56", 0)
    assert current([a, b])[("v-dso", 1)] is b
    assert current([b, a])[("v-dso", 1)] is a


def test_a_correction_of_another_value_is_rejected(case):
    first = make("v-dso", 1, "57", 0, id="a1")
    wrong = make("v-dso", 2, "53", 5, supersedes="a1")
    dangling = make("v-dso", 2, "53", 6, supersedes="pruned")
    with pytest.raises(ActualsError) as raised:
        validate_actuals([first, wrong, dangling], case)
    assert [(e["index"], e["code"]) for e in raised.value.errors] == [(1, "supersedes_other")]


def test_check_actual_names_every_problem(case):
    naive = dataclasses.replace(make("v-x", 0, "1", 0), entered_at=dt.datetime(2028, 1, 1))
    assert [(f, c) for f, c, _ in check_actual(naive, case)] == [
        ("value_id", "unknown_value"),
        ("period", "period_outside_horizon"),
        ("entered_at", "naive_time"),
    ]
    assert check_actual(make(None, 3, "93", 0), case) == []
