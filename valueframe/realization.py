"""Value realization after the sale: the baselined frame against what was measured.

:func:`realize` takes the case the customer accepted, its evaluation (the plan), the
actuals recorded since (:mod:`valueframe.actuals`) and the period reached, and returns a
:class:`Realization`: per performance value and in total, what was expected and what was
realized to date, realized NPV and ROI to date, a re-forecast to the horizon, the strategic
goal's progress, the key issues relieved on the 3x3 grid, and signals for the account team.

Conventions (also in :data:`CONVENTIONS`, shown with every realization, and in each
figure's formula):

1. Periods and discounting are the evaluation's (:mod:`valueframe.evaluate`): period 0 is
   the investment, periods 1..n follow; NPV discounts period t by (1 + r)^t at the per-period
   rate, period 0 undiscounted. "To date" means periods 0..as_of_period.
2. Which actual counts: per value and period the current actual, i.e. the one entered last
   (corrections keep history, :func:`valueframe.actuals.current`). Actuals after
   as_of_period are ignored.
3. From indicator to effect: a value's indicator moves from ``indicator.baseline`` toward
   ``indicator.target``; reaching the target is the plan's full (likely) effect. The effect
   measured in period t is e_t = (actual - baseline) / (target - baseline) (1 = full
   effect, above 1 = beyond the target, below 0 = worse than the baseline). A value whose
   indicator lacks a baseline or a target, or whose target equals its baseline, cannot be
   measured: it realizes nothing and is signalled.
4. From effect to money (financial values): realized improvement in period t =
   likely improvement x (actual - baseline) / (target - baseline), floored at zero - a
   measurement worse than the baseline books no value (the frame claims what the solution
   delivers; a deterioration shows in the indicator and the signals, not as negative
   money). Money = :func:`valueframe.valuation.stream_amounts` at that improvement, scaled
   exactly as the plan is: a recurring stream per year x period_months / 12 x scope
   multiplier; a one-off stream (a working-capital release) x scope multiplier, released
   only on the increment of the improvement over the best improvement already released -
   never released twice, and a relapse is not booked back. Money is booked in the period
   measured, whatever the plan's timing (an early gain counts); the plan's timing shapes
   only the expected schedule, the delivery rate and the re-forecast.
5. Realized money is NOT probability-weighted: it happened. Expected money is the plan's
   expected (probability-weighted) schedule from the evaluation, so a value delivered
   exactly on its likely plan shows a realization rate of 1 / probability.
6. A period without an actual realizes nothing: what was not measured is not claimed
   (the missing periods are signalled).
7. Realization rate = realized to date / expected to date (money; none when expected is 0).
   Delivery rate = sum of measured effects / sum of planned effects over the measured
   periods up to as_of_period, where the planned effect is the value's ramp fraction
   (likely plan, not probability-weighted). The delivery rate compares performance with the
   plan on evidence only, for financial and non-financial values alike; the signals and the
   grid use it. (The money rate would call every value delivered on plan "ahead" by
   1 / probability, and mix missing data with under-delivery.)
8. Realized NPV and ROI to date: realized benefits minus the plan's costs (the evaluation's
   cash flow) in periods 0..as_of_period. Actual costs are not tracked: the plan's costs
   stand.
9. Re-forecast to the horizon (a run-rate rule, not the average rate to date): periods up to
   as_of_period are realized; later ones continue from the latest measured period L with a
   planned effect f_L > 0: forecast effect in t = max(0, e_L) x f_t / f_L (the run-rate
   reached, relative to the plan at that point, carried along the rest of the plan's ramp
   and extension window), money from it as in 4 and not probability-weighted (the value is
   proven); one-off releases continue the same ratchet, so a release already realized is
   never forecast again; where the carried run-rate exceeds what the baseline can hold
   (more days than the balance has), the latest measured improvement is held instead. A
   value with no such measurement keeps its expected (probability-weighted) schedule.
   Why not scale the remaining plan by the rate to date: that would release a
   working-capital gain twice when it came early, and let a slow ramp-up year depress
   every later year.
10. Goal progress = (latest goal actual - goal baseline) / (goal target - goal baseline).
    The plan's expected position in period t = baseline + sum over values of goal
    contribution x probability x the value's ramp fraction in t.
11. A key issue is relieved when every linked value with a delivery rate reaches the relief
    threshold (default 1 - threshold); not relieved when one does not; pending when no
    linked value has a delivery rate yet; unlinked when no value is linked to it.
12. Signals: behind plan (delivery rate < 1 - threshold), ahead of plan (delivery rate >
    1 + threshold: a new opportunity - the next frame starts here), missing actuals (a
    period from the value's start period to as_of_period, within its extension window,
    without an actual; for the goal, every period 1..as_of_period), unmeasurable values.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext

from calculators import returns, risk
from calculators.errors import OutOfRangeError
from valueframe.actuals import Actual, ActualsError, current, validate_actuals
from valueframe.evaluate import NPV_CONVENTION, input_hash
from valueframe.evaluation import Evaluation, Figure, ValueFigures
from valueframe.grid import grid_codes
from valueframe.i18n import t
from valueframe.model import PerformanceValue, ValueCase
from valueframe.valuation import stream_amounts

REALIZATION_METHOD = "valueframe-realization/1.0"
THRESHOLD = Decimal("0.2")
CONVENTIONS = tuple(f"realization.convention.{n}" for n in range(1, 13))
STATUSES = ("ahead", "on_plan", "behind", "pending", "unmeasurable")
RELIEF = ("relieved", "not_relieved", "pending", "unlinked")
SIGNALS = ("behind", "ahead", "missing_actuals", "unmeasurable")
_PRECISION = 34
_ZERO = Decimal(0)


@dataclass(frozen=True)
class IndicatorPoint:
    """One period of a value's indicator: planned, measured and re-forecast."""

    period: int
    planned_effect: Decimal  # the plan's ramp fraction f_t (1 = full effect)
    planned: Decimal | None  # baseline + f_t x (target - baseline); None: not measurable
    actual: Decimal | None  # the current actual (None: not measured, or after as_of)
    effect: Decimal | None  # (actual - baseline) / (target - baseline)
    forecast: Decimal | None  # re-forecast indicator after as_of (None up to as_of)
    entry: Actual | None  # the current actual itself
    corrections: int  # earlier entries of this period, superseded but kept


