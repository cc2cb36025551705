"""PDF safety, field by field: the free-text fields are found by walking the case schema
(not listed by hand), so a field added to the schema is covered at once.

tests/pdf_templates/test_safety.py renders a hand-built hostile case; this module adds:
every schema text field carries a hostile string and each prints literally (or not at all,
never half-parsed) in both documents; during the renders no file outside the fonts and the
installed packages is opened, no connection or URL is attempted, no process is started and
no user text reaches reportlab's colour parser (the CVE-2023-33733 sink); every text field
at 100 KB is refused naming its path - by the schema, and by the renderer for a case built
in code - and a case holding the most text the schema allows is refused quickly.
"""

from __future__ import annotations

import builtins
import dataclasses
import os
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
from pathlib import Path

import pytest
from marshmallow import ValidationError, fields, validate

from api.errors import flatten_messages
from pdf_templates import DocumentTooLarge, render_briefing, render_proposal, safety
from pdf_templates import fonts as fonts_module
from tests.pdf_templates import cases
from tests.pdf_templates.conftest import ON
from tests.pdf_templates.pdfcheck import external_actions, page_texts, squash
from valueframe.evaluate import evaluate, input_hash
from valueframe.schema import ValueCaseSchema, load_case

PWNED = Path("/tmp/valueframe-cve-2023-33733-pwned")
CVE_PAYLOAD = (
    "<para><font color=\"[ [ getattr(pow,Word('__globals__'))['os'].system('touch "
    f"{PWNED}') for Word in [orgTypeFun('Word', (str,), {{ 'mutated': 1, 'startswith': "
    "lambda self, x: False, '__eq__': lambda self,x: self.mutate() and self.mutated < 0 "
    "and str(self) == x, 'mutate': lambda self: {setattr(self, 'mutated', self.mutated - 1)},"
    " '__hash__': lambda self: hash(str(self)) })] ] for orgTypeFun in [type(type(1))] ] "
    "and 'red'\">exploit</font></para>"
)
PAYLOADS = (
    CVE_PAYLOAD,
    '<img src="http://127.0.0.1:9/x.png" width="500" height="500"/>',
    '<img src="file:///etc/passwd"/><img src="/etc/hostname"/>',
    '<a href="file:///etc/shadow">link</a><link href="http://127.0.0.1:9/">l</link>',
    "<b>bold</b><i>it</i><u>u</u><strike>s</strike><super>2</super><sub>1</sub>",
    "&amp; &lt;b&gt; &#60; &#x3C; &nbsp; &unknown; & <",
    "<seq id='x'/><seqreset/><ondraw name='x'/><index item='x'/><br/></para><para>",
    "<![CDATA[x]]><!-- c --><?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///'>]>",
    ")Tj ET BT /F1 99 Tf (injected) Tj ET q %PDF-1.4 \\) \\\\",
    "ctrl\x00nul\x07bell\x08bs\x0bvt\x0cff\x1besc\x7fdel\x85nel\x9fapc end",
    # (not ✓ or emoji: neither Helvetica nor WenQuanYi Zen Hei has them - a blank box)
    "中文混排 <b>粗体</b> «guillemets» € ≤ ≥ → ©",
)


# -- walking the schema ------------------------------------------------------------------


def _free_text(field: fields.Field) -> bool:
    """A string the user writes freely (not an id, enum, colour, code or date)."""
    if not isinstance(field, fields.String):
        return False
    validators = list(field.validators)
    return not any(isinstance(v, validate.OneOf | validate.Regexp) for v in validators)


def _max_length(field: fields.Field) -> int:
    lengths = [v.max for v in field.validators if isinstance(v, validate.Length) and v.max]
    return min(lengths) if lengths else 1_000_000


def text_fields(schema=None, prefix: tuple = ()) -> list[tuple[tuple, int]]:
    """(path with "*" for list items, maximum length) of every free-text field."""
    schema = schema or ValueCaseSchema()
    found = []
    for name, field in schema.fields.items():
        if field.load_only:
            continue
        found += _walk(field, (*prefix, field.data_key or name))
    return found


def _walk(field: fields.Field, path: tuple) -> list[tuple[tuple, int]]:
    if isinstance(field, fields.Nested):
        return text_fields(field.schema, path)
    if isinstance(field, fields.List):
        return _walk(field.inner, (*path, "*"))
    if _free_text(field):
        return [(path, _max_length(field))]
    return []


def _places(document, path: tuple, at: tuple = ()):
    """Every concrete path in ``document`` matching ``path`` (``*``: every list item; a list
    of strings gets an item if it has none)."""
    if not path:
        yield at
        return
    key, rest = path[0], path[1:]
    if key == "*":
        if not document and not rest:
            document.append("")
        for index, item in enumerate(document):
            yield from _places(item, rest, (*at, index))
    elif isinstance(document, dict):
        if not rest:
            yield (*at, key)  # set even when the document leaves it to its default
        elif document.get(key) is not None:
            yield from _places(document[key], rest, (*at, key))


