"""Value realization after the sale: baselining, actuals and realization figures.

- ``POST /cases/{id}/baseline`` (If-Match: the case's ETag) freezes the current version as
  the customer's commitment; refused (409, with the reasons) unless
  :func:`valueframe.baselining.check_baseline` allows it. Re-baselining adds a baseline;
  the earlier ones stay in the history.
- ``POST /cases/{id}/actuals`` records one actual, ``POST /cases/{id}/actuals/import`` a CSV
  file of them (all or nothing: 422 listing every bad row by line). Both need a baseline
  (409 otherwise), accept ``Idempotency-Key`` and an optional If-Match with the actuals'
  ETag (412 when another entry came in since). A new entry for a value and period that has
  one supersedes it; nothing is ever deleted.
- ``GET /cases/{id}/realization`` and ``/realization.pdf`` measure the actuals against the
  BASELINED version, not the current draft.

Another workspace's case is a 404, as everywhere.
"""

from __future__ import annotations

import csv
import functools
import io
import uuid

from flask import current_app, request, url_for
from flask.views import MethodView

from api.auth import current_workspace_id
from api.errors import Problem
from api.extensions.api import Blueprint, body_options
from api.idempotency import idempotent
from api.models import Case
from api.resources.cases import service as cases
from api.resources.realization import service
from api.resources.realization.models import CaseActual, CaseBaseline
from api.resources.realization.schemas import (
    ActualCreatedSchema,
    ActualCreateSchema,
    ActualListArgsSchema,
    ActualListSchema,
    CaseBaselineCreateSchema,
    CaseBaselineSchema,
    ImportArgsSchema,
    ImportResultSchema,
    RealizationArgsSchema,
    RealizationResponseSchema,
    ReportArgsSchema,
)
from valueframe.actuals import GOAL, ActualsImportError, decode_csv, parse_actuals_csv
from valueframe.baselining import check_baseline
from valueframe.schema import load_case

blp = Blueprint(
    "realization",
    __name__,
    description="Value realization after the sale: the baseline (the version the customer "
    "accepted), actuals measured since, and realized against expected value.",
)

ACTUAL_EXAMPLE = {
    "value_id": "v-dso",
    "period": 1,
    "indicator_value": "56",
    "measured_on": "2027-09-30",
    "source": "SAP AR ageing report FY2027",
    "entered_by": "M. de Vries (credit control)",
    "note": "",
}
CSV_EXAMPLE = (
    "value_id,period,indicator_value,measured_on,source,entered_by,note\n"
    "v-dso,1,56,2027-09-30,SAP AR ageing report FY2027,M. de Vries (credit control),\n"
    "goal,1,88.0,2027-10-15,Perfect-order rate scorecard FY2027,Commercial Director,\n"
)
CSV_TYPES = ("text/csv", "application/csv", "text/plain")
ETAG_HEADER = {"ETag": {"description": "The state of the actuals", "schema": {"type": "string"}}}


def _ws() -> uuid.UUID:
    return current_workspace_id()


