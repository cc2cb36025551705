"""Industry templates: a complete starting frame per industry, in zh-CN and en.

Each ``valueframe/data/templates/<id>.json`` holds ``id``, ``name`` and ``description``
(both languages) and ``documents``: one complete value-case document per locale, loadable
with :func:`valueframe.schema.load_case`. The two documents are the same case: same ids,
scores, timings, probabilities and improvement ranges. The en document is in USD and the
zh-CN one in CNY; every money amount in zh-CN is exactly 7 x the en amount
(:data:`CNY_PER_USD`), so both describe a company of the same size.

Customer and seller are placeholders ("Your customer" / "客户名称", "Your company" /
"贵公司"); :func:`new_case` fills them in.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from valueframe.model import LOCALES, ValueCase
from valueframe.schema import load_case

CNY_PER_USD = 7  # the fixed ratio between zh-CN (CNY) and en (USD) template amounts


@dataclass(frozen=True)
class Template:
    """A template's identity; ``name`` and ``description`` map locale -> text."""

    id: str
    name: dict
    description: dict


@cache
def _raw() -> dict[str, dict]:
    folder = resources.files("valueframe") / "data" / "templates"
    loaded: dict[str, dict] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".json"):
            continue
        data = json.loads(entry.read_text(encoding="utf-8"))
        stem = entry.name.removesuffix(".json")
        if data.get("id") != stem:
            raise ValueError(f"template {entry.name}: id {data.get('id')!r} != file name")
        for key in ("name", "description", "documents"):
            missing = [locale for locale in LOCALES if not data.get(key, {}).get(locale)]
            if missing:
                raise ValueError(f"template {entry.name}: {key} lacks {missing}")
        loaded[stem] = data
    return loaded


def templates() -> list[Template]:
    """Every template, by id."""
    return [
        Template(id=data["id"], name=data["name"], description=data["description"])
        for data in _raw().values()
    ]


def template(template_id: str) -> Template:
    """The template ``template_id``; KeyError if there is none."""
    try:
        data = _raw()[template_id]
    except KeyError:
        raise KeyError(f"no template {template_id!r}") from None
    return Template(id=data["id"], name=data["name"], description=data["description"])


def template_document(template_id: str, locale: str) -> dict:
    """A deep copy of the template's case document in ``locale`` (safe to modify).
    KeyError for an unknown template, ValueError for an unknown locale."""
    if locale not in LOCALES:
        raise ValueError(f"no locale {locale!r}; one of {LOCALES}")
    template(template_id)  # KeyError with a clear message
    return copy.deepcopy(_raw()[template_id]["documents"][locale])


def new_case(
    template_id: str,
    locale: str,
    *,
    title: str | None = None,
    customer: dict | None = None,
    seller: dict | None = None,
) -> ValueCase:
    """A new case from a template. ``title`` replaces the template's; ``customer`` and
    ``seller`` are merged over the template's placeholders (e.g. ``{"name": "ACME"}``).
    The result is validated like any document (marshmallow ValidationError)."""
    document = template_document(template_id, locale)
    if title is not None:
        document["title"] = title
    if customer:
        document["customer"] = {**document["customer"], **customer}
    if seller:
        document["seller"] = {**document["seller"], **seller}
    return load_case(document)