@dataclass(frozen=True)
class ValueRealization:
    value_id: str
    name: str
    kind: str  # financial | non_financial
    probability: Decimal
    measurable: bool
    status: str  # ahead | on_plan | behind | pending | unmeasurable
    indicator: dict[str, str | None]  # name, unit, baseline, target
    points: list[IndicatorPoint]  # periods 1..n
    expected: list[Decimal]  # money per period 0..n, the plan's expected (financial only)
    realized: list[Decimal]  # money per period 0..as_of (financial only)
    reforecast: list[Decimal]  # money per period 0..n: realized, then forecast
    figures: dict[str, Figure]
    missing_periods: tuple[int, ...]


@dataclass(frozen=True)
class RealizationRow:
    period: int
    starts_on: dt.date | None
    expected: Decimal  # the plan's expected benefits
    realized: Decimal | None  # None after as_of
    reforecast: Decimal  # realized up to as_of, forecast after
    costs: Decimal  # the plan's costs
    discount_factor: Decimal


@dataclass(frozen=True)
class GoalPoint:
    period: int
    expected: Decimal  # the plan's expected position of the metric
    actual: Decimal | None
    entry: Actual | None
    corrections: int


@dataclass(frozen=True)
class GoalProgress:
    metric: str
    unit: str
    baseline: Decimal
    target: Decimal
    deadline: dt.date | None
    points: list[GoalPoint]  # periods 1..n
    latest_period: int | None  # the period of the latest goal actual up to as_of
    latest: Decimal | None
    progress: Figure  # share of the gap closed by the latest actual
    expected_progress: Figure  # the plan's expected share of the gap closed by as_of
    missing_periods: tuple[int, ...]


@dataclass(frozen=True)
class IssueRelief:
    issue_id: str
    title: str
    cell: str | None  # grid cell code, e.g. process.design
    status: str  # relieved | not_relieved | pending | unlinked
    value_ids: tuple[str, ...]
    delivery: dict[str, Decimal | None]  # linked value -> its delivery rate


@dataclass(frozen=True)
class CellRelief:
    code: str
    relieved: tuple[str, ...]
    not_relieved: tuple[str, ...]
    pending: tuple[str, ...]
    unlinked: tuple[str, ...]