def _case_first(view):
    """Another workspace's case is a 404 even when the body is not valid (the lookup runs
    before ``@blp.arguments`` validates it)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        cases.get_case(_ws(), kwargs["case_id"])
        return view(*args, **kwargs)

    return wrapper


# -- baseline ----------------------------------------------------------------------------------


def _record(baseline: CaseBaseline, current: bool) -> dict:
    return {
        "number": baseline.number,
        "version": baseline.version,
        "baselined_at": baseline.baselined_at,
        "baselined_by": baseline.baselined_by,
        "note": baseline.note,
        "current": current,
    }


def _baseline_body(row: Case, baseline: CaseBaseline, case, warnings: list) -> dict:
    """The baseline in force (``case`` is its version, loaded) with the history."""
    history = service.baselines(row)
    return {
        **_record(baseline, True),
        "case_id": row.id,
        "currency": case.currency,
        "warnings": warnings,
        "history": [_record(b, b.number == baseline.number) for b in history],
    }


@blp.route("/<uuid:case_id>/baseline")
class Baseline(MethodView):
    @blp.response(200, CaseBaselineSchema)
    @blp.problems(401, 404, 409, 429)
    def get(self, case_id):
        """The baseline in force, with the history of baselines (409 if there is none)"""
        row = cases.get_case(_ws(), case_id)
        baseline = service.in_force(row)
        case = service.baselined_case(row, baseline)
        return _baseline_body(row, baseline, case, check_baseline(case).warnings)

    @idempotent
    @_case_first
    @blp.if_match()
    @blp.arguments(CaseBaselineCreateSchema, required=False, example={"note": "signed 2026-09-15"})
    @blp.response(
        201,
        CaseBaselineSchema,
        headers={"Location": {"description": "The baseline", "schema": {"type": "string"}}},
    )
    @blp.problems(401, 404, 409, 413, 415, 429)
    def post(self, args, case_id):
        """Baseline the case: freeze the current version as the customer's commitment

        If-Match must carry the case's ETag: the version baselined is the one you read.
        409 with the reasons (``errors``: path and message) when the case cannot be
        baselined - not at stage "present", an error finding of the stage checks, not
        computable - or when this version is already the baseline in force. Warnings name
        what realization will not be able to measure. Baselining again later adds a
        baseline (re-baselining); the earlier ones stay in the history.
        """
        row = cases.get_case(_ws(), case_id)
        cases.check_if_match(row)
        case = load_case(row.document)
        check = check_baseline(case)
        if not check.allowed:
            raise Problem(
                409,
                "baseline-refused",
                title="The case cannot be baselined",
                detail=f"version {row.version} cannot be baselined: "
                + "; ".join(reason.message for reason in check.reasons),
                errors=[{"field": r.path, "message": r.message} for r in check.reasons],
            )
        held = service.baselines(row)
        if held and held[-1].version == row.version:
            raise Problem(
                409,
                "already-baselined",
                title="This version is already the baseline",
                detail=f"version {row.version} is the baseline in force (baseline "
                f"{held[-1].number}); change the case, then baseline the new version",
            )
        baseline = service.add_baseline(row, row.version, args.get("note", ""))
        location = url_for("realization.Baseline", case_id=row.id)
        return _baseline_body(row, baseline, case, check.warnings), 201, {"Location": location}


# -- actuals ------------------------------------------------------------------------------------


def _item(entry: CaseActual, current: set[str], superseded_by: dict) -> dict:
    return {
        "id": entry.id,
        "number": entry.number,
        "value_id": entry.value_id,
        "period": entry.period,
        "indicator_value": entry.indicator_value,
        "measured_on": entry.measured_on,
        "source": entry.source,
        "reported_by": entry.reported_by,
        "note": entry.note,
        "supersedes": entry.supersedes_id,
        "superseded_by": superseded_by.get(entry.id),
        "current": str(entry.id) in current,
        "baseline_number": entry.baseline_number,
        "import_id": entry.import_id,
        "entered_by": entry.entered_by,
        "entered_at": entry.entered_at,
    }


def _items(entries: list[CaseActual], shown: list[CaseActual]) -> list[dict]:
    current = service.current_ids(entries)
    superseded_by = {e.supersedes_id: e.id for e in entries if e.supersedes_id is not None}
    return [_item(entry, current, superseded_by) for entry in shown]


def _goal_word(value_id: str | None, base: service.Baselined) -> str | None:
    """``"goal"`` names the strategic goal, as in the CSV (unless a value has that id)."""
    if value_id == GOAL and all(v.id != GOAL for v in base.case.values):
        return None
    return value_id


def _row_error(line: int, field: str, message: str) -> dict:
    """A problem of a CSV row: its path is ``<line>.<column>`` (line 1 is the header)."""
    return {"field": f"{line}.{field}" if field else str(line), "in": "body", "message": message}


def _refused(refused, lines: list[int] | None = None) -> Problem:
    errors = [
        {"field": why.field, "in": "body", "message": why.message}
        if lines is None
        else _row_error(lines[index], why.field, why.message)
        for index, why in refused
    ]
    return Problem(
        422,
        "validation",
        detail=f"{len(errors)} actual(s) do not fit the baselined case; nothing was recorded",
        errors=errors,
    )


@blp.route("/<uuid:case_id>/actuals")
class Actuals(MethodView):
    @blp.arguments(ActualListArgsSchema, location="query")
    @blp.response(200, ActualListSchema, headers=ETAG_HEADER)
    @blp.problems(401, 404, 409, 429)
    def get(self, args, case_id):
        """List the actuals: the current one per value and period, or every entry

        ``history=true`` lists superseded entries too (each names its correction in
        ``superseded_by``). Sorted by value (the goal first), period and entry order;
        paginated (``page``, ``per_page`` up to 1000). The ETag is the state of the actuals
        (send it as If-Match when you record, to be told if someone else did meanwhile).
        """
        row = cases.get_case(_ws(), case_id)
        baseline = service.in_force(row)
        entries = service.actual_rows(row)
        items = _items(entries, entries)
        if not args["history"]:
            items = [item for item in items if item["current"]]
        if "value_id" in args:
            items = [i for i in items if i["value_id"] == service.value_filter(args["value_id"])]
        if "period" in args:
            items = [i for i in items if i["period"] == args["period"]]
        items.sort(key=lambda i: (i["value_id"] is not None, i["value_id"] or "", i["period"]))
        page, per_page = args["page"], args["per_page"]
        total = len(items)
        body = {
            "case_id": row.id,
            "currency": row.currency,
            "baseline_number": baseline.number,
            "history": args["history"],
            "items": items[(page - 1) * per_page : page * per_page],
            "pagination": {
                "page": page,
                "per_page": per_page,
                "total": total,
                "pages": (total + per_page - 1) // per_page,
            },
        }
        return body, 200, {"ETag": service.actuals_etag(baseline, entries)}

    @idempotent
    @_case_first
    @blp.if_match(required=False)
    @blp.arguments(ActualCreateSchema, example=ACTUAL_EXAMPLE)
    @blp.response(201, ActualCreatedSchema, headers=ETAG_HEADER)
    @blp.problems(401, 404, 409, 413, 415, 429)
    def post(self, args, case_id):
        """Record one actual (a correction when its value and period have one already)

        ``value_id`` null (or ``"goal"``) is the strategic goal's metric. 422 naming the
        field when the value or period is not in the baselined version, or when the
        baseline cannot hold the improvement it implies; 409 when the case has no
        baseline, or ``supersedes`` names an entry that was corrected since.
        """
        row = cases.get_case(_ws(), case_id)
        base = service.baselined(row)
        entries = service.actual_rows(row)
        service.check_actuals_if_match(base.baseline, entries)
        entry = {**args, "value_id": _goal_word(args["value_id"], base)}
        rows, refused, _ = service.record(row, base, [entry])
        if refused:
            raise _refused(refused)
        entries = [*entries, *rows]
        body = {**_items(entries, rows)[0], "case_id": row.id, "currency": base.case.currency}
        return body, 201, {"ETag": service.actuals_etag(base.baseline, entries)}


def _csv_bytes() -> bytes:
    """The uploaded file: a text/csv body, or the one file of a multipart form."""
    if request.mimetype == "multipart/form-data":
        files = [f for f in request.files.values() if f is not None]
        if len(files) != 1:
            raise Problem(
                400,
                detail="send exactly one file in the multipart form (field 'file')",
                errors=[{"field": "file", "in": "body", "message": "exactly one file"}],
            )
        return files[0].read()
    if request.mimetype not in CSV_TYPES:
        raise Problem(
            415,
            detail=f"send the actuals as text/csv or multipart/form-data, not "
            f"{request.mimetype or 'no content type'}",
            headers={"Accept-Post": "text/csv, multipart/form-data"},
        )
    return request.get_data()


def _data_lines(text: str) -> list[int]:
    """The line of each data row, as :func:`parse_actuals_csv` numbers them."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    lines, start = [], 1
    for row in reader:
        if any(cell.strip() for cell in row):
            lines.append(start)
        start = reader.line_num + 1
    return lines[1:]


