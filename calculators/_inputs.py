"""Coercion and validation of calculator inputs (shared by every calculator module).

Money and ratios cross the public boundary as :class:`decimal.Decimal`. Accepted inputs are
``Decimal``, ``int``, ``str`` (a decimal literal) and finite ``float`` (converted through
``repr`` so ``0.1`` becomes ``Decimal('0.1')``, not its binary expansion). ``bool`` is
rejected: ``True`` is not an amount.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation

import numpy as np

from calculators.errors import EmptyScheduleError, NonFiniteError, OutOfRangeError

Number = Decimal | int | float | str

# Every Decimal a calculator accepts is 0 or between these in size. Decimals reach far past
# them (1e-999999999 is finite) and a sum, product or quotient of such a number overflows
# the decimal context (decimal.Overflow, not a CalculatorError); within them a formula
# can combine several inputs and stay inside the context's exponent range (1e999999).
LARGEST = Decimal("1e100000")
SMALLEST = Decimal("1e-100000")
# Float arrays: sizes up to 1e100, so sums over many periods and products with discount
# factors (up to 1e200) stay finite in float64.
ARRAY_LARGEST = 1e100


def to_decimal(value: Number, argument: str) -> Decimal:
    """Convert ``value`` to a finite Decimal or raise naming ``argument``."""
    if isinstance(value, bool):
        raise OutOfRangeError(argument, "expected a number, got a boolean")
    if isinstance(value, np.generic):  # before float: np.float64 is a float subclass
        value = value.item()
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise NonFiniteError(argument, f"must be finite, got {value!r}")
        result = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise OutOfRangeError(argument, f"not a decimal number: {value!r}") from None
    else:
        raise OutOfRangeError(argument, f"expected a number, got {type(value).__name__}")
    if not result.is_finite():
        raise NonFiniteError(argument, f"must be finite, got {value!r}")
    if result and not SMALLEST <= result.copy_abs() <= LARGEST:  # abs() would round
        raise OutOfRangeError(
            argument, f"must be 0 or between 1e-100000 and 1e100000 in size, got {result:.3e}"
        )
    return result


def to_decimals(values: Iterable[Number], argument: str) -> list[Decimal]:
    """Convert a sequence to Decimals; element errors name ``argument[i]``."""
    return [to_decimal(v, f"{argument}[{i}]") for i, v in enumerate(values)]


def non_empty(values: Sequence, argument: str) -> Sequence:
    if len(values) == 0:
        raise EmptyScheduleError(argument, "must hold at least one value")
    return values


def non_negative(value: Decimal, argument: str) -> Decimal:
    if value < 0:
        raise OutOfRangeError(argument, f"must not be negative, got {value}")
    return value


def positive(value: Decimal, argument: str) -> Decimal:
    if value <= 0:
        raise OutOfRangeError(argument, f"must be greater than zero, got {value}")
    return value


def probability(value: Decimal, argument: str) -> Decimal:
    if not Decimal(0) <= value <= Decimal(1):
        raise OutOfRangeError(argument, f"must lie between 0 and 1, got {value}")
    return value


def rate(value: Decimal, argument: str) -> Decimal:
    """A discount or growth rate per period: must exceed -100%."""
    if value <= Decimal(-1):
        raise OutOfRangeError(argument, f"must be greater than -1 (-100%), got {value}")
    return value


def day_count(value: int, argument: str = "day_count") -> int:
    if isinstance(value, bool) or value not in (360, 365):
        raise OutOfRangeError(argument, f"must be 360 or 365, got {value!r}")
    return value


def finite_array(values, argument: str, ndim: int | None = None) -> np.ndarray:
    """A float64 array with only finite values (and the given number of dimensions)."""
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise OutOfRangeError(argument, "must be an array of numbers") from None
    if ndim is not None and array.ndim != ndim:
        raise OutOfRangeError(argument, f"must have {ndim} dimension(s), got {array.ndim}")
    if array.size == 0:
        raise EmptyScheduleError(argument, "must hold at least one value")
    if not np.all(np.isfinite(array)):
        raise NonFiniteError(argument, "must hold only finite numbers (no NaN or infinity)")
    if np.any(np.abs(array) > ARRAY_LARGEST):
        raise OutOfRangeError(argument, "must hold numbers of at most 1e100 in size")
    return array
