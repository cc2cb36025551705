"""Customer-facing proposal and internal briefing PDFs of a value case (reportlab).

    from pdf_templates import render_proposal, render_briefing
    pdf = render_proposal(case, evaluate(case), locale="en")

Both take the case (for its words) and its evaluation (for every figure - a document never
recomputes one) and return the PDF as bytes; :func:`render` picks one by name (the API's
``/proposal.pdf`` and ``/briefing.pdf`` and the CLI's ``--document``). Errors are
:class:`RenderError` subclasses: ``DocumentTooLarge`` (``.field`` names the case field or
the limit - a 4xx for the caller), ``RenderTimeout``, ``EvaluationMismatch`` (evaluate the
case again), ``FontMissing`` (the server lacks fonts-wqy-zenhei - a 5xx).

The realization report reads a realization as well:
``render_realization(case, evaluation, realize(case, evaluation, actuals, as_of))``.
"""

from __future__ import annotations

import datetime as dt

from pdf_templates.briefing import render_briefing
from pdf_templates.errors import (
    DocumentTooLarge,
    EvaluationMismatch,
    FontMissing,
    RenderError,
    RenderTimeout,
)
from pdf_templates.proposal import render_proposal
from pdf_templates.realization import render_realization

DOCUMENTS = ("proposal", "briefing")


def render(
    document: str, case, evaluation, locale: str | None = None, *, on: dt.date | None = None
) -> bytes:
    """The ``document`` ("proposal" or "briefing") of ``case`` as PDF bytes."""
    if document not in DOCUMENTS:
        raise RenderError(f"document: must be one of {', '.join(DOCUMENTS)}, got {document!r}")
    renderer = render_proposal if document == "proposal" else render_briefing
    return renderer(case, evaluation, locale, on=on)


__all__ = [
    "DOCUMENTS",
    "DocumentTooLarge",
    "EvaluationMismatch",
    "FontMissing",
    "RenderError",
    "RenderTimeout",
    "render",
    "render_briefing",
    "render_proposal",
    "render_realization",
]