@dataclass(frozen=True)
class Signal:
    kind: str  # behind | ahead | missing_actuals | unmeasurable
    value_id: str | None  # None = the strategic goal
    message: str
    rate: Decimal | None = None  # the delivery rate behind the signal
    periods: tuple[int, ...] = ()


@dataclass(frozen=True)
class Realization:
    method: str
    methodology_version: str
    input_hash: str
    currency: str
    locale: str
    as_of_period: int
    periods: int
    period_months: int
    period_rate: Decimal
    npv_convention: str
    threshold: Decimal
    relief_threshold: Decimal
    values: list[ValueRealization]
    totals: dict[str, Figure]
    cash_flow: list[RealizationRow]
    goal: GoalProgress | None
    issues: list[IssueRelief]
    cells: list[CellRelief]
    signals: list[Signal]
    conventions: list[str]


def conventions(locale: str) -> list[str]:
    """The conventions of every realization, in ``locale``."""
    return [t(key, locale) for key in CONVENTIONS]


def realize(
    case: ValueCase,
    evaluation: Evaluation,
    actuals: Sequence[Actual],
    as_of_period: int,
    *,
    threshold: Decimal = THRESHOLD,
    relief_threshold: Decimal | None = None,
) -> Realization:
    """The realization of ``case`` at the end of ``as_of_period`` (1..n).

    ``evaluation`` must be ``evaluate(case)`` (its input hash is checked); ``actuals`` is the
    whole history (corrections included); ``threshold`` (0 < threshold < 1) sets the behind /
    ahead signals, ``relief_threshold`` (> 0, default 1 - threshold) the delivery rate at
    which an issue counts as relieved. Raises :class:`~valueframe.actuals.ActualsError` for
    actuals that do not fit the case, ``OutOfRangeError`` naming a bad argument.
    """
    if isinstance(as_of_period, bool) or not isinstance(as_of_period, int):
        raise OutOfRangeError("as_of_period", "expected a whole number")
    if not 1 <= as_of_period <= case.periods:
        raise OutOfRangeError("as_of_period", f"must lie in 1..{case.periods}")
    if not _ZERO < threshold < 1:
        raise OutOfRangeError("threshold", f"must lie strictly between 0 and 1, got {threshold}")
    relief = 1 - threshold if relief_threshold is None else relief_threshold
    if relief <= 0:
        raise OutOfRangeError("relief_threshold", f"must be greater than 0, got {relief}")
    if evaluation.input_hash != input_hash(case):
        raise ValueError("the evaluation is not of this case: evaluate the baselined case")
    validate_actuals(actuals, case)
    with localcontext() as context:
        context.prec = _PRECISION
        return _Realizer(case, evaluation, actuals, as_of_period, threshold, relief).run()


