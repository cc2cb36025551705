"""Stateless compute for integrations: nothing is stored, a key is still required.

Every figure comes from :mod:`calculators` or :func:`valueframe.evaluate.evaluate`; the API
only validates, calls and serialises. Every response states its currency and conventions.
"""

from __future__ import annotations

from contextlib import contextmanager
from decimal import Decimal

import numpy as np
from flask import current_app, jsonify
from flask.views import MethodView

from api.errors import Problem
from api.extensions.api import Blueprint, body_options
from api.resources.compute.schemas import (
    BatchRequestSchema,
    BatchResponseSchema,
    MarginRequestSchema,
    MarginResponseSchema,
    ReturnsRequestSchema,
    ReturnsResponseSchema,
    TurnoverRequestSchema,
    TurnoverResponseSchema,
)
from api.resources.evaluation import (
    EvaluationSchema,
    SimulationResponseSchema,
    TornadoResponseSchema,
    evaluate_case,
)
from calculators import batch, margin, returns, turnover
from calculators.errors import CalculatorError
from valueframe.schema import ValueCaseSchema

blp = Blueprint(
    "compute",
    __name__,
    description="Stateless calculations for integrations (nothing is stored).",
)

NPV_CONVENTION = "period 0 undiscounted; period t discounted by (1 + rate)^t"
NPV_EXCEL_CONVENTION = "Excel NPV: every flow discounted, flows[0] by one period"
ROI_CONVENTION = "(sum of inflows - sum of outflows) / sum of outflows, undiscounted"
PAYBACK_CONVENTION = (
    "periods until the cumulative flow turns and stays non-negative, interpolated linearly "
    "within the period; discounted payback uses the NPV discounting; null = never"
)
XNPV_CONVENTION = "Excel XNPV/XIRR: actual days from the first date over a 365-day year"
TURNOVER_CONVENTIONS = {
    "inventory_turnover": "COGS / average inventory (null when inventory is 0)",
    "dio": "day_count x inventory / COGS",
    "receivables_turnover": "revenue / average receivables",
    "dso": "day_count x receivables / revenue",
    "payables_turnover": "COGS / average payables",
    "dpo": "day_count x payables / COGS",
    "ccc": "DIO + DSO - DPO (days)",
    "release": "days saved x the AFTER period's daily base; positive = cash freed",
}
MARGIN_CONVENTIONS = {
    "contribution_margin": "revenue - variable costs",
    "cm_ratio": "contribution margin / revenue",
    "break_even_revenue": "fixed costs / CM ratio",
    "effects": "price and unit cost at the after volume, volume at the before unit margin; "
    "the four effects sum to profit_change",
}
IRR_STATUS = {batch.IRR_UNIQUE: "unique", batch.IRR_NONE: "none", batch.IRR_MULTIPLE: "multiple"}
IRR_BUDGET = 8e9  # sum over rows with several sign changes of periods^3 (eigenvalue cost)

RETURNS_EXAMPLE = {
    "currency": "CNY",
    "rate": "0.1",
    "flows": ["-10000", "3000", "4200", "6800"],
}


@contextmanager
def argument_prefix(prefix: str):
    """Calculator errors name their argument; put it under the request field it came from."""
    try:
        yield
    except CalculatorError as error:
        raise type(error)(f"{prefix}.{error.argument}", error.message) from None


