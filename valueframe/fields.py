"""Marshmallow fields shared by the case schema and the API schemas.

Money travels as decimal strings (``"1250000.00"``), never floats; JSON numbers are accepted
on input and converted through their decimal text. Every number is bounded so a huge
exponent is a validation error naming the field, not a slow computation.
"""

from __future__ import annotations

import base64
import binascii
import re
from decimal import Decimal

from marshmallow import ValidationError, fields, validate

MONEY_LIMIT = Decimal("1e15")  # a quadrillion in any currency is not a value case
RATE_LIMIT = Decimal(10)  # 1000% per year
TEXT_LIMIT = 20_000  # characters in a free-text field
NAME_LIMIT = 300  # characters in a name or title
PLACES_LIMIT = 50  # decimal places of a number: "1e-999999999" would print as a billion zeros
LOGO_LIMIT = 512 * 1024  # bytes of a PNG logo

_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class BoundedDecimal(fields.Decimal):
    """A finite Decimal with at most :data:`PLACES_LIMIT` decimal places.

    Decimal strings are written out in full (``format(x, "f")``), so an exponent such as
    ``1e-999999999`` - a 12-byte input - would be stored and returned as a billion zeros,
    and tiny divisors overflow the arithmetic. Trailing zeros count: ``"0E-100000"`` is
    refused too. Magnitudes are bounded by each field's range.
    """

    def _deserialize(self, value, attr, data, **kwargs):
        number = super()._deserialize(value, attr, data, **kwargs)
        if number is not None and number.is_finite() and -number.as_tuple().exponent > PLACES_LIMIT:
            raise ValidationError(f"at most {PLACES_LIMIT} decimal places")
        return number


class Money(BoundedDecimal):
    """An amount of money: a decimal string in JSON, exact Decimal in Python."""

    def __init__(self, *, minimum: Decimal = -MONEY_LIMIT, **kwargs):
        kwargs.setdefault("validate", validate.Range(min=minimum, max=MONEY_LIMIT))
        super().__init__(as_string=True, allow_nan=False, **kwargs)


class Quantity(BoundedDecimal):
    """A bounded decimal that is not money (an indicator, a multiplier, days...)."""

    def __init__(self, *, minimum=-MONEY_LIMIT, maximum=MONEY_LIMIT, **kwargs):
        kwargs.setdefault("validate", validate.Range(min=minimum, max=maximum))
        super().__init__(as_string=True, allow_nan=False, **kwargs)


class Rate(BoundedDecimal):
    """A rate per year as a fraction (0.08 = 8%): greater than -1, at most 10."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "validate",
            validate.Range(min=Decimal(-1), max=RATE_LIMIT, min_inclusive=False),
        )
        super().__init__(as_string=True, allow_nan=False, **kwargs)


class Probability(BoundedDecimal):
    """A probability between 0 and 1 inclusive."""

    def __init__(self, **kwargs):
        kwargs.setdefault("validate", validate.Range(min=0, max=1))
        super().__init__(as_string=True, allow_nan=False, **kwargs)


class Name(fields.String):
    def __init__(self, **kwargs):
        kwargs.setdefault("validate", validate.Length(min=1, max=NAME_LIMIT))
        super().__init__(**kwargs)


class Text(fields.String):
    def __init__(self, **kwargs):
        kwargs.setdefault("validate", validate.Length(max=TEXT_LIMIT))
        kwargs.setdefault("load_default", "")
        super().__init__(**kwargs)


class Color(fields.String):
    """A ``#RRGGBB`` colour; nothing else can reach a document's colour attributes."""

    def __init__(self, **kwargs):
        kwargs.setdefault("validate", validate.Regexp(_COLOR, error="must be #RRGGBB"))
        super().__init__(**kwargs)


class PngBase64(fields.Field):
    """A PNG image as base64 text in JSON, bytes in Python."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else base64.b64encode(value).decode("ascii")

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise ValidationError("must be base64 text")
        if len(value) > LOGO_LIMIT * 4 // 3 + 4:
            raise ValidationError(f"logo larger than {LOGO_LIMIT} bytes")
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError("not valid base64") from None
        if not raw.startswith(_PNG_SIGNATURE):
            raise ValidationError("must be a PNG image")
        return raw


def one_of(choices) -> validate.OneOf:
    return validate.OneOf(choices)
