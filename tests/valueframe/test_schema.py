"""The case schema: the one gate every case passes through (API, CLI, samples)."""

import copy
from decimal import Decimal

import pytest
from marshmallow import ValidationError

from tests.valueframe.test_evaluate import hand_case
from valueframe.schema import dump_case, load_case


def errors_of(document: dict) -> dict:
    with pytest.raises(ValidationError) as caught:
        load_case(document)
    return caught.value.messages


def test_round_trip_is_lossless():
    case = load_case(hand_case())
    assert load_case(dump_case(case)) == case
    assert dump_case(load_case(dump_case(case))) == dump_case(case)


def test_money_is_exact_from_strings_and_from_json_numbers():
    document = hand_case()
    document["baseline"]["revenue"] = 0.1  # a JSON number: converted through its text
    assert load_case(document).baseline.revenue == Decimal("0.1")
    assert dump_case(load_case(document))["baseline"]["revenue"] == "0.1"


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (lambda d: d["baseline"].update(revenue="NaN"), ("baseline", "revenue")),
        (lambda d: d["baseline"].update(revenue="Infinity"), ("baseline", "revenue")),
        (lambda d: d["baseline"].update(inventory="-1"), ("baseline", "inventory")),
        (lambda d: d["baseline"].update(revenue="1e999999"), ("baseline", "revenue")),
        (lambda d: d.update(discount_rate="-1"), ("discount_rate",)),
        (lambda d: d.update(horizon_years=0), ("horizon_years",)),
        (lambda d: d.update(horizon_years=500), ("horizon_years",)),
        (lambda d: d.update(surprise=1), ("surprise",)),
        (lambda d: d["issues"][0]["cell"].update(level="board"), ("issues", 0, "cell", "level")),
        (lambda d: d["values"][0].update(probability="1.5"), ("values", 0, "probability")),
        (lambda d: d["values"][0].update(issue_ids=["nope"]), ("values", 0, "issue_ids", 0)),
        (
            lambda d: d["solution"]["addresses"][0].update(issue_id="nope"),
            ("solution", "addresses", 0, "issue_id"),
        ),
        (lambda d: d["seller"].update(primary_color="red"), ("seller", "primary_color")),
        (
            lambda d: d["values"][0]["driver"]["improvement"].update(low="200000"),
            ("values", 0, "driver", "improvement", "likely"),
        ),
        (lambda d: d.update(horizon_years="3"), ("horizon_years",)),
        (lambda d: d["values"][0].pop("driver"), ("values", 0, "driver")),
        (lambda d: d["issues"].append(dict(d["issues"][0])), ("issues", 1, "id")),
        (lambda d: d.update(currency="yuan"), ("currency",)),
    ],
)
def test_bad_input_names_the_field(mutate, path):
    document = copy.deepcopy(hand_case())
    mutate(document)
    node = errors_of(document)
    for key in path:
        assert key in node, f"{key!r} not in {node!r}"
        node = node[key]
