"""Actuals: measured indicator values per period, recorded after the sale.

An :class:`Actual` is one measurement of one performance value's indicator (or, with
``value_id=None``, of the strategic goal's metric) for one period of the case's horizon,
with when it was measured, where the number comes from and who entered it.

Conventions:

- Periods are the case's periods 1..n (``ValueCase.periods``); period 0 is the investment
  and has no actuals.
- Corrections keep history. A correction is a NEW actual for the same (value_id, period);
  nothing is overwritten or deleted. The current actual of a (value_id, period) is the one
  entered last (greatest ``entered_at``; for equal times, the one later in the list). An
  actual may name the one it corrects in ``supersedes``; it must then be an actual of the
  same value and period (:func:`check_history`).
- A CSV import is all or nothing: :func:`parse_actuals_csv` returns every row as an actual
  or raises :class:`ActualsImportError` listing every bad row with its line number; it
  never returns part of a file. Input is UTF-8 with or without a byte-order mark, comma
  separated, with a header row. Column names may be the English keys (``value_id``,
  ``period``, ``indicator_value``, ``measured_on``, ``source``, ``entered_by``, optional
  ``note``) or their labels in either language (``actuals.column.*`` in the label table);
  any other column is an error, as an unknown field is in the JSON schema. ``goal`` in the
  value_id column means the strategic goal's metric.
- The marshmallow schemas here are the API's too: :class:`ActualEntrySchema` is what a
  client sends (the server adds ``id`` and ``entered_at``), :class:`ActualSchema` the whole
  record. Numbers travel as decimal strings and are bounded like every other quantity.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from marshmallow import fields, post_load, validate

from valueframe.fields import (
    MONEY_LIMIT,
    NAME_LIMIT,
    PLACES_LIMIT,
    TEXT_LIMIT,
    Name,
    Quantity,
    Text,
)
from valueframe.i18n import t, table
from valueframe.model import LOCALES, ValueCase
from valueframe.schema import StrictSchema

GOAL = "goal"  # the value_id column's word for the strategic goal's metric
COLUMNS = ("value_id", "period", "indicator_value", "measured_on", "source", "entered_by")
OPTIONAL_COLUMNS = ("note",)
MAX_ROWS = 10_000  # data rows in one CSV import
PERIOD_LIMIT = 600  # the case schema's bound on periods
ID_PATTERN = r"^[A-Za-z0-9_.-]{1,64}$"  # the case schema's ids

_ID = validate.Regexp(ID_PATTERN, error="ids are 1-64 of A-Z a-z 0-9 _ . -")
_WHOLE = re.compile(r"^[0-9]{1,6}$")
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


@dataclass(frozen=True)
class Actual:
    """One measured indicator value. ``value_id`` None is the strategic goal's metric."""

    value_id: str | None
    period: int  # 1..n, the case's periods
    indicator_value: Decimal  # in the indicator's (or the goal metric's) own unit
    measured_on: dt.date
    source: str  # where the number comes from (report, system, audit)
    entered_by: str
    entered_at: dt.datetime  # timezone-aware; the latest entered wins
    supersedes: str | None = None  # id of the actual this one corrects
    id: str | None = None  # assigned by the store; None until stored
    note: str = ""

    @property
    def key(self) -> tuple[str | None, int]:
        """What the actual measures: (value_id, period)."""
        return self.value_id, self.period


class ActualsError(ValueError):
    """Actuals that do not fit the case. ``errors`` is a list of
    ``{"index" or "line", "field", "code", "message"}``; nothing was used."""

    def __init__(self, errors: list[dict], message: str):
        super().__init__(message)
        self.errors = errors


class ActualsImportError(ActualsError):
    """A CSV file with bad rows: ``errors`` holds ``{"line", "field", "code", "message"}``
    for every problem (line 1 is the header); nothing was imported."""


# -- schemas (shared with the API) ------------------------------------------------------