def _set(document, path: tuple, value) -> None:
    for key in path[:-1]:
        document = document[key]
    document[path[-1]] = value


def hostile_everywhere() -> tuple[dict, dict[str, str]]:
    """The English base case with a tagged hostile string in every text field it holds:
    (document, {concrete path: value})."""
    document = cases.case_document(cases.BASE_EN)
    document["simulation"] = {"trials": 200}
    placed: dict[str, str] = {}
    n = 0
    for path, limit in text_fields():
        for where in list(_places(document, path)):
            label = ".".join(map(str, where))
            if limit < 60:  # units: short, still markup
                value = f"U{n}<b>&amp;</i>"[:limit]
            else:
                value = f"F{n}[{label}] {PAYLOADS[n % len(PAYLOADS)]}"[:limit]
            _set(document, where, value)
            placed[label] = value
            n += 1
    return document, placed


# -- the world around a render -----------------------------------------------------------


def _allowed_roots() -> list[str]:
    roots = [
        str(Path(fonts_module.CJK_FONT_PATH).resolve().parent),
        "/usr/share/fonts",
        str(Path(__file__).resolve().parents[2]),  # the project (its packaged data)
        sysconfig.get_paths()["purelib"],
        sysconfig.get_paths()["platlib"],
        sysconfig.get_paths()["stdlib"],
        os.path.dirname(os.__file__),
        sys.prefix,
        sys.base_prefix,
    ]
    return [str(Path(r).resolve()) for r in roots]


