"""The page machinery both documents share: page templates, running header and footer,
page numbers ("3 / 14"), the table of contents and PDF outline, PDF metadata, and the
render limits (pages, seconds).

Page templates are subclassed only for their hooks, as rst2pdf does; everything visual
comes from :mod:`pdf_templates.styles`.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph
from reportlab.platypus.doctemplate import LayoutError
from reportlab.platypus.tableofcontents import TableOfContents

from pdf_templates import fonts as F
from pdf_templates.errors import DocumentTooLarge, RenderError, RenderTimeout
from pdf_templates.safety import PAGE_LIMIT, SECONDS_LIMIT, clean
from pdf_templates.styles import Theme, tint


@dataclass(frozen=True)
class Running:
    """What the running header and footer say (plain text, drawn - never parsed)."""

    header_left: str
    header_right: str
    footer_left: str
    page_label: str  # "{page} / {pages}"
    internal: str = ""  # a banner on every page of an internal document
    watermark: str = ""  # a short word across every page of an internal document


class Heading(Paragraph):
    """A section heading: registered in the table of contents and the PDF outline."""

    def __init__(self, text: str, style, plain: str, key: str, level: int = 0):
        super().__init__(text, style)
        self.plain = plain
        self.key = key
        self.level = level


def draw_text(canvas, x: float, y: float, text: str, theme: Theme, size: float, **kw) -> float:
    """Draw plain ``text`` run by run (CJK fallback), truncated to ``max_width``; returns
    the width drawn. ``align`` is left or right (x is then the right edge)."""
    bold = kw.get("bold", False)
    max_width = kw.get("max_width")
    text = F.drawable(clean(text).replace("\n", " "))
    if max_width is not None and F.width(text, theme.fonts, size, bold) > max_width:
        while text and F.width(text + "…", theme.fonts, size, bold) > max_width:
            text = text[: max(len(text) - max(len(text) // 8, 1), 0)]
        text += "…"
    total = F.width(text, theme.fonts, size, bold)
    if kw.get("align") == "right":
        x -= total
    for font, part in F.runs(text, theme.fonts, bold):
        canvas.setFont(font, size)
        canvas.drawString(x, y, part)
        x += canvas.stringWidth(part, font, size)
    return total


def numbered_canvas(running: Running, theme: Theme):
    """A canvas class that writes "page / pages" once the page count is known."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                if number > 1:  # the cover carries no number
                    self._draw_number(number, total)
                super().showPage()
            super().save()

        def _draw_number(self, number: int, total: int):
            width, _ = theme.page["size"]
            self.saveState()
            self.setFillColor(theme.color("muted"))
            label = running.page_label.format(page=number, pages=total)
            draw_text(
                self,
                width - theme.page["margin_right"],
                theme.page["footer_offset"],
                label,
                theme,
                7.5,
                align="right",
            )
            self.restoreState()

    return NumberedCanvas


