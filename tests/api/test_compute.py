"""Stateless compute endpoints: exact figures as decimal strings, conventions, currency."""

import json
import time
from decimal import Decimal

import numpy as np
import numpy_financial as npf
import pytest

from tests.api.helpers import API, assert_problem, fields_of, sample_document

EXCEL_EXAMPLE = {"currency": "EUR", "rate": "0.1", "flows": ["-10000", "3000", "4200", "6800"]}


def compute(client, auth, what, body):
    return client.post(f"{API}/compute/{what}", json=body, headers=auth)


def test_returns_exact_figures_as_strings(client, auth):
    response = compute(client, auth, "returns", EXCEL_EXAMPLE)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["currency"] == "EUR"
    # Excel's NPV(10%, -10000, 3000, 4200, 6800) = 1188.44: every flow discounted
    assert body["npv_excel"].startswith("1188.44")
    assert Decimal(body["npv_excel"]).quantize(Decimal("0.0001")) == Decimal("1188.4434")
    # period 0 undiscounted (the convention the response states) = 1.1 x Excel's figure
    assert body["npv_convention"].startswith("period 0 undiscounted")
    assert body["npv"].startswith("1307.28")
    difference = Decimal(body["npv"]) - Decimal(body["npv_excel"]) * Decimal("1.1")
    assert abs(difference) < Decimal("1e-20")  # 34 significant digits
    assert body["roi"] == "0.4"
    assert body["irr"]["status"] == "unique"
    assert Decimal(body["irr"]["rate"]) == pytest.approx(
        Decimal("0.163405600688989"), abs=Decimal("1e-12")
    )
    assert body["irr"]["roots"] == [body["irr"]["rate"]]
    assert body["payback"].startswith("2.41176470588")
    assert Decimal(body["mirr"]) > 0
    assert body["finance_rate"] == body["reinvest_rate"] == "0.1"
    assert body["xnpv"] is None and body["xirr"] is None
    for key, value in body.items():
        assert not isinstance(value, float), key


def test_returns_with_dates_and_rates(client, auth):
    body = {
        "currency": "USD",
        "rate": "0.09",
        "flows": ["-10000", "2750", "4250", "3250", "2750"],
        "dates": ["2008-01-01", "2008-03-01", "2008-10-30", "2009-02-15", "2009-04-01"],
        "finance_rate": "0.1",
        "reinvest_rate": "0.12",
    }
    result = compute(client, auth, "returns", body).get_json()
    # Excel's documented XNPV/XIRR example
    assert Decimal(result["xnpv"]).quantize(Decimal("0.01")) == Decimal("2086.65")
    assert Decimal(result["xirr"]) == pytest.approx(Decimal("0.373362535"), abs=Decimal("1e-8"))
    assert result["finance_rate"] == "0.1" and result["reinvest_rate"] == "0.12"
    wrong = {**body, "dates": body["dates"][:2]}
    assert fields_of(assert_problem(compute(client, auth, "returns", wrong), 422)) == {"dates"}


def test_returns_multiple_and_no_irr(client, auth):
    several = compute(
        client,
        auth,
        "returns",
        {"currency": "EUR", "rate": "0.1", "flows": ["-1", "6", "-11", "6"]},
    ).get_json()
    assert several["irr"]["status"] == "multiple"
    assert several["irr"]["rate"] is None
    assert len(several["irr"]["roots"]) == 3
    assert several["irr"]["message"]
    none = compute(
        client, auth, "returns", {"currency": "EUR", "rate": "0.1", "flows": ["100", "50"]}
    ).get_json()
    assert none["irr"]["status"] == "none" and none["roi"] is None and none["mirr"] is None
    single = compute(
        client, auth, "returns", {"currency": "EUR", "rate": "0", "flows": ["-5"]}
    ).get_json()
    assert single["npv"] == "-5" and single["payback"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**EXCEL_EXAMPLE, "rate": "-1"}, "rate"),
        ({**EXCEL_EXAMPLE, "rate": "-1.5"}, "rate"),
        ({**EXCEL_EXAMPLE, "flows": []}, "flows"),
        ({**EXCEL_EXAMPLE, "currency": "euro"}, "currency"),
        ({**EXCEL_EXAMPLE, "flows": ["1e20"]}, "flows.0"),
        ({**EXCEL_EXAMPLE, "flows": [True, "1"]}, "flows.0"),
        ({**EXCEL_EXAMPLE, "finance_rate": "abc"}, "finance_rate"),
        ({**EXCEL_EXAMPLE, "extra": 1}, "extra"),
    ],
)
def test_returns_bad_input(client, auth, body, field):
    problem = assert_problem(compute(client, auth, "returns", body), 422)
    assert field in fields_of(problem)