@blp.route("/returns")
class Returns(MethodView):
    @blp.arguments(ReturnsRequestSchema, example=RETURNS_EXAMPLE)
    @blp.response(200, ReturnsResponseSchema)
    @blp.problems(400, 401, 413, 415, 429)
    def post(self, args):
        """ROI, NPV, IRR, MIRR, payback (and XNPV/XIRR with dates) of a schedule

        ``flows[0]`` is period 0 (the investment, undiscounted); rates are per period.
        IRR reports every root: status ``unique``, ``none`` or ``multiple`` (then ``rate``
        is null and MIRR is the unambiguous figure).
        """
        rate, flows = args["rate"], args["flows"]
        finance = args.get("finance_rate", rate)
        reinvest = args.get("reinvest_rate", rate)
        inflows = [f for f in flows if f > 0] or [Decimal(0)]
        outflows = [-f for f in flows if f < 0]
        irr = returns.irr(flows)
        dates = args.get("dates")
        return {
            "currency": args["currency"],
            "rate": rate,
            "periods": len(flows) - 1,
            "npv_convention": NPV_CONVENTION,
            "npv": returns.npv(rate, flows),
            "npv_excel": returns.npv_excel(rate, flows),
            "npv_excel_convention": NPV_EXCEL_CONVENTION,
            "roi": returns.roi(inflows, outflows) if sum(outflows) > 0 else None,
            "roi_convention": ROI_CONVENTION,
            "irr": {
                "status": irr.status,
                "rate": irr.rate,
                "roots": list(irr.roots),
                "message": irr.message,
            },
            "mirr": returns.mirr(flows, finance, reinvest) if len(flows) > 1 else None,
            "finance_rate": finance,
            "reinvest_rate": reinvest,
            "payback": returns.payback_period(flows),
            "discounted_payback": returns.discounted_payback_period(rate, flows),
            "payback_convention": PAYBACK_CONVENTION,
            "xnpv": returns.xnpv(rate, flows, dates) if dates else None,
            "xirr": returns.xirr(flows, dates) if dates else None,
            "xnpv_convention": XNPV_CONVENTION,
        }


def _working_capital(data: dict, which: str):
    with argument_prefix(which):
        return turnover.working_capital(
            data["revenue"],
            data["cogs"],
            data["inventory"],
            data["receivables"],
            data["payables"],
            data.get("cash"),
        )


@blp.route("/turnover")
class Turnover(MethodView):
    @blp.arguments(TurnoverRequestSchema)
    @blp.response(200, TurnoverResponseSchema)
    @blp.problems(400, 401, 413, 415, 429)
    def post(self, args):
        """Turnover, days and the working capital released, before vs after

        Revenue and COGS are annual flows, the balances are averages; both periods need
        revenue and COGS above zero.
        """
        before = _working_capital(args["before"], "before")
        after = _working_capital(args["after"], "after")
        release = turnover.working_capital_release(before, after, args["day_count"])
        return {
            "currency": args["currency"],
            "day_count": args["day_count"],
            "conventions": TURNOVER_CONVENTIONS,
            "before": release.before,
            "after": release.after,
            "release": release,
        }


@blp.route("/margin")
class Margin(MethodView):
    @blp.arguments(MarginRequestSchema)
    @blp.response(200, MarginResponseSchema)
    @blp.problems(400, 401, 413, 415, 429)
    def post(self, args):
        """Contribution margin, break-even and the profit bridge, before vs after"""
        scenarios = {}
        for which in ("before", "after"):
            data = args[which]
            with argument_prefix(which):
                scenarios[which] = margin.margin_scenario(
                    data["price"], data["units"], data["unit_variable_cost"], data["fixed_costs"]
                )
        comparison = margin.compare_margins(scenarios["before"], scenarios["after"])
        return {
            "currency": args["currency"],
            "conventions": MARGIN_CONVENTIONS,
            "before": comparison.before,
            "after": comparison.after,
            "profit_change": comparison.profit_change,
            "contribution_margin_change": comparison.contribution_margin_change,
            "price_effect": comparison.price_effect,
            "volume_effect": comparison.volume_effect,
            "variable_cost_effect": comparison.variable_cost_effect,
            "fixed_cost_effect": comparison.fixed_cost_effect,
        }


@blp.route("/evaluate")
class Evaluate(MethodView):
    @blp.arguments(ValueCaseSchema)
    @blp.response(200, EvaluationSchema)
    @blp.problems(400, 401, 413, 415, 429)
    def post(self, case):
        """Evaluate a whole case document (not stored)

        The same figures a stored case's evaluation and its PDF show, with their trail.
        """
        return evaluate_case(case)


