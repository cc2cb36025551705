"""What an evaluation holds: every figure of a value case with the trail it came from.

:func:`valueframe.evaluate.evaluate` builds an :class:`Evaluation`; the API dumps it with
:mod:`valueframe.evaluation_schema` and the documents lay it out. Nothing downstream
recomputes a figure, so the PDF and the API cannot disagree. Money is exact Decimal here;
rounding happens only when a figure is shown (half-even to the currency's minor unit).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

METHODOLOGY_VERSION = "valueframe-method/1.0"


@dataclass(frozen=True)
class Figure:
    """One computed figure and its trail: the formula in words and the inputs used."""

    key: str
    value: Decimal | None
    unit: str  # money | ratio | rate | years | days | times | goal_unit
    formula: str
    inputs: dict[str, str] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class Stream:
    """One money stream of a performance value (a working-capital value has two: the
    one-off cash release and the recurring carrying-cost saving)."""

    key: str  # "benefit" | "release" | "carrying_cost"
    kind: str  # "recurring" (amounts per year) | "one_off" (an amount, once)
    amount: dict[str, Figure]  # low / likely / high, after scope extension
    expected: Figure  # likely x probability
    schedule: list[Decimal]  # expected money per period 0..n (ramped, extended, weighted)


@dataclass(frozen=True)
class ValueFigures:
    value_id: str
    name: str
    kind: str
    driver_type: str | None
    component: str | None
    probability: Decimal
    evidence: str
    indicator: dict[str, str | None]
    improvement: dict[str, Decimal] | None  # low / likely / high in the driver's unit
    streams: list[Stream]
    total_expected: Decimal  # sum of every stream's schedule over the horizon
    goal_contribution: Decimal | None  # expected movement of the goal metric


@dataclass(frozen=True)
class CashFlowRow:
    period: int
    starts_on: dt.date | None  # None when the case has no start date
    benefits: Decimal
    costs: Decimal
    net: Decimal
    cumulative: Decimal
    discount_factor: Decimal
    discounted_net: Decimal
    cumulative_discounted: Decimal


@dataclass(frozen=True)
class IrrFigures:
    status: str  # unique | none | multiple
    rate: Decimal | None  # per year
    roots: list[Decimal]  # per year
    message: str


@dataclass(frozen=True)
class Scenario:
    name: str  # conservative | likely | optimistic
    npv: Decimal
    roi: Decimal | None
    payback_years: Decimal | None


@dataclass(frozen=True)
class TurnoverComparison:
    before: dict[str, Decimal | None]  # dio, dso, dpo, ccc, inventory_turnover, ...
    after: dict[str, Decimal | None]
    release: dict[str, Decimal]  # inventory_release, receivables_release, ...
    day_count: int


@dataclass(frozen=True)
class MarginComparison:
    before: dict[str, Decimal | None]  # revenue, variable_costs, contribution_margin, ...
    after: dict[str, Decimal | None]


@dataclass(frozen=True)
class Percentiles:
    p10: Decimal | None
    p50: Decimal | None
    p90: Decimal | None
    mean: Decimal | None


@dataclass(frozen=True)
class SimulationFigures:
    trials: int
    seed: int
    npv: Percentiles
    roi: Percentiles
    payback_years: Percentiles  # None where a percentile never pays back
    probability_npv_positive: Decimal
    probability_payback: Decimal
    histogram_counts: list[int]
    histogram_edges: list[Decimal]


@dataclass(frozen=True)
class TornadoBar:
    name: str
    value_id: str
    stream: str
    low_input: Decimal
    high_input: Decimal
    npv_at_low: Decimal
    npv_at_high: Decimal
    base_npv: Decimal  # every input at likely: the line the bars straddle
    swing: Decimal


@dataclass(frozen=True)
class GoalFigures:
    metric: str
    unit: str
    baseline: Decimal
    target: Decimal
    gap: Decimal
    expected_movement: Decimal
    projected: Decimal
    attainment: Figure


@dataclass(frozen=True)
class Finding:
    """A stage-check finding: what is missing or inconsistent, and where."""

    stage: str
    code: str
    severity: str  # error | warning | info
    path: str
    message: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Evaluation:
    methodology_version: str
    input_hash: str
    currency: str
    locale: str
    periods: int
    period_months: int
    day_count: int
    discount_rate: Decimal  # per year
    period_rate: Decimal
    npv_convention: str
    values: list[ValueFigures]
    cash_flow: list[CashFlowRow]
    headline: dict[str, Figure]
    irr: IrrFigures
    scenarios: list[Scenario]
    turnover: TurnoverComparison | None
    margin: MarginComparison | None
    simulation: SimulationFigures | None
    tornado: list[TornadoBar]
    goal: GoalFigures | None
    findings: list[Finding]
    warnings: list[str]
