"""The ``valueframe`` command.

    valueframe render CASE.json -o out.pdf [--lang zh-CN|en] [--document proposal|briefing]
    valueframe evaluate CASE.json [--no-simulation]

``render`` validates the case, evaluates it and writes the PDF; ``evaluate`` prints the
evaluation as JSON (every figure with its trail, rounded by the API's rule). Bad input
exits non-zero with a message naming the file and the field: 2 for an unreadable or
invalid case, 1 for a case that cannot be evaluated or rendered.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from marshmallow import ValidationError

from valueframe.model import LOCALES

DOCUMENTS = ("proposal", "briefing")  # as pdf_templates.DOCUMENTS, without importing reportlab

EXIT_INVALID = 2
EXIT_FAILED = 1
CASE_LIMIT = 16 * 1024 * 1024  # bytes of case JSON


class CliError(Exception):
    def __init__(self, message: str, code: int = EXIT_INVALID):
        super().__init__(message)
        self.code = code


def _reject_constant(token: str):
    raise ValueError(f"{token} is not a number JSON allows")


def _flatten(messages, prefix: str = "") -> list[str]:
    """marshmallow's nested error dict as ``path: message`` lines."""
    if isinstance(messages, dict):
        lines = []
        for key, value in messages.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            lines += _flatten(value, path)
        return lines
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return [f"{prefix or '(case)'}: {m}" for m in messages]
    if isinstance(messages, list):
        return [line for m in messages for line in _flatten(m, prefix)]
    return [f"{prefix or '(case)'}: {messages}"]


def load(path: str):
    """Read, parse and validate a case file; CliError with a clear message otherwise."""
    from valueframe.schema import load_case

    file = Path(path)
    try:
        if file.stat().st_size > CASE_LIMIT:
            raise CliError(f"{path}: larger than {CASE_LIMIT // (1024 * 1024)} MB")
        raw = file.read_bytes()
    except OSError as error:
        raise CliError(f"{path}: cannot read the case ({error.strerror or error})") from None
    try:
        document = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except UnicodeDecodeError:
        raise CliError(f"{path}: not UTF-8 text") from None
    except (ValueError, RecursionError) as error:
        raise CliError(f"{path}: not valid JSON ({error})") from None
    if not isinstance(document, dict):
        raise CliError(f"{path}: a case is a JSON object")
    try:
        return load_case(document)
    except ValidationError as error:
        lines = "\n  ".join(_flatten(error.messages))
        raise CliError(f"{path}: invalid case\n  {lines}") from None


def evaluate_case(case, simulate: bool = True):
    from calculators.errors import CalculatorError
    from valueframe.evaluate import evaluate

    try:
        return evaluate(case, simulate=simulate)
    except CalculatorError as error:
        raise CliError(f"cannot evaluate the case: {error}", EXIT_FAILED) from None


def _write(path: str, data: bytes) -> None:
    if path == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(prefix=".valueframe-", dir=directory)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    except OSError as error:
        raise CliError(f"{path}: cannot write ({error.strerror or error})", EXIT_FAILED) from None


def cmd_render(args) -> int:
    from pdf_templates import RenderError, render

    case = load(args.case)
    evaluation = evaluate_case(case)
    try:
        pdf = render(args.document, case, evaluation, args.lang)
    except RenderError as error:
        raise CliError(f"cannot render the {args.document}: {error}", EXIT_FAILED) from None
    _write(args.output, pdf)
    if args.output != "-":
        print(f"wrote {args.output} ({len(pdf):,} bytes)", file=sys.stderr)
    return 0


def cmd_evaluate(args) -> int:
    from valueframe.evaluation_schema import dump_evaluation

    evaluation = evaluate_case(load(args.case), simulate=not args.no_simulation)
    json.dump(dump_evaluation(evaluation), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="valueframe", description="Value reference frames: evaluate cases, render PDFs."
    )
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")
    render = commands.add_parser("render", help="render a case's proposal or briefing PDF")
    render.add_argument("case", metavar="CASE.json")
    render.add_argument("-o", "--output", required=True, metavar="OUT.pdf", help="- = stdout")
    render.add_argument("--lang", choices=LOCALES, help="default: the case's locale")
    render.add_argument("--document", choices=DOCUMENTS, default="proposal")
    render.set_defaults(run=cmd_render)
    evaluate = commands.add_parser("evaluate", help="print a case's evaluation as JSON")
    evaluate.add_argument("case", metavar="CASE.json")
    evaluate.add_argument(
        "--no-simulation", action="store_true", help="skip the Monte Carlo simulation"
    )
    evaluate.set_defaults(run=cmd_evaluate)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except CliError as error:
        print(f"valueframe: {error}", file=sys.stderr)
        return error.code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
