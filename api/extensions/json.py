"""JSON hardened both ways.

In: bodies must be UTF-8 JSON; ``NaN``/``Infinity``/``-Infinity`` tokens (which Python's
``json`` accepts by default) are rejected naming the field they sit in; non-integral numbers
are parsed as :class:`decimal.Decimal` so money is exact; lone surrogates and NUL characters
in strings are rejected (no database stores them); nesting deeper than ``MAX_DEPTH`` and
integer literals past Python's digit limit are 400s, not 500s.

Out: ``allow_nan=False`` (a non-finite float is a bug, never a token on the wire), Decimal as
its string, dates and datetimes in ISO 8601, UUIDs as strings, keys in schema order.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal

from flask.json.provider import DefaultJSONProvider

from api.errors import Problem, ValidationProblem

MAX_DEPTH = 64


class _NonFinite:
    """Placeholder for a NaN/Infinity token, so its path can be reported."""

    __slots__ = ("token",)

    def __init__(self, token: str):
        self.token = token


def _path(parts) -> str:
    return ".".join(str(p) for p in parts)


def invalid_json(detail: str, field: str = "") -> Problem:
    """A 400 naming where the body went wrong (``""``: the body as a whole)."""
    return Problem(
        400,
        "invalid-json",
        detail=detail,
        errors=[{"field": field, "in": "body", "message": detail}],
    )


def _check_string(text: str) -> str | None:
    if "\x00" in text:
        return "must not contain the NUL character (\\u0000)"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "must not contain unpaired surrogates (invalid Unicode)"
    return None


def _inspect(value, *, check_strings: bool) -> list[dict]:
    """Walk the parsed document iteratively: depth, non-finite tokens, bad strings."""
    errors: list[dict] = []
    stack: list[tuple[object, tuple, int]] = [(value, (), 0)]
    while stack:
        node, path, depth = stack.pop()
        if isinstance(node, dict):
            if depth >= MAX_DEPTH:
                raise invalid_json(f"JSON nested deeper than {MAX_DEPTH} levels", _path(path))
            for key, child in node.items():
                if check_strings:
                    message = _check_string(key)
                    if message:
                        errors.append({"field": _path((*path, key)), "message": "key " + message})
                stack.append((child, (*path, key), depth + 1))
        elif isinstance(node, list):
            if depth >= MAX_DEPTH:
                raise invalid_json(f"JSON nested deeper than {MAX_DEPTH} levels", _path(path))
            stack.extend((child, (*path, i), depth + 1) for i, child in enumerate(node))
        elif isinstance(node, _NonFinite):
            errors.append(
                {
                    "field": _path(path),
                    "message": f"{node.token} is not a JSON number; send a finite number",
                }
            )
        elif check_strings and isinstance(node, str):
            message = _check_string(node)
            if message:
                errors.append({"field": _path(path), "message": message})
    return errors


def parse_json(raw: bytes | str, *, exact: bool = True):
    """Parse a request body strictly; raises :class:`Problem` (400/422) on bad input.

    ``exact``: non-integral numbers become Decimal (money); False parses them as float
    (the batch endpoint, where volume matters and float64 is the documented precision).
    """
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise invalid_json(f"the body is not valid UTF-8 (byte {error.start})") from None
    else:
        text = raw
    try:
        value = json.loads(
            text,
            parse_float=Decimal if exact else float,
            parse_constant=_NonFinite,
        )
    except json.JSONDecodeError as error:
        raise invalid_json(
            f"invalid JSON at line {error.lineno} column {error.colno}: {error.msg}"
        ) from None
    except RecursionError:
        raise invalid_json("JSON nested too deeply") from None
    except ValueError:  # an integer literal past Python's digit limit
        raise invalid_json("a number in the body has too many digits") from None
    check_strings = "\\u" in text
    errors = _inspect(value, check_strings=check_strings)
    if errors:
        raise ValidationProblem(errors, detail="the JSON body holds values no field accepts")
    return value


def _default(value):
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"refusing to emit non-finite Decimal {value}")
        return str(value)
    if isinstance(value, dt.datetime):
        return iso_datetime(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | bytearray):
        raise TypeError("bytes are not JSON")
    # numpy scalars and arrays, without importing numpy here
    item = getattr(value, "item", None)
    if callable(item) and getattr(value, "shape", None) == ():
        return item()
    tolist = getattr(value, "tolist", None)
    if callable(tolist):
        return tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def iso_datetime(value: dt.datetime) -> str:
    """UTC, microseconds, ``Z``: one spelling, so exports round-trip byte for byte."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    value = value.astimezone(dt.UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def dumps(value, **kwargs) -> str:
    kwargs.setdefault("ensure_ascii", False)
    kwargs.setdefault("allow_nan", False)
    kwargs.setdefault("default", _default)
    return json.dumps(value, **kwargs)


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider, hardened (see the module docstring)."""

    sort_keys = False
    ensure_ascii = False

    def dumps(self, obj, **kwargs) -> str:
        kwargs.setdefault("sort_keys", self.sort_keys)
        return dumps(obj, **kwargs)

    def loads(self, s, **kwargs):
        return parse_json(s)
