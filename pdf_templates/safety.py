"""User text is data, never markup: the one escaping function, and the locked-down reportlab.

Every string that comes from a case passes through :func:`text` before it reaches a
``Paragraph`` (which parses a markup language with tags, entities and attribute values that
reportlab once evaluated - CVE-2023-33733). Colours, links and images never carry user
data: colours come from the validated ``#RRGGBB`` brand fields, the logo from the case's
PNG bytes. :func:`lock_down` sets reportlab's trusted schemes and hosts to nothing, so even
a markup bug could not make reportlab read a file or open a connection.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

from reportlab import rl_config

from pdf_templates.errors import DocumentTooLarge

# C0 controls except tab/newline/CR, DEL, C1 controls, lone surrogates, non-characters.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
_ENTITIES = {'"': "&quot;", "'": "&#39;"}

# Limits (defence in depth: the schema already bounds every field).
TEXT_LIMIT = 20_000  # characters in one field, as valueframe.fields.TEXT_LIMIT
TOTAL_TEXT_LIMIT = 400_000  # characters of user text in one document (~150 pages)
PAGE_LIMIT = 400
SECONDS_LIMIT = 60.0


def clean(value: object) -> str:
    """``value`` as plain text: control characters removed, line ends normalised."""
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _CONTROL.sub("", text)


def text(value: object, *, newlines: bool = True) -> str:
    """User text made safe for a Paragraph: cleaned, XML-escaped, newlines as breaks."""
    escaped = escape(clean(value), _ENTITIES)
    if newlines:
        return escaped.replace("\n", "<br/>")
    return escaped.replace("\n", " ")


def lock_down() -> None:
    """No URL scheme and no host is trusted: reportlab fetches nothing, reads no file URL."""
    rl_config.trustedSchemes = []
    rl_config.trustedHosts = None
    rl_config.toColorCanUse = "rl_extended_literal_eval"  # never the eval-based parser


def check_lengths(fields: list[tuple[str, object]]) -> None:
    """Raise :class:`DocumentTooLarge` naming the first field past the limits."""
    total = 0
    for path, value in fields:
        size = len(clean(value))
        if size > TEXT_LIMIT:
            raise DocumentTooLarge(path, TEXT_LIMIT, size)
        total += size
    if total > TOTAL_TEXT_LIMIT:
        raise DocumentTooLarge("case", TOTAL_TEXT_LIMIT, total)


def case_text_fields(case) -> list[tuple[str, object]]:
    """Every free-text field of a case with its path (what documents print)."""
    out: list[tuple[str, object]] = [
        ("title", case.title),
        ("customer.name", case.customer.name),
        ("customer.industry", case.customer.industry),
        ("customer.size", case.customer.size),
        ("seller.name", case.seller.name),
    ]
    if case.goal is not None:
        for name in ("statement", "metric", "unit", "owner_role"):
            out.append((f"goal.{name}", getattr(case.goal, name)))
    for i, csf in enumerate(case.csfs):
        out += [(f"csfs.{i}.name", csf.name), (f"csfs.{i}.description", csf.description)]
    for i, issue in enumerate(case.issues):
        out += [(f"issues.{i}.title", issue.title), (f"issues.{i}.evidence", issue.evidence)]
        out += [(f"issues.{i}.affected_roles.{j}", r) for j, r in enumerate(issue.affected_roles)]
    solution = case.solution
    if solution is not None:
        out += [("solution.name", solution.name), ("solution.description", solution.description)]
        out += [(f"solution.capabilities.{j}", c) for j, c in enumerate(solution.capabilities)]
        out += [(f"solution.constraints.{j}", c) for j, c in enumerate(solution.constraints)]
        out += [
            (f"solution.addresses.{j}.rationale", a.rationale)
            for j, a in enumerate(solution.addresses)
        ]
        out += [(f"solution.costs.{j}.name", c.name) for j, c in enumerate(solution.costs)]
    for i, value in enumerate(case.values):
        out += [
            (f"values.{i}.name", value.name),
            (f"values.{i}.description", value.description),
            (f"values.{i}.indicator.name", value.indicator.name),
            (f"values.{i}.indicator.unit", value.indicator.unit),
        ]
    for i, a in enumerate(case.assumptions):
        out += [
            (f"assumptions.{i}.name", a.name),
            (f"assumptions.{i}.value", a.value),
            (f"assumptions.{i}.unit", a.unit),
            (f"assumptions.{i}.source", a.source),
        ]
    return out


lock_down()
