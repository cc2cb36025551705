"""The ``valueframe`` command.

    valueframe render CASE.json -o out.pdf [--lang zh-CN|en] [--document proposal|briefing]
    valueframe evaluate CASE.json [--no-simulation]
    valueframe batch CASES_DIR -o OUT_DIR [--lang zh-CN|en] [--document proposal|briefing]
    valueframe batch SCHEDULES.csv -o RESULTS.csv [--rate 0.08]

``render`` validates the case, evaluates it and writes the PDF; ``evaluate`` prints the
evaluation as JSON (every figure with its trail, rounded by the API's rule). Bad input
exits non-zero with a message naming the file and the field: 2 for an unreadable or
invalid case, 1 for a case that cannot be evaluated or rendered.

``batch`` renders every ``*.json`` case of a folder into an output folder, or computes
NPV and IRR for every row of a CSV of cash-flow schedules; it shows a progress bar (on
stderr), prints a summary (done, failed, time, and why each failure failed) and exits 1
if anything failed, 2 if the input itself cannot be read.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
import time
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


def _progress(total: int, unit: str, quiet: bool):
    from tqdm import tqdm

    return tqdm(
        total=total,
        unit=unit,
        file=sys.stderr,
        disable=quiet,
        dynamic_ncols=True,
        mininterval=0.2,
    )


def _summary(kind: str, done: int, failures: list[tuple[str, str]], started: float) -> int:
    elapsed = time.perf_counter() - started
    for name, reason in failures:
        print(f"failed: {name}: {reason}", file=sys.stderr)
    print(
        f"{kind}: {done} done, {len(failures)} failed in {elapsed:.1f} s",
        file=sys.stderr,
    )
    return EXIT_FAILED if failures else 0


def _render_folder(args) -> int:
    from pdf_templates import RenderError, render

    folder = Path(args.input)
    cases = sorted(p for p in folder.glob("*.json") if p.is_file())
    if not cases:
        raise CliError(f"{args.input}: no *.json case files in this folder")
    out = Path(args.output)
    if out.suffix.lower() == ".csv":
        raise CliError(f"{args.output}: a folder of cases renders into a folder, not a CSV")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CliError(f"{args.output}: cannot create ({error.strerror or error})") from None
    started = time.perf_counter()
    done, failures = 0, []
    with _progress(len(cases), "case", args.quiet) as bar:
        for path in cases:
            bar.set_postfix_str(path.name[:40], refresh=False)
            try:
                case = load(str(path))
                evaluation = evaluate_case(case)
                lang = args.lang or case.locale
                try:
                    pdf = render(args.document, case, evaluation, lang)
                except RenderError as error:
                    raise CliError(f"cannot render: {error}", EXIT_FAILED) from None
                _write(str(out / f"{path.stem}-{args.document}-{lang}.pdf"), pdf)
                done += 1
            except CliError as error:
                reason = "; ".join(
                    line.strip() for line in str(error).removeprefix(f"{path}: ").splitlines()
                )
                failures.append((path.name, reason))
            bar.update(1)
    return _summary("render", done, failures, started)


def _read_schedules(path: str, default_rate: float | None):
    """(names, rates, flows, errors) of a CSV: one schedule per row.

    A header row names the columns: ``rate`` (per period, optional if --rate is given),
    ``id`` (optional) and the flows in every other column, in order (period 0 first).
    Empty trailing cells end a shorter schedule.
    """
    import csv
    import math

    try:
        handle = open(path, newline="", encoding="utf-8-sig")  # noqa: SIM115
    except OSError as error:
        raise CliError(f"{path}: cannot read ({error.strerror or error})") from None
    with handle:
        try:
            rows = list(csv.reader(handle))
        except (csv.Error, UnicodeDecodeError) as error:
            raise CliError(f"{path}: not a readable CSV ({error})") from None
    if not rows:
        raise CliError(f"{path}: empty")
    header = [h.strip().lower() for h in rows[0]]
    if "rate" not in header and default_rate is None:
        raise CliError(f"{path}: no 'rate' column; add one or pass --rate")
    flow_columns = [i for i, h in enumerate(header) if h not in ("rate", "id")]
    if not flow_columns:
        raise CliError(f"{path}: no flow columns (period 0, 1, ...) after the header")
    names, rates, flows, errors = [], [], [], {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = dict(zip(header, row, strict=False))
        index = len(names)
        names.append(cells.get("id", "").strip() or f"row {number}")
        rate, values = default_rate, []
        try:
            if cells.get("rate", "").strip():
                rate = float(cells["rate"])
                if not -1 < rate <= 10:
                    raise ValueError(f"rate {cells['rate']!r} is not > -1 and <= 10")
            texts = [row[i].strip() if i < len(row) else "" for i in flow_columns]
            while texts and not texts[-1]:
                texts.pop()
            if not texts:
                raise ValueError("no cash flows")
            for column, text in zip(flow_columns, texts, strict=False):
                try:
                    value = float(text)
                except ValueError:
                    raise ValueError(
                        f"{header[column] or column}: {text!r} is not a number"
                    ) from None
                if not math.isfinite(value) or abs(value) > 1e15:
                    raise ValueError(f"{header[column] or column}: {text!r} is out of range")
                values.append(value)
        except ValueError as error:
            errors[index] = f"line {number}: {error}"
            rate, values = 0.0, [0.0]
        rates.append(rate)
        flows.append(values)
    if not names:
        raise CliError(f"{path}: no schedules after the header")
    return names, rates, flows, errors


def _evaluate_csv(args) -> int:
    import csv

    import numpy as np

    from calculators import batch

    names, rates, rows, errors = _read_schedules(args.input, args.rate)
    started = time.perf_counter()
    width = max(len(r) for r in rows)
    flows = np.zeros((len(rows), width))
    for index, row in enumerate(rows):
        flows[index, : len(row)] = row
    rate_array = np.asarray(rates, dtype=np.float64)
    statuses = {batch.IRR_UNIQUE: "unique", batch.IRR_NONE: "none", batch.IRR_MULTIPLE: "multiple"}
    chunk = 5000
    out_rows = []
    with _progress(len(rows), "schedule", args.quiet) as bar:
        for start in range(0, len(rows), chunk):
            stop = min(len(rows), start + chunk)
            part = flows[start:stop]
            npv = batch.batch_npv(rate_array[start:stop], part)
            irr = batch.batch_irr(part)
            for k in range(stop - start):
                index = start + k
                if index in errors:
                    out_rows.append([names[index], "", "", "", "", "error", errors[index]])
                    continue
                n, r = npv[k], irr.rates[k]
                out_rows.append(
                    [
                        names[index],
                        repr(float(n)) if np.isfinite(n) else "",
                        repr(float(r)) if np.isfinite(r) else "",
                        statuses[int(irr.status[k])],
                        int(irr.sign_changes[k]),
                        "ok" if np.isfinite(n) else "error",
                        "" if np.isfinite(n) else "NPV overflows",
                    ]
                )
            bar.update(stop - start)
    target = Path(args.output)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", "npv", "irr", "irr_status", "sign_changes", "status", "message"])
    writer.writerows(out_rows)
    _write(str(target), buffer.getvalue().encode("utf-8"))
    failures = [(r[0], r[6]) for r in out_rows if r[5] == "error"]
    return _summary("schedules", len(out_rows) - len(failures), failures, started)


def cmd_batch(args) -> int:
    source = Path(args.input)
    if source.is_dir():
        return _render_folder(args)
    if source.suffix.lower() == ".csv" and source.is_file():
        return _evaluate_csv(args)
    raise CliError(f"{args.input}: give a folder of case JSON files or a .csv of schedules")


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
    many = commands.add_parser(
        "batch",
        help="render a folder of cases, or evaluate a CSV of cash-flow schedules",
        description="A folder of *.json cases -> one PDF per case in OUTPUT (a folder); a "
        "CSV of schedules (header: id, rate, then the flows, period 0 first) -> a CSV of "
        "npv, irr, irr_status, sign_changes, status, message. Exits 1 if anything failed.",
    )
    many.add_argument("input", metavar="CASES_DIR|SCHEDULES.csv")
    many.add_argument("-o", "--output", required=True, metavar="OUT_DIR|RESULTS.csv")
    many.add_argument("--lang", choices=LOCALES, help="default: each case's locale")
    many.add_argument("--document", choices=DOCUMENTS, default="proposal")
    many.add_argument(
        "--rate", type=float, help="discount rate per period for rows without a rate column"
    )
    many.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    many.set_defaults(run=cmd_batch)
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
