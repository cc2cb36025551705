"""Reproducible inputs for the benchmarks."""

from __future__ import annotations

import numpy as np

from calculators.simulation import Driver


def realistic_schedules(rows: int, periods: int, seed: int) -> np.ndarray:
    """Cash-flow schedules, shape ``(rows, periods + 1)``, currency units per period.

    An investment of 50k-500k at t=0, then positive flows of 2-45% of it per period (each
    period varying +/-50%). About 4% of the rows get one large negative flow (10-100% of
    the investment) in a later period - several sign changes; about 3% are negative
    throughout - no IRR.
    """
    rng = np.random.default_rng(seed)
    investment = rng.uniform(50_000, 500_000, rows)
    flows = np.empty((rows, periods + 1))
    flows[:, 0] = -investment
    per_period = investment * rng.uniform(0.02, 0.45, rows)
    flows[:, 1:] = per_period[:, None] * rng.uniform(0.5, 1.5, (rows, periods))
    pick = rng.random(rows)
    late = pick < 0.04
    column = rng.integers(2, periods + 1, rows)
    flows[late, column[late]] = -investment[late] * rng.uniform(0.1, 1.0, late.sum())
    negative = (pick >= 0.04) & (pick < 0.07)
    flows[negative, 1:] *= -1
    return flows


def realistic_drivers(count: int = 20) -> list[Driver]:
    """A mix like a real frame: 70% PERT and 30% triangular ranges, half of them uncertain
    (probability 0.5-0.95), a third with an uncertain start delay of 0-2 periods, ramps of
    0-3 periods (linear and S-curve), one one-off release of working capital in five."""
    rng = np.random.default_rng(7)
    drivers = []
    for index in range(count):
        likely = float(rng.uniform(5_000, 50_000))
        drivers.append(
            Driver(
                name=f"driver {index + 1:02d}",
                low=likely * float(rng.uniform(0.4, 0.9)),
                likely=likely,
                high=likely * float(rng.uniform(1.1, 2.0)),
                probability=float(rng.uniform(0.5, 0.95)) if index % 2 else 1.0,
                distribution="pert" if index % 10 < 7 else "triangular",
                kind="one_off" if index % 5 == 4 else "recurring",
                start_period=1 + index % 2,
                ramp_periods=index % 4,
                curve="s_curve" if index % 3 == 0 else "linear",
                delay_high=2 if index % 3 == 1 else 0,
            )
        )
    return drivers


def worst_case_drivers(count: int = 20) -> list[Driver]:
    """Every driver PERT, uncertain (probability 0.8) and delayed 0-2 periods: the most
    random numbers and the widest profile table per trial."""
    return [
        Driver(
            f"driver {index + 1:02d}",
            10_000.0,
            20_000.0 + index,
            40_000.0,
            probability=0.8,
            ramp_periods=2,
            delay_high=2,
        )
        for index in range(count)
    ]


def costs(periods: int) -> list[float]:
    """An investment of 600k at t=0 and running costs of 60k per period."""
    return [600_000.0] + [60_000.0] * periods