@blp.route("/<uuid:case_id>/actuals/import", methods=["POST"])
@body_options(max_bytes_config="VALUEFRAME_MAX_IMPORT_BODY_BYTES")
@idempotent
@blp.if_match(required=False)
@blp.arguments(ImportArgsSchema, location="query")
@blp.doc(
    requestBody={
        "required": True,
        "description": "UTF-8 CSV with a header row: value_id, period, indicator_value, "
        "measured_on (YYYY-MM-DD), source, entered_by, optional note - or their labels in "
        "either language. 'goal' in value_id is the strategic goal's metric.",
        "content": {
            "text/csv": {"schema": {"type": "string"}, "example": CSV_EXAMPLE},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
        },
    }
)
@blp.response(201, ImportResultSchema, headers=ETAG_HEADER)
@blp.problems(400, 401, 404, 409, 413, 415, 422, 429)
def import_actuals(args, case_id):
    """Import actuals from a CSV file (all or nothing)

    Every row is checked (value and period in the baselined version, a number, an ISO date,
    a source, who reported it; one row per value and period in a file) and so is the
    improvement each implies. Any problem: 422 whose ``errors`` list every bad row, the
    ``field`` being ``<line>.<column>`` (line 1 = the header, ``3.period``), and nothing is
    imported. Rows for a value and
    period that has an actual already are corrections: they supersede it.
    """
    row = cases.get_case(_ws(), case_id)
    base = service.baselined(row)
    entries = service.actual_rows(row)
    service.check_actuals_if_match(base.baseline, entries)
    data = _csv_bytes()
    locale = args.get("lang") or base.case.locale
    try:
        text = decode_csv(data, locale)
        parsed = parse_actuals_csv(text, base.case, locale=locale)
    except ActualsImportError as error:
        errors = [_row_error(e["line"], e["field"], e["message"]) for e in error.errors]
        raise Problem(422, "validation", detail=str(error), errors=errors) from None
    new = [
        {
            "value_id": a.value_id,
            "period": a.period,
            "indicator_value": a.indicator_value,
            "measured_on": a.measured_on,
            "source": a.source,
            "entered_by": a.entered_by,
            "note": a.note,
        }
        for a in parsed
    ]
    import_id = uuid.uuid4()
    rows, refused, superseded = service.record(row, base, new, import_id=import_id)
    if refused:
        raise _refused(refused, _data_lines(text))
    entries = [*entries, *rows]
    body = {
        "case_id": row.id,
        "currency": base.case.currency,
        "import_id": import_id,
        "imported": len(rows),
        "superseded": superseded,
        "items": _items(entries, rows),
    }
    return body, 201, {"ETag": service.actuals_etag(base.baseline, entries)}


