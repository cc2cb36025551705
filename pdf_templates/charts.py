"""Charts and diagrams of the documents, drawn from the evaluation's figures (never
recomputed): the cumulative cash flow with its payback point, the NPV histogram with
P10/P50/P90, the tornado, the solution's five criteria, the 3x3 grid with the key issues
shaded by priority, and the frame diagram (goal -> key issues -> solution -> values).

Numeric charts are ``reportlab.graphics`` drawings; the grid and the frame diagram are
flowables that lay wrapped paragraphs (escaped user text) into boxes. Chart labels are
drawn as plain strings - never parsed as markup - in a font that can show them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from babel.numbers import format_compact_decimal
from reportlab.graphics.shapes import Drawing, Line, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph

from pdf_templates import fonts as F
from pdf_templates.formatting import Formatter
from pdf_templates.safety import clean
from pdf_templates.styles import CHART, Theme, para, tint
from valueframe.i18n import t

# -- helpers --------------------------------------------------------------------------------


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] (zero included when the range spans it)."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return [0.0, 1.0]
    if high < low:
        low, high = high, low
    if high == low:
        pad = abs(high) * 0.1 or 1.0
        low, high = low - pad, high + pad
    raw = (high - low) / max(count, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(low / step) * step
    last = math.ceil(high / step) * step
    ticks, value = [], first
    while value <= last + step / 2:
        ticks.append(round(value, 10))
        value += step
    return ticks


def compact(value: float, locale: str) -> str:
    """An axis number in the locale's compact form (28.1M in English)."""
    if abs(value) < 1e-9:
        return "0"
    babel = "zh_CN" if locale == "zh-CN" else "en"
    return format_compact_decimal(value, locale=babel, fraction_digits=1)


def _fit(label: str, theme: Theme, size: float, width: float, bold: bool = False) -> str:
    label = clean(label).replace("\n", " ")
    if F.width(label, theme.fonts, size, bold) <= width:
        return label
    while label and F.width(label + "…", theme.fonts, size, bold) > width:
        label = label[:-1]
    return label + "…"


def _two_lines(label: str, theme: Theme, size: float, width: float) -> list[str]:
    """A label on at most two lines: break at a space (or anywhere in CJK text), then
    shorten the second line with an ellipsis."""
    label = clean(label).replace("\n", " ")
    if F.width(label, theme.fonts, size) <= width:
        return [label]
    cut = len(label)
    while cut > 1 and F.width(label[:cut], theme.fonts, size) > width:
        cut -= 1
    space = label.rfind(" ", 0, cut + 1)
    if space > cut // 2:
        cut = space
    return [label[:cut].rstrip(), _fit(label[cut:].lstrip(), theme, size, width)]


def _crowded(marks, x_of, distance: float = 55) -> bool:
    xs = [x_of(float(v)) for name, v in marks if v is not None and name != "P50"]
    middle = [x_of(float(v)) for name, v in marks if v is not None and name == "P50"]
    return bool(middle) and any(abs(middle[0] - x) < distance for x in xs)


def _string(x, y, label, theme: Theme, size=None, anchor="start", color=None, bold=False):
    size = size or CHART["font_size"]
    font, label = F.single(clean(label), theme.fonts, bold)
    return String(
        x,
        y,
        label,
        fontName=font,
        fontSize=size,
        fillColor=color or theme.color("muted"),
        textAnchor=anchor,
    )


def _legend(drawing: Drawing, x: float, y: float, items, theme: Theme) -> None:
    """Legend items: (kind, colour, label) with kind box | line | dash."""
    for kind, colour, label in items:
        if kind == "box":
            drawing.add(Rect(x, y - 1, 7, 7, fillColor=colour, strokeColor=None))
        else:
            dash = [2, 2] if kind == "dash" else None
            drawing.add(
                Line(
                    x,
                    y + 2.5,
                    x + 10,
                    y + 2.5,
                    strokeColor=colour,
                    strokeWidth=1.4,
                    strokeDashArray=dash,
                )
            )
        drawing.add(_string(x + 13, y, label, theme))
        x += 13 + F.width(label, theme.fonts, CHART["font_size"]) + 14


@dataclass
class _Plot:
    """A value-to-point mapping for a chart's plot area."""

    x0: float
    y0: float
    width: float
    height: float
    low: float
    high: float

    def y(self, value: float) -> float:
        return self.y0 + (value - self.low) / (self.high - self.low) * self.height


