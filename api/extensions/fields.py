"""Fields the API schemas share."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import numpy as np
from flask import current_app
from marshmallow import ValidationError, fields

from api.extensions.json import iso_datetime
from valueframe.schema import dump_case


class UtcDateTime(fields.AwareDateTime):
    """ISO 8601 in UTC with microseconds and ``Z`` (one spelling: exports round-trip)."""

    def __init__(self, **kwargs):
        super().__init__(default_timezone=dt.UTC, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else iso_datetime(value)

    def _deserialize(self, value, attr, data, **kwargs):
        parsed = super()._deserialize(value, attr, data, **kwargs)
        try:
            return parsed.astimezone(dt.UTC)
        except OverflowError:  # 0001-01-01T00:00+01:00 is before year 1 in UTC
            raise ValidationError("out of the representable range in UTC") from None


class StoredDocument(fields.Nested):
    """A case document as stored: dumped verbatim (exact), documented as the ValueCase
    schema. On load it validates through the nested schema; with ``canonical=True`` it
    returns the canonical document (``dump_case`` of the loaded case) instead of the case.
    """

    def __init__(self, nested, *, canonical: bool = False, **kwargs):
        self.canonical = canonical
        super().__init__(nested, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return value

    def _deserialize(self, value, attr, data, partial=None, **kwargs):
        case = super()._deserialize(value, attr, data, partial=partial, **kwargs)
        return dump_case(case) if self.canonical else case


class DecimalString(fields.Decimal):
    """A Decimal written as a plain decimal string (never exponent notation), exact."""

    def __init__(self, **kwargs):
        super().__init__(as_string=True, allow_nan=False, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        value = Decimal(value)
        if not value.is_finite():
            raise ValueError(f"{attr}: refusing to emit {value}")
        text = format(value, "f")
        return "0" if text in ("-0", "-0.0") else text


class FlowMatrix(fields.Field):
    """Rows of JSON numbers -> a float64 array ``(rows, columns)``, zero-padded.

    Bounds (config): rows <= VALUEFRAME_BATCH_MAX_ROWS, columns <= VALUEFRAME_BATCH_MAX_PERIODS
    + 1, cells <= VALUEFRAME_BATCH_MAX_CELLS; every number finite with |x| <= 1e15.
    """

    LIMIT = 1e15

    def _deserialize(self, value, attr, data, **kwargs):
        config = current_app.config
        max_rows = config["VALUEFRAME_BATCH_MAX_ROWS"]
        max_columns = config["VALUEFRAME_BATCH_MAX_PERIODS"] + 1
        if not isinstance(value, list):
            raise ValidationError("must be an array of rows (arrays of numbers)")
        if not value:
            raise ValidationError("must hold at least one row")
        if len(value) > max_rows:
            raise ValidationError(f"at most {max_rows} rows per request, got {len(value)}")
        width = 0
        cells = 0
        numbers = {int, float}
        for index, row in enumerate(value):
            if not isinstance(row, list):
                raise ValidationError({index: ["must be an array of numbers"]})
            if not row:
                raise ValidationError({index: ["must hold at least one flow"]})
            if not set(map(type, row)) <= numbers:
                position = next(i for i, x in enumerate(row) if type(x) not in numbers)
                raise ValidationError({index: {position: ["must be a JSON number"]}})
            width = max(width, len(row))
            cells += len(row)
        if width > max_columns:
            raise ValidationError(
                f"at most {max_columns} flows per row (period 0..{max_columns - 1})"
            )
        if len(value) * width > config["VALUEFRAME_BATCH_MAX_CELLS"]:
            raise ValidationError(
                f"at most {config['VALUEFRAME_BATCH_MAX_CELLS']} cells (rows x longest row)"
            )
        try:
            if all(len(row) == width for row in value):
                matrix = np.array(value, dtype=np.float64)
            else:
                matrix = np.zeros((len(value), width))
                for index, row in enumerate(value):
                    matrix[index, : len(row)] = row
        except OverflowError:  # an integer past float64
            matrix = None
        if matrix is None or not np.all(np.isfinite(matrix)) or np.any(np.abs(matrix) > self.LIMIT):
            bad = self._first_bad(value)
            raise ValidationError({bad[0]: {bad[1]: [f"must be finite, |x| <= {self.LIMIT:g}"]}})
        return matrix

    def _first_bad(self, value):
        for i, row in enumerate(value):
            for j, x in enumerate(row):
                try:
                    ok = math.isfinite(float(x)) and abs(float(x)) <= self.LIMIT
                except OverflowError:
                    ok = False
                if not ok:
                    return i, j
        return 0, 0  # pragma: no cover

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else np.asarray(value).tolist()
