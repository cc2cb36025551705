"""User text is data, never markup: hostile strings in every text field print literally,
nothing is fetched, no file is read, no expression is evaluated, and the render limits
raise errors that name what to fix."""

from __future__ import annotations

import builtins
import copy
import socket
import struct
import zlib

import pytest
from reportlab import rl_config

import pdf_templates
from pdf_templates import (
    DocumentTooLarge,
    EvaluationMismatch,
    FontMissing,
    RenderTimeout,
    render_briefing,
    render_proposal,
)
from pdf_templates import document as document_module
from pdf_templates import fonts as fonts_module
from pdf_templates.safety import clean, text
from tests.pdf_templates import cases
from tests.pdf_templates.conftest import ON
from tests.pdf_templates.pdfcheck import external_actions, images, page_texts, squash
from valueframe.evaluate import evaluate
from valueframe.schema import load_case


@pytest.fixture(scope="module")
def hostile():
    case = load_case(cases.hostile_document())
    return case, evaluate(case)


@pytest.fixture
def no_outside_world(monkeypatch):
    """Fail on any connection; record every file opened while rendering."""
    opened: list[str] = []
    real_open = builtins.open

    def refuse(*args, **kwargs):
        raise AssertionError(f"the renderer tried to connect: {args}")

    def recording_open(file, *args, **kwargs):
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(builtins, "open", recording_open)
    return opened


def _tagged_fields(document: dict) -> list[str]:
    """Every hostile value placed in the case (they all start with F<n>[)."""
    found: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str) and node.startswith("F") and "[" in node[:6]:
            found.append(node)

    walk(document)
    return found


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_hostile_strings_print_literally_in_the_proposal(hostile, locale, no_outside_world):
    case, evaluation = hostile
    pdf = render_proposal(case, evaluation, locale, on=ON)
    extracted = squash("".join(page_texts(pdf)))
    expected = _tagged_fields(cases.hostile_document())
    assert len(expected) > 30
    missing = [value for value in expected if squash(clean(value)) not in extracted]
    assert not missing, f"not printed literally: {missing}"
    # The markup did nothing: no link annotations, no image but the logo, nothing read.
    assert not external_actions(pdf)
    assert images(pdf) == 1
    assert not [path for path in no_outside_world if "passwd" in path or "http" in path]


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_hostile_strings_print_literally_in_the_briefing(hostile, locale, no_outside_world):
    case, evaluation = hostile
    pdf = render_briefing(case, evaluation, locale, on=ON)
    extracted = squash("".join(page_texts(pdf)))
    for issue in case.issues:
        assert squash(clean(issue.title)) in extracted
    for assumption in case.assumptions:
        assert squash(clean(assumption.name)) in extracted
        assert squash(clean(assumption.source)) in extracted
    assert not external_actions(pdf)
    assert not [path for path in no_outside_world if "passwd" in path]


def test_the_cve_2023_33733_payload_is_text(hostile):
    case, evaluation = hostile
    payload = '<font color="[[[getattr(pow, Attacker().__name__)]]]">x</font>'
    extracted = squash("".join(page_texts(render_proposal(case, evaluation, on=ON))))
    assert squash(payload) in extracted


def test_the_escaping_function():
    assert text("<b>&\"'") == "&lt;b&gt;&amp;&quot;&#39;"
    assert text("a\x00b\x07c\x1bd\x7fe\x85f") == "abcdef"
    assert text("one\r\ntwo\rthree") == "one<br/>two<br/>three"
    assert text("one\ntwo", newlines=False) == "one two"
    assert text(None) == ""


def test_reportlab_trusts_no_scheme_and_no_host(hostile, monkeypatch):
    monkeypatch.setattr(rl_config, "trustedSchemes", ["file", "http", "https", "data"])
    monkeypatch.setattr(rl_config, "trustedHosts", ["*"])
    case, evaluation = hostile
    render_proposal(case, evaluation, on=ON)
    assert rl_config.trustedSchemes == []
    assert not rl_config.trustedHosts
    from reportlab.lib.utils import rlUrlRead

    for url in ("http://127.0.0.1:9/x.png", "file:///etc/passwd"):
        with pytest.raises(OSError):
            rlUrlRead(url)


def test_an_oversized_field_is_named(monkeypatch):
    document = cases.case_document(cases.BASE_EN)
    case = load_case(document)
    case.issues[1].evidence = "x" * 100_000  # past what the schema would let in
    with pytest.raises(DocumentTooLarge) as error:
        render_proposal(case, evaluate(case))
    assert error.value.field == "issues.1.evidence"
    assert "issues.1.evidence" in str(error.value)


def test_the_largest_fields_the_schema_allows_wrap_and_render():
    document = cases.case_document(cases.BASE_EN)
    document["issues"][0]["evidence"] = ("evidence " * 2500)[:20_000]
    document["issues"][1]["title"] = "T" * 300
    document["solution"]["description"] = "描述" * 1000
    document["values"][0]["name"] = "N" * 300
    case = load_case(document)
    pdf = render_proposal(case, evaluate(case), on=ON)
    extracted = squash("".join(page_texts(pdf)))
    assert "T" * 300 in extracted
    assert squash("evidence " * 200) in extracted


def test_a_page_limit_stops_a_runaway_document(hostile, monkeypatch):
    monkeypatch.setattr(document_module, "PAGE_LIMIT", 3)
    case, evaluation = hostile
    with pytest.raises(DocumentTooLarge) as error:
        render_proposal(case, evaluation)
    assert error.value.field == "pages"


def test_a_time_limit_stops_a_slow_render(hostile, monkeypatch):
    monkeypatch.setattr(document_module, "SECONDS_LIMIT", 0.0)
    case, evaluation = hostile
    with pytest.raises(RenderTimeout, match="seconds"):
        render_proposal(case, evaluation)


def _png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


def test_a_huge_logo_is_refused_before_decoding():
    case = load_case(cases.case_document(cases.BASE_ZH))
    case.seller.logo_png = _png(60_000, 60_000)  # a decompression bomb's header
    with pytest.raises(DocumentTooLarge) as error:
        render_proposal(case, evaluate(case))
    assert error.value.field == "seller.logo_png"


def test_an_evaluation_of_other_inputs_is_refused(hostile):
    case, evaluation = hostile
    other = copy.deepcopy(case)
    other.discount_rate = other.discount_rate + 1
    with pytest.raises(EvaluationMismatch):
        render_proposal(other, evaluation)


def test_a_missing_font_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setattr(fonts_module, "CJK_FONT_PATH", tmp_path / "missing.ttc")
    monkeypatch.setattr(fonts_module, "_registered", False)
    with pytest.raises(FontMissing, match="make run"):
        fonts_module.register()


def test_the_package_exports_its_api():
    for name in ("render_proposal", "render_briefing", "RenderError", "DocumentTooLarge"):
        assert hasattr(pdf_templates, name)


def test_render_picks_the_document_by_name(hostile):
    case, evaluation = hostile
    assert pdf_templates.render("briefing", case, evaluation, "en", on=ON).startswith(b"%PDF")
    with pytest.raises(pdf_templates.RenderError, match="document"):
        pdf_templates.render("invoice", case, evaluation)
    with pytest.raises(pdf_templates.RenderError, match="locale"):
        pdf_templates.render("proposal", case, evaluation, "fr")