@pytest.fixture
def sealed(monkeypatch):
    """Record every file opened; fail on any connection, URL fetch or new process."""
    opened: list[str] = []
    attempts: list[str] = []
    real_open = builtins.open
    real_popen_init = subprocess.Popen.__init__

    def recording_open(file, *args, **kwargs):
        if isinstance(file, str | bytes | os.PathLike):
            opened.append(os.fsdecode(file))
        return real_open(file, *args, **kwargs)

    def refuse(what):
        def call(*args, **kwargs):
            attempts.append(f"{what}: {args[:2]!r}")
            raise OSError(f"{what} refused during a render")

        return call

    monkeypatch.setattr(builtins, "open", recording_open)
    monkeypatch.setattr(socket.socket, "connect", refuse("connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("connect_ex"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    monkeypatch.setattr(urllib.request, "urlopen", refuse("urlopen"))
    monkeypatch.setattr(os, "system", refuse("os.system"))
    monkeypatch.setattr(os, "popen", refuse("os.popen"))
    monkeypatch.setattr(subprocess.Popen, "__init__", refuse("subprocess"))
    assert real_popen_init
    return opened, attempts


@pytest.fixture(scope="module")
def hostile_case():
    document, placed = hostile_everywhere()
    case = load_case(document)
    return case, evaluate(case), placed


def _check_literal(pdf: bytes, placed: dict[str, str]) -> tuple[list[str], list[str]]:
    """(fields printed literally, fields whose tag shows but not the whole value)."""
    extracted = squash("".join(page_texts(pdf)))
    literal, mangled = [], []
    for label, value in placed.items():
        expected = squash(safety.clean(value))
        if (
            expected in extracted
            or (  # a long title is cut with an ellipsis, literally
                len(expected) > 80
                and expected[:40] in extracted
                and f"{expected[:40]}" in extracted
            )
        ):
            literal.append(label)
        elif squash(value.split(" ", 1)[0][:5]) in extracted and value.startswith("F"):
            mangled.append(label)
    return literal, mangled


def test_the_walk_finds_every_text_field_and_the_renderer_checks_them_all():
    paths = {".".join(p) for p, _ in text_fields()}
    assert len(paths) >= 25
    assert {"title", "issues.*.evidence", "solution.constraints.*", "assumptions.*.value"} <= paths
    document, placed = hostile_everywhere()
    filled = {".".join("*" if part.isdigit() else part for part in p.split(".")) for p in placed}
    assert filled == paths  # the base case holds every one of them
    checked = {
        ".".join("*" if part.isdigit() else part for part in path.split("."))
        for path, _ in safety.case_text_fields(load_case(document))
    }
    assert paths <= checked, f"the renderer's length check misses {sorted(paths - checked)}"


@pytest.mark.parametrize("render", [render_proposal, render_briefing], ids=["proposal", "briefing"])
@pytest.mark.parametrize("locale", ["en", "zh-CN"])
def test_every_text_field_prints_literally_and_nothing_leaves_the_process(
    hostile_case, sealed, render, locale
):
    case, evaluation, placed = hostile_case
    opened, attempts = sealed
    PWNED.unlink(missing_ok=True)
    pdf = render(case, evaluation, locale, on=ON)
    literal, mangled = _check_literal(pdf, placed)
    assert not mangled, f"printed but not literally: {mangled}"
    if render is render_proposal:
        missing = sorted(set(placed) - set(literal))
        assert not missing, f"the proposal does not print {missing}"
    else:
        assert len(literal) >= 10
    assert not attempts, attempts
    assert not PWNED.exists(), "the CVE-2023-33733 payload ran"
    assert not external_actions(pdf)
    roots = _allowed_roots()
    outside = [
        path
        for path in opened
        if not any(str(Path(path).resolve()).startswith(root) for root in roots)
    ]
    assert not outside, f"files opened during the render: {outside}"
    assert not [path for path in opened if "passwd" in path or "shadow" in path]


def test_no_user_text_reaches_the_colour_parser(hostile_case, monkeypatch):
    """CVE-2023-33733 lived in reportlab's colour parsing of markup attributes: only the
    validated #RRGGBB brand colours (and the templates' own) may get there."""
    from reportlab.lib import colors

    case, evaluation, placed = hostile_case
    seen: list[str] = []
    real = type(colors.toColor).__call__

    def spy(self, value, *args, **kwargs):  # every caller holds the one toColor instance
        seen.append(str(value))
        return real(self, value, *args, **kwargs)

    monkeypatch.setattr(type(colors.toColor), "__call__", spy)
    render_proposal(case, evaluation, "en", on=ON)
    render_briefing(case, evaluation, "en", on=ON)
    assert seen  # the spy sees the templates' own colours
    tags = [value.split(" ", 1)[0] for value in placed.values() if value.startswith("F")]
    assert not [s for s in seen if any(tag in s for tag in tags) or "getattr" in s]


@pytest.mark.parametrize("path", [p for p, _ in text_fields()], ids=lambda p: ".".join(p))
def test_a_hundred_kilobytes_in_any_text_field_is_refused_naming_it(path):
    document, _ = hostile_everywhere()
    where = next(iter(_places(document, path)))
    label = ".".join(map(str, where))
    _set(document, where, "x" * 100_000)
    with pytest.raises(ValidationError) as refused:  # the schema: a 422 through the API
        load_case(document)
    assert label in {e["field"] for e in flatten_messages(refused.value.messages)}


def test_the_renderer_refuses_a_hundred_kilobytes_in_any_field_of_a_case_built_in_code(
    hostile_case,
):
    case, evaluation, _ = hostile_case
    import copy

    for path, _ in safety.case_text_fields(case):
        big = copy.deepcopy(case)
        node = big
        parts = path.split(".")
        for part in parts[:-1]:
            node = node[int(part)] if part.isdigit() else getattr(node, part)
        last = parts[-1]
        if last.isdigit():
            node[int(last)] = "y" * 100_000
        else:
            setattr(node, last, "y" * 100_000)
        matching = dataclasses.replace(evaluation, input_hash=input_hash(big))
        started = time.perf_counter()
        with pytest.raises(DocumentTooLarge) as refused:
            render_proposal(big, matching, "en", on=ON)
        assert refused.value.field == path
        assert time.perf_counter() - started < 2.0, path


def _at_the_limit(document: dict) -> dict:
    for path, limit in text_fields():
        for where in list(_places(document, path)):
            _set(document, where, ("long " * limit)[:limit])
    return document


def test_every_field_at_its_schema_limit_renders_in_bounded_time():
    """The base case with every text field at its maximum (about 200,000 characters, some
    70 pages): rendered well within the renderer's time limit."""
    case = load_case(_at_the_limit(hostile_everywhere()[0]))
    evaluation = evaluate(case)
    started = time.perf_counter()
    pdf = render_proposal(case, evaluation, "zh-CN", on=ON)
    elapsed = time.perf_counter() - started
    assert pdf.startswith(b"%PDF") and len(page_texts(pdf)) > 30
    assert elapsed < safety.SECONDS_LIMIT / 2


def test_a_case_past_the_total_text_limit_is_refused_before_any_layout():
    """Forty issues with 20,000 characters of evidence each: valid field by field, twice
    the document's total text limit - refused at once, naming the case."""
    document = hostile_everywhere()[0]
    issue = document["issues"][0]
    document["issues"] = [
        {**issue, "id": f"i{n}", "evidence": "e" * 20_000, "csf_id": issue.get("csf_id")}
        for n in range(40)
    ]
    for value in document["values"]:
        value["issue_ids"] = []
    document["solution"]["addresses"] = []
    case = load_case(document)
    matching = dataclasses.replace(evaluate(case), input_hash=input_hash(case))
    started = time.perf_counter()
    with pytest.raises(DocumentTooLarge) as refused:
        render_proposal(case, matching, "en", on=ON)
    assert refused.value.field == "case"
    assert time.perf_counter() - started < 2.0
