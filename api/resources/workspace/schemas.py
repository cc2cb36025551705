"""The workspace export document (also the import body) and the import's answer.

A workspace export's case is the case export (versions, documents exactly as stored) plus
the case's realization records: every baseline (the history kept) and every actual
(superseded ones too), with their ids, links and who entered them when. Both lists are
optional on import, so an export made before they were added still imports.
"""

from __future__ import annotations

import re

from marshmallow import ValidationError, fields, validate, validates_schema

from api.extensions.api import StrictSchema
from api.extensions.fields import UtcDateTime
from api.resources.cases.schemas import ExportedCaseSchema
from valueframe.actuals import ID_PATTERN, PERIOD_LIMIT
from valueframe.fields import NAME_LIMIT, TEXT_LIMIT

WORKSPACE_EXPORT_FORMAT = "valueframe.workspace/1"
NUMBER_LIMIT = 2**31 - 1  # the integer columns
RECORDS_LIMIT = 1_000_000  # baselines or actuals of one case
_DECIMAL = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")  # format(Decimal, "f") of a finite number


def _number(**kwargs) -> fields.Integer:
    return fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1, max=NUMBER_LIMIT), **kwargs
    )


def _no_nul(value: str) -> None:
    if "\x00" in value:
        raise ValidationError("must not contain the NUL character (\\u0000)")


def _text(limit: int, minimum: int = 0, **kwargs) -> fields.String:
    return fields.String(
        required=True,
        validate=[validate.Length(min=minimum, max=limit), _no_nul],
        **kwargs,
    )


class ExportedBaselineSchema(StrictSchema):
    """A baseline of the case: ``version`` is one of the case's versions."""

    id = fields.UUID(required=True)
    number = _number(metadata={"description": "1, 2, ... in order (re-baselining adds one)"})
    version = _number(metadata={"description": "The case version frozen"})
    baselined_at = UtcDateTime(required=True)
    baselined_by = _text(NAME_LIMIT, metadata={"description": "The API key: name (prefix)"})
    key_prefix = _text(32)
    note = _text(500)


class ExportedActualSchema(StrictSchema):
    """An actual exactly as recorded: corrections name the entry they supersede."""

    id = fields.UUID(required=True)
    number = _number(metadata={"description": "Order of entry in the case"})
    baseline_number = _number(metadata={"description": "The baseline in force when it was entered"})
    value_id = fields.String(
        required=True,
        allow_none=True,
        validate=validate.Regexp(ID_PATTERN, error="ids are 1-64 of A-Z a-z 0-9 _ . -"),
        metadata={"description": "null = the strategic goal"},
    )
    period = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1, max=PERIOD_LIMIT)
    )
    indicator_value = fields.String(
        required=True,
        validate=[
            validate.Length(min=1, max=80),
            validate.Regexp(_DECIMAL, error="must be a decimal string as stored, e.g. 56.5"),
        ],
        metadata={"description": "Decimal string, exactly as stored"},
    )
    measured_on = fields.Date(required=True)
    source = _text(NAME_LIMIT)
    reported_by = _text(NAME_LIMIT)
    note = _text(TEXT_LIMIT)
    supersedes = fields.UUID(
        required=True,
        allow_none=True,
        metadata={"description": "The earlier actual (same value and period) this corrects"},
    )
    import_id = fields.UUID(
        required=True, allow_none=True, metadata={"description": "The CSV import it came with"}
    )
    entered_by = _text(NAME_LIMIT, metadata={"description": "The API key: name (prefix)"})
    key_prefix = _text(32)
    entered_at = UtcDateTime(required=True)


class WorkspaceCaseSchema(ExportedCaseSchema):
    """An exported case with its realization records (both lists in every export; optional
    on import: an export made before they existed imports without them)."""

    baselines = fields.List(
        fields.Nested(ExportedBaselineSchema),
        load_default=list,
        validate=validate.Length(max=10_000),
        metadata={"description": "Every baseline of the case, oldest first"},
    )
    actuals = fields.List(
        fields.Nested(ExportedActualSchema),
        load_default=list,
        validate=validate.Length(max=RECORDS_LIMIT),
        metadata={"description": "Every actual of the case, superseded ones too, in entry order"},
    )

    @validates_schema
    def _realization(self, data, **kwargs):
        """The links hold within the case, as the realization endpoints keep them."""
        baselines = data.get("baselines") or []
        actuals = data.get("actuals") or []
        numbers = [b["number"] for b in baselines]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValidationError("baselines must be numbered 1, 2, 3, ... in order", "baselines")
        versions = {v["number"] for v in data.get("versions") or []}
        for index, baseline in enumerate(baselines):
            if baseline["version"] not in versions:
                raise ValidationError(
                    {index: {"version": ["names no version of the case"]}}, "baselines"
                )
        if actuals and not baselines:
            raise ValidationError("actuals need a baseline", "actuals")
        seen: dict = {}
        last_number, last_at = 0, None
        for index, actual in enumerate(actuals):
            problem = None
            if actual["number"] <= last_number:
                problem = ("number", "actuals must be in entry order (increasing numbers)")
            elif last_at is not None and actual["entered_at"] < last_at:
                problem = ("entered_at", "must not be before the previous entry's")
            elif actual["baseline_number"] > len(baselines):
                problem = ("baseline_number", "names no baseline of the case")
            elif actual["id"] in seen:
                problem = ("id", "the case holds this actual id twice")
            elif actual["supersedes"] is not None:
                previous = seen.get(actual["supersedes"])
                if previous is None:
                    problem = ("supersedes", "names no earlier actual of the case")
                elif (previous["value_id"], previous["period"]) != (
                    actual["value_id"],
                    actual["period"],
                ):
                    problem = ("supersedes", "names an actual of another value or period")
            if problem:
                raise ValidationError({index: {problem[0]: [problem[1]]}}, "actuals")
            seen[actual["id"]] = actual
            last_number, last_at = actual["number"], actual["entered_at"]


class WorkspaceExportSchema(StrictSchema):
    format = fields.String(required=True, validate=validate.Equal(WORKSPACE_EXPORT_FORMAT))
    cases = fields.List(
        fields.Nested(WorkspaceCaseSchema),
        required=True,
        validate=validate.Length(max=100_000),
    )


class WorkspaceImportResultSchema(StrictSchema):
    imported = fields.Integer(required=True)
    versions = fields.Integer(required=True)
    baselines = fields.Integer(required=True)
    actuals = fields.Integer(required=True)
    case_ids = fields.List(fields.UUID(), required=True)


class WorkspaceSchema(StrictSchema):
    id = fields.UUID(required=True)
    name = fields.String(required=True)
    cases = fields.Integer(required=True, metadata={"description": "Cases, deleted included"})
