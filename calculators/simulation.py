"""Monte Carlo simulation of a frame's performance values: NPV, ROI and payback ranges.

Each value driver has a range (low / likely / high, triangular or beta-PERT), a probability
of being realised at all, a timing (start period, ramp, end) and an uncertain start delay.
:func:`simulate` draws every driver in every trial, builds the benefit per period, subtracts
the deterministic costs and reports NPV, ROI and payback per trial with P10/P50/P90.

Conventions (all figures are per trial):

* Period 0 is the investment; ``costs[t]`` is the (non-negative) cost of period ``t``.
* ``benefit_t = sum_d amount_d x realised_d x profile_d(t - delay_d)``: ``amount_d`` is the
  driver's full-effect benefit per period (one-off drivers: the total amount), ``realised_d``
  is 1 with the driver's probability and 0 otherwise, ``profile_d`` is the exact ramp of
  :mod:`calculators.risk` (converted to float) and ``delay_d`` shifts the whole profile,
  ``start_period`` and ``end_period`` alike.
* ``net_t = benefit_t - cost_t``;
  ``NPV = sum_t net_t / (1 + rate)^t`` (period 0 undiscounted, rate per period);
  ``ROI = (sum_t benefit_t - sum_t cost_t) / sum_t cost_t`` (undiscounted; NaN when the
  costs sum to 0); payback: see :func:`payback_periods`.
* Money inside the simulation is float64 (currency units); the exact Decimal figures of a
  frame come from :mod:`calculators.risk` and the scalar calculators.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from calculators import _inputs as inputs
from calculators.errors import NonFiniteError, OutOfRangeError, TrialLimitError
from calculators.risk import CURVES, KINDS, _one_of, one_off_profile, ramp_profile

MAX_TRIALS = 1_000_000
BLOCK = 1024  # trials per matrix product; chunks are rounded up to whole blocks
DISTRIBUTIONS = ("pert", "triangular")
SCENARIOS = ("low", "likely", "high")
PERT_LAMBDA = 4.0
LARGEST = inputs.ARRAY_LARGEST  # the size of any amount
LARGEST_FACTOR = 1e200  # of any discount factor: x LARGEST x periods stays below 1.8e308


def _real(value, argument: str) -> float:
    """A finite float from a real number or a Decimal (money from the exact side)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real | Decimal):
        raise OutOfRangeError(argument, f"expected a number, got {type(value).__name__}")
    try:
        number = float(value)
    except OverflowError:  # an int or Decimal past float64
        raise OutOfRangeError(argument, "must be at most 1e100 in size") from None
    if not math.isfinite(number):
        raise NonFiniteError(argument, f"must be finite, got {value!r}")
    if abs(number) > LARGEST:  # amounts x discount factors x periods must stay finite
        raise OutOfRangeError(argument, f"must be at most 1e100 in size, got {number:.3e}")
    return number


