"""Tests for calculators.batch: vectorised NPV and IRR over many schedules."""

import numpy as np
import numpy_financial as npf
import pytest
import pyxirr
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.schedules import realistic_schedules as realistic
from calculators.batch import (
    IRR_MULTIPLE,
    IRR_NONE,
    IRR_UNIQUE,
    ROW_BLOCK,
    _isolate,
    batch_irr,
    batch_npv,
    sign_changes,
)
from calculators.errors import EmptyScheduleError, NonFiniteError, OutOfRangeError

SETTINGS = settings(max_examples=60, deadline=None)


def reference_irr(flows):
    return np.array([npf.irr(row) for row in flows])


# --- NPV ----------------------------------------------------------------------------------------


def test_batch_npv_worked_by_hand_period_zero_undiscounted():
    flows = [[-100.0, 110.0], [-100.0, 0.0, 121.0]]
    np.testing.assert_allclose(
        batch_npv(0.1, [f + [0.0] * (3 - len(f)) for f in flows]), 0.0, atol=1e-12
    )
    np.testing.assert_allclose(
        batch_npv([0.0, 0.21], [[1.0, 2.0, 3.0], [0.0, 0.0, 1.4641]]), [6.0, 1.0], rtol=1e-14
    )


def test_batch_npv_agrees_with_numpy_financial():
    flows = realistic(500, 10, seed=1)
    rates = np.random.default_rng(2).uniform(-0.5, 1.0, 500)
    expected = [npf.npv(r, row) for r, row in zip(rates, flows, strict=True)]
    np.testing.assert_allclose(batch_npv(rates, flows), expected, rtol=1e-12, atol=1e-6)
    np.testing.assert_allclose(
        batch_npv(0.08, flows), [npf.npv(0.08, row) for row in flows], rtol=1e-12, atol=1e-6
    )


@pytest.mark.parametrize(
    ("rates", "error", "argument"),
    [
        (-1.0, OutOfRangeError, "rates"),
        ([0.1, -1.5], OutOfRangeError, "rates[1]"),
        ([0.1, 0.2, 0.3], OutOfRangeError, "rates"),
        ([[0.1, 0.2]], OutOfRangeError, "rates"),
        (float("nan"), NonFiniteError, "rates"),
    ],
)
def test_batch_npv_rejects_bad_rates(rates, error, argument):
    with pytest.raises(error) as caught:
        batch_npv(rates, [[-1.0, 2.0], [-1.0, 3.0]])
    assert caught.value.argument == argument


@pytest.mark.parametrize("function", [lambda f: batch_npv(0.1, f), batch_irr])
@pytest.mark.parametrize(
    ("flows", "error"),
    [
        ([[-100.0, np.nan, 20.0]], NonFiniteError),
        ([[-100.0, np.inf, 20.0]], NonFiniteError),
        (np.empty((0, 3)), EmptyScheduleError),
        (np.empty((3, 0)), EmptyScheduleError),
        ([-100.0, 110.0], OutOfRangeError),
        ([["a", "b"]], OutOfRangeError),
    ],
)
def test_bad_flows_name_the_argument(function, flows, error):
    with pytest.raises(error) as caught:
        function(flows)
    assert caught.value.argument == "flows"


@pytest.mark.parametrize(
    ("kwargs", "argument"), [({"tol": 0}, "tol"), ({"max_iter": 0}, "max_iter")]
)
def test_batch_irr_rejects_bad_solver_settings(kwargs, argument):
    with pytest.raises(OutOfRangeError) as caught:
        batch_irr([[-1.0, 2.0]], **kwargs)
    assert caught.value.argument == argument


# --- IRR: hand-worked and documented cases --------------------------------------------------