def _value_axis(drawing: Drawing, plot: _Plot, ticks, theme: Theme, locale: str) -> None:
    for tick in ticks:
        y = plot.y(tick)
        colour = theme.color("faint") if tick == 0 else theme.color("rule")
        drawing.add(
            Line(
                plot.x0,
                y,
                plot.x0 + plot.width,
                y,
                strokeColor=colour,
                strokeWidth=0.8 if tick == 0 else 0.35,
            )
        )
        drawing.add(_string(plot.x0 - 4, y - 2.3, compact(tick, locale), theme, anchor="end"))


# -- cumulative cash flow --------------------------------------------------------------------


def cash_flow_chart(evaluation, fmt: Formatter, theme: Theme, width: float) -> Drawing:
    """Net cash flow per period (bars), cumulative (line) and the payback point."""
    locale = theme.locale
    rows = evaluation.cash_flow
    height = CHART["height"]
    drawing = Drawing(width, height)
    nets = [float(r.net) for r in rows]
    cumulative = [float(r.cumulative) for r in rows]
    ticks = nice_ticks(min([*nets, *cumulative, 0.0]), max([*nets, *cumulative, 0.0]))
    plot = _Plot(46, 26, width - 56, height - 44, ticks[0], ticks[-1])
    _value_axis(drawing, plot, ticks, theme, locale)
    count = len(rows)
    slot = plot.width / count
    bar = max(min(slot * 0.55, 26), 0.6)
    label_every = max(1, math.ceil(count / 16))

    def x_of(period: float) -> float:
        return plot.x0 + slot * (period + 0.5)

    for row, net in zip(rows, nets, strict=True):
        top, bottom = plot.y(max(net, 0.0)), plot.y(min(net, 0.0))
        colour = tint(theme.primary, 0.55) if net >= 0 else tint(theme.accent, 0.6)
        drawing.add(
            Rect(
                x_of(row.period) - bar / 2,
                bottom,
                bar,
                max(top - bottom, 0.1),
                fillColor=colour,
                strokeColor=None,
            )
        )
        if row.period % label_every == 0:
            drawing.add(
                _string(x_of(row.period), plot.y0 - 10, str(row.period), theme, anchor="middle")
            )
    points = []
    for row, value in zip(rows, cumulative, strict=True):
        points += [x_of(row.period), plot.y(value)]
    drawing.add(PolyLine(points, strokeColor=theme.primary, strokeWidth=1.6))
    if count <= 40:
        for i in range(0, len(points), 2):
            drawing.add(
                Rect(
                    points[i] - 1.6,
                    points[i + 1] - 1.6,
                    3.2,
                    3.2,
                    fillColor=theme.primary,
                    strokeColor=None,
                )
            )
    payback = evaluation.headline["payback_years"].value
    items = [
        ("box", tint(theme.primary, 0.55), t("doc.chart.net", locale)),
        ("line", theme.primary, t("doc.chart.cumulative", locale)),
    ]
    if payback is not None:
        periods = float(payback) * 12 / evaluation.period_months
        x = x_of(periods)
        drawing.add(
            Line(
                x,
                plot.y0,
                x,
                plot.y0 + plot.height,
                strokeColor=theme.accent,
                strokeWidth=1,
                strokeDashArray=[3, 2],
            )
        )
        label = t("doc.chart.payback_at", locale, value=fmt.years(payback))
        anchor = "start" if x < plot.x0 + plot.width * 0.7 else "end"
        drawing.add(
            _string(
                x + (3 if anchor == "start" else -3),
                plot.y0 + plot.height - 6,
                label,
                theme,
                color=theme.accent,
                anchor=anchor,
                bold=True,
            )
        )
        items.append(("dash", theme.accent, t("doc.chart.payback", locale)))
    drawing.add(
        _string(
            plot.x0 + plot.width,
            plot.y0 - 19,
            t("doc.chart.period_axis", locale, months=evaluation.period_months),
            theme,
            anchor="end",
        )
    )
    _legend(drawing, plot.x0, 2, items, theme)
    return drawing


# -- NPV histogram -------------------------------------------------------------------------


