"""Fonts: WenQuanYi Zen Hei (a TrueType collection reportlab can embed) for Chinese, and
Helvetica for Latin text in English documents, with the CJK face as the fallback.

reportlab embeds only TrueType outlines, so the CJK face is the TTC from Debian's
``fonts-wqy-zenhei`` (installed by ``scripts/ensure-system-packages.sh``), subfont 0.
A zh-CN document sets everything in it; an English document sets Latin text in Helvetica
and switches to the CJK face, run by run, for any character Helvetica's WinAnsi encoding
cannot show (a Chinese customer name, Cyrillic, arrows...), so nothing renders as boxes.
A Chinese document falls back the other way, to Helvetica, for the few WinAnsi characters
the CJK face lacks (Š, ž, ƒ, „, ‹...).

A character neither face can draw (✓, emoji, snowmen...) would print as a blank box or as
nothing, silently losing user text. :func:`drawable` replaces each with a visible, honest
substitute both faces can draw: a known look-alike (✓ -> √, ✗ -> ×), its compatibility form
(𝔘 -> U), its base letter, or else the marker ``?``. Invisible format characters (zero-width
joiners, variation selectors) are dropped. Every function here that chooses a font for text
(:func:`with_fallback`, :func:`runs`, :func:`single`) applies it, so paragraphs, canvas text
and chart labels all get the same substitutes.
"""

from __future__ import annotations

import os
import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from pdf_templates.errors import FontMissing

