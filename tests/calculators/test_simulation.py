"""Tests for calculators.simulation: the Monte Carlo of NPV, ROI and payback."""

import math
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calculators.errors import (
    EmptyScheduleError,
    NonFiniteError,
    OutOfRangeError,
    TrialLimitError,
)
from calculators.simulation import (
    MAX_TRIALS,
    Driver,
    Percentiles,
    deterministic_flows,
    driver_profile,
    payback_periods,
    simulate,
)

SETTINGS = settings(max_examples=25, deadline=None)
COSTS = [1000.0, 100.0, 100.0, 100.0, 100.0, 100.0]


def hand_npv(flows, rate):
    return sum(f / (1 + rate) ** t for t, f in enumerate(flows))


def mixed_drivers():
    return [
        Driver("throughput", 200, 300, 500, probability=0.9, ramp_periods=2),
        Driver("scrap", 50, 80, 90, distribution="triangular", delay_high=2),
        Driver("working capital", 300, 400, 700, kind="one_off", start_period=2, ramp_periods=2),
        Driver("licence", -60, -50, -40, probability=0.5, curve="s_curve", ramp_periods=3),
        Driver("fixed", 25, 25, 25, delay_low=1, delay_high=3),
    ]


# --- Driver validation --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "argument"),
    [
        ({"low": 5, "likely": 4, "high": 6}, OutOfRangeError, "low"),
        ({"low": 1, "likely": 7, "high": 6}, OutOfRangeError, "high"),
        ({"probability": 1.5}, OutOfRangeError, "probability"),
        ({"probability": -0.1}, OutOfRangeError, "probability"),
        ({"low": float("nan")}, NonFiniteError, "low"),
        ({"high": float("inf")}, NonFiniteError, "high"),
        ({"distribution": "normal"}, OutOfRangeError, "distribution"),
        ({"kind": "annual"}, OutOfRangeError, "kind"),
        ({"curve": "step"}, OutOfRangeError, "curve"),
        ({"start_period": 0}, OutOfRangeError, "start_period"),
        ({"ramp_periods": -1}, OutOfRangeError, "ramp_periods"),
        ({"start_period": 3, "end_period": 2}, OutOfRangeError, "end_period"),
        ({"delay_low": -1}, OutOfRangeError, "delay_low"),
        ({"delay_low": 2, "delay_high": 1}, OutOfRangeError, "delay_high"),
        ({"name": ""}, OutOfRangeError, "name"),
        ({"likely": "4"}, OutOfRangeError, "likely"),
    ],
)
def test_driver_rejects_bad_fields_naming_them(kwargs, error, argument):
    fields = {"name": "d", "low": 1, "likely": 2, "high": 3, **kwargs}
    with pytest.raises(error) as caught:
        Driver(**fields)
    assert caught.value.argument == argument


# --- simulate: input validation ---------------------------------------------------------


@pytest.mark.parametrize("trials", [0, -5, MAX_TRIALS + 1])
def test_trials_outside_the_bound_raise_trial_limit_error(trials):
    with pytest.raises(TrialLimitError) as caught:
        simulate(mixed_drivers(), COSTS, 0.1, trials, seed=1)
    assert caught.value.argument == "trials"


@pytest.mark.parametrize(
    ("costs", "rate", "error", "argument"),
    [
        (COSTS, -1.0, OutOfRangeError, "rate"),
        (COSTS, -2.5, OutOfRangeError, "rate"),
        (COSTS, float("nan"), NonFiniteError, "rate"),
        ([1000.0, -1.0, 0.0], 0.1, OutOfRangeError, "costs[1]"),
        ([1000.0, float("inf")], 0.1, NonFiniteError, "costs"),
        ([], 0.1, EmptyScheduleError, "costs"),
        ([1000.0], 0.1, OutOfRangeError, "costs"),
    ],
)
def test_simulate_rejects_bad_costs_and_rate(costs, rate, error, argument):
    with pytest.raises(error) as caught:
        simulate(mixed_drivers(), costs, rate, 10, seed=1)
    assert caught.value.argument == argument


def test_simulate_rejects_something_that_is_not_a_driver():
    with pytest.raises(OutOfRangeError) as caught:
        simulate([mixed_drivers()[0], {"name": "x"}], COSTS, 0.1, 10, seed=1)
    assert caught.value.argument == "drivers[1]"


# --- deterministic cases ------------------------------------------------------------------


def test_driver_accepts_decimal_money():
    driver = Driver("a", Decimal("10.50"), Decimal("12"), Decimal("20.25"), Decimal("0.9"))
    assert (driver.low, driver.likely, driver.high, driver.probability) == (10.5, 12, 20.25, 0.9)


def test_deterministic_flows_worked_by_hand():
    drivers = [
        Driver("a", 50, 100, 200, ramp_periods=2),  # 0, 50, 100, 100
        Driver("b", 600, 600, 600, kind="one_off", start_period=2),  # 0, 0, 600, 0
    ]
    np.testing.assert_array_equal(deterministic_flows(drivers, 3), [0, 50, 700, 100])
    np.testing.assert_array_equal(deterministic_flows(drivers, 3, "low"), [0, 25, 650, 50])
    np.testing.assert_array_equal(deterministic_flows(drivers, 3, "high"), [0, 100, 800, 200])
    with pytest.raises(OutOfRangeError) as caught:
        deterministic_flows(drivers, 3, "worst")
    assert caught.value.argument == "scenario"