class ActualEntrySchema(StrictSchema):
    """What a client sends to record one actual. Loads to a dict; the API adds ``id`` and
    ``entered_at`` and builds :class:`Actual`. Whether value_id and period exist in the
    case is checked against the case by :func:`check_actual`."""

    value_id = fields.String(
        required=True,
        allow_none=True,
        validate=_ID,
        metadata={"description": "the performance value's id; null = the strategic goal"},
    )
    period = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1, max=PERIOD_LIMIT)
    )
    indicator_value = Quantity(required=True)
    measured_on = fields.Date(required=True)
    source = Name(required=True)
    entered_by = Name(required=True)
    supersedes = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(min=1, max=64)
    )
    note = Text()


class ActualSchema(ActualEntrySchema):
    """A stored actual, with its id and the time it was entered; loads to :class:`Actual`."""

    id = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=64))
    entered_at = fields.AwareDateTime(required=True)

    @post_load
    def make(self, data, **kwargs):
        return Actual(**data)


# -- checks against the case -------------------------------------------------------------


def check_actual(actual: Actual, case: ValueCase) -> list[tuple[str, str, dict[str, str]]]:
    """What is wrong with ``actual`` for ``case``: ``(field, code, params)`` per problem
    (an unknown value, no goal to measure, a period outside the horizon)."""
    problems: list[tuple[str, str, dict[str, str]]] = []
    if actual.value_id is None:
        if case.goal is None:
            problems.append(("value_id", "no_goal", {}))
    elif all(value.id != actual.value_id for value in case.values):
        problems.append(("value_id", "unknown_value", {"value_id": actual.value_id}))
    if not 1 <= actual.period <= case.periods:
        params = {"period": str(actual.period), "n": str(case.periods)}
        problems.append(("period", "period_outside_horizon", params))
    if actual.entered_at.tzinfo is None:
        problems.append(("entered_at", "naive_time", {}))
    return problems


def check_history(actuals: Sequence[Actual]) -> list[tuple[int, str, str, dict[str, str]]]:
    """``(index, field, code, params)`` for each actual whose ``supersedes`` names an actual
    of another value or period. A ``supersedes`` id not in ``actuals`` is not an error:
    the history handed in may be partial."""
    by_id = {a.id: a for a in actuals if a.id is not None}
    problems = []
    for index, actual in enumerate(actuals):
        previous = by_id.get(actual.supersedes) if actual.supersedes is not None else None
        if previous is not None and previous.key != actual.key:
            problems.append((index, "supersedes", "supersedes_other", {"id": actual.supersedes}))
    return problems


def validate_actuals(actuals: Sequence[Actual], case: ValueCase) -> None:
    """Raise :class:`ActualsError` listing every actual that does not fit ``case``."""
    errors = [
        _error(case.locale, field, code, params, index=index)
        for index, actual in enumerate(actuals)
        for field, code, params in check_actual(actual, case)
    ]
    errors += [
        _error(case.locale, field, code, params, index=index)
        for index, field, code, params in check_history(actuals)
    ]
    if errors:
        raise ActualsError(errors, t("actuals.invalid", case.locale, count=str(len(errors))))


# -- history -------------------------------------------------------------------------------


def current(actuals: Iterable[Actual]) -> dict[tuple[str | None, int], Actual]:
    """The actual in force per (value_id, period): the one entered last (ties: later in the
    list wins). Superseded actuals stay in the history; they are only not current."""
    winners: dict[tuple[str | None, int], Actual] = {}
    for actual in actuals:
        held = winners.get(actual.key)
        if held is None or actual.entered_at >= held.entered_at:
            winners[actual.key] = actual
    return winners


def history(actuals: Iterable[Actual], value_id: str | None, period: int) -> list[Actual]:
    """Every actual of (value_id, period), oldest entry first; the last one is current."""
    entries = [(i, a) for i, a in enumerate(actuals) if a.key == (value_id, period)]
    return [a for _, a in sorted(entries, key=lambda e: (e[1].entered_at, e[0]))]