class _Realizer:
    def __init__(self, case, evaluation, actuals, as_of, threshold, relief):
        self.case: ValueCase = case
        self.evaluation: Evaluation = evaluation
        self.actuals: Sequence[Actual] = actuals
        self.as_of: int = as_of
        self.threshold: Decimal = threshold
        self.relief: Decimal = relief
        self.n = case.periods
        self.months = Decimal(case.period_months)
        self.locale = case.locale
        self.current = {key: actual for key, actual in current(actuals).items() if key[1] <= as_of}
        self.counts: dict[tuple[str | None, int], int] = {}
        for actual in actuals:
            self.counts[actual.key] = self.counts.get(actual.key, 0) + 1

    # -- timing ---------------------------------------------------------------------------

    def _end_period(self, value: PerformanceValue) -> int | None:
        years = value.extension.years
        if years is None:
            return None
        return value.timing.start_period + years * self.case.periods_per_year - 1

    def _fractions(self, value: PerformanceValue) -> tuple[Decimal, ...]:
        """The plan's ramp fraction per period 0..n (the evaluation's timing, no delay)."""
        timing = value.timing
        return risk.ramp_fractions(
            self.n, timing.start_period, timing.ramp_periods, timing.curve, self._end_period(value)
        )

    def _entry(self, value_id: str | None, period: int) -> tuple[Actual | None, int]:
        entry = self.current.get((value_id, period))
        count = self.counts.get((value_id, period), 0)
        return entry, max(count - 1, 0) if entry is not None else 0

    # -- one value ----------------------------------------------------------------------------

    def _points(self, value, f, measured, effects, counts, forecast_effects):
        """The indicator per period 1..n: planned, measured, and re-forecast after as_of."""
        b, g = value.indicator.baseline, value.indicator.target
        measurable = b is not None and g is not None and g != b
        points = []
        for period in range(1, self.n + 1):
            entry = measured.get(period)
            forecast = None
            if period > self.as_of and measurable:
                forecast = b + forecast_effects[period] * (g - b)
            points.append(
                IndicatorPoint(
                    period=period,
                    planned_effect=f[period],
                    planned=b + f[period] * (g - b) if measurable else None,
                    actual=None if entry is None else entry.indicator_value,
                    effect=effects.get(period),
                    forecast=forecast,
                    entry=entry,
                    corrections=counts[period],
                )
            )
        return points

    def _value(self, index: int, value: PerformanceValue, figures: ValueFigures):
        indicator = value.indicator
        b, g = indicator.baseline, indicator.target
        measurable = b is not None and g is not None and g != b
        f = self._fractions(value)
        probability = Decimal(1) if value.probability is None else value.probability

        measured: dict[int, Actual] = {}
        effects: dict[int, Decimal] = {}
        counts: dict[int, int] = {}
        for period in range(1, self.n + 1):
            entry, corrections = self._entry(value.id, period)
            counts[period] = corrections
            if entry is not None:
                measured[period] = entry
                if measurable:
                    effects[period] = (entry.indicator_value - b) / (g - b)

        delivery = _delivery(effects, f)
        latest = max((p for p in effects if f[p] > 0), default=None)
        run_rate = None if latest is None else max(_ZERO, effects[latest]) / f[latest]

        start = value.timing.start_period
        end = self._end_period(value)
        last = self.as_of if end is None else min(self.as_of, end)
        missing = tuple(p for p in range(start, last + 1) if p not in measured)
        status = self._status(delivery) if measurable else "unmeasurable"

        info = {
            "name": indicator.name,
            "unit": indicator.unit,
            "baseline": None if b is None else str(b),
            "target": None if g is None else str(g),
        }
        rate_figure = Figure(
            "delivery_rate",
            delivery,
            "ratio",
            "sum of measured effects / sum of planned effects over the measured periods "
            "up to as_of; effect = (actual - indicator baseline) / (indicator target - "
            "indicator baseline), planned effect = the plan's ramp fraction",
            {
                "measured_periods": ",".join(str(p) for p in sorted(effects)),
                "measured_effects": str(sum(effects.values(), _ZERO)),
                "planned_effects": str(sum((f[p] for p in effects), _ZERO)),
            },
            note="" if measurable else "the indicator has no baseline or target to measure",
        )
        common = {
            "value_id": value.id,
            "name": value.name,
            "kind": value.kind,
            "probability": probability,
            "measurable": measurable,
            "status": status,
            "indicator": info,
            "missing_periods": missing,
        }
        # forecast effect after as_of: the run-rate along the ramp (the plan without one)
        forecast_effects = {
            t: f[t] if run_rate is None else run_rate * f[t]
            for t in range(self.as_of + 1, self.n + 1)
        }
        if value.kind != "financial":
            points = self._points(value, f, measured, effects, counts, forecast_effects)
            return ValueRealization(
                points=points,
                expected=[],
                realized=[],
                reforecast=[],
                figures={"delivery_rate": rate_figure},
                **common,
            )

        money = self._money(index, value, figures, measurable, f, measured, latest, probability)
        expected, realized, reforecast, released, levels = money
        likely = value.driver.improvement.likely
        if measurable and likely != 0:  # the indicator of the improvement actually forecast
            forecast_effects = {t: level / likely for t, level in levels.items()}
        points = self._points(value, f, measured, effects, counts, forecast_effects)
        expected_to_date = sum(expected[: self.as_of + 1], _ZERO)
        realized_to_date = sum(realized, _ZERO)
        driver = value.driver
        trail = {
            "likely_improvement": str(driver.improvement.likely),
            "indicator_baseline": info["baseline"],
            "indicator_target": info["target"],
            "scope_multiplier": str(value.extension.scope_multiplier),
            "period_months": str(self.case.period_months),
            "measured_periods": ",".join(str(p) for p in sorted(measured)),
        }
        figures_out = {
            "expected_to_date": Figure(
                "expected_to_date",
                expected_to_date,
                "money",
                "sum of the evaluation's expected schedule (likely x scope x probability, "
                "ramped) over periods 1..as_of",
                {"as_of_period": str(self.as_of), "probability": str(probability)},
            ),
            "realized_to_date": Figure(
                "realized_to_date",
                realized_to_date,
                "money",
                "sum over measured periods of the money at the realized improvement = likely "
                "x (actual - indicator baseline) / (indicator target - indicator baseline), "
                "floored at 0; recurring: per year x months / 12 x scope; one-off: x scope, "
                "on the increment over the best improvement already released; not "
                "probability-weighted",
                {k: v for k, v in trail.items() if v is not None},
                note="" if measurable else "the indicator has no baseline or target to measure",
            ),
            "cash_released_to_date": Figure(
                "cash_released_to_date",
                released,
                "money",
                "one-off working-capital releases realized to date (not operating income)",
            ),
            "realization_rate": Figure(
                "realization_rate",
                None if expected_to_date == 0 else realized_to_date / expected_to_date,
                "ratio",
                "realized to date / expected to date; none when expected to date is 0",
                {"realized": str(realized_to_date), "expected": str(expected_to_date)},
            ),
            "delivery_rate": rate_figure,
            "reforecast_benefits": Figure(
                "reforecast_benefits",
                sum(reforecast, _ZERO),
                "money",
                "realized to date + forecast after as_of: the latest measured effect relative "
                "to the plan carried along the plan's ramp, not probability-weighted; the "
                "expected schedule when nothing was measured yet",
                {
                    "latest_measured_period": "" if latest is None else str(latest),
                    "run_rate": "" if run_rate is None else str(run_rate),
                },
            ),
            "expected_total": Figure(
                "expected_total",
                figures.total_expected,
                "money",
                "the evaluation's expected benefits over the horizon",
            ),
        }
        return ValueRealization(
            points=points,
            expected=expected,
            realized=realized,
            reforecast=reforecast,
            figures=figures_out,
            **common,
        )

    def _streams(self, index: int, value: PerformanceValue, improvement: Decimal):
        path = f"values.{index}.driver"
        return stream_amounts(value, improvement, self.case.baseline, self.case.day_count, path)

    def _impossible(self, entry: Actual, improvement: Decimal, error) -> ActualsError:
        """An actual whose improvement the baseline cannot hold (more days than it has)."""
        position = next(i for i, a in enumerate(self.actuals) if a is entry)
        params = {"improvement": str(improvement), "reason": error.message}
        message = t("actuals.error.impossible_improvement", self.locale, **params)
        error = {"index": position, "field": "indicator_value", "code": "impossible_improvement"}
        return ActualsError([{**error, "message": message}], message)

    def _money(self, index, value, figures, measurable, f, measured, latest, probability):
        """Money per period - expected 0..n, realized 0..as_of, reforecast 0..n - the cash
        released to date, and the improvement level forecast for each period after as_of."""
        n, as_of = self.n, self.as_of
        scope = value.extension.scope_multiplier
        b, g = value.indicator.baseline, value.indicator.target
        likely = value.driver.improvement.likely
        streams = figures.streams
        expected = [sum((s.schedule[t] for s in streams), _ZERO) for t in range(n + 1)]
        realized = [_ZERO] * (as_of + 1)
        reforecast = [_ZERO] * (n + 1)
        released = _ZERO
        best = _ZERO  # the best improvement already released (one-off streams)
        levels: dict[int, Decimal] = {}
        if measurable:
            for period in sorted(measured):
                levels[period] = likely * (measured[period].indicator_value - b) / (g - b)

        def book(period: int, level: Decimal) -> Decimal:
            """Money in ``period`` at improvement ``level`` (floored at 0): recurring streams
            at the level, one-off streams on the increment over the best level released."""
            nonlocal best, released
            level = max(_ZERO, level)
            increment = max(_ZERO, level - best)
            # Both lookups run before anything is booked: an error leaves nothing half done.
            at_level = self._streams(index, value, level)
            at_increment = self._streams(index, value, increment)
            total = _ZERO
            for stream, step in zip(at_level, at_increment, strict=True):
                if stream.kind == "recurring":
                    total += stream.amount * self.months / 12 * scope
                else:
                    money = step.amount * scope
                    total += money
                    if period <= as_of:
                        released += money
            best = max(best, level)
            return total

        for period, level in sorted(levels.items()):
            try:
                realized[period] = book(period, level)
            except OutOfRangeError as error:
                raise self._impossible(measured[period], level, error) from None
            reforecast[period] = realized[period]

        forecast = {t: likely * f[t] for t in range(as_of + 1, n + 1)}  # improvement levels
        if latest is not None:
            run = levels[latest] / f[latest]
            for period in forecast:
                forecast[period] = max(_ZERO, run * f[period])
                try:
                    reforecast[period] = book(period, forecast[period])
                except OutOfRangeError:
                    # the run rate carried along the ramp exceeds what the baseline can hold:
                    # the latest measured improvement is held instead
                    forecast[period] = max(_ZERO, levels[latest])
                    reforecast[period] = book(period, forecast[period])
        elif best == 0:
            reforecast[as_of + 1 :] = expected[as_of + 1 :]
        else:
            # Released before the plan's start, nothing measured since: the recurring plan
            # stands, and of the one-off only what the plan releases beyond the best level.
            for period in range(as_of + 1, n + 1):
                planned = likely * f[period]
                recurring = (s.schedule[period] for s in streams if s.kind == "recurring")
                one_off = _ZERO
                if planned > best:
                    step = self._streams(index, value, planned - best)
                    one_off = sum((s.amount * scope for s in step if s.kind == "one_off"), _ZERO)
                    best = planned
                reforecast[period] = sum(recurring, _ZERO) + one_off * probability
        return expected, realized, reforecast, released, forecast

    def _status(self, delivery: Decimal | None) -> str:
        if delivery is None:
            return "pending"
        if delivery < 1 - self.threshold:
            return "behind"
        if delivery > 1 + self.threshold:
            return "ahead"
        return "on_plan"

    # -- totals -------------------------------------------------------------------------------

    def _totals(self, values: list[ValueRealization]) -> tuple[dict[str, Figure], list]:
        ev, n, as_of = self.evaluation, self.n, self.as_of
        financial = [v for v in values if v.kind == "financial"]
        costs = [row.costs for row in ev.cash_flow]
        expected = [row.benefits for row in ev.cash_flow]
        realized = [sum((v.realized[t] for v in financial), _ZERO) for t in range(as_of + 1)]
        reforecast = [sum((v.reforecast[t] for v in financial), _ZERO) for t in range(n + 1)]
        rate = str(ev.period_rate)
        expected_to_date = sum(expected[: as_of + 1], _ZERO)
        realized_to_date = sum(realized, _ZERO)
        costs_to_date = sum(costs[: as_of + 1], _ZERO)
        released = sum((v.figures["cash_released_to_date"].value for v in financial), _ZERO)

        def npv(benefits: list[Decimal]) -> Decimal:
            flows = [b - c for b, c in zip(benefits, costs, strict=False)]
            return returns.npv(ev.period_rate, flows)

        def roi(benefits: list[Decimal]) -> Decimal | None:
            spent = costs[: len(benefits)]
            return returns.roi(benefits, spent) if sum(spent) > 0 else None

        npv_formula = "NPV = sum of (benefits_t - plan costs_t) / (1 + r)^t, t = 0..{}; "
        roi_formula = "ROI = ({} benefits - plan costs) / plan costs over periods 0..{}"
        totals = {
            "expected_to_date": Figure(
                "expected_to_date",
                expected_to_date,
                "money",
                "sum of the evaluation's expected benefits over periods 1..as_of",
                {"as_of_period": str(as_of)},
            ),
            "realized_to_date": Figure(
                "realized_to_date",
                realized_to_date,
                "money",
                "sum of every financial value's realized money to date (not probability-weighted)",
            ),
            "realization_rate": Figure(
                "realization_rate",
                None if expected_to_date == 0 else realized_to_date / expected_to_date,
                "ratio",
                "realized to date / expected to date; none when expected to date is 0",
                {"realized": str(realized_to_date), "expected": str(expected_to_date)},
            ),
            "cash_released_to_date": Figure(
                "cash_released_to_date",
                released,
                "money",
                "one-off working-capital releases realized to date (not operating income)",
            ),
            "costs_to_date": Figure(
                "costs_to_date",
                costs_to_date,
                "money",
                "the plan's costs over periods 0..as_of (actual costs are not tracked)",
            ),
            "npv_to_date": Figure(
                "npv_to_date",
                npv(realized),
                "money",
                npv_formula.format("as_of") + NPV_CONVENTION,
                {"rate_per_period": rate, "as_of_period": str(as_of)},
            ),
            "roi_to_date": Figure(
                "roi_to_date",
                roi(realized),
                "ratio",
                roi_formula.format("realized", "as_of"),
                {"realized": str(realized_to_date), "costs": str(costs_to_date)},
                note="" if costs_to_date > 0 else "no costs to date: ROI is undefined",
            ),
            "expected_npv_to_date": Figure(
                "expected_npv_to_date",
                npv(expected[: as_of + 1]),
                "money",
                npv_formula.format("as_of") + NPV_CONVENTION + " (the plan's expected benefits)",
                {"rate_per_period": rate, "as_of_period": str(as_of)},
            ),
            "expected_roi_to_date": Figure(
                "expected_roi_to_date",
                roi(expected[: as_of + 1]),
                "ratio",
                roi_formula.format("expected", "as_of"),
                {"expected": str(expected_to_date), "costs": str(costs_to_date)},
            ),
            "reforecast_benefits": Figure(
                "reforecast_benefits",
                sum(reforecast, _ZERO),
                "money",
                "realized to date + forecast after as_of (run-rate rule, see conventions)",
            ),
            "reforecast_npv": Figure(
                "reforecast_npv",
                npv(reforecast),
                "money",
                npv_formula.format("n") + NPV_CONVENTION + " (realized, then re-forecast)",
                {"rate_per_period": rate, "periods": str(n)},
            ),
            "reforecast_roi": Figure(
                "reforecast_roi",
                roi(reforecast),
                "ratio",
                roi_formula.format("re-forecast", "n"),
                {"reforecast": str(sum(reforecast, _ZERO)), "costs": str(sum(costs, _ZERO))},
            ),
            "plan_npv": dataclasses.replace(ev.headline["npv"], key="plan_npv"),
            "plan_roi": dataclasses.replace(ev.headline["roi"], key="plan_roi"),
        }
        rows = [
            RealizationRow(
                period=t,
                starts_on=ev.cash_flow[t].starts_on,
                expected=expected[t],
                realized=realized[t] if t <= as_of else None,
                reforecast=reforecast[t],
                costs=costs[t],
                discount_factor=ev.cash_flow[t].discount_factor,
            )
            for t in range(n + 1)
        ]
        return totals, rows

    # -- goal ---------------------------------------------------------------------------------

    def _goal(self) -> GoalProgress | None:
        goal = self.case.goal
        if goal is None:
            return None
        fractions = [
            (value, self._fractions(value))
            for value in self.case.values
            if value.goal_contribution is not None
        ]
        points = []
        for period in range(1, self.n + 1):
            entry, corrections = self._entry(None, period)
            movement = sum(
                (
                    value.goal_contribution
                    * (Decimal(1) if value.probability is None else value.probability)
                    * f[period]
                    for value, f in fractions
                ),
                _ZERO,
            )
            points.append(
                GoalPoint(
                    period=period,
                    expected=goal.baseline + movement,
                    actual=None if entry is None else entry.indicator_value,
                    entry=entry,
                    corrections=corrections,
                )
            )
        measured = [p for p in points if p.actual is not None]
        latest = measured[-1] if measured else None
        gap = goal.target - goal.baseline
        progress = None
        if latest is not None and gap != 0:
            progress = (latest.actual - goal.baseline) / gap
        expected_at = points[self.as_of - 1].expected
        return GoalProgress(
            metric=goal.metric,
            unit=goal.unit,
            baseline=goal.baseline,
            target=goal.target,
            deadline=goal.deadline,
            points=points,
            latest_period=None if latest is None else latest.period,
            latest=None if latest is None else latest.actual,
            progress=Figure(
                "goal_progress",
                progress,
                "ratio",
                "(latest goal actual - goal baseline) / (goal target - goal baseline)",
                {
                    "latest": "" if latest is None else str(latest.actual),
                    "latest_period": "" if latest is None else str(latest.period),
                    "baseline": str(goal.baseline),
                    "target": str(goal.target),
                },
            ),
            expected_progress=Figure(
                "goal_expected_progress",
                None if gap == 0 else (expected_at - goal.baseline) / gap,
                "ratio",
                "sum of (goal contribution x probability x ramp fraction at as_of) / "
                "(goal target - goal baseline)",
                {"expected_position": str(expected_at), "gap": str(gap)},
            ),
            missing_periods=tuple(p.period for p in points[: self.as_of] if p.actual is None),
        )

    # -- grid ---------------------------------------------------------------------------------

    def _issues(self, values: list[ValueRealization]) -> list[IssueRelief]:
        delivery = {v.value_id: v.figures["delivery_rate"].value for v in values}
        out = []
        for issue in self.case.issues:
            if not issue.selected:
                continue
            linked = tuple(v.id for v in self.case.values if issue.id in v.issue_ids)
            rates = {value_id: delivery[value_id] for value_id in linked}
            known = [r for r in rates.values() if r is not None]
            if not linked:
                status = "unlinked"
            elif not known:
                status = "pending"
            elif all(r >= self.relief for r in known):
                status = "relieved"
            else:
                status = "not_relieved"
            out.append(
                IssueRelief(
                    issue_id=issue.id,
                    title=issue.title,
                    cell=None if issue.cell is None else issue.cell.code,
                    status=status,
                    value_ids=linked,
                    delivery=rates,
                )
            )
        return out

    def _cells(self, issues: list[IssueRelief]) -> list[CellRelief]:
        def of(code: str, status: str) -> tuple[str, ...]:
            return tuple(i.issue_id for i in issues if i.cell == code and i.status == status)

        return [
            CellRelief(
                code=code,
                relieved=of(code, "relieved"),
                not_relieved=of(code, "not_relieved"),
                pending=of(code, "pending"),
                unlinked=of(code, "unlinked"),
            )
            for code in grid_codes()
        ]

    # -- signals ------------------------------------------------------------------------------

    def _signals(self, values: list[ValueRealization], goal: GoalProgress | None) -> list:
        signals: list[Signal] = []
        threshold = _percent(self.threshold)
        for kind in ("behind", "ahead"):
            for v in values:
                if v.status == kind:
                    rate = v.figures["delivery_rate"].value
                    params = {"value": v.name, "rate": _percent(rate), "threshold": threshold}
                    message = t(f"realization.signal.{kind}", self.locale, **params)
                    signals.append(Signal(kind, v.value_id, message, rate))
        for v in values:
            if v.missing_periods:
                periods = ", ".join(str(p) for p in v.missing_periods)
                message = t(
                    "realization.signal.missing_actuals", self.locale, value=v.name, periods=periods
                )
                signals.append(
                    Signal("missing_actuals", v.value_id, message, periods=v.missing_periods)
                )
        if goal is not None and goal.missing_periods:
            periods = ", ".join(str(p) for p in goal.missing_periods)
            message = t(
                "realization.signal.missing_goal_actuals",
                self.locale,
                metric=goal.metric,
                periods=periods,
            )
            signals.append(Signal("missing_actuals", None, message, periods=goal.missing_periods))
        for v in values:
            if not v.measurable:
                message = t("realization.signal.unmeasurable", self.locale, value=v.name)
                signals.append(Signal("unmeasurable", v.value_id, message))
        return signals

    # -- all ----------------------------------------------------------------------------------

    def run(self) -> Realization:
        case, ev = self.case, self.evaluation
        by_id = {figures.value_id: figures for figures in ev.values}
        values = [
            self._value(index, value, by_id[value.id]) for index, value in enumerate(case.values)
        ]
        totals, rows = self._totals(values)
        goal = self._goal()
        issues = self._issues(values)
        return Realization(
            method=REALIZATION_METHOD,
            methodology_version=ev.methodology_version,
            input_hash=ev.input_hash,
            currency=case.currency,
            locale=case.locale,
            as_of_period=self.as_of,
            periods=self.n,
            period_months=case.period_months,
            period_rate=ev.period_rate,
            npv_convention=NPV_CONVENTION,
            threshold=self.threshold,
            relief_threshold=self.relief,
            values=values,
            totals=totals,
            cash_flow=rows,
            goal=goal,
            issues=issues,
            cells=self._cells(issues),
            signals=self._signals(values, goal),
            conventions=conventions(case.locale),
        )


def _delivery(effects: dict[int, Decimal], fractions: Sequence[Decimal]) -> Decimal | None:
    """Sum of measured effects / sum of planned effects over the measured periods."""
    planned = sum((fractions[p] for p in effects), _ZERO)
    if not effects or planned == 0:
        return None
    return sum(effects.values(), _ZERO) / planned


def _percent(rate: Decimal | None) -> str:
    if rate is None:
        return "-"
    return f"{(rate * 100).quantize(Decimal('1')):f}%"