def npv_histogram(simulation, fmt: Formatter, theme: Theme, width: float) -> Drawing:
    locale = theme.locale
    height = CHART["height"]
    drawing = Drawing(width, height)
    counts = simulation.histogram_counts
    edges = [float(e) for e in simulation.histogram_edges]
    top = max(counts) if counts else 1
    plot = _Plot(46, 26, width - 56, height - 48, 0, top * 1.12 or 1)
    lo, hi = edges[0], edges[-1]
    span = (hi - lo) or 1.0

    def x_of(value: float) -> float:
        return plot.x0 + (value - lo) / span * plot.width

    drawing.add(
        Line(
            plot.x0,
            plot.y0,
            plot.x0 + plot.width,
            plot.y0,
            strokeColor=theme.color("faint"),
            strokeWidth=0.6,
        )
    )
    for count, left, right in zip(counts, edges, edges[1:], strict=False):
        centre = (left + right) / 2
        colour = tint(theme.primary, 0.5) if centre >= 0 else tint(theme.accent, 0.55)
        x1, x2 = x_of(left), x_of(right)
        drawing.add(
            Rect(
                x1 + 0.4,
                plot.y0,
                max(x2 - x1 - 0.8, 0.3),
                max(plot.y(count) - plot.y0, 0),
                fillColor=colour,
                strokeColor=None,
            )
        )
    for tick in nice_ticks(lo, hi, 6):
        if lo <= tick <= hi:
            x = x_of(tick)
            drawing.add(Line(x, plot.y0, x, plot.y0 - 2.5, strokeColor=theme.color("faint")))
            drawing.add(_string(x, plot.y0 - 10, compact(tick, locale), theme, anchor="middle"))
    if lo < 0 < hi:
        x = x_of(0)
        drawing.add(
            Line(
                x,
                plot.y0,
                x,
                plot.y0 + plot.height,
                strokeColor=theme.color("ink"),
                strokeWidth=0.6,
            )
        )
    marks = [("P10", simulation.npv.p10), ("P50", simulation.npv.p50), ("P90", simulation.npv.p90)]
    for name, value in marks:
        if value is None:
            continue
        x = x_of(float(value))
        colour = theme.accent if name == "P50" else theme.color("ink")
        drawing.add(
            Line(
                x,
                plot.y0,
                x,
                plot.y0 + plot.height,
                strokeColor=colour,
                strokeWidth=1,
                strokeDashArray=[3, 2],
            )
        )
        y = plot.y0 + plot.height + 4
        if name == "P50" and _crowded(marks, x_of):
            y -= 10  # P50 drops a line when its neighbours' labels are close
        anchor = {"P10": "end", "P50": "middle", "P90": "start"}[name]
        shift = {"P10": -2, "P50": 0, "P90": 2}[name]
        drawing.add(
            _string(
                x + shift,
                y,
                f"{name} {compact(float(value), locale)}",
                theme,
                anchor=anchor,
                color=colour,
                bold=True,
            )
        )
    drawing.add(
        _string(
            plot.x0 + plot.width,
            plot.y0 - 19,
            t("doc.chart.npv_axis", locale, currency=fmt.currency),
            theme,
            anchor="end",
        )
    )
    _legend(
        drawing,
        plot.x0,
        2,
        [
            ("box", tint(theme.primary, 0.5), t("doc.chart.trials", locale, n=simulation.trials)),
            ("dash", theme.color("ink"), t("doc.chart.percentiles", locale)),
        ],
        theme,
    )
    return drawing


# -- tornado -------------------------------------------------------------------------------


def tornado_chart(
    bars,
    base: Decimal | None,
    names: Callable,
    fmt: Formatter,
    theme: Theme,
    width: float,
    limit: int = 12,
) -> Drawing:
    """NPV at each driver's low and high input, widest swing first."""
    locale = theme.locale
    shown = list(bars)[:limit]
    row = 19
    label_width = min(170, width * 0.36)
    height = 30 + row * len(shown) + 16
    drawing = Drawing(width, height)
    values = [float(v) for b in shown for v in (b.npv_at_low, b.npv_at_high)]
    centre = float(base) if base is not None else sum(values) / len(values)
    ticks = nice_ticks(min([*values, centre]), max([*values, centre]), 5)
    x0, plot_width = label_width + 8, width - label_width - 18
    lo, hi = ticks[0], ticks[-1]

    def x_of(value: float) -> float:
        return x0 + (value - lo) / ((hi - lo) or 1) * plot_width

    top = height - 10
    for tick in ticks:
        x = x_of(tick)
        drawing.add(Line(x, 24, x, top, strokeColor=theme.color("rule"), strokeWidth=0.35))
        drawing.add(_string(x, 14, compact(tick, locale), theme, anchor="middle"))
    for index, bar in enumerate(shown):
        y = top - row * (index + 1) + 4
        low, high = float(bar.npv_at_low), float(bar.npv_at_high)
        for value, colour in ((low, tint(theme.accent, 0.65)), (high, tint(theme.primary, 0.6))):
            a, b = sorted((x_of(centre), x_of(value)))
            drawing.add(Rect(a, y, max(b - a, 0.5), row - 6, fillColor=colour, strokeColor=None))
        lines = _two_lines(names(bar), theme, CHART["font_size"], label_width)
        base = y + 3 + (len(lines) - 1) * 4
        for offset, line in enumerate(lines):
            drawing.add(
                _string(
                    label_width,
                    base - offset * 8,
                    line,
                    theme,
                    anchor="end",
                    color=theme.color("ink"),
                )
            )
    drawing.add(
        Line(x_of(centre), 24, x_of(centre), top, strokeColor=theme.color("ink"), strokeWidth=0.9)
    )
    _legend(
        drawing,
        x0,
        1,
        [
            ("box", tint(theme.accent, 0.65), t("doc.chart.at_low", locale)),
            ("box", tint(theme.primary, 0.6), t("doc.chart.at_high", locale)),
            ("line", theme.color("ink"), t("doc.chart.expected_npv", locale)),
        ],
        theme,
    )
    return drawing


