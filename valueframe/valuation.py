"""Honest valuation rules: how one performance value's driver becomes money per year.

- A revenue uplift counts at the customer's contribution margin ratio (from the baseline),
  never at full revenue: added revenue brings its variable costs with it.
- A cost reduction or a cost avoidance counts in full.
- A price realisation (leakage stopped, same volume) counts in full: no variable cost
  comes with revenue that is only better priced.
- A margin improvement removes a fraction of baseline variable costs: the contribution
  margin after minus the contribution margin before.
- A working-capital improvement (days off DIO or DSO, days onto DPO) yields a ONE-OFF cash
  release (days x the component's daily base) and, for inventory, a RECURRING non-capital
  carrying-cost saving (release x carrying-cost rate). The cost of capital on the release
  is not added: it is another view of the same one-off release (its perpetuity equals the
  release), so counting both would double the value.

Every amount here is at full effect, for one unit of scope, before probability; the scope
multiplier, timing and probability are applied by :mod:`valueframe.evaluate`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from calculators import margin, turnover
from calculators.errors import OutOfRangeError
from valueframe.model import Baseline, PerformanceValue

# For each working-capital component: the balance it frees and the annual base of its days.
_COMPONENT_BASE = {
    "inventory": ("inventory", "cogs"),
    "receivables": ("receivables", "revenue"),
    "payables": ("payables", "cogs"),
}


@dataclass(frozen=True)
class StreamAmount:
    """One money stream of a value at one improvement level, with its trail."""

    key: str  # benefit | release | carrying_cost
    kind: str  # recurring (per year) | one_off
    amount: Decimal
    formula: str
    inputs: dict[str, str]


def cm_ratio(baseline: Baseline) -> Decimal:
    """The baseline contribution margin ratio: (revenue - variable costs) / revenue."""
    return margin.contribution_margin_ratio(baseline.revenue, baseline.variable_costs)


def stream_amounts(
    value: PerformanceValue, improvement: Decimal, baseline: Baseline, day_count: int, path: str
) -> list[StreamAmount]:
    """The money streams of ``value`` when its driver improves by ``improvement``.

    ``path`` names the value's driver in the case (for errors), e.g. ``values.2.driver``.
    """
    driver = value.driver
    x = improvement
    if driver.type == "revenue_uplift":
        ratio = cm_ratio(baseline)
        return [
            StreamAmount(
                "benefit",
                "recurring",
                x * ratio,
                "added revenue x contribution margin ratio",
                {"added_revenue": str(x), "cm_ratio": str(ratio)},
            )
        ]
    if driver.type in ("cost_reduction", "cost_avoidance"):
        return [StreamAmount("benefit", "recurring", x, "cost saved per year", {"saved": str(x)})]
    if driver.type == "price_realisation":
        return [
            StreamAmount(
                "benefit",
                "recurring",
                x,
                "revenue recovered on unchanged volume (no added variable costs)",
                {"recovered_revenue": str(x)},
            )
        ]
    if driver.type == "margin_improvement":
        before = margin.contribution_margin(baseline.revenue, baseline.variable_costs)
        after = margin.contribution_margin(baseline.revenue, baseline.variable_costs * (1 - x))
        return [
            StreamAmount(
                "benefit",
                "recurring",
                after - before,
                "contribution margin after - before, with variable costs x (1 - reduction)",
                {
                    "revenue": str(baseline.revenue),
                    "variable_costs": str(baseline.variable_costs),
                    "reduction": str(x),
                },
            )
        ]
    return _working_capital_streams(driver.component, x, baseline, day_count, path)


def _working_capital_streams(
    component: str, days: Decimal, baseline: Baseline, day_count: int, path: str
) -> list[StreamAmount]:
    balance_name, base_name = _COMPONENT_BASE[component]
    balance = getattr(baseline, balance_name)
    base = getattr(baseline, base_name)
    if balance <= 0 or base <= 0:
        raise OutOfRangeError(
            f"{path}.component",
            f"the baseline has no {balance_name} (or no {base_name}) to improve",
        )
    current_days = balance * day_count / base
    if component != "payables" and days > current_days:
        raise OutOfRangeError(
            f"{path}.improvement",
            f"{days} days exceed the baseline's {current_days:.1f} days of {balance_name}",
        )
    release = turnover.release_from_days(days, base, day_count)
    streams = [
        StreamAmount(
            "release",
            "one_off",
            release,
            "days saved x annual base / day count (one-off cash release)",
            {"days": str(days), base_name: str(base), "day_count": str(day_count)},
        )
    ]
    if component == "inventory" and baseline.carrying_cost_rate > 0:
        saving = turnover.carrying_cost_saving(release, baseline.carrying_cost_rate)
        streams.append(
            StreamAmount(
                "carrying_cost",
                "recurring",
                saving,
                "inventory released x carrying-cost rate (storage, obsolescence, insurance)",
                {"release": str(release), "carrying_cost_rate": str(baseline.carrying_cost_rate)},
            )
        )
    return streams