def test_zero_width_certain_undelayed_drivers_give_the_deterministic_npv_in_every_trial():
    drivers = [
        Driver("a", 400, 400, 400, ramp_periods=3),
        Driver("b", 150, 150, 150, distribution="triangular", curve="s_curve", ramp_periods=2),
        Driver("c", 500, 500, 500, kind="one_off", start_period=2),
    ]
    result = simulate(drivers, COSTS, 0.08, 500, seed=3)
    flows = deterministic_flows(drivers, 5) - np.array(COSTS)
    # by hand: a = 0, 133.33, 266.67, 400, 400, 400; b = 0, 75, 150, ...; c = 500 in t=2
    expected = hand_npv(flows, 0.08)
    np.testing.assert_allclose(result.npv, expected, rtol=1e-12)
    assert result.npv_summary.p10 == pytest.approx(expected, rel=1e-12)
    total_benefit = flows.sum() + sum(COSTS)
    np.testing.assert_allclose(result.roi, (total_benefit - 1500) / 1500, rtol=1e-12)
    assert result.probability_npv_positive in (0.0, 1.0)


def test_payback_is_interpolated_inside_the_period():
    net = np.array(
        [
            [-100.0, 40.0, 40.0, 40.0],  # cumulative -100, -60, -20, 20 -> 2 + 20/40
            [-100.0, 50.0, 50.0, 10.0],  # reaches 0 exactly at the end of period 2
            [-100.0, 10.0, 10.0, 10.0],  # never
            [0.0, 10.0, 10.0, 10.0],  # never negative
            [-100.0, 200.0, -150.0, 100.0],  # -100, 100, -50, 50: after the last dip
        ]
    )
    np.testing.assert_array_equal(payback_periods(net), [2.5, 2.0, np.nan, 0.0, 2.5])


def test_no_drivers_give_minus_the_costs_in_every_trial():
    result = simulate([], [100.0, 10.0, 10.0], 0.0, 50, seed=1)
    np.testing.assert_array_equal(result.npv, -120.0)
    assert (result.roi == -1.0).all()
    assert np.isnan(result.payback).all()


def test_zero_costs_give_nan_roi():
    drivers = [Driver("a", 10, 20, 30)]
    result = simulate(drivers, [0.0, 0.0, 0.0], 0.1, 50, seed=1)
    assert np.isnan(result.roi).all()
    assert all(math.isnan(v) for v in vars(result.roi_summary).values())
    assert (result.payback == 0).all()


def test_never_paying_back_counts_as_infinite_payback():
    drivers = [Driver("small", 1, 2, 3, probability=0.5)]
    result = simulate(drivers, [1000.0, 0.0, 0.0, 0.0], 0.0, 200, seed=2)
    assert np.isnan(result.payback).all()
    assert result.payback_summary == Percentiles(math.inf, math.inf, math.inf, math.inf)
    assert result.probability_payback == 0.0


def test_result_arrays_are_read_only_and_histogram_counts_every_trial():
    result = simulate(mixed_drivers(), COSTS, 0.1, 1000, seed=4)
    with pytest.raises(ValueError):
        result.npv[0] = 0.0
    counts, edges = result.histogram(bins=12)
    assert counts.sum() == 1000
    assert len(edges) == 13
    assert edges[0] == result.npv.min()
    assert edges[-1] == result.npv.max()


# --- reproducibility --------------------------------------------------------------------------


def test_same_seed_same_result_different_seed_different_result():
    first = simulate(mixed_drivers(), COSTS, 0.1, 3000, seed=11)
    second = simulate(mixed_drivers(), COSTS, 0.1, 3000, seed=11)
    other = simulate(mixed_drivers(), COSTS, 0.1, 3000, seed=12)
    np.testing.assert_array_equal(first.npv, second.npv)
    np.testing.assert_array_equal(first.payback, second.payback)
    assert first.npv_summary == second.npv_summary
    assert not np.array_equal(first.npv, other.npv)


@pytest.mark.parametrize("chunk_size", [1, 1000, 1024, 2500, 50_000])
def test_chunk_size_does_not_change_results(chunk_size):
    reference = simulate(mixed_drivers(), COSTS, 0.1, 5000, seed=5, chunk_size=5000)
    result = simulate(mixed_drivers(), COSTS, 0.1, 5000, seed=5, chunk_size=chunk_size)
    np.testing.assert_array_equal(result.npv, reference.npv)
    np.testing.assert_array_equal(result.roi, reference.roi)
    np.testing.assert_array_equal(result.payback, reference.payback)
    assert result.npv_summary == reference.npv_summary
    assert result.payback_summary == reference.payback_summary


