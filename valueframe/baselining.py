"""Baselining: whether a signed case can be frozen as the customer's commitment.

Realization (:mod:`valueframe.realization`) measures actuals against a baselined case, so
the case must be a finished frame: at stage "present", with no error finding from the four
stage checks (:func:`valueframe.stages.check`), and computable (it evaluates without an
input error). The API freezes the version; this module only decides and says why.

Warnings do not block: they name what realization will not be able to measure - a value
whose indicator has no baseline or target (or a target equal to its baseline), a case
without a start date (its periods cannot be dated, only numbered).
"""

from __future__ import annotations

from dataclasses import dataclass

from calculators.errors import CalculatorError
from valueframe import stages
from valueframe.evaluate import evaluate
from valueframe.evaluation import Finding
from valueframe.i18n import t
from valueframe.model import ValueCase


@dataclass(frozen=True)
class BaselineCheck:
    allowed: bool
    reasons: list[Finding]  # what blocks baselining (severity error)
    warnings: list[Finding]  # what realization will not be able to measure


def _finding(case: ValueCase, code: str, severity: str, path: str, **params: str) -> Finding:
    return Finding(
        stage="present",
        code=code,
        severity=severity,
        path=path,
        message=t(f"baseline.{code}", case.locale, **params),
        params=params,
    )


def check_baseline(case: ValueCase) -> BaselineCheck:
    """Whether ``case`` can be baselined, with the blocking reasons and the warnings."""
    reasons: list[Finding] = []
    if case.stage != "present":
        stage = t(f"stage.{case.stage}", case.locale)
        reasons.append(_finding(case, "not_present", "error", "stage", stage=stage))
    errors = [f for f in stages.check(case) if f.severity == "error"]
    reasons += errors
    if not errors:
        try:
            evaluate(case, simulate=False)
        except CalculatorError as error:
            reasons.append(
                _finding(case, "not_computable", "error", error.argument, reason=error.message)
            )
    warnings = []
    for index, value in enumerate(case.values):
        indicator = value.indicator
        if (
            indicator.baseline is None
            or indicator.target is None
            or indicator.baseline == indicator.target
        ):
            warnings.append(
                _finding(
                    case,
                    "indicator_unmeasurable",
                    "warning",
                    f"values.{index}.indicator",
                    value=value.name,
                )
            )
    if case.start_date is None:
        warnings.append(_finding(case, "without_start_date", "warning", "start_date"))
    return BaselineCheck(allowed=not reasons, reasons=reasons, warnings=warnings)
