"""Customer-facing proposal and internal briefing PDFs of a value case (reportlab).

    from pdf_templates import render_proposal, render_briefing
    pdf = render_proposal(case, evaluate(case), locale="en")

Both take the case (for its words) and its evaluation (for every figure - a document never
recomputes one) and return the PDF as bytes. Errors are :class:`RenderError` subclasses.
"""

from pdf_templates.briefing import render_briefing
from pdf_templates.errors import (
    DocumentTooLarge,
    EvaluationMismatch,
    FontMissing,
    RenderError,
    RenderTimeout,
)
from pdf_templates.proposal import render_proposal

__all__ = [
    "DocumentTooLarge",
    "EvaluationMismatch",
    "FontMissing",
    "RenderError",
    "RenderTimeout",
    "render_briefing",
    "render_proposal",
]