def test_turnover(client, auth):
    before = {
        "revenue": "36500000",
        "cogs": "29200000",
        "inventory": "4800000",
        "receivables": "6000000",
        "payables": "3200000",
    }
    after = {**before, "inventory": "3600000", "receivables": "4500000"}
    body = {"currency": "CNY", "day_count": 365, "before": before, "after": after}
    response = compute(client, auth, "turnover", body)
    assert response.status_code == 200, response.get_json()
    result = response.get_json()
    assert result["currency"] == "CNY" and result["day_count"] == 365
    assert result["before"]["dio"] == "60"
    assert result["before"]["dso"] == "60"
    assert result["after"]["dio"] == "45"
    assert result["release"]["inventory_release"] == "1200000"
    assert result["release"]["receivables_release"] == "1500000"
    assert result["release"]["total_release"] == "2700000"
    assert result["before"]["cash_turnover"] is None
    assert "ccc" in result["conventions"]


def test_turnover_bad_input_names_the_field(client, auth):
    good = {"revenue": "1", "cogs": "1", "inventory": "1", "receivables": "1", "payables": "1"}
    bad = {**good, "inventory": "-3"}
    body = {"currency": "CNY", "before": good, "after": bad}
    assert fields_of(assert_problem(compute(client, auth, "turnover", body), 422)) == {
        "after.inventory"
    }
    body = {"currency": "CNY", "before": good, "after": good, "day_count": 300}
    assert fields_of(assert_problem(compute(client, auth, "turnover", body), 422)) == {"day_count"}


def test_margin(client, auth):
    before = {"price": "100", "units": "1000", "unit_variable_cost": "60", "fixed_costs": "20000"}
    after = {"price": "105", "units": "1100", "unit_variable_cost": "58", "fixed_costs": "21000"}
    response = compute(
        client, auth, "margin", {"currency": "USD", "before": before, "after": after}
    )
    assert response.status_code == 200, response.get_json()
    result = response.get_json()
    assert result["currency"] == "USD"
    assert result["before"]["contribution_margin"] == "40000"
    assert result["before"]["cm_ratio"] == "0.4"
    assert result["before"]["break_even_revenue"] == "50000"
    assert result["after"]["operating_profit"] == "30700"
    assert result["profit_change"] == "10700"
    effects = [
        result[k]
        for k in ("price_effect", "volume_effect", "variable_cost_effect", "fixed_cost_effect")
    ]
    assert sum(Decimal(e) for e in effects) == Decimal(result["profit_change"])


def test_evaluate_a_document_without_storing_it(client, auth):
    document = sample_document()
    response = compute(client, auth, "evaluate", document)
    assert response.status_code == 200, response.get_json()
    result = response.get_json()
    assert result["currency"] == document["currency"]
    assert result["npv_convention"]
    assert "headline" in result and "cash_flow" in result
    assert client.get(f"{API}/cases", headers=auth).get_json()["pagination"]["total"] == 0
    assert "NaN" not in response.get_data(as_text=True)


def test_evaluation_of_stored_case_equals_compute_evaluate(client, auth):
    from tests.api.helpers import create_case

    document = sample_document()
    case = create_case(client, auth, document)
    stored = client.get(f"{API}/cases/{case['id']}/evaluation", headers=auth).get_json()
    posted = compute(client, auth, "evaluate", document).get_json()
    assert stored == posted
    version = client.get(f"{API}/cases/{case['id']}/versions/1/evaluation", headers=auth)
    assert version.get_json() == posted


def test_simulation_and_tornado(client, auth):
    document = sample_document()
    simulation = compute(client, auth, "simulation", document)
    assert simulation.status_code == 200, simulation.get_json()
    body = simulation.get_json()
    assert set(body) == {"currency", "simulation"}
    assert body["currency"] == document["currency"]
    assert body["simulation"] is not None
    tornado = compute(client, auth, "tornado", document).get_json()
    assert set(tornado) == {"currency", "tornado"} and isinstance(tornado["tornado"], list)
    too_many = {**document, "simulation": {"trials": 10_000_000}}
    problem = assert_problem(compute(client, auth, "simulation", too_many), 422)
    assert fields_of(problem) == {"simulation.trials"}


def test_evaluate_rejects_a_bad_document_with_paths(client, auth):
    document = sample_document()
    document["horizon_years"] = 500
    document["values"][0]["probability"] = "1.5"
    problem = assert_problem(compute(client, auth, "evaluate", document), 422)
    assert fields_of(problem) == {"values.0.probability", "horizon_years"}
    document = sample_document()
    document["values"][0]["issue_ids"] = ["no-such-issue"]
    problem = assert_problem(compute(client, auth, "evaluate", document), 422)
    assert fields_of(problem) == {"values.0.issue_ids.0"}


def _batch(client, auth, body, raw=None):
    data = raw if raw is not None else json.dumps(body)
    return client.post(
        f"{API}/compute/batch", data=data, headers={**auth, "Content-Type": "application/json"}
    )


