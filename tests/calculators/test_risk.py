"""Tests for calculators.risk: expected value, extension and ramp-up schedules."""

import itertools
from decimal import Decimal, localcontext

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calculators.errors import NonFiniteError, OutOfRangeError
from calculators.risk import (
    benefit_schedule,
    expected_value,
    extend,
    one_off_fractions,
    one_off_profile,
    ramp_fractions,
    ramp_profile,
)

D = Decimal
SETTINGS = settings(max_examples=60, deadline=None)


# --- expected value and extension -------------------------------------------------------


def test_expected_value_is_amount_times_probability():
    assert expected_value(D("120000.00"), D("0.75")) == D("90000.0000")
    assert expected_value("0.1", 0.5) == D("0.05")
    assert expected_value(-1000, 1) == D(-1000)


@pytest.mark.parametrize("probability", [D("-0.01"), D("1.01"), 2])
def test_expected_value_rejects_probability_outside_unit_interval(probability):
    with pytest.raises(OutOfRangeError) as caught:
        expected_value(100, probability)
    assert caught.value.argument == "probability"


def test_expected_value_rejects_nan_amount():
    with pytest.raises(NonFiniteError) as caught:
        expected_value(float("nan"), 0.5)
    assert caught.value.argument == "amount"


def test_extend_multiplies_the_gain_by_the_scope():
    # 15,000 saved per line, rolled out to 4 lines; half a site
    assert extend(D("15000"), 4) == D("60000")
    assert extend(D("15000"), D("0.5")) == D("7500.0")
    assert extend(D("15000"), 0) == 0


def test_extend_rejects_negative_multiplier():
    with pytest.raises(OutOfRangeError) as caught:
        extend(100, -1)
    assert caught.value.argument == "scope_multiplier"


# --- ramp fractions: hand-worked figures ------------------------------------------------


def test_linear_ramp_over_four_periods_starting_in_period_two():
    assert ramp_fractions(7, 2, 4) == (
        D(0),
        D(0),
        D("0.25"),
        D("0.5"),
        D("0.75"),
        D(1),
        D(1),
        D(1),
    )


def test_s_curve_worked_by_hand():
    # x = k/4: 3x^2 - 2x^3 -> k=1: 0.1875 - 0.03125 = 0.15625; k=2: 0.75 - 0.25 = 0.5;
    # k=3: 1.6875 - 0.84375 = 0.84375; k=4: 1
    assert ramp_fractions(6, 1, 4, "s_curve") == (
        D(0),
        D("0.15625"),
        D("0.5"),
        D("0.84375"),
        D(1),
        D(1),
        D(1),
    )


def test_linear_ramp_in_thirds_is_rounded_once_to_28_digits():
    fractions = ramp_fractions(4, 1, 3)
    assert fractions[1] == D("0.3333333333333333333333333333")
    assert fractions[2] == D("0.6666666666666666666666666667")
    assert fractions[3] == 1


def test_zero_ramp_is_full_effect_from_the_start_period():
    assert ramp_fractions(4, 3, 0) == (D(0), D(0), D(0), D(1), D(1))


def test_end_period_is_the_last_period_with_benefit():
    assert ramp_fractions(6, 1, 2, end_period=4) == (
        D(0),
        D("0.5"),
        D(1),
        D(1),
        D(1),
        D(0),
        D(0),
    )


def test_start_after_the_horizon_gives_nothing():
    assert ramp_fractions(3, 5, 2) == (D(0),) * 4


def test_ramp_still_rising_at_the_horizon():
    assert ramp_fractions(3, 2, 4) == (D(0), D(0), D("0.25"), D("0.5"))


# --- one-off fractions --------------------------------------------------------------------


def test_one_off_increments_sum_to_one_when_the_ramp_completes():
    shares = one_off_fractions(8, 2, 3)
    assert shares[:2] == (D(0), D(0))
    assert sum(shares) == 1
    assert shares[5:] == (D(0), D(0), D(0), D(0))


def test_one_off_s_curve_increments_worked_by_hand():
    shares = one_off_fractions(5, 1, 4, "s_curve")
    assert shares == (D(0), D("0.15625"), D("0.34375"), D("0.34375"), D("0.15625"), D(0))
    assert sum(shares) == 1


def test_one_off_sums_to_the_ramp_reached_when_it_does_not_complete():
    shares = one_off_fractions(3, 2, 4)
    assert sum(shares) == D("0.5")


def test_one_off_without_ramp_arrives_at_once():
    assert one_off_fractions(3, 2, 0) == (D(0), D(0), D(1), D(0))


