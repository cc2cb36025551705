"""The one translation table for every label the product shows (zh-CN and en).

The table is data: ``valueframe/data/labels/*.json``, one file per area (domain terms,
stage-check findings, documents...), merged here into a single table. A key may appear in
one file only, and every entry must carry both languages; :func:`table` checks both at load.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from valueframe.model import LOCALES

DEFAULT_LOCALE = "en"


class MissingLabel(KeyError):
    """A label key that the translation table does not hold."""


@cache
def table() -> dict[str, dict[str, str]]:
    """Every label: ``{key: {"en": ..., "zh-CN": ...}}``."""
    merged: dict[str, dict[str, str]] = {}
    folder = resources.files("valueframe") / "data" / "labels"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".json"):
            continue
        for key, texts in json.loads(entry.read_text(encoding="utf-8")).items():
            if key in merged:
                raise ValueError(f"label {key!r} defined twice (again in {entry.name})")
            missing = [loc for loc in LOCALES if not texts.get(loc)]
            if missing:
                raise ValueError(f"label {key!r} in {entry.name} lacks {missing}")
            merged[key] = texts
    return merged


def t(key: str, locale: str = DEFAULT_LOCALE, **params) -> str:
    """The label ``key`` in ``locale``, with ``{name}`` placeholders filled from ``params``."""
    try:
        text = table()[key][locale if locale in LOCALES else DEFAULT_LOCALE]
    except KeyError:
        raise MissingLabel(key) from None
    return text.format(**params) if params else text
