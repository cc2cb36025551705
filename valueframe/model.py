"""What a value case *is*: the customer's value reference frame (参照系) and its inputs.

The four elements (domain.md): a strategic goal, key issues located on the 3x3 grid, one
high-energy solution and its performance values, plus the customer's financial baseline
and the explicit assumptions behind every figure. Plain dataclasses: the schema
(:mod:`valueframe.schema`) loads and dumps them, :mod:`valueframe.evaluate` turns them into
figures, nothing here computes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

# Enumerations, as tuples so schemas, templates and the OpenAPI document share them.
STAGES = ("establish", "locate", "improve", "present")
LOCALES = ("zh-CN", "en")
VIEWPOINTS = ("customer", "competitor", "employee", "own")
CSF_SOURCES = ("industry", "organisation", "environment")
ISSUE_KINDS = ("CBI", "CPI")
LEVELS = ("organisation", "process", "job")  # columns of the grid, highest first
DIMENSIONS = ("goals", "design", "management")  # rows of the grid
ADDRESS_MODES = ("solve", "bypass")
VALUE_KINDS = ("financial", "non_financial")
DRIVER_TYPES = (
    "revenue_uplift",
    "cost_reduction",
    "cost_avoidance",
    "margin_improvement",
    "price_realisation",
    "working_capital",
)
WORKING_CAPITAL_COMPONENTS = ("inventory", "receivables", "payables")
CURVES = ("linear", "s_curve")
EVIDENCE = ("confirmed", "benchmark", "estimate")
COST_KINDS = ("one_off", "recurring")
PERIOD_MONTHS = (1, 3, 6, 12)
DISTRIBUTIONS = ("pert", "triangular")


@dataclass
class Customer:
    name: str
    industry: str
    size: str = ""


@dataclass
class Seller:
    name: str
    primary_color: str = "#1F3A5F"
    accent_color: str = "#C8102E"
    logo_png: bytes | None = None  # travels base64 in JSON; documents embed it


@dataclass
class Baseline:
    """The customer's financial baseline, per year (balances are averages)."""

    revenue: Decimal
    cogs: Decimal
    variable_costs: Decimal
    fixed_costs: Decimal
    inventory: Decimal = Decimal(0)
    receivables: Decimal = Decimal(0)
    payables: Decimal = Decimal(0)
    cash: Decimal | None = None
    cost_of_capital: Decimal = Decimal("0.08")
    carrying_cost_rate: Decimal = Decimal(0)  # non-capital inventory carrying cost per year


@dataclass
class StrategicGoal:
    statement: str
    viewpoint: str
    metric: str
    unit: str
    baseline: Decimal
    target: Decimal
    deadline: dt.date | None = None
    owner_role: str = ""


@dataclass
class CriticalSuccessFactor:
    id: str
    name: str
    source: str
    description: str = ""


@dataclass
class GridCell:
    level: str
    dimension: str

    @property
    def code(self) -> str:
        return f"{self.level}.{self.dimension}"


@dataclass
class KeyIssue:
    id: str
    title: str
    kind: str
    csf_id: str | None = None
    cell: GridCell | None = None
    importance: int = 3
    hiddenness: int = 3
    trend: int = 3
    evidence: str = ""
    affected_roles: list[str] = field(default_factory=list)
    selected: bool = True


@dataclass
class IssueAddress:
    issue_id: str
    mode: str = "solve"
    rationale: str = ""


@dataclass
class SolutionScores:
    """The five criteria of a high-energy solution, each 1-5 (level is derived)."""

    linkage: int = 3
    innovation: int = 3
    risk: int = 3
    timeliness: int = 3


@dataclass
class CostItem:
    """A cost of the solution. One-off: ``amount`` in ``period`` (0 = the investment).
    Recurring: ``amount`` per year from ``start_period`` to ``end_period`` (inclusive;
    None = the end of the horizon)."""

    name: str
    kind: str
    amount: Decimal
    period: int = 0
    start_period: int = 1
    end_period: int | None = None


@dataclass
class Solution:
    name: str
    level: str
    description: str = ""
    capabilities: list[str] = field(default_factory=list)
    addresses: list[IssueAddress] = field(default_factory=list)
    constraints: list[str] = field(default_factory=list)
    scores: SolutionScores = field(default_factory=SolutionScores)
    costs: list[CostItem] = field(default_factory=list)


@dataclass
class Range:
    """A quantity as low / likely / high (low <= likely <= high)."""

    low: Decimal
    likely: Decimal
    high: Decimal


@dataclass
class Driver:
    """How a financial value becomes money, from baseline to improved inputs.

    ``improvement`` is in the driver's own unit: revenue_uplift - added revenue per year;
    cost_reduction / cost_avoidance - cost saved or avoided per year; margin_improvement -
    fraction of baseline variable costs removed; price_realisation - revenue recovered per
    year on unchanged volume (price leakage stopped); working_capital - days removed from
    DIO or DSO, or days added to DPO, for ``component``.
    """

    type: str
    improvement: Range
    component: str | None = None


@dataclass
class Timing:
    start_period: int = 1
    ramp_periods: int = 0
    curve: str = "linear"
    delay_low: int = 0
    delay_high: int = 0


@dataclass
class Extension:
    """The extended improvement value: the same gain over more scope and more years."""

    scope_multiplier: Decimal = Decimal(1)
    years: int | None = None  # how long the gain lasts; None = to the end of the horizon


@dataclass
class Indicator:
    name: str
    unit: str = ""
    baseline: Decimal | None = None
    target: Decimal | None = None


@dataclass
class PerformanceValue:
    id: str
    name: str
    kind: str
    indicator: Indicator
    issue_ids: list[str] = field(default_factory=list)
    driver: Driver | None = None
    timing: Timing = field(default_factory=Timing)
    probability: Decimal | None = None
    extension: Extension = field(default_factory=Extension)
    goal_contribution: Decimal | None = None  # movement of the goal metric, in its unit
    evidence: str = "estimate"
    assumption_ids: list[str] = field(default_factory=list)
    description: str = ""
    distribution: str = "pert"


@dataclass
class Assumption:
    id: str
    name: str
    value: str
    source: str = ""
    evidence: str = "estimate"
    unit: str = ""


@dataclass
class SimulationSettings:
    trials: int = 10_000
    seed: int = 20_261_123


@dataclass
class ValueCase:
    title: str
    customer: Customer
    seller: Seller
    currency: str
    locale: str
    baseline: Baseline
    goal: StrategicGoal | None = None
    horizon_years: int = 3
    period_months: int = 12
    discount_rate: Decimal = Decimal("0.08")  # per year
    reinvestment_rate: Decimal | None = None  # for MIRR; None = the discount rate
    day_count: int = 365
    start_date: dt.date | None = None
    stage: str = "establish"
    csfs: list[CriticalSuccessFactor] = field(default_factory=list)
    issues: list[KeyIssue] = field(default_factory=list)
    solution: Solution | None = None
    values: list[PerformanceValue] = field(default_factory=list)
    assumptions: list[Assumption] = field(default_factory=list)
    simulation: SimulationSettings = field(default_factory=SimulationSettings)

    @property
    def periods(self) -> int:
        """Number of periods after period 0 in the analysis horizon."""
        return self.horizon_years * 12 // self.period_months

    @property
    def periods_per_year(self) -> int:
        return 12 // self.period_months

    def issue(self, issue_id: str) -> KeyIssue | None:
        return next((i for i in self.issues if i.id == issue_id), None)
