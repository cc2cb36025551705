"""Benchmark 3: tornado over 20 inputs."""

from __future__ import annotations

import numpy as np

from benchmarks.schedules import costs, realistic_drivers
from benchmarks.timing import best_of, milliseconds
from calculators.sensitivity import driver_tornado, tornado
from calculators.simulation import discount_factors, driver_profile

PERIODS = 5
RATE = 0.08


def run() -> dict:
    print("\n[3] Tornado over 20 inputs (NPV)")
    drivers = realistic_drivers(20)
    cost = costs(PERIODS)
    vectorised = best_of(lambda: driver_tornado(drivers, cost, RATE), 20)

    factors = discount_factors(RATE, PERIODS)
    present = {d.name: d.probability * float(driver_profile(d, PERIODS) @ factors) for d in drivers}
    cost_pv = float(np.asarray(cost) @ factors)

    def model(inputs):
        return sum(inputs[name] * value for name, value in present.items()) - cost_pv

    likely = {d.name: d.likely for d in drivers}
    ranges = {d.name: (d.low, d.high) for d in drivers}
    generic = best_of(lambda: tornado(model, likely, ranges), 20)
    print(f"    driver_tornado (vectorised, best of 20):       {milliseconds(vectorised)}")
    print(f"    tornado with a Python model, 41 calls (best of 20): {milliseconds(generic)}")
    return {"driver_seconds": vectorised, "generic_seconds": generic}
