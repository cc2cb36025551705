"""Evaluate a value case into figures: case -> :class:`~valueframe.evaluation.Evaluation`.

Conventions (stated in every evaluation and every document):

- Periods: period 0 is the investment; periods 1..n follow, each ``period_months`` long.
  Annual amounts are spread evenly (amount x months / 12 per period).
- Discounting: the annual discount rate becomes a per-period rate (1 + r)^(months/12) - 1;
  NPV discounts period t by (1 + r_period)^t with period 0 undiscounted. IRR and MIRR are
  solved per period and reported per year, (1 + rate)^(periods per year) - 1.
- Each performance value: low/likely/high improvement -> money per stream
  (:mod:`valueframe.valuation`), x scope multiplier, spread from its start period along its
  ramp curve, until its extension years end, x probability (expected value).
- Scenarios: conservative = every value at its low AND started as late as its delay range
  allows; likely = every value at its likely, on plan; optimistic = every value at its
  high, on plan. All probability-weighted, so the likely scenario is the expected case.
- One-off cash releases (working capital) are benefits in NPV, IRR and payback, but they
  are not operating income: the headline also shows ROI without them and the release on
  its own, so an early release cannot pass for recurring value.
- Goal attainment = sum of goal contributions x probability / (target - baseline).
- Turnover and contribution margin before/after show the state at full effect of every
  value's likely improvement (not probability-weighted): what the customer's books look
  like if the plan is delivered.
- Cost of delay = the expected monthly run-rate of recurring benefits at full effect: what
  each month of a slipped decision loses for good when the value window is fixed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from decimal import Decimal, localcontext

from calculators import margin, returns, risk, sensitivity, simulation, turnover
from valueframe import evaluation as ev
from valueframe import stages
from valueframe.i18n import t
from valueframe.model import PerformanceValue, ValueCase
from valueframe.schema import dump_case
from valueframe.valuation import StreamAmount, stream_amounts

LEVELS = ("low", "likely", "high")
# scenario -> (amount level, whether the start slips by the value's delay_high)
SCENARIOS = {
    "conservative": ("low", True),
    "likely": ("likely", False),
    "optimistic": ("high", False),
}
NPV_CONVENTION = "period 0 undiscounted; period t discounted by (1 + r)^t"
_PRECISION = 34


def evaluate(case: ValueCase, *, simulate: bool = True) -> ev.Evaluation:
    """Every figure of ``case`` with its trail. ``simulate=False`` skips the Monte Carlo."""
    with localcontext() as context:
        context.prec = _PRECISION
        return _Evaluator(case).run(simulate)


def input_hash(case: ValueCase) -> str:
    """SHA-256 of the case's canonical JSON: the same inputs always give the same hash."""
    canonical = json.dumps(
        dump_case(case), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def annualise(rate_per_period: Decimal, periods_per_year: int) -> Decimal:
    """(1 + r)^k - 1: a per-period rate as a rate per year."""
    return (1 + rate_per_period) ** periods_per_year - 1


class _Evaluator:
    def __init__(self, case: ValueCase):
        self.case = case
        self.n = case.periods
        self.months = Decimal(case.period_months)
        self.per_year = case.periods_per_year
        self.period_rate = (1 + case.discount_rate) ** (self.months / 12) - 1
        self.warnings: list[str] = []

    # -- values ---------------------------------------------------------------------------

    def _probability(self, value: PerformanceValue) -> Decimal:
        return Decimal(1) if value.probability is None else value.probability

    def _end_period(self, value: PerformanceValue) -> int | None:
        years = value.extension.years
        return None if years is None else value.timing.start_period + years * self.per_year - 1

    def _amounts(self, value: PerformanceValue, index: int, level: str) -> list[StreamAmount]:
        improvement = getattr(value.driver.improvement, level)
        path = f"values.{index}.driver"
        return stream_amounts(value, improvement, self.case.baseline, self.case.day_count, path)

    def _schedule(
        self, value: PerformanceValue, kind: str, amount: Decimal, delay: int = 0
    ) -> list[Decimal]:
        """Money per period 0..n for one stream at ``amount`` (per year or one-off)."""
        timing = value.timing
        per_period = amount * self.months / 12 if kind == "recurring" else amount
        end = self._end_period(value)
        return risk.benefit_schedule(
            per_period,
            kind,
            self.n,
            timing.start_period + delay,
            timing.ramp_periods,
            timing.curve,
            None if end is None else end + delay,
        )

    def _value_streams(
        self, value: PerformanceValue, index: int, level: str, weight: bool, late: bool = False
    ):
        """(StreamAmount, schedule) per stream at ``level``, probability-weighted if asked,
        started ``delay_high`` periods late if ``late``."""
        scope = value.extension.scope_multiplier
        probability = self._probability(value) if weight else Decimal(1)
        delay = value.timing.delay_high if late else 0
        out = []
        for stream in self._amounts(value, index, level):
            amount = stream.amount * scope * probability
            out.append((stream, self._schedule(value, stream.kind, amount, delay)))
        return out

    def _value_figures(self, value: PerformanceValue, index: int) -> ev.ValueFigures:
        probability = self._probability(value)
        indicator = {
            "name": value.indicator.name,
            "unit": value.indicator.unit,
            "baseline": _text(value.indicator.baseline),
            "target": _text(value.indicator.target),
        }
        goal_contribution = (
            None if value.goal_contribution is None else value.goal_contribution * probability
        )
        common = {
            "value_id": value.id,
            "name": value.name,
            "kind": value.kind,
            "probability": probability,
            "evidence": value.evidence,
            "indicator": indicator,
            "goal_contribution": goal_contribution,
        }
        if value.kind != "financial":
            return ev.ValueFigures(
                driver_type=None,
                component=None,
                improvement=None,
                streams=[],
                total_expected=Decimal(0),
                **common,
            )
        scope = value.extension.scope_multiplier
        by_level = {level: self._amounts(value, index, level) for level in LEVELS}
        streams = []
        for position, likely in enumerate(by_level["likely"]):
            amount = {
                level: ev.Figure(
                    key=f"{likely.key}_{level}",
                    value=by_level[level][position].amount * scope,
                    unit="money",
                    formula=f"{by_level[level][position].formula}; x scope multiplier",
                    inputs={
                        **by_level[level][position].inputs,
                        "scope_multiplier": str(scope),
                    },
                )
                for level in LEVELS
            }
            expected_amount = likely.amount * scope * probability
            expected = ev.Figure(
                key=f"{likely.key}_expected",
                value=expected_amount,
                unit="money",
                formula="likely amount x scope multiplier x probability",
                inputs={
                    "likely": str(likely.amount),
                    "scope_multiplier": str(scope),
                    "probability": str(probability),
                },
            )
            schedule = self._schedule(value, likely.kind, expected_amount)
            streams.append(ev.Stream(likely.key, likely.kind, amount, expected, schedule))
        improvement = value.driver.improvement
        return ev.ValueFigures(
            driver_type=value.driver.type,
            component=value.driver.component,
            improvement={level: getattr(improvement, level) for level in LEVELS},
            streams=streams,
            total_expected=sum((sum(s.schedule) for s in streams), Decimal(0)),
            **common,
        )

    def _financial(self):
        return [
            (index, value)
            for index, value in enumerate(self.case.values)
            if value.kind == "financial"
        ]

    def _benefits(self, level: str, late: bool = False, one_off: bool = True) -> list[Decimal]:
        """Expected benefits per period at ``level``; without one-off releases if asked."""
        total = [Decimal(0)] * (self.n + 1)
        for index, value in self._financial():
            for stream, schedule in self._value_streams(value, index, level, True, late):
                if one_off or stream.kind != "one_off":
                    total = [a + b for a, b in zip(total, schedule, strict=True)]
        return total

    # -- costs and cash flow ------------------------------------------------------------

    def _costs(self) -> list[Decimal]:
        costs = [Decimal(0)] * (self.n + 1)
        solution = self.case.solution
        for item in solution.costs if solution else []:
            if item.kind == "one_off":
                if item.period <= self.n:
                    costs[item.period] += item.amount
                continue
            last = self.n if item.end_period is None else min(item.end_period, self.n)
            for period in range(max(item.start_period, 1), last + 1):
                costs[period] += item.amount * self.months / 12
        return costs

    def _starts_on(self, period: int) -> dt.date | None:
        start = self.case.start_date
        if start is None:
            return None
        months = start.month - 1 + max(period - 1, 0) * self.case.period_months
        return dt.date(start.year + months // 12, months % 12 + 1, 1)

    def _cash_flow(self, benefits: list[Decimal], costs: list[Decimal]) -> list[ev.CashFlowRow]:
        rows, cumulative, cumulative_discounted = [], Decimal(0), Decimal(0)
        for period, (benefit, cost) in enumerate(zip(benefits, costs, strict=True)):
            net = benefit - cost
            factor = 1 / (1 + self.period_rate) ** period
            cumulative += net
            cumulative_discounted += net * factor
            rows.append(
                ev.CashFlowRow(
                    period=period,
                    starts_on=self._starts_on(period),
                    benefits=benefit,
                    costs=cost,
                    net=net,
                    cumulative=cumulative,
                    discount_factor=factor,
                    discounted_net=net * factor,
                    cumulative_discounted=cumulative_discounted,
                )
            )
        return rows

    def _years(self, periods: Decimal | None) -> Decimal | None:
        return None if periods is None else periods * self.months / 12

    def _roi(self, benefits: list[Decimal], costs: list[Decimal]) -> Decimal | None:
        return returns.roi(benefits, costs) if sum(costs) > 0 else None

    # -- headline -------------------------------------------------------------------------

    def _headline(self, benefits, costs) -> tuple[dict[str, ev.Figure], ev.IrrFigures]:
        net = [b - c for b, c in zip(benefits, costs, strict=True)]
        rate = str(self.period_rate)
        reinvest = self.case.reinvestment_rate
        reinvest_period = (
            self.period_rate if reinvest is None else (1 + reinvest) ** (self.months / 12) - 1
        )
        total_b, total_c = sum(benefits), sum(costs)
        figures = {
            "total_benefits": ev.Figure(
                "total_benefits", total_b, "money", "sum of expected benefits over the horizon"
            ),
            "total_costs": ev.Figure(
                "total_costs", total_c, "money", "sum of solution costs over the horizon"
            ),
            "net_benefit": ev.Figure(
                "net_benefit", total_b - total_c, "money", "total benefits - total costs"
            ),
            "roi": ev.Figure(
                "roi",
                self._roi(benefits, costs),
                "ratio",
                "ROI = (total benefits - total costs) / total costs, undiscounted",
                {"total_benefits": str(total_b), "total_costs": str(total_c)},
                note="" if total_c > 0 else "no costs: ROI is undefined",
            ),
            "npv": ev.Figure(
                "npv",
                returns.npv(self.period_rate, net),
                "money",
                "NPV = sum of net flow_t / (1 + r)^t, t = 0..n; " + NPV_CONVENTION,
                {"rate_per_period": rate, "periods": str(self.n)},
            ),
        }
        mirr = returns.mirr(net, self.period_rate, reinvest_period)
        figures["mirr"] = ev.Figure(
            "mirr",
            None if mirr is None else annualise(mirr, self.per_year),
            "rate",
            "MIRR = (FV of inflows at the reinvestment rate / PV of outflows at the finance "
            "rate)^(1/n) - 1, per year",
            {"finance_rate": rate, "reinvestment_rate": str(reinvest_period)},
        )
        payback = returns.payback_period(net)
        discounted = returns.discounted_payback_period(self.period_rate, net)
        payback_formula = (
            "time after which the cumulative {}flow stays >= 0, interpolated "
            "inside the period; none = never within the horizon"
        )
        figures["payback_years"] = ev.Figure(
            "payback_years", self._years(payback), "years", payback_formula.format("net ")
        )
        figures["discounted_payback_years"] = ev.Figure(
            "discounted_payback_years",
            self._years(discounted),
            "years",
            payback_formula.format("discounted net "),
            {"rate_per_period": rate},
        )
        irr = returns.irr(net)
        roots = [annualise(root, self.per_year) for root in irr.roots]
        irr_figures = ev.IrrFigures(
            status=irr.status,
            rate=None if irr.rate is None else annualise(irr.rate, self.per_year),
            roots=roots,
            message=t(
                f"irr.{irr.status}",
                self.case.locale,
                roots=", ".join(f"{root * 100:.2f}%" for root in roots),
            ),
        )
        figures["irr"] = ev.Figure(
            "irr",
            irr_figures.rate,
            "rate",
            "IRR: the rate at which NPV = 0, per year; reported only when exactly one exists",
            note=irr_figures.message if irr.status != "unique" else "",
        )
        figures["cost_of_delay_per_month"] = self._cost_of_delay()
        operating = self._benefits("likely", one_off=False)
        released = total_b - sum(operating)
        figures["cash_released"] = ev.Figure(
            "cash_released",
            released,
            "money",
            "sum of expected one-off working-capital releases (not operating income)",
        )
        figures["roi_operating"] = ev.Figure(
            "roi_operating",
            self._roi(operating, costs),
            "ratio",
            "ROI without one-off cash releases = (operating benefits - total costs) / total costs",
            {"operating_benefits": str(sum(operating)), "total_costs": str(total_c)},
        )
        return figures, irr_figures

    def _cost_of_delay(self) -> ev.Figure:
        total, inputs = Decimal(0), {}
        for index, value in self._financial():
            for stream, _ in self._value_streams(value, index, "likely", weight=True):
                if stream.kind == "recurring":
                    monthly = (
                        stream.amount
                        * value.extension.scope_multiplier
                        * self._probability(value)
                        / 12
                    )
                    inputs[f"{value.id}.{stream.key}"] = str(monthly)
                    total += monthly
        return ev.Figure(
            "cost_of_delay_per_month",
            total,
            "money",
            "sum of recurring expected benefits at full effect per year / 12",
            inputs,
        )

    def _scenarios(self, costs: list[Decimal]) -> list[ev.Scenario]:
        out = []
        for name, (level, late) in SCENARIOS.items():
            benefits = self._benefits(level, late)
            net = [b - c for b, c in zip(benefits, costs, strict=True)]
            out.append(
                ev.Scenario(
                    name=name,
                    npv=returns.npv(self.period_rate, net),
                    roi=self._roi(benefits, costs),
                    payback_years=self._years(returns.payback_period(net)),
                )
            )
        return out

    # -- turnover and margin before/after ------------------------------------------------

    def _full_effect_releases(self) -> dict[str, Decimal]:
        released = {"inventory": Decimal(0), "receivables": Decimal(0), "payables": Decimal(0)}
        for index, value in self._financial():
            if value.driver.type != "working_capital":
                continue
            for stream in self._amounts(value, index, "likely"):
                if stream.key == "release":
                    released[value.driver.component] += (
                        stream.amount * value.extension.scope_multiplier
                    )
        return released

    def _turnover(self) -> ev.TurnoverComparison | None:
        b = self.case.baseline
        if min(b.revenue, b.cogs, b.inventory, b.receivables, b.payables) <= 0:
            return None  # no working-capital profile to compare (e.g. a bank's baseline)
        released = self._full_effect_releases()
        before = turnover.working_capital(
            b.revenue, b.cogs, b.inventory, b.receivables, b.payables, b.cash
        )
        after = turnover.working_capital(
            b.revenue,
            b.cogs,
            b.inventory - released["inventory"],
            b.receivables - released["receivables"],
            b.payables + released["payables"],
            b.cash,
        )
        change = turnover.working_capital_release(before, after, self.case.day_count)

        def profile(p) -> dict[str, Decimal | None]:
            keys = ("inventory_turnover", "dio", "receivables_turnover", "dso")
            keys += ("payables_turnover", "dpo", "ccc", "cash_turnover")
            return {key: getattr(p, key) for key in keys}

        release_keys = ("dio_saved", "dso_saved", "dpo_gained", "ccc_saved", "inventory_release")
        release_keys += ("receivables_release", "payables_release", "total_release")
        release = {key: getattr(change, key) for key in release_keys}
        # Shown for information only: the yearly cost of capital on the released cash is
        # another view of the same one-off release, so no figure adds it.
        release["capital_charge_per_year"] = turnover.capital_charge(
            change.total_release, b.cost_of_capital
        )
        return ev.TurnoverComparison(
            before=profile(change.before),
            after=profile(change.after),
            release=release,
            day_count=self.case.day_count,
        )

    def _margin(self) -> ev.MarginComparison | None:
        """The P&L at full effect of every likely value, from the same streams as the cash
        flow: revenue uplifts add revenue (and their variable costs), price realisation adds
        revenue only, margin improvements cut variable costs, cost reductions cut fixed
        costs. Cost avoidance is not in the baseline P&L, so it does not appear here."""
        b = self.case.baseline
        if b.revenue <= 0:
            return None
        revenue_after, variable_after = b.revenue, b.variable_costs
        fixed_after = b.fixed_costs
        for index, value in self._financial():
            driver, scope = value.driver, value.extension.scope_multiplier
            benefit = sum(s.amount for s in self._amounts(value, index, "likely")) * scope
            if driver.type in ("revenue_uplift", "price_realisation"):
                added = driver.improvement.likely * scope
                revenue_after += added
                variable_after += added - benefit
            elif driver.type == "margin_improvement":
                variable_after -= benefit
            elif driver.type == "cost_reduction":
                fixed_after -= benefit
        fixed_after = max(fixed_after, Decimal(0))
        return ev.MarginComparison(
            before=_margin_profile(b.revenue, b.variable_costs, b.fixed_costs),
            after=_margin_profile(revenue_after, variable_after, fixed_after),
        )

    # -- risk -----------------------------------------------------------------------------

    def _drivers(self) -> list[tuple[str, str, simulation.Driver]]:
        """(value id, stream key, simulation driver) for every financial stream."""
        out = []
        for index, value in self._financial():
            by_level = {level: self._amounts(value, index, level) for level in LEVELS}
            scope = value.extension.scope_multiplier
            for position, stream in enumerate(by_level["likely"]):
                per_period = self.months / 12 if stream.kind == "recurring" else Decimal(1)
                amount = {
                    level: float(by_level[level][position].amount * scope * per_period)
                    for level in LEVELS
                }
                out.append(
                    (
                        value.id,
                        stream.key,
                        simulation.Driver(
                            name=f"{value.name} ({t('stream.' + stream.key, self.case.locale)})",
                            low=amount["low"],
                            likely=amount["likely"],
                            high=amount["high"],
                            probability=float(self._probability(value)),
                            distribution=value.distribution,
                            kind=stream.kind,
                            start_period=value.timing.start_period,
                            ramp_periods=value.timing.ramp_periods,
                            curve=value.timing.curve,
                            end_period=self._end_period(value),
                            delay_low=value.timing.delay_low,
                            delay_high=value.timing.delay_high,
                        ),
                    )
                )
        return out

    def _simulation(self, drivers, costs: list[Decimal]) -> ev.SimulationFigures:
        settings = self.case.simulation
        result = simulation.simulate(
            [d for _, _, d in drivers],
            [float(c) for c in costs],
            float(self.period_rate),
            settings.trials,
            settings.seed,
        )
        counts, edges = result.histogram(bins=20)
        years = self.months / 12
        return ev.SimulationFigures(
            trials=result.trials,
            seed=result.seed,
            npv=_percentiles(result.npv_summary),
            roi=_percentiles(result.roi_summary),
            payback_years=_percentiles(result.payback_summary, scale=years),
            probability_npv_positive=_decimal(result.probability_npv_positive),
            probability_payback=_decimal(result.probability_payback),
            histogram_counts=[int(c) for c in counts],
            histogram_edges=[_decimal(e) for e in edges],
        )

    def _tornado(self, drivers, costs: list[Decimal]) -> list[ev.TornadoBar]:
        bars = sensitivity.driver_tornado(
            [d for _, _, d in drivers], [float(c) for c in costs], float(self.period_rate)
        )
        ids = {d.name: (value_id, key) for value_id, key, d in drivers}
        return [
            ev.TornadoBar(
                name=bar.name,
                value_id=ids[bar.name][0],
                stream=ids[bar.name][1],
                low_input=_decimal(bar.low_input),
                high_input=_decimal(bar.high_input),
                npv_at_low=_decimal(bar.output_at_low),
                npv_at_high=_decimal(bar.output_at_high),
                base_npv=_decimal(bar.base_output),
                swing=_decimal(bar.swing),
            )
            for bar in bars
        ]

    # -- goal -----------------------------------------------------------------------------

    def _goal(self, values: list[ev.ValueFigures]) -> ev.GoalFigures | None:
        goal = self.case.goal
        if goal is None:
            return None
        movement = sum(
            (v.goal_contribution for v in values if v.goal_contribution is not None), Decimal(0)
        )
        gap = goal.target - goal.baseline
        attainment = None if gap == 0 else movement / gap
        return ev.GoalFigures(
            metric=goal.metric,
            unit=goal.unit,
            baseline=goal.baseline,
            target=goal.target,
            gap=gap,
            expected_movement=movement,
            projected=goal.baseline + movement,
            attainment=ev.Figure(
                "goal_attainment",
                attainment,
                "ratio",
                "sum of (goal contribution x probability) / (target - baseline)",
                {"movement": str(movement), "gap": str(gap)},
            ),
        )

    # -- all ------------------------------------------------------------------------------

    def run(self, simulate: bool) -> ev.Evaluation:
        case = self.case
        values = [self._value_figures(value, i) for i, value in enumerate(case.values)]
        benefits = self._benefits("likely")
        costs = self._costs()
        headline, irr = self._headline(benefits, costs)
        goal = self._goal(values)
        if goal is not None:
            headline["goal_attainment"] = goal.attainment
        drivers = self._drivers()
        for value in case.values:
            if value.probability is None:
                self.warnings.append(
                    t("finding.value_without_probability", case.locale, value=value.name)
                )
        return ev.Evaluation(
            methodology_version=ev.METHODOLOGY_VERSION,
            input_hash=input_hash(case),
            currency=case.currency,
            locale=case.locale,
            periods=self.n,
            period_months=case.period_months,
            day_count=case.day_count,
            discount_rate=case.discount_rate,
            period_rate=self.period_rate,
            npv_convention=NPV_CONVENTION,
            values=values,
            cash_flow=self._cash_flow(benefits, costs),
            headline=headline,
            irr=irr,
            scenarios=self._scenarios(costs),
            turnover=self._turnover(),
            margin=self._margin(),
            simulation=self._simulation(drivers, costs) if simulate and drivers else None,
            tornado=self._tornado(drivers, costs) if drivers else [],
            goal=goal,
            findings=stages.check(case),
            warnings=self.warnings,
        )


def _margin_profile(revenue: Decimal, variable: Decimal, fixed: Decimal) -> dict:
    cm = margin.contribution_margin(revenue, variable)
    ratio = margin.contribution_margin_ratio(revenue, variable)
    return {
        "revenue": revenue,
        "variable_costs": variable,
        "contribution_margin": cm,
        "cm_ratio": ratio,
        "fixed_costs": fixed,
        "operating_profit": cm - fixed,
        "break_even_revenue": margin.break_even_revenue(fixed, ratio) if ratio > 0 else None,
    }


def _decimal(x: float) -> Decimal | None:
    """A float from the simulation as Decimal (None for NaN or infinity: "never")."""
    return Decimal(repr(float(x))) if math.isfinite(x) else None


def _percentiles(p, scale: Decimal = Decimal(1)) -> ev.Percentiles:
    def scaled(x):
        d = _decimal(x)
        return None if d is None else d * scale

    return ev.Percentiles(
        p10=scaled(p.p10), p50=scaled(p.p50), p90=scaled(p.p90), mean=scaled(p.mean)
    )


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)