@blp.route("/simulation")
class Simulation(MethodView):
    @blp.arguments(ValueCaseSchema)
    @blp.response(200, SimulationResponseSchema)
    @blp.problems(400, 401, 413, 415, 429)
    def post(self, case):
        """The Monte Carlo simulation of a case document (P10/P50/P90, not stored)"""
        evaluation = evaluate_case(case)
        return {"currency": evaluation.currency, "simulation": evaluation.simulation}


@blp.route("/tornado")
class Tornado(MethodView):
    @blp.arguments(ValueCaseSchema)
    @blp.response(200, TornadoResponseSchema)
    @blp.problems(400, 401, 413, 415, 429)
    def post(self, case):
        """The sensitivity (tornado) of a case document's NPV (not stored)"""
        evaluation = evaluate_case(case, simulate=False)
        return {"currency": evaluation.currency, "tornado": evaluation.tornado}


def _rates(args: dict, rows: int) -> np.ndarray | float:
    if "rate" in args:
        return float(args["rate"])
    raw = args["rates"]
    if not isinstance(raw, list) or len(raw) != rows:
        raise Problem(
            422,
            "validation",
            detail="rates must be an array with one rate per row",
            errors=[{"field": "rates", "in": "body", "message": f"give {rows} numbers"}],
        )
    for index, value in enumerate(raw):
        if type(value) not in (int, float) or not -1 < value <= 10:
            raise Problem(
                422,
                "validation",
                errors=[
                    {
                        "field": f"rates.{index}",
                        "in": "body",
                        "message": "must be a number > -1 and <= 10",
                    }
                ],
            )
    return np.asarray(raw, dtype=np.float64)


def _nullable(values: np.ndarray) -> list:
    return [None if not np.isfinite(v) else v for v in values.tolist()]


@blp.route("/batch")
class Batch(MethodView):
    @body_options(exact=False, max_bytes_config="VALUEFRAME_MAX_BATCH_BODY_BYTES")
    @blp.arguments(
        BatchRequestSchema,
        example={"currency": "EUR", "rate": 0.08, "flows": [[-100, 30, 40, 50], [-50, 20, 40]]},
    )
    @blp.response(200, BatchResponseSchema)
    @blp.problems(400, 401, 413, 415, 429)
    def post(self, args):
        """NPV and IRR of many schedules at once (vectorised)

        Flows are plain JSON numbers (float64), not decimal strings: this endpoint is for
        volume (10,000 rows and more per request). Bounds: 100,000 rows, 600 periods,
        6,000,000 cells (configurable); past them 422, bodies past the batch limit 413.
        Results are columns: the figures of row ``i`` are at index ``i``.
        """
        flows = args["flows"]
        rows, columns = flows.shape
        rates = _rates(args, rows)
        npv = batch.batch_npv(rates, flows)
        body = {
            "currency": args["currency"],
            "rows": rows,
            "periods": columns - 1,
            "npv_convention": NPV_CONVENTION,
            "irr_convention": "per period; 'multiple' rows (several sign changes) may have "
            "several IRRs - the one closest to 0 is shown, null when none is real",
            "npv": _nullable(npv),
        }
        if args["irr"]:
            changes = batch.sign_changes(flows)
            cost = float(np.count_nonzero(changes > 1)) * float(columns) ** 3
            if cost > current_app.config.get("VALUEFRAME_BATCH_IRR_BUDGET", IRR_BUDGET):
                raise Problem(
                    422,
                    "validation",
                    detail="too many long schedules with several sign changes to solve IRR "
                    "in one request; send fewer rows or set irr to false",
                    errors=[{"field": "flows", "in": "body", "message": "IRR too costly"}],
                )
            result = batch.batch_irr(flows)
            body["irr"] = _nullable(result.rates)
            body["irr_status"] = [IRR_STATUS[s] for s in result.status.tolist()]
            body["sign_changes"] = result.sign_changes.tolist()
        return jsonify(body)
