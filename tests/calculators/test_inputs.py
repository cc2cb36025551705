"""Input coercion shared by every calculator: exact, finite, and named when wrong."""

from decimal import Decimal

import numpy as np
import pytest

from calculators._inputs import finite_array, to_decimal
from calculators.errors import EmptyScheduleError, NonFiniteError, OutOfRangeError


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1.25"), Decimal("1.25")),
        (3, Decimal(3)),
        (0.1, Decimal("0.1")),  # through repr, not the binary expansion
        (" 2.50 ", Decimal("2.50")),
        (np.float64(0.1), Decimal("0.1")),
        (np.int64(7), Decimal(7)),
    ],
)
def test_numbers_become_exact_decimals(value, expected):
    assert to_decimal(value, "x") == expected


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (float("nan"), NonFiniteError),
        (float("inf"), NonFiniteError),
        (np.float64("nan"), NonFiniteError),
        ("NaN", NonFiniteError),
        ("Infinity", NonFiniteError),
        (True, OutOfRangeError),
        ("abc", OutOfRangeError),
        (None, OutOfRangeError),
    ],
)
def test_bad_numbers_raise_naming_the_argument(value, error):
    with pytest.raises(error) as caught:
        to_decimal(value, "revenue")
    assert caught.value.argument == "revenue"


def test_arrays_must_be_finite_and_non_empty():
    with pytest.raises(NonFiniteError):
        finite_array([1.0, np.inf], "flows")
    with pytest.raises(EmptyScheduleError):
        finite_array([], "flows")
    with pytest.raises(OutOfRangeError):
        finite_array([[1.0]], "flows", ndim=1)