# -- the solution's five criteria ------------------------------------------------------------


def criteria_chart(
    rows: Sequence[tuple[str, int, int, str]], theme: Theme, width: float
) -> Drawing:
    """Segmented bars: (label, score, scale, note) - level on a 3-step scale, others 1-5."""
    row = 19
    height = row * len(rows) + 6
    drawing = Drawing(width, height)
    label_width = min(130, width * 0.3)
    segment_width = min(34, (width - label_width - 110) / 5)
    for index, (label, score, scale, note) in enumerate(rows):
        y = height - row * (index + 1)
        drawing.add(
            _string(
                label_width,
                y + 4,
                _fit(label, theme, 8, label_width - 6),
                theme,
                size=8,
                anchor="end",
                color=theme.color("ink"),
            )
        )
        step = segment_width * 5 / scale
        for k in range(scale):
            filled = k < score
            drawing.add(
                Rect(
                    label_width + 8 + k * step,
                    y + 1,
                    step - 2.5,
                    11,
                    fillColor=theme.primary if filled else theme.color("panel_dark"),
                    strokeColor=None,
                )
            )
        drawing.add(_string(label_width + 8 + segment_width * 5 + 6, y + 4, note, theme, size=8))
    return drawing


# -- boxes with wrapped text (for the grid and the frame diagram) ----------------------------


def _box(canvas, x, y, w, h, fill, stroke=None, radius=3, dash=None, line_width=0.8):
    canvas.saveState()
    canvas.setFillColor(fill)
    if stroke is not None:
        canvas.setStrokeColor(stroke)
        canvas.setLineWidth(line_width)
        if dash:
            canvas.setDash(*dash)
    canvas.roundRect(x, y, w, h, radius, stroke=1 if stroke is not None else 0, fill=1)
    canvas.restoreState()


def priority_color(theme: Theme, priority: int) -> colors.Color:
    """1..125 -> a tint of the primary colour (darker = higher priority)."""
    share = 0.25 + 0.75 * (max(min(priority, 125), 1) - 1) / 124
    return tint(theme.primary, share)


@dataclass(frozen=True)
class GridIssue:
    number: int
    title: str
    level: str
    dimension: str
    priority: int


