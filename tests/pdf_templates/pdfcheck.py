"""Looking inside rendered PDFs: extracted text, fonts, images, rasterised pages."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from PIL import Image
from pypdf import PdfReader

_SPACE = re.compile(r"\s+")


def squash(text: str) -> str:
    """Text without any whitespace: extraction breaks lines where the layout wrapped."""
    return _SPACE.sub("", text)


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in reader(pdf).pages]


def fonts(pdf: bytes) -> dict[str, bool]:
    """BaseFont name -> whether its outlines are embedded (FontFile/FontFile2/FontFile3)."""
    found: dict[str, bool] = {}
    for page in reader(pdf).pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            embedded = descriptor is not None and any(
                key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
            found[str(font["/BaseFont"])] = embedded
    return found


def images(pdf: bytes) -> int:
    """How many image XObjects the pages draw."""
    count = 0
    for page in reader(pdf).pages:
        resources = page.get("/Resources") or {}
        for xobject in (resources.get("/XObject") or {}).values():
            if xobject.get_object().get("/Subtype") == "/Image":
                count += 1
    return count


def external_actions(pdf: bytes) -> list[str]:
    """Annotations that leave the document or run something (URI, JavaScript, launch...).
    The table of contents' internal links (``/Dest``) are fine."""
    found = []
    for page in reader(pdf).pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            action = annotation.get("/A")
            if action is not None or "/Dest" not in annotation:
                found.append(repr(annotation))
    return found


def rasterise(pdf: bytes, dpi: int = 20) -> list[Image.Image]:
    """Every page as a greyscale image, by poppler's pdftoppm (catches broken output)."""
    tool = shutil.which("pdftoppm")
    assert tool, "pdftoppm is missing: run `make test` (scripts/ensure-system-packages.sh)"
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "doc.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            [tool, "-r", str(dpi), "-gray", "-png", str(source), str(Path(folder) / "page")],
            check=True,
            capture_output=True,
            timeout=120,
        )
        pages = sorted(Path(folder).glob("page-*.png"))
        return [Image.open(path).copy() for path in pages]


def body_has_ink(image: Image.Image) -> bool:
    """Something is drawn between the running header and footer (not a blank page)."""
    width, height = image.size
    body = image.crop((0, int(height * 0.1), width, int(height * 0.88)))
    dark = sum(body.histogram()[:200])
    return dark > body.size[0] * body.size[1] * 0.002
