"""One-at-a-time sensitivity (tornado) of a model output to its inputs.

Each input is moved to the low and then the high end of its range while every other input
stays at its likely value; the bars are sorted by swing, the largest first. This shows
which assumptions of a frame the result depends on most - the ones to confirm with the
customer first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from calculators.errors import OutOfRangeError
from calculators.simulation import (
    Driver,
    _drivers,
    _real,
    _validate_costs,
    _validate_rate,
    discount_factors,
    driver_profile,
)


@dataclass(frozen=True)
class TornadoBar:
    """One input's bar: the model output with the input at ``low_input`` and at
    ``high_input`` (all other inputs at their likely values), the ``base_output`` with every
    input at its likely value, and ``swing = abs(output_at_high - output_at_low)`` (in the
    output's units)."""

    name: str
    low_input: float
    high_input: float
    output_at_low: float
    output_at_high: float
    base_output: float
    swing: float


def _sorted(bars: list[TornadoBar]) -> list[TornadoBar]:
    """Largest swing first; equal swings in name order."""
    return sorted(bars, key=lambda bar: (-bar.swing, bar.name))


def tornado(
    model: Callable[[Mapping[str, float]], float],
    likely: Mapping[str, float],
    ranges: Mapping[str, tuple[float, float]],
) -> list[TornadoBar]:
    """Tornado of ``model`` over the inputs named in ``ranges``.

    ``model`` maps a complete set of inputs (name -> value; it receives a fresh dict on each
    call) to one finite output. ``likely`` holds every input's likely value; ``ranges[name]``
    is ``(low, high)`` for the inputs to vary, with ``low <= high``. For each such input:
    ``output_at_low = model(likely with name = low)``, likewise for high;
    ``swing = |output_at_high - output_at_low|``. The model is called ``2 x len(ranges) + 1``
    times. Returns the bars sorted by swing, largest first, ties by name.

    Raises :class:`~calculators.errors.OutOfRangeError` naming ``ranges[name]`` when ``name``
    is not in ``likely`` or the range is not a ``(low, high)`` pair with ``low <= high``;
    :class:`~calculators.errors.NonFiniteError` naming ``model`` when it returns NaN/inf.
    """
    base_inputs = {name: _real(value, f"likely[{name}]") for name, value in likely.items()}
    checked: list[tuple[str, float, float]] = []
    for name, bounds in ranges.items():
        argument = f"ranges[{name}]"
        if name not in base_inputs:
            raise OutOfRangeError(argument, "names an input that is missing from likely")
        try:
            low, high = bounds
        except (TypeError, ValueError):
            raise OutOfRangeError(argument, "must be a (low, high) pair") from None
        low, high = _real(low, argument), _real(high, argument)
        if low > high:
            raise OutOfRangeError(argument, f"low ({low}) must not exceed high ({high})")
        checked.append((name, low, high))

    def run(inputs: dict[str, float]) -> float:
        return _real(model(inputs), "model")

    base = run(dict(base_inputs))
    bars = []
    for name, low, high in checked:
        at_low = run({**base_inputs, name: low})
        at_high = run({**base_inputs, name: high})
        bars.append(TornadoBar(name, low, high, at_low, at_high, base, abs(at_high - at_low)))
    return _sorted(bars)


def driver_tornado(
    drivers: Sequence[Driver], costs: Sequence[float], rate: float
) -> list[TornadoBar]:
    """Tornado of the NPV over the simulation's value drivers (see
    :mod:`calculators.simulation` for the conventions of ``costs`` and ``rate``).

    Each driver's amount goes to its ``low`` and ``high`` with the others at ``likely``;
    every driver counts at its expected value (amount x probability), with its ramp and no
    delay. NPV is linear in each amount, so with ``PV_d = sum_t profile_d(t) / (1+rate)^t``:
    ``base = sum_d p_d x likely_d x PV_d - sum_t cost_t / (1+rate)^t`` and
    ``output_at_low = base + p_d x (low_d - likely_d) x PV_d`` (likewise high) - computed
    for all drivers at once. Outputs are currency units at period 0. Driver names must be
    unique (they label the bars).
    """
    checked = _drivers(drivers)
    seen: set[str] = set()
    for index, driver in enumerate(checked):
        if driver.name in seen:
            raise OutOfRangeError(f"drivers[{index}].name", f"duplicate name {driver.name!r}")
        seen.add(driver.name)
    cost_array = _validate_costs(costs)
    factors = discount_factors(_validate_rate(rate), cost_array.size - 1)
    if not checked:
        return []
    periods = cost_array.size - 1
    present = np.array([driver_profile(d, periods) @ factors for d in checked])
    probability = np.array([d.probability for d in checked])
    low = np.array([d.low for d in checked])
    likely = np.array([d.likely for d in checked])
    high = np.array([d.high for d in checked])
    weight = probability * present
    base = float(np.sum(weight * likely) - np.sum(cost_array * factors))
    at_low = base + weight * (low - likely)
    at_high = base + weight * (high - likely)
    swing = np.abs(at_high - at_low)
    bars = [
        TornadoBar(
            name=d.name,
            low_input=d.low,
            high_input=d.high,
            output_at_low=float(at_low[i]),
            output_at_high=float(at_high[i]),
            base_output=base,
            swing=float(swing[i]),
        )
        for i, d in enumerate(checked)
    ]
    return _sorted(bars)