CJK_FONT_PATH = Path(
    os.environ.get("VALUEFRAME_CJK_FONT", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
)
CJK_SUBFONT_INDEX = 0  # 0 = WenQuanYi Zen Hei, 1 = Mono, 2 = Sharp
CJK = "VF-WQYZenHei"
LATIN = "Helvetica"
LATIN_BOLD = "Helvetica-Bold"

_lock = threading.Lock()
_registered = False


def register() -> None:
    """Register the CJK face once; a clear error when the font file is missing."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        if not CJK_FONT_PATH.is_file():
            raise FontMissing(
                f"the CJK font {CJK_FONT_PATH} is not installed; run `make run` "
                "(or `bash scripts/ensure-system-packages.sh`) to install fonts-wqy-zenhei"
            )
        pdfmetrics.registerFont(TTFont(CJK, str(CJK_FONT_PATH), subfontIndex=CJK_SUBFONT_INDEX))
        # One face: bold/italic markup maps back to it instead of failing.
        for bold in (0, 1):
            for italic in (0, 1):
                addMapping(CJK, bold, italic, CJK)
        _registered = True


@dataclass(frozen=True)
class FontSet:
    regular: str
    bold: str
    cjk_everywhere: bool


def font_set(locale: str) -> FontSet:
    register()
    if locale == "zh-CN":
        return FontSet(CJK, CJK, True)
    return FontSet(LATIN, LATIN_BOLD, False)


def _latin_ok(char: str) -> bool:
    try:
        char.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


# Characters outside WinAnsi (cp1252): shown in the CJK face in Latin documents.
_NON_LATIN_RUN = re.compile(
    "[^" + "".join(re.escape(chr(c)) for c in range(0x20, 0x3000) if _latin_ok(chr(c))) + "\n]+"
)


def needs_cjk(text: str) -> bool:
    return _NON_LATIN_RUN.search(text) is not None


# -- coverage and substitutes ----------------------------------------------------------------

MARKER = "?"  # for a character with no look-alike; U+FFFD is in neither face

# Look-alikes in order of preference; the first one the target face(s) can draw wins.
_LOOKALIKES: dict[str, tuple[str, ...]] = {}
for _chars, _options in (
    ("\u2713\u2714\u2705\u2611\U0001f5f8", ("\u221a", "v")),  # check marks -> √
    ("\u2717\u2718\u274c\u274e\u2612", ("\u00d7", "x")),  # crosses -> ×
    ("\u2610\u25a2", ("\u25a1", "[ ]")),  # empty ballot box -> □
    ("\u2022\u2023\u2043\u2219\u25e6\u25aa\u25ab\u25b8\u25b9\u29bf", ("\u2022", "\u00b7", "-")),
    ("\u2010\u2011\u2012\u2212\ufe63\uff0d", ("-",)),  # hyphens, minus -> -
    ("\u2015", ("\u2014", "-")),
    ("\u201a", (",",)),
    ("\u201e\u201f", ('"',)),
    ("\u2039", ("<",)),
    ("\u203a", (">",)),
    ("\u02c6", ("^",)),
    ("\u02dc", ("~",)),
    ("\u0192", ("f",)),
    ("\u2605\u2b50\u2729\u272a\u272d\u2730", ("\u2605", "*")),
    ("\u27a1", ("\u2192", ">")),  # heavy arrows -> the plain ones
    ("\u2b05", ("\u2190", "<")),
    ("\u2b06", ("\u2191", "^")),
    ("\u2b07", ("\u2193", "v")),
):
    for _char in _chars:
        _LOOKALIKES[_char] = _options


def _invisible(char: str) -> bool:
    """Zero-width and format characters (ZWJ, variation selectors, skin-tone modifiers,
    tags): dropping one loses nothing a reader could have seen."""
    code = ord(char)
    return (
        unicodedata.category(char) == "Cf"
        or 0xFE00 <= code <= 0xFE0F
        or 0xE0100 <= code <= 0xE01EF
        or 0x1F3FB <= code <= 0x1F3FF
    )


@cache
def coverage(font: str | None = None) -> frozenset[str]:
    """The characters ``font`` draws; ``None``: what the two faces draw between them
    (what :func:`runs` and :func:`with_fallback` can show, in either locale)."""
    if font is None:
        return coverage(CJK) | coverage(LATIN)
    if font == CJK:
        register()
        cmap = pdfmetrics.getFont(CJK).face.charToGlyph
        chars = {chr(code) for code, glyph in cmap.items() if glyph and code >= 0x20}
    elif font in (LATIN, LATIN_BOLD):
        chars = {chr(code) for code in range(0x20, 0x3000) if _latin_ok(chr(code))}
        chars.discard("\x7f")
    else:
        raise ValueError(f"no coverage known for font {font!r}")
    return frozenset(chars | {"\n"})


def _all_in(text: str, covered: frozenset[str]) -> bool:
    return bool(text) and covered.issuperset(text)


@cache
def _substitute(char: str, font: str | None) -> str:
    covered = coverage(font)
    if _invisible(char):
        return ""
    if 0x1F1E6 <= ord(char) <= 0x1F1FF:  # regional indicators: the flag 🇨🇳 reads "CN"
        return chr(ord("A") + ord(char) - 0x1F1E6)
    for option in _LOOKALIKES.get(char, ()):
        if _all_in(option, covered):
            return option
    compatible = unicodedata.normalize("NFKC", char)  # 𝔘 -> U, ① -> 1, ﬁ -> fi
    if compatible != char and _all_in(compatible, covered):
        return compatible
    base = "".join(
        c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
    )  # Ŝ -> S
    if base != char and _all_in(base, covered):
        return base
    return MARKER


def drawable(text: str, font: str | None = None) -> str:
    """``text`` with every character ``font`` (``None``: both faces) cannot draw replaced
    by a visible substitute it can; unchanged (and fast) when it can draw them all."""
    covered = coverage(font)
    if covered.issuperset(text):
        return text
    out: list[str] = []
    for char in text:
        if char in covered:
            out.append(char)
        elif unicodedata.combining(char):
            # A combining mark: compose it with the character before it (e + ́ -> é) if
            # the face has the composed letter, else drop the mark and keep the letter.
            composed = unicodedata.normalize("NFC", out[-1] + char) if out else ""
            if len(composed) == 1 and composed in covered:
                out[-1] = composed
        else:
            out.append(_substitute(char, font))
    return "".join(out)


@cache
def _non_cjk_run() -> re.Pattern[str]:
    """Runs of the WinAnsi characters the CJK face lacks: Helvetica in a Chinese document."""
    missing = sorted(coverage(LATIN) - coverage(CJK))
    return re.compile("[" + "".join(re.escape(c) for c in missing) + "]+")


def _fallback(fonts: FontSet, bold: bool = False) -> tuple[re.Pattern[str], str]:
    """The runs the document's face cannot draw, and the face that draws them."""
    if fonts.cjk_everywhere:
        return _non_cjk_run(), LATIN_BOLD if bold else LATIN
    return _NON_LATIN_RUN, CJK


def with_fallback(markup: str, fonts: FontSet) -> str:
    """Already-escaped ``markup`` made drawable, its runs the document's face cannot draw
    wrapped in the other face.

    Safe on escaped text: entities (``&amp;``) and our own tags are ASCII, which both faces
    draw, so a run never starts or ends inside one. The face name is ours, never user data.
    """
    pattern, face = _fallback(fonts)
    return pattern.sub(lambda m: f'<font face="{face}">{m.group(0)}</font>', drawable(markup))


def runs(text: str, fonts: FontSet, bold: bool = False) -> list[tuple[str, str]]:
    """``text``, made drawable, split into (font name, text) runs for drawing on a canvas."""
    text = drawable(text)
    base = fonts.bold if bold else fonts.regular
    pattern, face = _fallback(fonts, bold)
    out, position = [], 0
    for match in pattern.finditer(text):
        if match.start() > position:
            out.append((base, text[position : match.start()]))
        out.append((face, match.group(0)))
        position = match.end()
    if position < len(text):
        out.append((base, text[position:]))
    return out


def font_for(text: str, fonts: FontSet, bold: bool = False) -> str:
    """One font for a whole string (chart labels): the CJK face if any run needs it."""
    if fonts.cjk_everywhere or needs_cjk(text):
        return CJK
    return fonts.bold if bold else fonts.regular


def single(text: str, fonts: FontSet, bold: bool = False) -> tuple[str, str]:
    """(font, text) for a string drawn in one font (chart labels, the watermark): the text
    with every character that font cannot draw replaced."""
    text = drawable(text)
    font = font_for(text, fonts, bold)
    return font, drawable(text, font)


def width(text: str, fonts: FontSet, size: float, bold: bool = False) -> float:
    return sum(pdfmetrics.stringWidth(part, font, size) for font, part in runs(text, fonts, bold))
