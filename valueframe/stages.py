"""The four value-creator stage checks: a linter for frames, not a blocker.

Each check lists what is missing or inconsistent at one stage - establish (goal, CSFs,
issues), locate (issues on the grid, the key ones screened), improve (the solution solves
or bypasses every key issue and "goes upward"), present (values quantified, timed,
weighted and linked to the goal) - with the element path of the field to fix. A case can
be saved with findings; documents show them to the rep.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from valueframe.evaluation import Finding
from valueframe.grid import level_rank
from valueframe.i18n import t
from valueframe.model import STAGES, ValueCase

_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}

# (stage, code, severity, path, params) as produced by the checks below.
Raw = tuple[str, str, str, str, dict[str, str]]


def _establish(case: ValueCase) -> Iterator[Raw]:
    stage = "establish"
    goal = case.goal
    if goal is None:
        yield stage, "goal_missing", "error", "goal", {}
    elif goal.target == goal.baseline:
        yield stage, "goal_no_gap", "error", "goal.target", {}
    if not case.csfs:
        yield stage, "no_csfs", "warning", "csfs", {}
    if not case.issues:
        yield stage, "no_issues", "error", "issues", {}
    elif not any(issue.kind == "CBI" for issue in case.issues):
        yield stage, "no_cbi", "warning", "issues", {}
    for index, issue in enumerate(case.issues):
        if issue.csf_id is None and case.csfs:
            yield (
                stage,
                "issue_without_csf",
                "warning",
                f"issues.{index}.csf_id",
                {"issue": issue.title},
            )
        if not issue.evidence.strip():
            yield (
                stage,
                "issue_without_evidence",
                "info",
                f"issues.{index}.evidence",
                {"issue": issue.title},
            )


def _locate(case: ValueCase) -> Iterator[Raw]:
    stage = "locate"
    selected = [issue for issue in case.issues if issue.selected]
    if case.issues and not selected:
        yield stage, "no_key_issue", "error", "issues", {}
    for index, issue in enumerate(case.issues):
        if issue.cell is None:
            severity = "error" if issue.selected else "warning"
            yield (
                stage,
                "issue_without_cell",
                severity,
                f"issues.{index}.cell",
                {"issue": issue.title},
            )
    if selected and all(i.cell is not None and i.cell.level == "job" for i in selected):
        yield stage, "only_job_level", "warning", "issues", {}


def _improve(case: ValueCase) -> Iterator[Raw]:
    stage = "improve"
    solution = case.solution
    if solution is None:
        yield stage, "solution_missing", "error", "solution", {}
        return
    addressed = {address.issue_id for address in solution.addresses}
    for index, issue in enumerate(case.issues):
        if issue.selected and issue.id not in addressed:
            yield stage, "issue_not_addressed", "error", f"issues.{index}", {"issue": issue.title}
    for index, address in enumerate(solution.addresses):
        if address.mode == "bypass" and not address.rationale.strip():
            path = f"solution.addresses.{index}.rationale"
            yield stage, "bypass_without_rationale", "error", path, {}
    levels = [
        case.issue(address.issue_id).cell.level
        for address in solution.addresses
        if case.issue(address.issue_id) is not None and case.issue(address.issue_id).cell
    ]
    if levels and all(level_rank(solution.level) < level_rank(level) for level in levels):
        yield stage, "solution_below_issues", "warning", "solution.level", {}
    if not solution.capabilities:
        yield stage, "no_capabilities", "warning", "solution.capabilities", {}
    if not solution.costs:
        yield stage, "no_costs", "error", "solution.costs", {}
    for index, cost in enumerate(solution.costs):
        last = cost.period if cost.kind == "one_off" else cost.start_period
        if last > case.periods:
            yield (
                stage,
                "cost_outside_horizon",
                "warning",
                f"solution.costs.{index}",
                {"cost": cost.name},
            )


def _present(case: ValueCase) -> Iterator[Raw]:
    stage = "present"
    if not case.values:
        yield stage, "no_values", "error", "values", {}
    elif not any(value.kind == "financial" for value in case.values):
        yield stage, "no_financial_value", "warning", "values", {}
    for index, value in enumerate(case.values):
        path = f"values.{index}"
        name = {"value": value.name}
        if value.probability is None:
            yield stage, "value_without_probability", "error", f"{path}.probability", name
        goal_path = f"{path}.goal_contribution"
        if case.goal is not None and value.goal_contribution is None:
            severity = "warning" if value.kind == "financial" else "info"
            yield stage, "value_not_linked_to_goal", severity, goal_path, name
        elif case.goal is not None and value.goal_contribution * _gap_sign(case) < 0:
            yield stage, "value_moves_goal_away", "warning", goal_path, name
        if not value.issue_ids:
            yield stage, "value_without_issue", "warning", f"{path}.issue_ids", name
        if value.kind == "financial" and not value.assumption_ids:
            yield stage, "value_without_assumptions", "warning", f"{path}.assumption_ids", name
        if value.timing.start_period > case.periods:
            yield stage, "value_outside_horizon", "error", f"{path}.timing.start_period", name
        if value.evidence == "estimate":
            yield stage, "value_is_estimate", "info", f"{path}.evidence", name
    for index, assumption in enumerate(case.assumptions):
        if not assumption.source.strip():
            yield (
                stage,
                "assumption_without_source",
                "warning",
                f"assumptions.{index}.source",
                {"assumption": assumption.name},
            )


def _gap_sign(case: ValueCase) -> int:
    gap = case.goal.target - case.goal.baseline
    return (gap > 0) - (gap < 0)


CHECKS: dict[str, Callable[[ValueCase], Iterator[Raw]]] = {
    "establish": _establish,
    "locate": _locate,
    "improve": _improve,
    "present": _present,
}


def check(case: ValueCase, stages: tuple[str, ...] = STAGES) -> list[Finding]:
    """Every finding of the given stages, errors first, in the case's locale."""
    findings = [
        Finding(
            stage=stage,
            code=code,
            severity=severity,
            path=path,
            message=t(f"finding.{code}", case.locale, **params),
            params=params,
        )
        for name in stages
        for stage, code, severity, path, params in CHECKS[name](case)
    ]
    return sorted(
        findings, key=lambda f: (STAGES.index(f.stage), _SEVERITY_ORDER[f.severity], f.path)
    )