# -- realization ----------------------------------------------------------------------------------


class _Answer:
    """A Realization with what the API adds (the case, its baseline, excluded actuals)."""

    def __init__(self, realization, **extra):
        self._realization = realization
        self.__dict__.update(extra)

    def __getattr__(self, name):
        return getattr(self._realization, name)


def _realize(case_id, args):
    row = cases.get_case(_ws(), case_id)
    base = service.baselined(row)
    result, excluded = service.realization(
        base,
        service.actual_rows(row),
        args.get("as_of"),
        threshold=args.get("threshold"),
        relief_threshold=args.get("relief_threshold"),
    )
    return row, base, result, excluded


@blp.route("/<uuid:case_id>/realization")
@blp.arguments(RealizationArgsSchema, location="query")
@blp.response(200, RealizationResponseSchema)
@blp.problems(401, 404, 409, 422, 429)
def realization(args, case_id):
    """Realization figures: the actuals measured against the baselined version

    Per value and in total: expected and realized to date (money and indicator),
    realization rate, delivery against plan, realized NPV and ROI to date, a re-forecast to
    the horizon; the strategic goal's progress; the key issues relieved on the 3x3 grid;
    signals (behind, ahead, missing actuals). Every figure carries its formula and inputs;
    ``conventions`` states the rules. Money is in ``currency``, as decimal strings.
    """
    row, base, result, excluded = _realize(case_id, args)
    return _Answer(
        result,
        case_id=row.id,
        baseline=_record(base.baseline, True),
        excluded_actuals=[
            {
                "id": e.actual.id,
                "value_id": e.actual.value_id,
                "period": e.actual.period,
                "field": e.field,
                "code": e.code,
                "message": e.message,
            }
            for e in excluded
        ],
    )


@blp.route("/<uuid:case_id>/realization.pdf")
@blp.arguments(ReportArgsSchema, location="query")
@blp.response(
    200,
    {"type": "string", "format": "binary"},
    content_type="application/pdf",
    description="The realization report (PDF)",
)
@blp.problems(401, 404, 409, 422, 429)
def realization_report(args, case_id):
    """The realization report PDF (``lang``: en or zh-CN; default the case's language)

    Plan against actual per value, the goal's progress, the grid with relieved and not
    relieved issues, the signals, and a one-page summary for the executive sponsor. Same
    figures as ``GET /realization`` with the same arguments.
    """
    from pdf_templates import DocumentTooLarge, FontMissing, RenderError, render_realization

    row, base, result, _ = _realize(case_id, args)
    locale = args.get("lang") or base.case.locale
    try:
        pdf = render_realization(base.case, base.evaluation, result, locale)
    except DocumentTooLarge as error:
        raise Problem(
            422,
            "validation",
            detail=str(error),
            errors=[{"field": error.field, "message": str(error)}],
        ) from None
    except FontMissing:
        raise Problem(
            500, "internal", detail="the server lacks the font for Chinese documents"
        ) from None
    except RenderError as error:
        raise Problem(422, "validation", detail=str(error)) from None
    response = current_app.response_class(pdf, mimetype="application/pdf")
    name = f"realization-{row.id}-p{result.as_of_period}-{locale}.pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    return response