class GridFlowable(Flowable):
    """The 3x3 grid (levels as columns, dimensions as rows) with numbered issue chips."""

    LEVELS = ("organisation", "process", "job")
    DIMENSIONS = ("goals", "design", "management")

    LINE = 13.0  # one issue per line: chip + title
    PAD = 5.0
    CHIP = 11.0

    def __init__(self, issues: Sequence[GridIssue], theme: Theme):
        super().__init__()
        self.issues = list(issues)
        self.theme = theme
        crowd = max(
            (
                sum(1 for i in self.issues if (i.level, i.dimension) == (lv, dim))
                for lv in self.LEVELS
                for dim in self.DIMENSIONS
            ),
            default=0,
        )
        self.cell_height = min(max(crowd * self.LINE + 2 * self.PAD + 2, 24 * mm), 44 * mm)
        self.head = 9 * mm
        self.side = 22 * mm

    def wrap(self, available_width, available_height):
        self.width = available_width
        self.height = self.head + 3 * self.cell_height
        return self.width, self.height

    def draw(self):
        canvas, theme, locale = self.canv, self.theme, self.theme.locale
        cell_w = (self.width - self.side) / 3
        for column, level in enumerate(self.LEVELS):
            x = self.side + column * cell_w
            _box(
                canvas,
                x + 1,
                self.height - self.head + 1,
                cell_w - 2,
                self.head - 2,
                theme.primary,
                radius=2,
            )
            label = para(theme.txt(t(f"level.{level}", locale)), theme["box_bold"])
            _, h = label.wrap(cell_w - 6, self.head)
            label.drawOn(canvas, x + 3, self.height - self.head / 2 - h / 2)
        for row, dimension in enumerate(self.DIMENSIONS):
            y = self.height - self.head - (row + 1) * self.cell_height
            _box(
                canvas,
                1,
                y + 1,
                self.side - 3,
                self.cell_height - 2,
                theme.color("panel_dark"),
                radius=2,
            )
            label = para(theme.txt(t(f"dimension.{dimension}", locale)), theme["box"])
            _, h = label.wrap(self.side - 8, self.cell_height)
            label.drawOn(canvas, 4, y + self.cell_height / 2 - h / 2)
            for column, level in enumerate(self.LEVELS):
                x = self.side + column * cell_w
                _box(
                    canvas,
                    x + 1,
                    y + 1,
                    cell_w - 2,
                    self.cell_height - 2,
                    theme.color("panel"),
                    stroke=theme.color("rule"),
                    radius=2,
                    line_width=0.5,
                )
                here = [i for i in self.issues if i.level == level and i.dimension == dimension]
                self._cell(canvas, here, x + 1, y + 1, cell_w - 2, self.cell_height - 2)

    def _chip(self, canvas, issue: GridIssue, x: float, y: float, size: float) -> None:
        fill = priority_color(self.theme, issue.priority)
        _box(canvas, x, y, size, size, fill, radius=size / 2)
        canvas.saveState()
        canvas.setFillColor(colors.white if issue.priority > 20 else self.theme.color("ink"))
        font_size = 6.6 if issue.number < 100 else 5.4
        canvas.setFont(self.theme.fonts.bold, font_size)
        canvas.drawCentredString(x + size / 2, y + size / 2 - font_size * 0.35, str(issue.number))
        canvas.restoreState()

    def _cell(self, canvas, issues, x, y, w, h):
        pad, chip, line = self.PAD, self.CHIP, self.LINE
        if not issues:
            return
        ordered = sorted(issues, key=lambda i: -i.priority)
        if len(ordered) * line <= h - 2 * pad:
            # One line per issue: chip + title.
            style = self.theme["grid_item"]
            top = y + h - pad
            for issue in ordered:
                self._chip(canvas, issue, x + pad, top - chip, chip)
                paragraph = fit_paragraph(
                    self.theme, "", issue.title, style, w - 2 * pad - chip - 4, style.leading + 0.5
                )
                paragraph.drawOn(canvas, x + pad + chip + 4, top - chip + 1.2)
                top -= line
            return
        per_row = max(int((w - 2 * pad) // (chip + 2)), 1)
        capacity = per_row * max(int((h - 2 * pad) // (chip + 2)), 1)
        shown = ordered if len(ordered) <= capacity else ordered[: capacity - 1]
        for index, issue in enumerate(shown):
            cx = x + pad + (index % per_row) * (chip + 2)
            cy = y + h - pad - chip - (index // per_row) * (chip + 2)
            self._chip(canvas, issue, cx, cy, chip)
        if len(shown) < len(ordered):
            index = len(shown)
            cx = x + pad + (index % per_row) * (chip + 2)
            cy = y + h - pad - chip - (index // per_row) * (chip + 2)
            canvas.setFont(self.theme.fonts.regular, 6.3)
            canvas.drawString(cx, cy + 2.5, f"+{len(ordered) - len(shown)}")


class PriorityScale(Flowable):
    """The legend of the grid's shading: priority 1 .. 125."""

    def __init__(self, theme: Theme, caption: str):
        super().__init__()
        self.theme = theme
        self.caption = caption

    def wrap(self, available_width, available_height):
        self.width = available_width
        return available_width, 14

    def draw(self):
        canvas, theme = self.canv, self.theme
        x = 0
        for k in range(12):
            canvas.setFillColor(priority_color(theme, 1 + round(k * 124 / 11)))
            canvas.rect(x + k * 7, 3, 7, 7, stroke=0, fill=1)
        canvas.setFillColor(theme.color("muted"))
        from pdf_templates.document import draw_text

        draw_text(canvas, 90, 4, self.caption, theme, 7, max_width=self.width - 90)


# -- the frame diagram -------------------------------------------------------------------------


@dataclass(frozen=True)
class FrameIssue:
    number: int
    title: str
    kind: str
    mode: str | None  # solve | bypass | None (not addressed)


@dataclass(frozen=True)
class FrameValue:
    name: str
    amount: str  # formatted expected value, or the non-financial indicator
    issue_numbers: tuple[int, ...]
    estimate: bool


@dataclass(frozen=True)
class FrameContent:
    goal_title: str  # raw text
    goal_lines: tuple[str, ...]  # escaped markup
    issues: tuple[FrameIssue, ...]
    solution_title: str  # raw text
    solution_lines: tuple[str, ...]  # escaped markup
    values: tuple[FrameValue, ...]
    closing: str  # escaped markup: attainment sentence along the bottom
    headings: tuple[str, str, str, str]  # plain labels
    more_issues: str  # label with {n}
    more_values: str
    links: str  # label with {list}: the issues a value relieves


class FrameDiagram(Flowable):
    """Goal -> key issues -> solution -> performance values, with the links between them.

    The boxes are laid out in :meth:`wrap`: each column is a stack centred on the same
    line; a stack that does not fit gets shorter boxes (fewer lines of text), then only its
    first boxes and a "+n more" note. The diagram is as tall as its content, at most the
    available height (the whole page when the frame is large).
    """

    GAP = 6
    HEAD = 16
    LOOP = 34  # room below the boxes for the loop back to the goal
    RESERVE = 30  # left free below the diagram for its legend

    def __init__(self, content: FrameContent, theme: Theme, max_height: float):
        super().__init__()
        self.content = content
        self.theme = theme
        self.max_height = max_height

    def _columns(self, width):
        gap = 16
        shares = (0.22, 0.28, 0.2, 0.3)
        usable = width - gap * 3
        xs, x = [], 0.0
        for share in shares:
            xs.append((x, usable * share))
            x += usable * share + gap
        return xs

    def _stack(self, items, make, width, room):
        """[(item, paragraph, h)] that fit in ``room`` and how many were left out."""
        placed = []
        for lines in (4, 3, 2, 1):
            placed, used = [], 0.0
            for item in items:
                paragraph = make(item, width - 10, lines)
                h = paragraph.wrap(width - 10, 10_000)[1] + 8
                if used + h > room:
                    break
                placed.append((item, paragraph, h))
                used += h + self.GAP
            if len(placed) == len(items):
                return placed, 0
        keep = placed[: max(len(placed) - 1, 0)]  # leave a line for "+n more"
        return keep, len(items) - len(keep)

    @staticmethod
    def _height(stack, more):
        return (
            sum(h for _, _, h in stack)
            + FrameDiagram.GAP * max(len(stack) - 1, 0)
            + (14 if more else 0)
        )

    def wrap(self, available_width, available_height):
        theme, content = self.theme, self.content
        self.width = available_width
        limit = min(self.max_height, available_height - self.RESERVE)
        room = limit - self.HEAD - self.LOOP - 6
        self.columns = self._columns(self.width)
        (_, gw), (_, iw), (_, sw), (_, vw) = self.columns
        roomy = max(len(content.issues), len(content.values)) <= 5
        style = theme["box_large"] if roomy else theme["box"]
        bold = theme["box_bold_large"] if roomy else theme["box_bold"]

        def issue_box(issue: FrameIssue, width, lines):
            kind = f'<font size="6.5">{theme.txt(issue.kind)}</font>'
            prefix = f"{kind}&nbsp;&nbsp;<b>{issue.number}</b>&nbsp;&nbsp;"
            return fit_paragraph(
                theme, prefix, issue.title, style, width, style.leading * lines + 0.5
            )

        def value_box(value: FrameValue, width, lines):
            links = content.links.format(list=", ".join(str(n) for n in value.issue_numbers))
            suffix = f"<br/><b>{theme.txt(value.amount)}</b>" + (
                f'&nbsp;&nbsp;<font size="6.5" color="#{theme.color("muted").hexval()[2:]}">'
                f"{theme.txt(links)}</font>"
                if value.issue_numbers
                else ""
            )
            # The amount takes a line of its own: the name gets ``lines`` lines.
            return fit_paragraph(
                theme, "", value.name, style, width, style.leading * (lines + 1) + 0.5, suffix
            )

        self.issues, self.more_issues = self._stack(content.issues, issue_box, iw, room)
        self.values, self.more_values = self._stack(content.values, value_box, vw, room)
        self.goal = [fit_paragraph(theme, "", content.goal_title, bold, gw - 12, bold.leading * 6)]
        if content.goal_lines:
            self.goal.append(para("<br/>".join(content.goal_lines), bold))
        self.solution = [
            fit_paragraph(theme, "", content.solution_title, bold, sw - 12, bold.leading * 4)
        ]
        if content.solution_lines:
            self.solution.append(para("<br/>".join(content.solution_lines), bold))
        self.goal_h = sum(p.wrap(gw - 12, 10_000)[1] for p in self.goal) + 16
        self.solution_h = sum(p.wrap(sw - 12, 10_000)[1] for p in self.solution) + 16
        spread = [  # each stack with roomy gaps between its boxes
            self._height(stack, more) + (22 - self.GAP) * max(len(stack) - 1, 0)
            for stack, more in ((self.issues, self.more_issues), (self.values, self.more_values))
        ]
        body = max(*spread, self.goal_h + 20, self.solution_h + 20, 80 * mm)
        self.body = min(body, room)
        self.height = self.HEAD + 6 + self.body + self.LOOP
        return self.width, self.height

    def draw(self):
        canvas, theme, content = self.canv, self.theme, self.content
        (gx, gw), (ix, iw), (sx, sw), (vx, vw) = self.columns
        top = self.height - self.HEAD - 6
        centre = top - self.body / 2
        from pdf_templates.document import draw_text

        for (x, w), label in zip(self.columns, content.headings, strict=True):
            canvas.setFillColor(theme.accent)
            canvas.rect(x, self.height - 2, 18, 2, stroke=0, fill=1)
            canvas.setFillColor(theme.color("muted"))
            draw_text(
                canvas, x, self.height - self.HEAD + 3, label, theme, 7.5, bold=True, max_width=w
            )

        def positions(stack, more):
            # Spread the boxes over the body (a gap of at most 22 pt), centred.
            boxes = sum(h for _, _, h in stack)
            room = self.body - (14 if more else 0)
            gap = min(22.0, (room - boxes) / max(len(stack) - 1, 1)) if stack else 0
            gap = max(gap, self.GAP)
            used = boxes + gap * max(len(stack) - 1, 0) + (14 if more else 0)
            y = centre + used / 2
            out = []
            for item, paragraph, h in stack:
                out.append((item, paragraph, y - h, h))
                y -= h + gap
            return out, y

        issues, issues_end = positions(self.issues, self.more_issues)
        values, values_end = positions(self.values, self.more_values)
        goal_y = centre - self.goal_h / 2
        solution_y = centre - self.solution_h / 2
        # Links under the boxes.
        canvas.saveState()
        canvas.setLineWidth(0.6)
        canvas.setStrokeColor(theme.color("rule"))
        for _, _, y, h in issues:
            canvas.line(gx + gw, centre, ix, y + h / 2)
        for issue, _, y, h in issues:
            if issue.mode is None:
                continue
            canvas.setStrokeColor(theme.primary if issue.mode == "solve" else theme.accent)
            canvas.setDash(*((1, 0) if issue.mode == "solve" else (3, 2)))
            canvas.line(ix + iw, y + h / 2, sx, centre)
        canvas.setDash(1, 0)
        canvas.setStrokeColor(theme.primary)
        for _, _, y, h in values:
            canvas.line(sx + sw, centre, vx, y + h / 2)
        canvas.restoreState()
        # Boxes.
        _box(canvas, gx, goal_y, gw, self.goal_h, theme.primary, radius=4)
        self._draw_stack(self.goal, gx + 6, goal_y + self.goal_h - 8, gw - 12)
        _box(canvas, sx, solution_y, sw, self.solution_h, theme.accent, radius=4)
        self._draw_stack(self.solution, sx + 6, solution_y + self.solution_h - 8, sw - 12)
        for _, paragraph, y, h in issues:
            _box(canvas, ix, y, iw, h, theme.color("panel"), stroke=theme.color("rule"))
            paragraph.drawOn(canvas, ix + 5, y + 4)
        for value, paragraph, y, h in values:
            stroke = theme.color("estimate") if value.estimate else theme.color("rule")
            _box(
                canvas,
                vx,
                y,
                vw,
                h,
                colors.white,
                stroke=stroke,
                dash=(2, 1.5) if value.estimate else None,
            )
            paragraph.drawOn(canvas, vx + 5, y + 4)
        canvas.setFillColor(theme.color("muted"))
        if self.more_issues:
            draw_text(
                canvas,
                ix + 2,
                issues_end - 4,
                content.more_issues.format(n=self.more_issues),
                theme,
                7,
                max_width=iw,
            )
        if self.more_values:
            draw_text(
                canvas,
                vx + 2,
                values_end - 4,
                content.more_values.format(n=self.more_values),
                theme,
                7,
                max_width=vw,
            )
        # The loop back to the goal: the values move the goal's metric.
        low = min(goal_y, solution_y, issues_end, values_end, centre - self.body / 2)
        y = 10
        canvas.saveState()
        canvas.setStrokeColor(theme.accent)
        canvas.setLineWidth(1)
        source = values[-1][2] if values else centre
        canvas.line(vx + vw / 2, min(source, low) - 2, vx + vw / 2, y)
        canvas.line(vx + vw / 2, y, gx + gw / 2, y)
        canvas.line(gx + gw / 2, y, gx + gw / 2, goal_y - 6)
        canvas.setFillColor(theme.accent)
        path = canvas.beginPath()
        path.moveTo(gx + gw / 2, goal_y - 1)
        path.lineTo(gx + gw / 2 - 3.5, goal_y - 7)
        path.lineTo(gx + gw / 2 + 3.5, goal_y - 7)
        path.close()
        canvas.drawPath(path, stroke=0, fill=1)
        canvas.restoreState()
        closing = para(content.closing, theme["kpi_note"])
        closing.wrap(vx + vw / 2 - gx - gw / 2 - 20, 30)
        closing.drawOn(canvas, gx + gw / 2 + 10, y + 4)

    def _draw_stack(self, paragraphs, x, top, width):
        for paragraph in paragraphs:
            _, h = paragraph.wrap(width, 10_000)
            paragraph.drawOn(self.canv, x, top - h)
            top -= h + 2


def fit_paragraph(
    theme: Theme, prefix: str, raw: str, style, width: float, max_height: float, suffix: str = ""
) -> Paragraph:
    """prefix (markup) + raw user text (escaped here, shortened with … until the paragraph
    fits ``max_height``) + suffix (markup). Cutting the raw text, never the markup, means a
    cut can not fall inside an entity or a tag."""
    raw = clean(raw)

    def make(body: str) -> Paragraph:
        return para(prefix + theme.txt(body) + suffix, style)

    paragraph = make(raw)
    if paragraph.wrap(width, 10_000)[1] <= max_height:
        return paragraph
    lo, hi, best = 0, len(raw), make("…")
    while lo < hi:
        mid = (lo + hi + 1) // 2
        candidate = make(raw[:mid].rstrip() + "…")
        if candidate.wrap(width, 10_000)[1] <= max_height:
            best, lo = candidate, mid
        else:
            hi = mid - 1
    best.wrap(width, 10_000)
    return best


class GoalBar(Flowable):
    """Distance to the goal: baseline -> expected -> target, the filled share being the
    evaluation's goal attainment (shown as computed; the bar is clipped to 0..100%)."""

    def __init__(self, theme: Theme, attainment: Decimal, left: str, right: str, marker: str):
        super().__init__()
        self.theme = theme
        self.share = min(max(float(attainment), 0.0), 1.0)
        self.left, self.right, self.marker = left, right, marker

    def wrap(self, available_width, available_height):
        self.width = available_width
        self.height = 40
        return self.width, self.height

    def draw(self):
        from pdf_templates.document import draw_text

        canvas, theme = self.canv, self.theme
        track_y, track_h = 14, 9
        _box(canvas, 0, track_y, self.width, track_h, theme.color("panel_dark"), radius=4.5)
        if self.share > 0:
            _box(
                canvas,
                0,
                track_y,
                max(self.width * self.share, 9),
                track_h,
                theme.primary,
                radius=4.5,
            )
        x = self.width * self.share
        canvas.setFillColor(theme.accent)
        canvas.rect(x - 1, track_y - 3, 2, track_h + 6, stroke=0, fill=1)
        canvas.setFillColor(theme.color("muted"))
        draw_text(canvas, 0, 2, self.left, theme, 7.2, max_width=self.width / 2 - 4)
        draw_text(
            canvas,
            self.width,
            2,
            self.right,
            theme,
            7.2,
            align="right",
            max_width=self.width / 2 - 4,
        )
        canvas.setFillColor(theme.primary)
        width = F.width(self.marker, theme.fonts, 7.8, True)
        start = min(max(x - width / 2, 0), self.width - width)
        draw_text(canvas, start, track_y + track_h + 5, self.marker, theme, 7.8, bold=True)