def test_irr_of_documented_examples():
    # numpy-financial's documented examples (padded with trailing zeros)
    flows = np.array(
        [
            [-100, 39, 59, 55, 20],
            [-100, 0, 0, 74, 0],
            [-100, 100, 0, -7, 0],
            [-100, 100, 0, 7, 0],
            [-5, 10.5, 1, -8, 1],
        ],
        dtype=float,
    )
    result = batch_irr(flows)
    np.testing.assert_allclose(
        result.rates, [0.28095, -0.0955, -0.0833, 0.06206, 0.0886], atol=5e-5
    )
    np.testing.assert_allclose(result.rates, reference_irr(flows), rtol=0, atol=1e-12)
    assert result.status.tolist() == [
        IRR_UNIQUE,
        IRR_UNIQUE,
        IRR_MULTIPLE,
        IRR_UNIQUE,
        IRR_MULTIPLE,
    ]
    assert result.status.dtype == np.int8
    assert result.sign_changes.tolist() == [1, 1, 2, 1, 3]


def test_irr_hand_worked_two_flow_and_zero_cases():
    flows = np.array(
        [
            [-100.0, 0.0, 121.0],  # 10% over two periods
            [0.0, -100.0, 110.0],  # leading zero: 10%
            [100.0, -110.0, 0.0],  # borrowing: 10%
            [-100.0, 100.0, 0.0],  # 0%
            [-100.0, 50.0, 0.0],  # loses half: -50%
            [0.0, 0.0, 0.0],  # nothing
            [-1.0, -2.0, -3.0],  # never positive
            [5.0, 0.0, 1.0],  # never negative
        ]
    )
    result = batch_irr(flows)
    np.testing.assert_allclose(result.rates[:5], [0.1, 0.1, 0.1, 0.0, -0.5], atol=1e-13)
    assert np.isnan(result.rates[5:]).all()
    assert result.status.tolist() == [IRR_UNIQUE] * 5 + [IRR_NONE] * 3
    assert result.sign_changes.tolist() == [1, 1, 1, 1, 1, 0, 0, 0]


def test_irr_extreme_but_unique_roots():
    flows = np.array(
        [
            [-1.0, 1e6, 0.0, 0.0, 0.0],  # 99,999,900%
            [-1.0, 0.0, 0.0, 0.0, 1e-30],  # almost total loss
            [-1.0, 1e-12, 0.0, 0.0, 1e-12],
            [-100.0, 1e-4, 1e-4, 0.0, 100.0],  # just above 0%
        ]
    )
    result = batch_irr(flows)
    np.testing.assert_allclose(result.rates, reference_irr(flows), rtol=1e-12, atol=1e-15)
    assert (result.status == IRR_UNIQUE).all()


def test_irr_zeroes_the_npv():
    flows = realistic(300, 12, seed=3)
    result = batch_irr(flows)
    unique = result.status == IRR_UNIQUE
    npv = batch_npv(result.rates[unique], flows[unique])
    scale = np.abs(flows[unique]).max(axis=1)
    assert (np.abs(npv) <= 1e-9 * scale).all()


def test_irrs_on_both_sides_of_zero_take_the_one_nearer_zero():
    # -(x - 1/0.9)(x - 1/1.2) x 108: IRRs of -10% and +20% (x = 1/(1+r))
    flows = np.array([[-100.0, 210.0, -108.0]])
    result = batch_irr(flows)
    assert result.status[0] == IRR_MULTIPLE
    np.testing.assert_allclose(result.rates, [-0.1], atol=1e-12)
    np.testing.assert_allclose(result.rates, reference_irr(flows), atol=1e-12)
    assert _isolate(np.ascontiguousarray(flows.T / 210.0))[0][0]  # solved without eigvals


def test_multiple_sign_changes_follow_numpy_financial_and_can_have_no_irr():
    flows = np.array(
        [
            [-100.0, 230.0, -132.0, 0.0],  # roots at 10% and 20%: npf takes the one nearer 0
            [-100.0, 150.0, -100.0, 0.0],  # two sign changes, no real root
            [-1.0, 3.0, -3.0, 1.0],  # (x - 1)^3 in x: a triple root at 0%
        ]
    )
    result = batch_irr(flows)
    assert result.status.tolist() == [IRR_MULTIPLE] * 3
    np.testing.assert_allclose(result.rates[0], 0.1, atol=1e-12)
    assert np.isnan(result.rates[1])
    expected = reference_irr(flows)
    np.testing.assert_array_equal(np.isnan(result.rates), np.isnan(expected))
    both = ~np.isnan(expected)
    np.testing.assert_allclose(result.rates[both], expected[both], rtol=0, atol=1e-9)