def test_one_off_after_end_period_is_forfeited():
    assert one_off_fractions(5, 1, 4, end_period=2) == (
        D(0),
        D("0.25"),
        D("0.25"),
        D(0),
        D(0),
        D(0),
    )


# --- benefit schedules --------------------------------------------------------------------


def test_recurring_schedule_is_amount_times_ramp():
    assert benefit_schedule(D("1000.00"), "recurring", 5, 2, 2) == [
        D(0),
        D(0),
        D("500.000"),
        D("1000.00"),
        D("1000.00"),
        D("1000.00"),
    ]


def test_one_off_schedule_releases_the_amount_once():
    assert benefit_schedule(D("1000"), "one_off", 6, 1, 4) == [
        D(0),
        D("250.00"),
        D("250.00"),
        D("250.00"),
        D("250.00"),
        D(0),
        D(0),
    ]


def test_one_off_schedule_in_thirds_still_sums_to_the_amount():
    schedule = benefit_schedule(D("900000"), "one_off", 6, 1, 3)
    assert sum(schedule) == D("900000")


def test_schedule_rejects_unknown_kind():
    with pytest.raises(OutOfRangeError) as caught:
        benefit_schedule(100, "monthly", 3, 1)
    assert caught.value.argument == "kind"


# --- validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"periods": 0, "start_period": 1, "ramp_periods": 0}, "periods"),
        ({"periods": 3, "start_period": 0, "ramp_periods": 0}, "start_period"),
        ({"periods": 3, "start_period": 1, "ramp_periods": -1}, "ramp_periods"),
        ({"periods": 3, "start_period": 1, "ramp_periods": 1, "curve": "cubic"}, "curve"),
        ({"periods": 3, "start_period": 2, "ramp_periods": 1, "end_period": 1}, "end_period"),
        ({"periods": 2.5, "start_period": 1, "ramp_periods": 1}, "periods"),
        ({"periods": True, "start_period": 1, "ramp_periods": 1}, "periods"),
    ],
)
@pytest.mark.parametrize("function", [ramp_fractions, one_off_fractions, ramp_profile])
def test_ramp_validation_names_the_argument(function, kwargs, argument):
    with pytest.raises(OutOfRangeError) as caught:
        function(**kwargs)
    assert caught.value.argument == argument


# --- properties -------------------------------------------------------------------------------

ramp_args = st.fixed_dictionaries(
    {
        "periods": st.integers(1, 24),
        "start_period": st.integers(1, 26),
        "ramp_periods": st.integers(0, 12),
        "curve": st.sampled_from(["linear", "s_curve"]),
    }
)


@SETTINGS
@given(ramp_args)
def test_ramp_is_monotone_between_zero_and_one(args):
    fractions = ramp_fractions(**args)
    assert len(fractions) == args["periods"] + 1
    assert fractions[0] == 0
    assert all(0 <= f <= 1 for f in fractions)
    assert all(a <= b for a, b in itertools.pairwise(fractions))


@SETTINGS
@given(ramp_args)
def test_one_off_increments_telescope_to_the_ramp(args):
    shares = one_off_fractions(**args)
    ramp = ramp_fractions(**args)
    with localcontext() as context:
        context.prec = 200  # add without rounding
        total = sum(shares)
    assert total == ramp[-1]
    if args["start_period"] + max(args["ramp_periods"], 1) - 1 <= args["periods"]:
        assert total == 1


@SETTINGS
@given(ramp_args, st.one_of(st.none(), st.integers(0, 10)))
def test_float_profile_agrees_with_decimal_fractions(args, extra):
    end = None if extra is None else args["start_period"] + extra
    exact = ramp_fractions(**args, end_period=end)
    floats = ramp_profile(**args, end_period=end)
    assert floats.dtype == np.float64
    np.testing.assert_array_equal(floats, [float(f) for f in exact])
    np.testing.assert_allclose(
        one_off_profile(**args, end_period=end),
        [float(f) for f in one_off_fractions(**args, end_period=end)],
        rtol=0,
        atol=0,
    )


@SETTINGS
@given(
    ramp_args,
    st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False),
)
def test_one_off_schedule_adds_up_exactly_to_the_amount_received(args, amount):
    schedule = benefit_schedule(amount, "one_off", **args)
    with localcontext() as context:
        context.prec = 28
        expected = amount * ramp_fractions(**args)[-1]
        context.prec = 200  # add without rounding
        assert sum(schedule) == expected