def _integer(value, argument: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise OutOfRangeError(argument, f"expected a whole number, got {type(value).__name__}")
    if value < minimum:
        raise OutOfRangeError(argument, f"must be at least {minimum}, got {value}")
    return int(value)


@dataclass(frozen=True)
class Driver:
    """One uncertain value driver of a frame.

    ``low``/``likely``/``high``: full-effect benefit PER PERIOD (one-off kind: the total
    amount), in currency units, already extended over its scope; negative for a
    dis-benefit; ``low <= likely <= high``. ``probability`` (0..1): chance the value is
    realised at all (each trial draws Bernoulli(probability)). ``distribution``:
    ``"pert"`` (beta-PERT, lambda 4: mean ``(low + 4 likely + high) / 6``) or
    ``"triangular"`` (mean ``(low + likely + high) / 3``). ``kind``, ``start_period``,
    ``ramp_periods``, ``curve``, ``end_period``: the timing, as in
    :func:`calculators.risk.benefit_schedule`. ``delay_low``/``delay_high``: extra start
    delay in whole periods, uniform over the integers ``delay_low..delay_high``.

    Invalid fields raise at construction, naming the field.
    """

    name: str
    low: float
    likely: float
    high: float
    probability: float = 1.0
    distribution: str = "pert"
    kind: str = "recurring"
    start_period: int = 1
    ramp_periods: int = 0
    curve: str = "linear"
    end_period: int | None = None
    delay_low: int = 0
    delay_high: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise OutOfRangeError("name", "must be a non-empty string")
        for field in ("low", "likely", "high", "probability"):
            object.__setattr__(self, field, _real(getattr(self, field), field))
        if self.low > self.likely:
            raise OutOfRangeError("low", f"must not exceed likely ({self.likely}), got {self.low}")
        if self.likely > self.high:
            raise OutOfRangeError(
                "high", f"must not be below likely ({self.likely}), got {self.high}"
            )
        if not 0.0 <= self.probability <= 1.0:
            raise OutOfRangeError(
                "probability", f"must lie between 0 and 1, got {self.probability}"
            )
        _one_of(self.distribution, DISTRIBUTIONS, "distribution")
        _one_of(self.kind, KINDS, "kind")
        _one_of(self.curve, CURVES, "curve")
        object.__setattr__(self, "start_period", _integer(self.start_period, "start_period", 1))
        object.__setattr__(self, "ramp_periods", _integer(self.ramp_periods, "ramp_periods", 0))
        if self.end_period is not None:
            end = _integer(self.end_period, "end_period", self.start_period)
            object.__setattr__(self, "end_period", end)
        object.__setattr__(self, "delay_low", _integer(self.delay_low, "delay_low", 0))
        object.__setattr__(
            self, "delay_high", _integer(self.delay_high, "delay_high", self.delay_low)
        )

    def value(self, scenario: str) -> float:
        """The driver's amount in a scenario: ``"low"``, ``"likely"`` or ``"high"``."""
        return getattr(self, _one_of(scenario, SCENARIOS, "scenario"))

    @property
    def mean(self) -> float:
        """Mean amount if realised: PERT ``(l + 4m + h) / 6``, triangular ``(l + m + h) / 3``."""
        if self.distribution == "pert":
            return (self.low + PERT_LAMBDA * self.likely + self.high) / (PERT_LAMBDA + 2.0)
        return (self.low + self.likely + self.high) / 3.0


def driver_profile(driver: Driver, periods: int, delay: int = 0) -> np.ndarray:
    """Share of the driver's amount falling in each period (float64, ``periods + 1``).

    Recurring: :func:`~calculators.risk.ramp_profile`; one-off:
    :func:`~calculators.risk.one_off_profile`; ``delay`` (whole periods) shifts
    ``start_period`` and ``end_period``.
    """
    end = None if driver.end_period is None else driver.end_period + delay
    make = ramp_profile if driver.kind == "recurring" else one_off_profile
    return make(periods, driver.start_period + delay, driver.ramp_periods, driver.curve, end)


def _drivers(drivers: Sequence[Driver]) -> list[Driver]:
    checked = list(drivers)
    for index, driver in enumerate(checked):
        if not isinstance(driver, Driver):
            raise OutOfRangeError(
                f"drivers[{index}]", f"expected a Driver, got {type(driver).__name__}"
            )
    return checked


def deterministic_flows(
    drivers: Sequence[Driver], periods: int, scenario: str = "likely"
) -> np.ndarray:
    """Benefit per period (float64, ``periods + 1``, currency units) with every driver at its
    ``scenario`` amount (``"low"``, ``"likely"`` or ``"high"``), no delay, realised with
    certainty (probability ignored): ``sum_d amount_d x profile_d(t)``."""
    checked = _drivers(drivers)
    periods = _integer(periods, "periods", 1)
    flows = np.zeros(periods + 1)
    for driver in checked:
        flows += driver.value(scenario) * driver_profile(driver, periods)
    return flows


def discount_factors(rate: float, periods: int) -> np.ndarray:
    """``1 / (1 + rate)^t`` for ``t = 0..periods`` (period 0 undiscounted).

    Raises :class:`~calculators.errors.OutOfRangeError` naming ``rate`` when it is not
    above -1, or so close to -1 that a factor passes 1e200 within ``periods`` (amounts
    times factors would overflow float64).
    """
    rate = _validate_rate(rate)
    periods = _integer(periods, "periods", 0)
    with np.errstate(over="ignore", divide="ignore"):
        factors = (1.0 + rate) ** -np.arange(periods + 1, dtype=np.float64)
    if not np.max(factors) <= LARGEST_FACTOR:
        raise OutOfRangeError(
            "rate", f"{rate} is too close to -1 to discount over {periods} periods"
        )
    return factors


def payback_periods(net: np.ndarray) -> np.ndarray:
    """Payback time, in periods, of each row of net flows (shape ``(rows, periods + 1)``).

    With ``C_t`` the cumulative net flow at the end of period ``t`` (period 0 = the
    investment, at time 0): payback is the time after which the cumulative flow is >= 0 and
    stays >= 0 to the end of the horizon. If ``L`` is the last period with ``C_L < 0``, the
    flow of period ``L + 1`` is taken to accrue evenly through it, so payback is
    ``L + (-C_L) / net_{L+1}``. It is 0 when ``C_t`` is never negative and NaN when
    ``C_t`` is still negative at the end of the horizon (never pays back).
    """
    net = inputs.finite_array(net, "net", ndim=2)  # sizes up to 1e100: the sums stay finite
    return _payback(np.cumsum(net, axis=1))


def _payback(cumulative: np.ndarray) -> np.ndarray:
    """:func:`payback_periods` from the cumulative net flows ``C_t`` (rows x periods)."""
    negative = cumulative < 0
    last_column = cumulative.shape[1] - 1
    ever = negative.any(axis=1)
    last = last_column - np.argmax(negative[:, ::-1], axis=1)
    recovers = ever & (last < last_column)
    rows = np.arange(cumulative.shape[0])
    shortfall = -cumulative[rows, last]
    inflow = cumulative[rows, np.minimum(last + 1, last_column)] - cumulative[rows, last]
    fraction = np.divide(shortfall, inflow, out=np.zeros_like(shortfall), where=recovers)
    return np.where(~ever, 0.0, np.where(recovers, last + fraction, np.nan))


@dataclass(frozen=True)
class Percentiles:
    """P10, P50 (median), P90 and mean of a simulated figure.

    Percentiles interpolate linearly between order statistics (numpy's default ``linear``
    method). For payback, "never pays back" counts as ``+inf``: a percentile whose
    interpolation touches a "never" trial is ``math.inf``, and the mean is ``math.inf`` as
    soon as one trial never pays back. For ROI with zero total cost every field is NaN.
    """

    p10: float
    p50: float
    p90: float
    mean: float


def _percentiles(values: np.ndarray) -> Percentiles:
    """Percentiles of ``values`` (NaN is read as +inf, see :class:`Percentiles`)."""
    data = np.where(np.isnan(values), np.inf, values)
    count = data.size
    positions = [(count - 1) * q for q in (0.10, 0.50, 0.90)]
    lower = [math.floor(h) for h in positions]
    upper = [min(i + 1, count - 1) for i in lower]
    ordered = np.partition(data, sorted(set(lower + upper)))
    results = []
    for h, i, j in zip(positions, lower, upper, strict=True):
        fraction = h - i
        a, b = float(ordered[i]), float(ordered[j])
        if fraction == 0.0 or a == b or math.isinf(a):
            results.append(a)
        elif math.isinf(b):
            results.append(b)
        else:
            results.append(a + (b - a) * fraction)
    with np.errstate(over="ignore", invalid="ignore"):
        mean = float(np.mean(data))  # +inf as soon as one value is +inf
    return Percentiles(p10=results[0], p50=results[1], p90=results[2], mean=mean)


@dataclass(frozen=True, eq=False)
class SimulationResult:
    """Outcome of :func:`simulate`: one entry per trial in ``npv`` (currency units at
    period 0), ``roi`` (ratio, 0.25 = 25%; NaN when costs sum to 0) and ``payback``
    (periods; NaN = never inside the horizon). The arrays are read-only.

    ``probability_npv_positive`` is the share of trials with NPV > 0;
    ``probability_payback`` the share that pay back inside the horizon.
    """

    trials: int
    seed: int
    npv: np.ndarray
    roi: np.ndarray
    payback: np.ndarray
    npv_summary: Percentiles
    roi_summary: Percentiles
    payback_summary: Percentiles
    probability_npv_positive: float
    probability_payback: float

    def histogram(self, bins: int = 20) -> tuple[np.ndarray, np.ndarray]:
        """Histogram of NPV over ``bins`` equal-width bins: ``(counts, edges)``."""
        bins = _integer(bins, "bins", 1)
        return np.histogram(self.npv, bins=bins)


def _profile_table(drivers: list[Driver], periods: int) -> np.ndarray:
    """``table[d, k]``: driver ``d``'s profile under its ``k``-th possible delay
    (``delay_low + k``), shape ``(D, K, periods + 1)``; unused slots are 0."""
    delays = [d.delay_high - d.delay_low + 1 for d in drivers]
    table = np.zeros((len(drivers), max(delays, default=1), periods + 1))
    for index, driver in enumerate(drivers):
        for k in range(delays[index]):
            table[index, k] = driver_profile(driver, periods, driver.delay_low + k)
    return table


def _streams(seed: int, count: int) -> list[tuple[np.random.Generator, ...]]:
    """For each driver: its own generators for the amount, the realisation and the delay,
    from ``SeedSequence(seed)``'s ``d``-th child. Each is consumed in trial order, so
    drawing ``n1`` then ``n2`` trials gives exactly the numbers of drawing ``n1 + n2``."""
    return [
        tuple(np.random.default_rng(grandchild) for grandchild in child.spawn(3))
        for child in np.random.SeedSequence(seed).spawn(count)
    ]


def _draw(drivers: list[Driver], streams, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Realised amounts (0 when not realised) and delay indices of the next ``n`` trials,
    driver-major: shape ``(D, n)`` each. One vectorised draw per driver and quantity."""
    amount = np.empty((len(drivers), n))
    delay = np.zeros((len(drivers), n), dtype=np.intp)
    for index, driver in enumerate(drivers):
        amount_stream, realise_stream, delay_stream = streams[index]
        row = amount[index]
        width = driver.high - driver.low
        if width == 0:
            row.fill(driver.likely)
        elif driver.distribution == "pert":
            alpha = 1.0 + PERT_LAMBDA * (driver.likely - driver.low) / width
            beta = 1.0 + PERT_LAMBDA * (driver.high - driver.likely) / width
            row[:] = amount_stream.beta(alpha, beta, size=n)
            row *= width
            row += driver.low
        else:
            row[:] = amount_stream.triangular(driver.low, driver.likely, driver.high, size=n)
        if driver.probability < 1.0:
            # uniform in [0, 1): realised with exactly the driver's probability
            row *= realise_stream.random(n) < driver.probability
        choices = driver.delay_high - driver.delay_low + 1
        if choices > 1:
            # floor(u x choices) lies in 0..choices-1 since u < 1
            delay[index] = delay_stream.random(n) * choices
    return amount, delay


def _weighted_sum(
    table: np.ndarray, choices: list[int], amount: np.ndarray, delay: np.ndarray
) -> np.ndarray:
    """``out[n, j] = sum_d amount[d, n] x table[d, delay[d, n], j]``, shape ``(n, J)``.

    ``choices[d]`` is the number of possible delays of driver ``d``. With one weight row per
    driver and possible delay - ``amount[d]`` where ``delay[d] == k``, else 0 - this is a
    product of the ``(n, sum(choices))`` weights with the matching rows of ``table``,
    computed per block of :data:`BLOCK` trials. The blocks sit at fixed trial indices
    (chunks are whole blocks) and each product gets freshly allocated operands, so every
    trial's sum is computed identically whatever the chunk size (a BLAS product's rounding
    can depend on the number of rows it is given).
    """
    trials = amount.shape[1]
    if not choices:
        return np.zeros((trials, table.shape[2]))
    weights = np.empty((sum(choices), trials))
    row = 0
    for d, count in enumerate(choices):
        if count == 1:
            weights[row] = amount[d]
        else:
            for k in range(count):
                np.multiply(amount[d], delay[d] == k, out=weights[row + k])
        row += count
    flat_table = np.concatenate([table[d, :count] for d, count in enumerate(choices)])
    out = np.empty((trials, table.shape[2]))
    for start in range(0, trials, BLOCK):
        rows = slice(start, start + BLOCK)
        out[rows] = np.ascontiguousarray(weights[:, rows].T) @ flat_table
    return out


def _validate_costs(costs: Sequence[float]) -> np.ndarray:
    array = inputs.finite_array(costs, "costs", ndim=1)
    if array.size < 2:
        raise OutOfRangeError("costs", "must cover period 0 and at least one period")
    negative = np.flatnonzero(array < 0)
    if negative.size:
        index = int(negative[0])
        raise OutOfRangeError(f"costs[{index}]", f"must not be negative, got {array[index]}")
    return array


def _validate_rate(rate: float) -> float:
    return float(inputs.rate(inputs.to_decimal(rate, "rate"), "rate"))


def simulate(
    drivers: Sequence[Driver],
    costs: Sequence[float],
    rate: float,
    trials: int,
    seed: int,
    chunk_size: int = 50_000,
) -> SimulationResult:
    """Monte Carlo of NPV, ROI and payback over ``trials`` draws of the ``drivers``.

    ``costs``: non-negative cost per period in currency units, ``periods + 1`` entries
    (index 0 = the investment), deterministic. ``rate``: discount rate PER PERIOD (> -1).
    Formulas and conventions: see the module docstring and :func:`payback_periods`.

    Per trial and driver: the amount is drawn from the driver's distribution (a zero-width
    range is its likely value), realised with its probability (uniform < probability) and
    delayed by a uniform whole number of periods in ``delay_low..delay_high``.

    Reproducibility: ``numpy.random.SeedSequence(seed)`` spawns one child per driver (by
    position), which spawns one stream each for the amount, the realisation and the delay;
    each stream is consumed trial after trial, so the same ``seed`` and inputs give
    identical results for ANY ``chunk_size``, and a driver's draws depend only on the seed,
    its position and its own fields. ``chunk_size`` only bounds memory: trials are
    processed in chunks of that many, rounded up to a whole number of :data:`BLOCK`
    (1,024) trials. A chunk needs about ``chunk_size x (3 x drivers + extra delay slots +
    4 x (periods + 1)) x 8`` bytes of work space; the results take 24 bytes per trial
    (a 1,000,000-trial run of 20 drivers peaks about 60 MB above its start).

    Raises :class:`~calculators.errors.TrialLimitError` naming ``trials`` when ``trials`` is
    below 1 or above :data:`MAX_TRIALS`, and the usual input errors naming the argument.
    """
    checked = _drivers(drivers)
    cost_array = _validate_costs(costs)
    discount_rate = _validate_rate(rate)
    if isinstance(trials, bool) or not isinstance(trials, numbers.Integral):
        raise TrialLimitError("trials", f"expected a whole number, got {type(trials).__name__}")
    if not 1 <= trials <= MAX_TRIALS:
        raise TrialLimitError("trials", f"must lie between 1 and {MAX_TRIALS:,}, got {trials:,}")
    trials = int(trials)
    seed = _integer(seed, "seed", 0)
    chunk_size = _integer(chunk_size, "chunk_size", 1)

    periods = cost_array.size - 1
    table = _profile_table(checked, periods)
    factors = discount_factors(discount_rate, periods)
    cost_total = float(np.sum(cost_array))

    streams = _streams(seed, len(checked))
    step = -(-chunk_size // BLOCK) * BLOCK
    # Per driver and delay: the cumulative benefit share to each period and the present
    # value of the profile - one product per block then gives every trial's cumulative
    # benefits (for ROI and payback) and the present value of its benefits (for NPV).
    outputs = np.concatenate(
        [np.cumsum(table, axis=2), np.sum(table * factors, axis=2)[..., None]],
        axis=2,
    )
    choices = [d.delay_high - d.delay_low + 1 for d in checked]
    cost_pv = float(np.sum(cost_array * factors))
    cumulative_costs = np.cumsum(cost_array)
    npv = np.empty(trials)
    roi = np.empty(trials)
    payback = np.empty(trials)
    for start in range(0, trials, step):
        n = min(step, trials - start)
        amount, delay = _draw(checked, streams, n)
        out = _weighted_sum(outputs, choices, amount, delay)
        chunk = slice(start, start + n)
        npv[chunk] = out[:, -1] - cost_pv
        if cost_total > 0:
            with np.errstate(over="ignore"):  # vanishing costs: ROI of +/-inf
                roi[chunk] = (out[:, -2] - cost_total) / cost_total
        else:
            roi[chunk] = np.nan
        payback[chunk] = _payback(out[:, :-1] - cumulative_costs)

    for array in (npv, roi, payback):
        array.setflags(write=False)
    roi_summary = (
        _percentiles(roi) if cost_total > 0 else Percentiles(math.nan, math.nan, math.nan, math.nan)
    )
    return SimulationResult(
        trials=trials,
        seed=seed,
        npv=npv,
        roi=roi,
        payback=payback,
        npv_summary=_percentiles(npv),
        roi_summary=roi_summary,
        payback_summary=_percentiles(payback),
        probability_npv_positive=float(np.count_nonzero(npv > 0)) / trials,
        probability_payback=float(np.count_nonzero(~np.isnan(payback))) / trials,
    )
