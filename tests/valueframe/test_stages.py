"""The four stage checks: findings name the element path and speak the case's language."""

from tests.valueframe.test_evaluate import hand_case
from valueframe.schema import load_case
from valueframe.stages import check


def findings(document: dict) -> dict[str, object]:
    return {f.code: f for f in check(load_case(document))}


def test_a_complete_case_has_no_errors_or_warnings():
    document = hand_case()
    document["csfs"] = [{"id": "c1", "name": "Stock turns", "source": "industry"}]
    document["issues"][0]["csf_id"] = "c1"
    document["issues"][0]["evidence"] = "DIO 73 days vs 45 for peers"
    document["solution"]["capabilities"] = ["Demand planning"]
    document["assumptions"] = [{"id": "a1", "name": "CM ratio", "value": "0.5", "source": "FY25"}]
    for value in document["values"]:
        value["assumption_ids"] = ["a1"]
        value["evidence"] = "confirmed"
    found = check(load_case(document))
    assert [f for f in found if f.severity in ("error", "warning")] == []


def test_issue_without_cell_is_found_at_its_path():
    document = hand_case()
    document["issues"][0]["cell"] = None
    finding = findings(document)["issue_without_cell"]
    assert finding.stage == "locate"
    assert finding.path == "issues.0.cell"
    assert finding.severity == "error"


def test_selected_issue_not_addressed():
    document = hand_case()
    document["solution"]["addresses"] = []
    assert findings(document)["issue_not_addressed"].path == "issues.0"


def test_bypass_needs_a_rationale():
    document = hand_case()
    document["solution"]["addresses"] = [{"issue_id": "i1", "mode": "bypass"}]
    assert findings(document)["bypass_without_rationale"].path == "solution.addresses.0.rationale"


def test_solution_below_every_issue_should_go_upward():
    document = hand_case()
    document["solution"]["level"] = "job"
    assert "solution_below_issues" in findings(document)
    document["solution"]["level"] = "organisation"
    assert "solution_below_issues" not in findings(document)


def test_value_without_probability_and_without_goal_link():
    document = hand_case()
    del document["values"][0]["probability"]
    del document["values"][1]["goal_contribution"]
    found = findings(document)
    assert found["value_without_probability"].path == "values.0.probability"
    assert found["value_not_linked_to_goal"].path == "values.1.goal_contribution"


def test_missing_goal_and_solution_are_errors_not_blockers():
    document = hand_case()
    document["goal"] = None
    document["solution"] = None
    found = findings(document)
    assert found["goal_missing"].severity == "error"
    assert found["solution_missing"].severity == "error"


def test_messages_follow_the_case_locale():
    document = hand_case()
    document["locale"] = "zh-CN"
    document["issues"][0]["cell"] = None
    message = findings(document)["issue_without_cell"].message
    assert "九宫格" in message and "Slow stock" in message