class Document(BaseDocTemplate):
    """A4 document with a cover template and a body template with running header/footer."""

    def __init__(self, buffer, theme: Theme, running: Running, metadata: dict, cover_hook):
        page = theme.page
        width, height = page["size"]
        super().__init__(
            buffer,
            pagesize=page["size"],
            leftMargin=page["margin_left"],
            rightMargin=page["margin_right"],
            topMargin=page["margin_top"],
            bottomMargin=page["margin_bottom"],
            title=metadata["title"],
            author=metadata["author"],
            subject=metadata["subject"],
            keywords=metadata.get("keywords", ""),
            creator=metadata.get("creator", "valueframe"),
            lang=metadata.get("lang"),
        )
        self.theme = theme
        self.running = running
        self.started = time.monotonic()
        self.failure: RenderError | None = None  # kept: reportlab re-wraps what hooks raise
        body = Frame(
            self.leftMargin, self.bottomMargin, self.width, self.height, id="body", showBoundary=0
        )
        cover_band = Frame(
            page["margin_left"],
            height - 118 * mm,
            width - page["margin_left"] - page["margin_right"],
            92 * mm,
            id="cover_band",
            leftPadding=0,
            rightPadding=0,
        )
        cover_meta = Frame(
            page["margin_left"],
            30 * mm,
            width - page["margin_left"] - page["margin_right"],
            height - 160 * mm,
            id="cover_meta",
            leftPadding=0,
            rightPadding=0,
        )
        self.addPageTemplates(
            [
                PageTemplate("cover", [cover_band, cover_meta], onPage=cover_hook),
                PageTemplate("body", [body], onPage=self._body_page),
            ]
        )

    # -- limits ---------------------------------------------------------------------------

    def _fail(self, error: RenderError):
        self.failure = error
        raise error

    def _check_time(self):
        if time.monotonic() - self.started > SECONDS_LIMIT:
            self._fail(RenderTimeout(SECONDS_LIMIT))

    def handle_pageBegin(self):
        if self.page >= PAGE_LIMIT:
            self._fail(DocumentTooLarge("pages", PAGE_LIMIT, self.page + 1))
        self._check_time()
        super().handle_pageBegin()

    def afterFlowable(self, flowable):
        self._check_time()
        if isinstance(flowable, Heading):
            self.canv.bookmarkPage(flowable.key)
            self.canv.addOutlineEntry(flowable.plain, flowable.key, flowable.level, closed=True)
            self.notify(
                "TOCEntry", (flowable.level, flowable.getPlainText(), self.page, flowable.key)
            )

    # -- running header and footer -------------------------------------------------------

    def _body_page(self, canvas, doc):
        theme, running = self.theme, self.running
        page = theme.page
        width, height = page["size"]
        left, right = page["margin_left"], width - page["margin_right"]
        top = height - page["header_offset"]
        canvas.saveState()
        if running.internal:
            canvas.setFillColor(theme.color("negative"))
            canvas.rect(0, height - 7 * mm, width, 7 * mm, stroke=0, fill=1)
            canvas.setFillColor(theme.color("white"))
            draw_text(canvas, left, height - 4.8 * mm, running.internal, theme, 7.5, bold=True)
            self._watermark(canvas, running.watermark or running.internal)
        canvas.setFillColor(theme.color("muted"))
        half = (right - left) / 2 - 6
        draw_text(canvas, left, top, running.header_left, theme, 7.5, max_width=half)
        draw_text(
            canvas, right, top, running.header_right, theme, 7.5, align="right", max_width=half
        )
        canvas.setStrokeColor(theme.primary)
        canvas.setLineWidth(0.8)
        canvas.line(left, top - 2.6 * mm, right, top - 2.6 * mm)
        canvas.setStrokeColor(theme.color("rule"))
        canvas.setLineWidth(0.4)
        bottom = page["footer_offset"]
        canvas.line(left, bottom + 4 * mm, right, bottom + 4 * mm)
        canvas.setFillColor(theme.color("faint"))
        draw_text(
            canvas, left, bottom, running.footer_left, theme, 6.8, max_width=right - left - 80
        )
        canvas.restoreState()

    def _watermark(self, canvas, text: str):
        width, height = self.theme.page["size"]
        canvas.saveState()
        canvas.translate(width / 2, height / 2)
        canvas.rotate(35)
        canvas.setFillColor(tint(self.theme.color("negative"), 0.08))
        size = 54
        font, text = F.single(text, self.theme.fonts, bold=True)
        canvas.setFont(font, size)
        canvas.drawCentredString(0, 0, text)
        canvas.restoreState()


def toc(theme: Theme) -> TableOfContents:
    contents = TableOfContents(dotsMinLevel=0)
    contents.levelStyles = [theme["toc1"]]
    return contents


def build(doc: Document, story: list, multi: bool) -> None:
    """Build with the page-number canvas; LayoutError becomes a clear RenderError."""
    canvasmaker = numbered_canvas(doc.running, doc.theme)
    try:
        if multi:
            doc.multiBuild(story, maxPasses=6, canvasmaker=canvasmaker)
        else:
            doc.build(story, canvasmaker=canvasmaker)
    except Exception as error:
        if doc.failure is not None:  # a limit, re-wrapped by reportlab's hook handling
            raise doc.failure from None
        if isinstance(error, LayoutError):
            raise RenderError(f"the document could not be laid out: {error}") from None
        raise


def render_to_bytes(make_doc, story_factory, multi: bool) -> bytes:
    buffer = io.BytesIO()
    doc = make_doc(buffer)
    build(doc, story_factory(doc), multi)
    return buffer.getvalue()
