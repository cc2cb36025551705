"""Evaluation of a case document, shared by the case and compute endpoints.

The API adds no maths: a document is loaded by :func:`valueframe.schema.load_case`,
evaluated by :func:`valueframe.evaluate.evaluate` and dumped with
:class:`valueframe.evaluation_schema.EvaluationSchema`, the same figures the PDFs show.
"""

from __future__ import annotations

import copy

from flask import current_app
from marshmallow import Schema, fields

from api.errors import Problem
from valueframe.evaluate import evaluate
from valueframe.evaluation_schema import EvaluationSchema, FindingSchema
from valueframe.model import ValueCase
from valueframe.schema import load_case
from valueframe.stages import check

__all__ = [
    "EvaluationSchema",
    "FindingSchema",
    "SimulationResponseSchema",
    "TornadoResponseSchema",
    "evaluate_case",
    "evaluation_of",
    "findings_of",
]


def check_simulation_cost(case: ValueCase) -> None:
    """422 naming ``simulation.trials`` when the Monte Carlo would be too big to run inside
    a request: its arrays are trials x periods per value, so memory and time grow with
    trials x periods x (values + 1). The bound is ``VALUEFRAME_SIMULATION_BUDGET``."""
    budget = current_app.config["VALUEFRAME_SIMULATION_BUDGET"]
    trials = case.simulation.trials
    cost = trials * max(1, case.periods) * (len(case.values) + 1)
    if cost > budget:
        raise Problem(
            422,
            "validation",
            detail="the simulation is too large to run in one request",
            errors=[
                {
                    "field": "simulation.trials",
                    "in": "body",
                    "message": f"trials x periods x (values + 1) = {cost:,} exceeds {budget:,}; "
                    "use fewer trials or longer periods",
                }
            ],
        )


def evaluate_case(case: ValueCase, *, simulate: bool = True):
    if simulate:
        check_simulation_cost(case)
    return evaluate(case, simulate=simulate)


def evaluation_of(document: dict | ValueCase):
    """The Evaluation of a stored or posted document (dump it with EvaluationSchema)."""
    case = document if isinstance(document, ValueCase) else load_case(document)
    return evaluate_case(case)


def findings_of(document: dict | ValueCase) -> list:
    """The stage-check findings (dump them with FindingSchema)."""
    case = document if isinstance(document, ValueCase) else load_case(document)
    return check(case)


def _part(name: str) -> fields.Field:
    return copy.deepcopy(EvaluationSchema._declared_fields[name])


SimulationResponseSchema = Schema.from_dict(
    {"currency": fields.String(required=True), "simulation": _part("simulation")},
    name="SimulationResponse",
)
TornadoResponseSchema = Schema.from_dict(
    {"currency": fields.String(required=True), "tornado": _part("tornado")},
    name="TornadoResponse",
)
