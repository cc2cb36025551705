"""The documents' stylesheet as data (in the spirit of rst2pdf): page geometry, type sizes,
spacing and colours, plus the case's brand colours.

Layout code reads :class:`Theme`; nothing else hard-codes a size or a colour. The brand
colours come only from ``seller.primary_color`` / ``accent_color``, which the schema has
validated as ``#RRGGBB`` - :func:`brand` re-checks them, so no other text can ever reach a
colour attribute.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph

from pdf_templates.fonts import CJK, FontSet, font_set, with_fallback
from pdf_templates.safety import text as safe_text

PAGE = {
    "size": A4,
    "margin_left": 20 * mm,
    "margin_right": 20 * mm,
    "margin_top": 24 * mm,
    "margin_bottom": 20 * mm,
    "header_offset": 12 * mm,  # from the top edge to the header baseline
    "footer_offset": 10 * mm,  # from the bottom edge to the footer baseline
}

PALETTE = {
    "ink": "#1B2430",
    "muted": "#5C6877",
    "faint": "#8A94A3",
    "rule": "#D3DAE3",
    "panel": "#F2F5F8",
    "panel_dark": "#E4E9EF",
    "white": "#FFFFFF",
    "positive": "#1E7B4F",
    "negative": "#B3261E",
    "warning": "#B86E00",
    "estimate": "#B86E00",
    "benchmark": "#3B6EA8",
    "confirmed": "#1E7B4F",
}

# name: (font role, size, leading, space before, space after, colour, alignment)
PARAGRAPHS = {
    "body": ("regular", 9.5, 14.5, 0, 5, "ink", "left"),
    "small": ("regular", 8, 11, 0, 3, "muted", "left"),
    "tiny": ("regular", 6.8, 9, 0, 0, "muted", "left"),
    "cell": ("regular", 8.2, 11, 0, 0, "ink", "left"),
    "cell_right": ("regular", 8.2, 11, 0, 0, "ink", "right"),
    "cell_head": ("bold", 8.2, 11, 0, 0, "white", "left"),
    "cell_head_right": ("bold", 8.2, 11, 0, 0, "white", "right"),
    "h1": ("bold", 18, 24, 0, 10, "primary", "left"),
    "h2": ("bold", 12.5, 17, 12, 6, "primary", "left"),
    "h3": ("bold", 10.5, 14, 9, 4, "primary", "left"),
    "kicker": ("bold", 8, 10, 0, 2, "accent", "left"),
    "lead": ("regular", 11, 17, 0, 8, "ink", "left"),
    "caption": ("regular", 7.5, 10, 3, 8, "muted", "left"),
    "bullet": ("regular", 9.5, 14, 0, 2, "ink", "left"),
    "question": ("regular", 9.5, 13.5, 0, 6, "ink", "left"),
    "kpi_value": ("bold", 17, 21, 0, 0, "primary", "left"),
    "kpi_label": ("bold", 7.5, 10, 0, 2, "muted", "left"),
    "kpi_note": ("regular", 7.2, 9.5, 2, 0, "muted", "left"),
    "cover_title": ("bold", 26, 34, 0, 12, "primary", "left"),
    "cover_sub": ("regular", 13, 19, 0, 4, "ink", "left"),
    "cover_meta": ("regular", 9.5, 14, 0, 2, "muted", "left"),
    "toc1": ("regular", 10.5, 18, 0, 0, "ink", "left"),
    "box": ("regular", 7.6, 9.6, 0, 0, "ink", "left"),
    "box_bold": ("bold", 8.2, 10.4, 0, 0, "white", "center"),
    "box_large": ("regular", 8.8, 11.4, 0, 0, "ink", "left"),
    "box_bold_large": ("bold", 9.4, 12.2, 0, 0, "white", "center"),
    "chip": ("bold", 6.5, 7.5, 0, 0, "white", "center"),
    "grid_item": ("regular", 7.4, 9, 0, 0, "ink", "left"),
}

TABLE = {
    "padding": 3.5,
    "grid_width": 0.4,
    "stripe": "panel",
}

CHART = {
    "height": 62 * mm,
    "font_size": 7,
    "axis": "muted",
    "grid": "rule",
}

_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")
_ALIGN = {"left": TA_LEFT, "right": TA_RIGHT, "center": TA_CENTER}


def brand(value: str, default: str) -> colors.Color:
    """A validated ``#RRGGBB`` brand colour (the default if it is anything else)."""
    return colors.HexColor(value if isinstance(value, str) and _HEX.match(value) else default)


def tint(color: colors.Color, share: float) -> colors.Color:
    """``color`` mixed with white: share 0 = white, 1 = the colour."""
    return colors.Color(
        1 - (1 - color.red) * share, 1 - (1 - color.green) * share, 1 - (1 - color.blue) * share
    )


@dataclass
class Theme:
    locale: str
    fonts: FontSet
    primary: colors.Color
    accent: colors.Color
    styles: dict[str, ParagraphStyle] = field(default_factory=dict)

    def color(self, name: str) -> colors.Color:
        if name == "primary":
            return self.primary
        if name == "accent":
            return self.accent
        return colors.HexColor(PALETTE[name])

    @property
    def page(self) -> dict:
        return PAGE

    def __getitem__(self, name: str) -> ParagraphStyle:
        return self.styles[name]

    def txt(self, value: object, *, newlines: bool = True) -> str:
        """User (or label) text as safe Paragraph markup in this document's fonts."""
        return with_fallback(safe_text(value, newlines=newlines), self.fonts)


def theme(locale: str, primary_color: str, accent_color: str) -> Theme:
    fonts = font_set(locale)
    result = Theme(
        locale=locale,
        fonts=fonts,
        primary=brand(primary_color, "#1F3A5F"),
        accent=brand(accent_color, "#C8102E"),
    )
    for name, (role, size, leading, before, after, colour, align) in PARAGRAPHS.items():
        result.styles[name] = ParagraphStyle(
            name,
            fontName=fonts.bold if role == "bold" else fonts.regular,
            bulletFontName="Helvetica",  # the bullet glyph; the CJK face has none
            fontSize=size,
            leading=leading,
            spaceBefore=before,
            spaceAfter=after,
            textColor=result.color(colour),
            alignment=_ALIGN[align],
            wordWrap="CJK" if locale == "zh-CN" else None,
            splitLongWords=1,
            allowWidows=0,
            allowOrphans=0,
        )
    result.styles["bullet"].leftIndent = 10
    result.styles["bullet"].bulletIndent = 0
    result.styles["toc1"].leftIndent = 0
    for name in ("h1", "h2", "h3", "kicker", "kpi_label"):
        result.styles[name].keepWithNext = 1
    result.styles["question"].leftIndent = 14
    result.styles["question"].firstLineIndent = -14
    return result


_CJK_RUN = f'<font face="{CJK}">'


def para(markup: str, style: ParagraphStyle, **kwargs) -> Paragraph:
    """A Paragraph whose wrapping suits its text: Latin styles switch to CJK wrapping when
    the (escaped) markup holds a CJK run, so a Chinese name in an English document breaks
    between characters instead of overflowing. Latin-only text keeps word wrapping, which
    never splits a word that fits on a line."""
    if style.wordWrap != "CJK" and _CJK_RUN in markup:
        variant = getattr(style, "_cjk_variant", None)  # kept on the style it derives from
        if variant is None:
            variant = style.clone(f"{style.name}_cjk", wordWrap="CJK")
            style._cjk_variant = variant
        style = variant
    return Paragraph(markup, style, **kwargs)
