"""Realization actuals take the same numbers as case documents: a CSV import refuses what
the JSON entry refuses, including the exponents that would print as a billion zeros."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from marshmallow import ValidationError

from valueframe.actuals import ActualEntrySchema, ActualsImportError, parse_actuals_csv
from valueframe.schema import load_case

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "en-distributor-o2c.json"
HEADER = "value_id,period,indicator_value,measured_on,source,entered_by\n"
STAMP = dt.datetime(2028, 10, 20, 9, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize("number", ["1e-999999999", "0E-100000", "1e999999999", "-9e999999"])
def test_extreme_exponents_are_refused_by_csv_and_json_alike(number):
    case = load_case(json.loads(SAMPLE.read_text(encoding="utf-8")))
    text = HEADER + f"v-dso,1,{number},2027-09-30,AR report,Credit control\n"
    with pytest.raises(ActualsImportError) as refused:
        parse_actuals_csv(text, case, entered_at=STAMP)
    assert [(e["line"], e["field"]) for e in refused.value.errors] == [(2, "indicator_value")]
    entry = {"value_id": "v-dso", "period": 1, "indicator_value": number}
    entry.update(measured_on="2027-09-30", source="AR report", entered_by="Credit control")
    with pytest.raises(ValidationError) as invalid:
        ActualEntrySchema().load(entry)
    assert "indicator_value" in invalid.value.messages


def test_fifty_places_still_import():
    case = load_case(json.loads(SAMPLE.read_text(encoding="utf-8")))
    fine = "56." + "0" * 49 + "1"
    text = HEADER + f"v-dso,1,{fine},2027-09-30,AR report,Credit control\n"
    (actual,) = parse_actuals_csv(text, case, entered_at=STAMP)
    assert str(actual.indicator_value) == fine