def test_batch_of_ten_thousand_rows(client, auth):
    rng = np.random.default_rng(7)
    rows = 10_000
    flows = np.column_stack([-rng.uniform(1000, 5000, rows), rng.uniform(100, 2000, (rows, 6))])
    flows = np.round(flows, 2)
    started = time.perf_counter()
    response = _batch(client, auth, {"currency": "EUR", "rate": 0.08, "flows": flows.tolist()})
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    body = json.loads(response.data)  # plain floats (get_json reads numbers as Decimal)
    assert body["currency"] == "EUR" and body["rows"] == rows and body["periods"] == 6
    assert len(body["npv"]) == len(body["irr"]) == len(body["irr_status"]) == rows
    expected = [npf.npv(0.08, row) for row in flows[:50]]
    np.testing.assert_allclose(body["npv"][:50], expected, rtol=1e-12)
    for index in range(20):
        if body["irr_status"][index] == "unique":
            assert body["irr"][index] == pytest.approx(npf.irr(flows[index]), rel=1e-9)
    assert elapsed < 20


def test_batch_rates_per_row_ragged_rows_and_statuses(client, auth):
    body = {
        "currency": "EUR",
        "rates": [0.1, 0.0, 0.05],
        "flows": [[-10000, 3000, 4200, 6800], [100, 50], [-1, 6, -11, 6]],
    }
    result = json.loads(_batch(client, auth, body).data)
    assert result["npv"][0] == pytest.approx(1307.2877535687453)
    assert result["npv"][1] == 150
    assert result["irr_status"] == ["unique", "none", "multiple"]
    assert result["irr"][1] is None
    assert result["sign_changes"] == [1, 0, 3]
    assert result["periods"] == 3
    no_irr = json.loads(_batch(client, auth, {**body, "irr": False}).data)
    assert "irr" not in no_irr and no_irr["npv"] == result["npv"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"currency": "EUR", "flows": [[1]]}, "rate"),
        ({"currency": "EUR", "rate": 0.1, "rates": [0.1], "flows": [[1]]}, "rate"),
        ({"currency": "EUR", "rate": -1, "flows": [[1]]}, "rate"),
        ({"currency": "EUR", "rates": [0.1, 0.2], "flows": [[1]]}, "rates"),
        ({"currency": "EUR", "rates": [-2], "flows": [[1]]}, "rates.0"),
        ({"currency": "EUR", "rate": 0.1, "flows": []}, "flows"),
        ({"currency": "EUR", "rate": 0.1, "flows": [[]]}, "flows.0"),
        ({"currency": "EUR", "rate": 0.1, "flows": [[1, "2"]]}, "flows.0.1"),
        ({"currency": "EUR", "rate": 0.1, "flows": [[1, True]]}, "flows.0.1"),
        ({"currency": "EUR", "rate": 0.1, "flows": [[1], 5]}, "flows.1"),
        ({"currency": "EUR", "rate": 0.1, "flows": [[1, 1e300]]}, "flows.0.1"),
        ({"currency": "EUR", "rate": 0.1, "flows": [[1] * 602]}, "flows"),
    ],
)
def test_batch_bad_input(client, auth, body, field):
    problem = assert_problem(_batch(client, auth, body), 422)
    assert field in fields_of(problem)


def test_batch_rejects_non_finite_tokens_and_overflowing_literals(client, auth):
    raw = '{"currency": "EUR", "rate": 0.1, "flows": [[1, 2], [3, %s]]}'
    for token in ("NaN", "Infinity", "-Infinity", "1e400", "-1e999"):
        problem = assert_problem(_batch(client, auth, None, raw % token), 422)
        assert fields_of(problem) == {"flows.1.1"}


def test_batch_bounds(app, client, auth, monkeypatch):
    monkeypatch.setitem(app.config, "VALUEFRAME_BATCH_MAX_ROWS", 100)
    body = {"currency": "EUR", "rate": 0.1, "flows": [[-1, 2]] * 101}
    problem = assert_problem(_batch(client, auth, body), 422)
    assert "at most 100 rows" in problem["errors"][0]["message"]
    monkeypatch.setitem(app.config, "VALUEFRAME_BATCH_MAX_CELLS", 150)
    body = {"currency": "EUR", "rate": 0.1, "flows": [[-1, 2]] * 80}
    assert_problem(_batch(client, auth, body), 422)
    monkeypatch.setitem(app.config, "VALUEFRAME_BATCH_IRR_BUDGET", 10)
    body = {"currency": "EUR", "rate": 0.1, "flows": [[-1, 6, -11, 6]]}
    problem = assert_problem(_batch(client, auth, body), 422)
    assert "irr" in problem["detail"]
    assert _batch(client, auth, {**body, "irr": False}).status_code == 200


def test_simulations_too_large_for_a_request_are_422(app, client, auth, monkeypatch):
    monkeypatch.setitem(app.config, "VALUEFRAME_SIMULATION_BUDGET", 1000)
    document = sample_document()
    for what in ("simulation", "evaluate"):
        problem = assert_problem(compute(client, auth, what, document), 422, "validation")
        assert fields_of(problem) == {"simulation.trials"}
    assert compute(client, auth, "tornado", document).status_code == 200