# --- agreement with numpy-financial and pyxirr on random batches -----------------------------


@pytest.mark.parametrize(("seed", "periods"), [(11, 10), (12, 5), (13, 30)])
def test_agrees_with_numpy_financial_on_realistic_batches(seed, periods):
    flows = realistic(2000, periods, seed)
    result = batch_irr(flows)
    expected = reference_irr(flows)
    np.testing.assert_array_equal(np.isnan(result.rates), np.isnan(expected))
    both = ~np.isnan(expected)
    assert np.abs(result.rates[both] - expected[both]).max() <= 1e-9
    assert set(np.unique(result.status)) == {IRR_UNIQUE, IRR_NONE, IRR_MULTIPLE}


def test_agrees_with_numpy_financial_on_arbitrary_flows():
    rng = np.random.default_rng(21)
    flows = rng.normal(0, 1000, (1500, 8)) * (rng.random((1500, 8)) > 0.15)
    several = flows[sign_changes(flows) > 1]
    columns = several.T / np.abs(several).max(axis=1)
    provable = _isolate(np.ascontiguousarray(columns))[0]
    assert 100 < provable.sum() < provable.size  # both paths are exercised
    result = batch_irr(flows)
    expected = reference_irr(flows)
    np.testing.assert_array_equal(np.isnan(result.rates), np.isnan(expected))
    both = ~np.isnan(expected)
    assert np.abs(result.rates[both] - expected[both]).max() <= 1e-9
    np.testing.assert_array_equal(result.sign_changes, sign_changes(flows))


def test_unique_rows_agree_with_pyxirr():
    flows = realistic(500, 10, seed=31)
    result = batch_irr(flows)
    for row, rate, status in zip(flows, result.rates, result.status, strict=True):
        if status == IRR_UNIQUE:
            assert rate == pytest.approx(pyxirr.irr(row), abs=1e-9)


def test_rows_are_independent_of_the_rest_of_the_batch():
    flows = realistic(ROW_BLOCK + 500, 6, seed=41)
    whole = batch_irr(flows)
    part = batch_irr(flows[ROW_BLOCK - 100 : ROW_BLOCK + 100])
    np.testing.assert_array_equal(part.rates, whole.rates[ROW_BLOCK - 100 : ROW_BLOCK + 100])


# --- properties -------------------------------------------------------------------------------

money = st.floats(min_value=1.0, max_value=1e7, allow_nan=False, allow_infinity=False)


@SETTINGS
@given(
    st.lists(money, min_size=1, max_size=4),
    st.lists(st.one_of(money, st.just(0.0)), min_size=1, max_size=12),
    st.sampled_from([1.0, -1.0]),
)
def test_one_sign_change_gives_the_unique_irr_of_numpy_financial(outflows, inflows, side):
    # side -1: a loan (money in first, repaid later) - the same IRR
    flows = side * np.array([[-v for v in outflows] + inflows])
    if not any(inflows):
        return
    result = batch_irr(flows)
    assert result.status[0] == IRR_UNIQUE
    expected = npf.irr(flows[0])
    if np.isnan(expected):  # numpy-financial found no real root (ill-conditioned)
        return
    if abs(expected) <= 10:  # up to 1,000% per period: 1e-9 absolute
        assert result.rates[0] == pytest.approx(expected, rel=0, abs=1e-9)
    else:  # numpy-financial's eigenvalue root itself drifts there (266143.0004 for
        # [-1, 266144, 0, 1, 182078, 1], whose IRR is 266143.00000000001); ours is checked
        # by its NPV residual below
        assert result.rates[0] == pytest.approx(expected, rel=1e-8)
    npv = batch_npv(result.rates, flows)[0]
    assert abs(npv) <= 1e-9 * batch_npv(result.rates, np.abs(flows))[0]
