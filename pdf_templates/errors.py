"""Errors a document render can raise; each names what to fix."""

from __future__ import annotations


class RenderError(Exception):
    """A document could not be rendered."""


class FontMissing(RenderError):
    """The embedded CJK font is not installed on this machine."""


class DocumentTooLarge(RenderError):
    """An input or the document itself passed a render limit.

    ``field`` names the case field (``issues.3.evidence``) or the document limit
    (``pages``, ``render_seconds``) that was exceeded.
    """

    def __init__(self, field: str, limit: int | float | None = None, actual=None):
        self.field = field
        self.limit = limit
        self.actual = actual
        got = "" if actual is None else f" (got {actual})"
        super().__init__(f"{field}: exceeds the document limit of {limit}{got}")


class RenderTimeout(DocumentTooLarge):
    """Rendering took longer than the time limit."""

    def __init__(self, limit: float):
        super().__init__("render_seconds", limit)
        self.args = (f"rendering took longer than {limit} seconds; the document is too large",)


class EvaluationMismatch(RenderError):
    """The evaluation was computed from different inputs than the case being rendered."""