def test_a_prefix_of_trials_is_reproduced_by_a_shorter_run():
    long = simulate(mixed_drivers(), COSTS, 0.1, 4000, seed=9)
    short = simulate(mixed_drivers(), COSTS, 0.1, 1500, seed=9)
    np.testing.assert_array_equal(long.npv[:1500], short.npv)


# --- statistics ------------------------------------------------------------------------------


def test_realisation_and_delay_frequencies():
    drivers = [Driver("a", 100, 100, 100, probability=0.3, delay_low=1, delay_high=3)]
    result = simulate(drivers, [0.0, 0.0, 0.0, 0.0, 0.0, 0.0], 0.0, 20_000, seed=8)
    # undiscounted NPV = 100 x periods with benefit: 0 if not realised, else 5 - delay
    values, counts = np.unique(result.npv, return_counts=True)
    share = dict(zip(values.tolist(), (counts / 20_000).tolist(), strict=True))
    assert share[0.0] == pytest.approx(0.7, abs=0.015)
    for periods_with_benefit in (2, 3, 4):
        assert share[100.0 * periods_with_benefit] == pytest.approx(0.1, abs=0.01)


def test_mean_npv_converges_to_the_analytical_expectation():
    """200,000 trials: the sample mean must lie within 4 standard errors (stated
    tolerance; a false alarm has probability ~6e-5) of
    E[NPV] = sum_d p_d x mean_d x PV(profile_d) - PV(costs), with mean_d the PERT
    (l + 4m + h) / 6 or triangular (l + m + h) / 3 mean."""
    drivers = [
        Driver("pert", 100, 250, 700, probability=0.8, ramp_periods=2),
        Driver("tri", -50, 200, 300, distribution="triangular", probability=0.6),
        Driver("one-off", 500, 900, 1000, kind="one_off", start_period=2),
    ]
    rate = 0.07
    trials = 200_000
    result = simulate(drivers, COSTS, rate, trials, seed=2024)
    factors = (1 + rate) ** -np.arange(6.0)
    assert drivers[0].mean == pytest.approx((100 + 4 * 250 + 700) / 6)
    assert drivers[1].mean == pytest.approx((-50 + 200 + 300) / 3)
    expected = sum(d.probability * d.mean * driver_profile(d, 5) @ factors for d in drivers)
    expected -= np.array(COSTS) @ factors
    standard_error = result.npv.std() / math.sqrt(trials)
    assert abs(result.npv_summary.mean - expected) < 4 * standard_error
    assert standard_error < 0.01 * abs(expected)  # the tolerance is tight: < 4% of E[NPV]


def test_pert_draws_stay_inside_the_range():
    drivers = [Driver("a", 10, 11, 30)]
    result = simulate(drivers, [0.0, 0.0], 0.0, 5000, seed=1)
    assert result.npv.min() >= 10
    assert result.npv.max() <= 30


# --- properties --------------------------------------------------------------------------------

amounts = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def driver_lists(draw):
    count = draw(st.integers(1, 4))
    drivers = []
    for index in range(count):
        low, likely, high = sorted(draw(st.tuples(amounts, amounts, amounts)))
        delay_low = draw(st.integers(0, 2))
        drivers.append(
            Driver(
                f"d{index}",
                low,
                likely,
                high,
                probability=draw(st.floats(0, 1)),
                distribution=draw(st.sampled_from(["pert", "triangular"])),
                kind=draw(st.sampled_from(["recurring", "one_off"])),
                start_period=draw(st.integers(1, 4)),
                ramp_periods=draw(st.integers(0, 3)),
                curve=draw(st.sampled_from(["linear", "s_curve"])),
                delay_low=delay_low,
                delay_high=delay_low + draw(st.integers(0, 2)),
            )
        )
    return drivers


costs_strategy = st.lists(st.floats(0, 1e6), min_size=2, max_size=7)


@SETTINGS
@given(driver_lists(), costs_strategy, st.floats(-0.5, 1.0), st.integers(0, 2**32))
def test_percentiles_are_ordered_and_probabilities_are_shares(drivers, costs, rate, seed):
    result = simulate(drivers, costs, rate, 300, seed=seed)
    for summary in (result.npv_summary, result.payback_summary):
        assert summary.p10 <= summary.p50 <= summary.p90
    if sum(costs) > 0:
        assert result.roi_summary.p10 <= result.roi_summary.p50 <= result.roi_summary.p90
    assert 0 <= result.probability_npv_positive <= 1
    assert 0 <= result.probability_payback <= 1
    assert result.npv.shape == result.roi.shape == result.payback.shape == (300,)
    finite = result.payback[~np.isnan(result.payback)]
    assert ((finite >= 0) & (finite <= len(costs) - 1)).all()


@SETTINGS
@given(driver_lists(), costs_strategy, st.integers(0, 2**32), st.integers(1, 3000))
def test_chunking_never_changes_results(drivers, costs, seed, chunk_size):
    reference = simulate(drivers, costs, 0.05, 2100, seed=seed)
    chunked = simulate(drivers, costs, 0.05, 2100, seed=seed, chunk_size=chunk_size)
    np.testing.assert_array_equal(chunked.npv, reference.npv)
    np.testing.assert_array_equal(chunked.payback, reference.payback)
