"""Fonts: WenQuanYi Zen Hei (a TrueType collection reportlab can embed) for Chinese, and
Helvetica for Latin text in English documents, with the CJK face as the fallback.

reportlab embeds only TrueType outlines, so the CJK face is the TTC from Debian's
``fonts-wqy-zenhei`` (installed by ``scripts/ensure-system-packages.sh``), subfont 0.
A zh-CN document sets everything in it; an English document sets Latin text in Helvetica
and switches to the CJK face, run by run, for any character Helvetica's WinAnsi encoding
cannot show (a Chinese customer name, Cyrillic, arrows...), so nothing renders as boxes.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
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


def with_fallback(markup: str, fonts: FontSet) -> str:
    """Wrap the non-Latin runs of already-escaped ``markup`` in the CJK face.

    Safe on escaped text: entities (``&amp;``) and our own tags are ASCII, so a run never
    starts or ends inside one. The face name is ours, never user data.
    """
    if fonts.cjk_everywhere:
        return markup
    return _NON_LATIN_RUN.sub(lambda m: f'<font face="{CJK}">{m.group(0)}</font>', markup)


def runs(text: str, fonts: FontSet, bold: bool = False) -> list[tuple[str, str]]:
    """``text`` split into (font name, text) runs for drawing on a canvas or a chart."""
    base = fonts.bold if bold else fonts.regular
    if fonts.cjk_everywhere:
        return [(base, text)] if text else []
    out, position = [], 0
    for match in _NON_LATIN_RUN.finditer(text):
        if match.start() > position:
            out.append((base, text[position : match.start()]))
        out.append((CJK, match.group(0)))
        position = match.end()
    if position < len(text):
        out.append((base, text[position:]))
    return out


def font_for(text: str, fonts: FontSet, bold: bool = False) -> str:
    """One font for a whole string (chart labels): the CJK face if any run needs it."""
    if fonts.cjk_everywhere or needs_cjk(text):
        return CJK
    return fonts.bold if bold else fonts.regular


def width(text: str, fonts: FontSet, size: float, bold: bool = False) -> float:
    return sum(pdfmetrics.stringWidth(part, font, size) for font, part in runs(text, fonts, bold))