def correct(
    previous: Actual,
    indicator_value: Decimal,
    *,
    entered_by: str,
    entered_at: dt.datetime,
    measured_on: dt.date | None = None,
    source: str | None = None,
    note: str = "",
) -> Actual:
    """A correction of ``previous``: a new actual for the same value and period that names
    it in ``supersedes``. ``previous`` stays in the history."""
    if entered_at < previous.entered_at:
        raise ValueError("a correction cannot be entered before the actual it corrects")
    return Actual(
        value_id=previous.value_id,
        period=previous.period,
        indicator_value=indicator_value,
        measured_on=previous.measured_on if measured_on is None else measured_on,
        source=previous.source if source is None else source,
        entered_by=entered_by,
        entered_at=entered_at,
        supersedes=previous.id,
        note=note,
    )


# -- CSV import ------------------------------------------------------------------------------


def decode_csv(data: bytes, locale: str = "en") -> str:
    """Upload bytes as text: UTF-8, with or without a byte-order mark."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        errors = [_error(locale, "", "not_utf8", {}, line=line)]
        raise ActualsImportError(errors, t("actuals.import_failed", locale, count="1")) from None


def column_names() -> dict[str, str]:
    """Accepted header text (case-folded) -> column key: the key itself and its label in
    every language."""
    names: dict[str, str] = {}
    for key in COLUMNS + OPTIONAL_COLUMNS:
        names[key.casefold()] = key
        for locale in LOCALES:
            names[table()[f"actuals.column.{key}"][locale].strip().casefold()] = key
    return names


def parse_actuals_csv(
    text: str,
    case: ValueCase,
    *,
    entered_at: dt.datetime | None = None,
    locale: str | None = None,
) -> list[Actual]:
    """Every row of a CSV file of actuals for ``case``, or :class:`ActualsImportError` with
    every problem found (all or nothing).

    ``entered_at`` stamps every imported actual (default: now, UTC); messages are in
    ``locale`` (default: the case's). Checked per row: unknown value_id (or ``goal`` when the
    case has no goal), a period that is not a whole number or lies outside 1..n, an
    indicator value that is not a finite decimal number or exceeds the quantity bounds, a
    measured_on that is not an ISO date (YYYY-MM-DD), an empty or too long source /
    entered_by / note, a row whose cell count differs from the header's, and a second row
    for the same value and period in one file (a correction is entered on its own, later).
    """
    locale = locale or case.locale
    stamp = entered_at or dt.datetime.now(dt.UTC)
    if stamp.tzinfo is None:
        raise ValueError("entered_at must be timezone-aware")
    errors: list[dict] = []

    def fail(line: int, field: str, code: str, **params: str) -> None:
        errors.append(_error(locale, field, code, params, line=line))

    def raise_if_any() -> None:
        if errors:
            message = t("actuals.import_failed", locale, count=str(len(errors)))
            raise ActualsImportError(errors, message)

    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as error:
        fail(reader.line_num or 1, "", "malformed", detail=str(error))
        raise_if_any()
    if not rows:
        fail(1, "", "no_rows")
        raise_if_any()

    header_line, header = rows[0]
    columns = _header(header, header_line, fail)
    raise_if_any()
    if len(rows) - 1 > MAX_ROWS:
        fail(rows[MAX_ROWS + 1][0], "", "too_many_rows", limit=str(MAX_ROWS))
        raise_if_any()

    value_ids = {value.id for value in case.values}
    seen: dict[tuple[str | None, int], int] = {}
    actuals = []
    for line, row in rows[1:]:
        if len(row) != len(columns):
            fail(line, "", "cell_count", expected=str(len(columns)), found=str(len(row)))
            continue
        cells = {key: cell.strip() for key, cell in zip(columns, row, strict=True)}
        before = len(errors)
        value_id = _value_id(cells["value_id"], case, value_ids, line, fail)
        period = _period(cells["period"], case, line, fail)
        number = _number(cells["indicator_value"], line, fail)
        measured_on = _date(cells["measured_on"], line, fail)
        source = _name(cells["source"], "source", NAME_LIMIT, line, fail)
        entered_by = _name(cells["entered_by"], "entered_by", NAME_LIMIT, line, fail)
        note = cells.get("note", "")
        if len(note) > TEXT_LIMIT:
            fail(line, "note", "too_long", limit=str(TEXT_LIMIT))
        if value_id is not _BAD and period is not None:
            key = (value_id, period)
            if key in seen:
                fail(line, "period", "duplicate_row", first=str(seen[key]))
            else:
                seen[key] = line
        if len(errors) == before:
            actuals.append(
                Actual(
                    value_id=value_id,
                    period=period,
                    indicator_value=number,
                    measured_on=measured_on,
                    source=source,
                    entered_by=entered_by,
                    entered_at=stamp,
                    note=note,
                )
            )
    raise_if_any()
    return actuals


_BAD = object()  # a value_id cell that names nothing


def _header(header: list[str], line: int, fail) -> list[str]:
    names = column_names()
    columns: list[str] = []
    for cell in header:
        key = names.get(cell.strip().casefold())
        if key is None:
            fail(line, cell.strip(), "unknown_column", column=cell.strip())
        elif key in columns:
            fail(line, key, "duplicate_column", column=cell.strip())
        columns.append(key or "")
    for key in COLUMNS:
        if key not in columns:
            fail(line, key, "missing_column", column=key)
    return columns


def _value_id(text: str, case: ValueCase, value_ids: set[str], line: int, fail):
    if not text:
        fail(line, "value_id", "required")
        return _BAD
    if text.casefold() == GOAL:
        if GOAL in value_ids or text in value_ids:
            fail(line, "value_id", "ambiguous_goal", value_id=text)
            return _BAD
        if case.goal is None:
            fail(line, "value_id", "no_goal")
            return _BAD
        return None
    if text not in value_ids:
        fail(line, "value_id", "unknown_value", value_id=text)
        return _BAD
    return text


def _period(text: str, case: ValueCase, line: int, fail) -> int | None:
    if not text:
        fail(line, "period", "required")
        return None
    if not _WHOLE.match(text):
        fail(line, "period", "not_whole_number", text=text)
        return None
    period = int(text)
    if not 1 <= period <= case.periods:
        fail(line, "period", "period_outside_horizon", period=text, n=str(case.periods))
        return None
    return period


def _number(text: str, line: int, fail) -> Decimal | None:
    if not text:
        fail(line, "indicator_value", "required")
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        fail(line, "indicator_value", "not_a_number", text=text)
        return None
    if number.copy_abs() > MONEY_LIMIT:  # abs() rounds: 1e999999999 would overflow
        fail(line, "indicator_value", "out_of_range", limit=str(MONEY_LIMIT))
        return None
    if -number.as_tuple().exponent > PLACES_LIMIT:  # as the JSON Quantity: no billion zeros
        fail(line, "indicator_value", "out_of_range", limit=f"1e-{PLACES_LIMIT}")
        return None
    return number


def _date(text: str, line: int, fail) -> dt.date | None:
    if not text:
        fail(line, "measured_on", "required")
        return None
    try:
        if not _ISO_DATE.match(text):
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except ValueError:
        fail(line, "measured_on", "bad_date", text=text)
        return None


def _name(text: str, field: str, limit: int, line: int, fail) -> str | None:
    if not text:
        fail(line, field, "required")
        return None
    if len(text) > limit:
        fail(line, field, "too_long", limit=str(limit))
        return None
    return text


def _error(
    locale: str,
    field: str,
    code: str,
    params: dict[str, str],
    *,
    line: int | None = None,
    index: int | None = None,
) -> dict:
    where = {"line": line} if line is not None else {"index": index}
    return {
        **where,
        "field": field,
        "code": code,
        "message": t(f"actuals.error.{code}", locale, **params),
    }
