"""What the proposal and the briefing share: checking the inputs, the theme and formatter
for the chosen locale, labels, tables, the cover, and the small building blocks of a page.

A document reads a :class:`~valueframe.model.ValueCase` for its words and an
:class:`~valueframe.evaluation.Evaluation` for every figure; it never recomputes a figure.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
from abc import ABC, abstractmethod
from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    FrameBreak,
    Image,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from pdf_templates import document, safety
from pdf_templates.charts import GridIssue
from pdf_templates.document import Document, Heading, Running, draw_text
from pdf_templates.errors import DocumentTooLarge, EvaluationMismatch, RenderError
from pdf_templates.formatting import Formatter
from pdf_templates.styles import TABLE, Theme, para, theme, tint
from valueframe.evaluation import Evaluation
from valueframe.i18n import t
from valueframe.model import LOCALES, KeyIssue, ValueCase

LOGO_MAX_PIXELS = 4096  # per side
HASH_SHORT = 12


def priority(issue: KeyIssue) -> int:
    """The screening priority shown on the grid: importance x hiddenness x trend (1..125).

    Multiplicative on purpose: an issue must score on all three screens (it matters, the
    customer has not seen it, it gets worse if left alone) to rank high.
    """
    return issue.importance * issue.hiddenness * issue.trend


def _png_size(data: bytes) -> tuple[int, int]:
    if len(data) < 24 or data[12:16] != b"IHDR":
        raise RenderError("seller.logo_png: not a readable PNG image")
    return struct.unpack(">II", data[16:24])


class Renderer(ABC):
    """One document being rendered: the case, its evaluation and the locale."""

    kind = "proposal"

    def __init__(
        self,
        case: ValueCase,
        evaluation: Evaluation,
        locale: str | None = None,
        on: dt.date | None = None,
    ):
        safety.lock_down()
        locale = locale or case.locale
        if locale not in LOCALES:
            raise RenderError(f"locale: must be one of {', '.join(LOCALES)}, got {locale!r}")
        self._check(case, evaluation)
        self.case = case
        self.ev = evaluation
        self.locale = locale
        self.on = on or dt.date.today()
        self.theme: Theme = theme(locale, case.seller.primary_color, case.seller.accent_color)
        self.fmt = Formatter(locale, evaluation.currency)
        # Issues are numbered in case order; the same number everywhere in the document.
        self.number = {issue.id: n for n, issue in enumerate(case.issues, start=1)}

    @staticmethod
    def _check(case: ValueCase, evaluation: Evaluation) -> None:
        from valueframe.evaluate import input_hash

        if evaluation.input_hash != input_hash(case):
            raise EvaluationMismatch(
                "the evaluation was computed from other inputs than this case "
                "(input hashes differ): evaluate the case again before rendering"
            )
        safety.check_lengths(safety.case_text_fields(case))
        logo = case.seller.logo_png
        if logo:
            width, height = _png_size(logo)
            if not (0 < width <= LOGO_MAX_PIXELS and 0 < height <= LOGO_MAX_PIXELS):
                raise DocumentTooLarge("seller.logo_png", LOGO_MAX_PIXELS, max(width, height))

    # -- words ----------------------------------------------------------------------------

    def L(self, key: str, **params) -> str:
        """A label of the documents' table (``doc.<key>``) in the document's locale."""
        return t(f"doc.{key}", self.locale, **params)

    def T(self, key: str, **params) -> str:
        """A label of another area of the table (``stream.*``, ``scenario.*``, ``irr.*``)."""
        return t(key, self.locale, **params)

    def user(self, value: object) -> str:
        """User text as safe markup."""
        return self.theme.txt(value)

    def p(self, markup: str, style: str = "body") -> Paragraph:
        return para(markup, self.theme[style])

    def para(self, value: object, style: str = "body") -> Paragraph:
        """A paragraph of plain (user or label) text, escaped."""
        return para(self.theme.txt(value), self.theme[style])

    def heading(self, label_key: str, anchor: str) -> list[Flowable]:
        label = self.L(label_key)
        return [
            Heading(self.theme.txt(label), self.theme["h1"], label, anchor),
            self._rule(),
        ]

    def _rule(self) -> Flowable:
        return _Rule(self.theme.accent, 28 * mm, 1.6)

    def h2(self, value: object) -> Paragraph:
        return self.para(value, "h2")

    def h3(self, markup: str) -> Paragraph:
        return self.p(markup, "h3")

    def bullets(self, items: Sequence[object]) -> list[Flowable]:
        return [
            para(self.theme.txt(item), self.theme["bullet"], bulletText="•")
            for item in items
            if safety.clean(item).strip()
        ]

    def evidence_badge(self, evidence: str) -> str:
        """An evidence status as coloured markup (colour from our palette only)."""
        colour = self.theme.color(evidence).hexval()[2:]
        label = self.theme.txt(self.T(f"evidence.{evidence}"))
        return f'<font color="#{colour}"><b>{label}</b></font>'

    def estimate_mark(self, evidence: str) -> str:
        return " *" if evidence == "estimate" else ""

    def level_label(self, level: str) -> str:
        return self.T(f"level.{level}")

    def cell_label(self, cell) -> str:
        if cell is None:
            return self.L("word.not_located")
        return self.L(
            "cell",
            level=self.T(f"level.{cell.level}"),
            dimension=self.T(f"dimension.{cell.dimension}"),
        )

    def issue_label(self, issue_id: str) -> str:
        issue = self.case.issue(issue_id)
        if issue is None:
            return issue_id
        return f"{self.number[issue_id]}. {issue.title}"

    # -- tables ---------------------------------------------------------------------------

    def table(
        self,
        header: Sequence[str] | None,
        rows: Sequence[Sequence[object]],
        widths: Sequence[float],
        align: str = "",
        *,
        emphasis_rows: Sequence[int] = (),
        markup: bool = False,
        zebra: bool = True,
    ) -> Table:
        """A house-style table. ``widths`` are fractions of the frame width; ``align`` has
        one letter per column (l or r); cells are plain text unless ``markup``."""
        theme = self.theme
        total = self.frame_width
        align = align or "l" * len(widths)
        data = []
        if header:
            data.append(
                [
                    para(theme.txt(h), theme["cell_head_right" if a == "r" else "cell_head"])
                    for h, a in zip(header, align, strict=True)
                ]
            )
        for row in rows:
            cells = []
            for value, a in zip(row, align, strict=True):
                if isinstance(value, Flowable):
                    cells.append(value)
                    continue
                content = value if markup and isinstance(value, str) else theme.txt(value)
                cells.append(para(content, theme["cell_right" if a == "r" else "cell"]))
            data.append(cells)
        table = Table(
            data,
            colWidths=[w * total for w in widths],
            repeatRows=1 if header else 0,
            splitInRow=1,
            hAlign="LEFT",
        )
        pad = TABLE["padding"]
        commands = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), pad),
            ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
            ("LEFTPADDING", (0, 0), (-1, -1), pad + 1),
            ("RIGHTPADDING", (0, 0), (-1, -1), pad + 1),
            ("LINEBELOW", (0, 0), (-1, -1), TABLE["grid_width"], theme.color("rule")),
        ]
        start = 1 if header else 0
        if header:
            commands.append(("BACKGROUND", (0, 0), (-1, 0), theme.primary))
        if zebra:
            for index in range(start, len(data)):
                if (index - start) % 2 == 1:
                    commands.append(
                        ("BACKGROUND", (0, index), (-1, index), theme.color(TABLE["stripe"]))
                    )
        for index in emphasis_rows:
            row = index + start
            commands.append(("BACKGROUND", (0, row), (-1, row), tint(theme.primary, 0.12)))
            commands.append(("LINEABOVE", (0, row), (-1, row), 0.8, theme.primary))
        table.setStyle(TableStyle(commands))
        return table

    @property
    def frame_width(self) -> float:
        """The body frame's usable width (the frame pads 6 pt on each side)."""
        page = self.theme.page
        return page["size"][0] - page["margin_left"] - page["margin_right"] - 12

    @property
    def frame_height(self) -> float:
        page = self.theme.page
        return page["size"][1] - page["margin_top"] - page["margin_bottom"] - 12

    def kv_table(
        self,
        rows: Sequence[tuple[str, object]],
        split: float = 0.32,
        *,
        markup_values: bool = False,
    ) -> Table:
        """Two columns: a label and its value."""
        theme = self.theme
        data = [
            [
                para(theme.txt(label), theme["small"]),
                value
                if isinstance(value, Flowable)
                else para(value if markup_values else theme.txt(value), theme["cell"]),
            ]
            for label, value in rows
        ]
        table = Table(
            data,
            colWidths=[split * self.frame_width, (1 - split) * self.frame_width],
            splitInRow=1,
            hAlign="LEFT",
        )
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.3, theme.color("rule")),
                ]
            )
        )
        return table

    def grid_issues(self) -> list[GridIssue]:
        return [
            GridIssue(
                self.number[issue.id],
                issue.title,
                issue.cell.level,
                issue.cell.dimension,
                priority(issue),
            )
            for issue in self.case.issues
            if issue.selected and issue.cell is not None
        ]

    # -- the document ---------------------------------------------------------------------

    def running(self) -> Running:
        case, ev = self.case, self.ev
        return Running(
            header_left=f"{case.customer.name} · {case.title}",
            header_right=case.seller.name,
            footer_left=self.L(
                "footer",
                version=ev.methodology_version,
                hash=ev.input_hash[:HASH_SHORT],
                seller=case.seller.name,
            ),
            page_label=self.L("page_of"),
            internal=self.L("briefing.internal_banner") if self.kind == "briefing" else "",
            watermark=self.L("briefing.watermark") if self.kind == "briefing" else "",
        )

    def metadata(self) -> dict:
        case = self.case
        return {
            "title": safety.clean(case.title),
            "author": safety.clean(case.seller.name),
            "subject": safety.clean(
                self.L(f"{self.kind}.subject", customer=case.customer.name, seller=case.seller.name)
            ),
            "keywords": [safety.clean(case.customer.name), self.ev.methodology_version],
            "creator": f"valueframe · {self.ev.methodology_version}",
            "lang": self.locale,
        }

    def render(self) -> bytes:
        buffer = io.BytesIO()
        doc = Document(buffer, self.theme, self.running(), self.metadata(), self._cover_page)
        story = self.story()
        document.build(doc, story, multi=self.multi_pass())
        return buffer.getvalue()

    def multi_pass(self) -> bool:
        return True

    @abstractmethod
    def story(self) -> list[Flowable]:
        """The document's flowables, cover excluded."""

    def period_conventions(self) -> list[tuple[str, str]]:
        """Currency, discount rate and periods: the first rows of every method table."""
        ev, fmt = self.ev, self.fmt
        return [
            (self.L("method.currency"), ev.currency),
            (
                self.L("method.discount_rate"),
                self.L(
                    "method.discount_rate_value",
                    annual=fmt.rate(ev.discount_rate),
                    period=fmt.rate(ev.period_rate),
                    months=ev.period_months,
                ),
            ),
            (
                self.L("method.periods"),
                self.L(
                    "method.periods_value",
                    n=ev.periods,
                    months=ev.period_months,
                    years=self.case.horizon_years,
                ),
            ),
        ]

    # -- the cover ------------------------------------------------------------------------

    def _cover_page(self, canvas, doc) -> None:
        theme = self.theme
        width, height = theme.page["size"]
        left = theme.page["margin_left"]
        canvas.saveState()
        canvas.setFillColor(theme.primary)
        canvas.rect(0, height - 128 * mm, width, 128 * mm, stroke=0, fill=1)
        canvas.setFillColor(theme.accent)
        canvas.rect(0, height - 131 * mm, width, 3 * mm, stroke=0, fill=1)
        canvas.setFillColor(colors.white)
        draw_text(
            canvas,
            left,
            height - 16 * mm,
            self.case.seller.name,
            theme,
            10,
            bold=True,
            max_width=width - 2 * left - 60 * mm,
        )
        logo = self.case.seller.logo_png
        if logo:
            self._draw_logo(canvas, logo, width - left, height - 10 * mm)
        if self.kind == "briefing":
            canvas.setFillColor(theme.color("negative"))
            canvas.rect(0, height - 26 * mm, width, 7 * mm, stroke=0, fill=1)
            canvas.setFillColor(colors.white)
            draw_text(
                canvas,
                left,
                height - 23.6 * mm,
                self.L("briefing.internal_banner"),
                theme,
                8.5,
                bold=True,
            )
        canvas.setFillColor(theme.color("muted"))
        notice = self.L(f"{self.kind}.notice", customer=self.case.customer.name)
        canvas.setStrokeColor(theme.color("rule"))
        canvas.setLineWidth(0.4)
        canvas.line(left, 26 * mm, width - left, 26 * mm)
        draw_text(canvas, left, 21 * mm, notice, theme, 7.5, max_width=width - 2 * left)
        canvas.setFillColor(theme.color("faint"))
        draw_text(
            canvas,
            left,
            14 * mm,
            self.L(
                "footer",
                version=self.ev.methodology_version,
                hash=self.ev.input_hash[:HASH_SHORT],
                seller=self.case.seller.name,
            ),
            theme,
            6.8,
            max_width=width - 2 * left,
        )
        canvas.restoreState()

    def _draw_logo(self, canvas, logo: bytes, right: float, top: float) -> None:
        from reportlab.lib.utils import ImageReader

        try:
            reader = ImageReader(io.BytesIO(logo))
            pixel_w, pixel_h = reader.getSize()
        except Exception:
            raise RenderError("seller.logo_png: not a readable PNG image") from None
        box_w, box_h = 48 * mm, 16 * mm
        scale = min((box_w - 6 * mm) / pixel_w, (box_h - 4 * mm) / pixel_h)
        w, h = pixel_w * scale, pixel_h * scale
        canvas.setFillColor(colors.white)
        canvas.roundRect(right - box_w, top - box_h, box_w, box_h, 2 * mm, stroke=0, fill=1)
        canvas.drawImage(
            reader, right - box_w / 2 - w / 2, top - box_h / 2 - h / 2, w, h, mask="auto"
        )

    def cover(self, kicker: str, subtitle: str, meta: Sequence[tuple[str, str]]) -> list:
        theme = self.theme
        white = theme["cover_title"].clone("cover_title_white", textColor=colors.white)
        white_sub = theme["cover_sub"].clone("cover_sub_white", textColor=colors.white)
        white_kicker = theme["kicker"].clone(
            "cover_kicker", textColor=tint(theme.accent, 0.35), fontSize=9, leading=12
        )
        rows = [
            [
                para(theme.txt(label), theme["kpi_label"]),
                para(theme.txt(v), theme["body"]),
            ]
            for label, v in meta
        ]
        table = Table(rows, colWidths=[40 * mm, self.frame_width - 40 * mm], hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 4),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.3, theme.color("rule")),
                ]
            )
        )
        return [
            Spacer(1, 18 * mm),
            para(theme.txt(kicker.upper()), white_kicker),
            _Shortened(theme, self.case.title, white, 3),
            _Shortened(theme, subtitle, white_sub, 3),
            FrameBreak(),
            Spacer(1, 6 * mm),
            table,
            NextPageTemplate("body"),
            PageBreak(),
        ]

    def keep(self, *flowables: Flowable) -> KeepTogether:
        return KeepTogether(list(flowables))

    def space(self, height_mm: float = 4) -> Spacer:
        return Spacer(1, height_mm * mm)

    def new_section(self, reserve_mm: float = 60) -> CondPageBreak:
        return CondPageBreak(reserve_mm * mm)

    def image(self, data: bytes, width: float) -> Image:  # pragma: no cover - unused helper
        return Image(io.BytesIO(data), width=width, kind="proportional")


class _Rule(Flowable):
    def __init__(self, colour, width, thickness):
        super().__init__()
        self.colour, self.rule_width, self.thickness = colour, width, thickness

    def wrap(self, available_width, available_height):
        return self.rule_width, self.thickness + 6

    def draw(self):
        self.canv.setFillColor(self.colour)
        self.canv.rect(0, 6, self.rule_width, self.thickness, stroke=0, fill=1)


class _Shortened(Flowable):
    """A paragraph of user text limited to ``lines`` lines (the cover has fixed room)."""

    def __init__(self, theme: Theme, raw: str, style, lines: int):
        super().__init__()
        self.theme, self.raw, self.style, self.lines = theme, raw, style, lines
        self.paragraph = None

    def wrap(self, available_width, available_height):
        from pdf_templates.charts import fit_paragraph

        self.paragraph = fit_paragraph(
            self.theme,
            "",
            self.raw,
            self.style,
            available_width,
            self.style.leading * self.lines + 1,
        )
        width, height = self.paragraph.wrap(available_width, available_height)
        return width, height + self.style.spaceAfter

    def draw(self):
        self.paragraph.drawOn(self.canv, 0, self.style.spaceAfter)
