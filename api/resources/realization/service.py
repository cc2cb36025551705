"""Baselines and actuals: the rules the realization endpoints share.

- Everything is scoped to the caller's workspace through :func:`api.resources.cases.service
  .get_case` (another workspace's case is a 404).
- The baseline in force is the case's latest :class:`CaseBaseline`; its ``version`` is an
  immutable case version, so realization is always measured against what the customer
  accepted, whatever the draft has become since.
- Actuals are only ever added. Each new entry for a (value, period) that already has one
  supersedes the current entry (``supersedes_id``); which entry is current is decided by
  :func:`valueframe.actuals.current` - the same rule realization uses - on the rows in
  entry order, with ``entered_at`` kept non-decreasing per case.
- An actual that does not fit the baselined version (a value it no longer has, a period
  past its horizon, an improvement its baseline cannot hold) is kept but not counted: it is
  reported as excluded. A NEW actual that does not fit is refused (422).

Functions here add to the session; the caller commits.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from flask import g, request
from sqlalchemy import func, select

from api.errors import Problem
from api.extensions.db import db
from api.models import ApiKey, Case, utcnow
from api.resources.cases import service as cases
from api.resources.realization.models import CaseActual, CaseBaseline
from valueframe.actuals import GOAL, Actual, ActualsError, check_actual, current
from valueframe.evaluate import evaluate
from valueframe.evaluation import Evaluation
from valueframe.i18n import t
from valueframe.model import ValueCase
from valueframe.realization import Realization, realize
from valueframe.schema import load_case

MAX_EXCLUSIONS = 200  # impossible actuals searched one realize() at a time


def who() -> tuple[str, str]:
    """(label, prefix) of the calling API key: "name (prefix)", or the prefix alone."""
    prefix = g.principal.key_prefix
    name = db.session.scalar(select(ApiKey.name).where(ApiKey.prefix == prefix)) or ""
    return (f"{name} ({prefix})" if name else prefix), prefix


def aware(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes for timezone-aware columns: they are UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


# -- baselines ---------------------------------------------------------------------------------


def baselines(row: Case) -> list[CaseBaseline]:
    return list(
        db.session.scalars(
            select(CaseBaseline)
            .where(CaseBaseline.case_id == row.id, CaseBaseline.workspace_id == row.workspace_id)
            .order_by(CaseBaseline.number)
        )
    )


def no_baseline(row: Case) -> Problem:
    return Problem(
        409,
        "no-baseline",
        title="The case has no baseline",
        detail=f"baseline the case first: POST /api/v1/cases/{row.id}/baseline with If-Match "
        "(the version the customer accepted)",
    )


def in_force(row: Case) -> CaseBaseline:
    """The baseline in force, or 409."""
    baseline = db.session.scalar(
        select(CaseBaseline)
        .where(CaseBaseline.case_id == row.id, CaseBaseline.workspace_id == row.workspace_id)
        .order_by(CaseBaseline.number.desc())
        .limit(1)
    )
    if baseline is None:
        raise no_baseline(row)
    return baseline


def add_baseline(row: Case, version: int, note: str) -> CaseBaseline:
    label, prefix = who()
    number = (
        db.session.scalar(
            select(func.max(CaseBaseline.number)).where(CaseBaseline.case_id == row.id)
        )
        or 0
    ) + 1
    baseline = CaseBaseline(
        workspace_id=row.workspace_id,
        case_id=row.id,
        number=number,
        version=version,
        baselined_at=utcnow(),
        baselined_by=label,
        key_prefix=prefix,
        note=note,
    )
    db.session.add(baseline)
    db.session.flush()  # a concurrent re-baseline with the same number: 409 (IntegrityError)
    return baseline


@dataclass(frozen=True)
class Baselined:
    """The baselined version of a case, loaded and evaluated (no simulation)."""

    baseline: CaseBaseline
    case: ValueCase
    evaluation: Evaluation


def baselined_case(row: Case, baseline: CaseBaseline) -> ValueCase:
    version = cases.get_version(row.workspace_id, row.id, baseline.version)
    return load_case(version.document)


def baselined(row: Case) -> Baselined:
    baseline = in_force(row)
    case = baselined_case(row, baseline)
    return Baselined(baseline, case, evaluate(case, simulate=False))


# -- actuals -----------------------------------------------------------------------------------


def actual_rows(row: Case) -> list[CaseActual]:
    """Every actual of the case, in entry order."""
    return list(
        db.session.scalars(
            select(CaseActual)
            .where(CaseActual.case_id == row.id, CaseActual.workspace_id == row.workspace_id)
            .order_by(CaseActual.number)
        )
    )


def to_actual(entry: CaseActual) -> Actual:
    return Actual(
        value_id=entry.value_id,
        period=entry.period,
        indicator_value=Decimal(entry.indicator_value),
        measured_on=entry.measured_on,
        source=entry.source,
        entered_by=entry.entered_by,
        entered_at=aware(entry.entered_at),
        supersedes=None if entry.supersedes_id is None else str(entry.supersedes_id),
        id=str(entry.id),
        note=entry.note,
    )


def current_ids(entries: list[CaseActual]) -> set[str]:
    """Ids of the entries in force (the realization's rule)."""
    return {a.id for a in current(to_actual(e) for e in entries).values()}


def actuals_etag(baseline: CaseBaseline, entries: list[CaseActual]) -> str:
    """The state of the actuals: the baseline in force and the last entry's number."""
    last = entries[-1].number if entries else 0
    return f'"b{baseline.number}.a{last}"'


def check_actuals_if_match(baseline: CaseBaseline, entries: list[CaseActual]) -> None:
    """Optional If-Match on the actuals: 412 when the list changed since it was read."""
    if "If-Match" not in request.headers:
        return
    if_match = request.if_match
    tag = actuals_etag(baseline, entries)
    if if_match.star_tag or if_match.contains(tag.strip('"')):
        return
    raise Problem(
        412,
        detail="the actuals have changed since you read them; GET them again and retry",
        headers={"ETag": tag},
    )


@dataclass(frozen=True)
class Excluded:
    actual: Actual
    field: str
    code: str
    message: str


def fit(case: ValueCase, evaluation: Evaluation, actuals: list[Actual]):
    """(kept, excluded): the actuals that fit ``case`` and those that do not, each with
    the reason. Static misfits first (:func:`check_actual`); then the improvements the
    baseline cannot hold, found by realizing over the whole horizon (realize names one
    at a time; a correction that is excluded leaves the entry it corrected in force)."""
    kept: list[Actual] = []
    excluded: list[Excluded] = []
    for actual in actuals:
        problems = check_actual(actual, case)
        if problems:
            field, code, params = problems[0]
            message = t(f"actuals.error.{code}", case.locale, **params)
            excluded.append(Excluded(actual, field, code, message))
        else:
            kept.append(actual)
    for _ in range(MAX_EXCLUSIONS):
        try:
            realize(case, evaluation, kept, case.periods)
        except ActualsError as error:
            first = error.errors[0]
            culprit = kept.pop(first["index"])
            excluded.append(Excluded(culprit, first["field"], first["code"], first["message"]))
            continue
        return kept, excluded
    raise Problem(
        409,
        detail=f"more than {MAX_EXCLUSIONS} actuals do not fit the baselined version; "
        "re-baseline or correct them",
    )


def realization(
    base: Baselined, entries: list[CaseActual], as_of: int | None, **thresholds
) -> tuple[Realization, list[Excluded]]:
    """The realization of the baselined case; ``as_of`` None = the latest period with a
    counted actual (1 when there is none)."""
    case = base.case
    kept, excluded = fit(case, base.evaluation, [to_actual(e) for e in entries])
    if as_of is None:
        as_of = max((a.period for a in kept), default=1)
    if as_of > case.periods:
        raise Problem(
            422,
            "validation",
            detail=f"the baselined case has {case.periods} periods",
            errors=[{"field": "as_of", "in": "query", "message": f"must lie in 1..{case.periods}"}],
        )
    options = {k: v for k, v in thresholds.items() if v is not None}
    return realize(case, base.evaluation, kept, as_of, **options), excluded


def _stamp(row: Case) -> dt.datetime:
    """Now, but never before the case's last entry: entry order and time agree."""
    last = db.session.scalar(
        select(func.max(CaseActual.entered_at)).where(CaseActual.case_id == row.id)
    )
    now = utcnow()
    return now if last is None else max(now, aware(last))


def record(
    row: Case,
    base: Baselined,
    entries: list[dict],
    *,
    import_id: uuid.UUID | None = None,
) -> tuple[list[CaseActual], list[tuple[int, Excluded]], int]:
    """Add ``entries`` (dicts of :class:`~valueframe.actuals.ActualEntrySchema` fields,
    ``value_id`` None for the goal) as new actuals of the case, all or nothing.

    Returns (the rows added, [(index, why)] for entries that do not fit - nothing is added
    then -, how many earlier entries they supersede). A ``supersedes`` that names no actual
    of the case, or one of another value or period, is a 422; one that is no longer current
    a 409.
    """
    existing = actual_rows(row)
    history = [to_actual(e) for e in existing]
    in_force_now = current(history)
    by_id = {a.id: a for a in history}
    label, prefix = who()
    stamp = _stamp(row)
    new: list[Actual] = []
    for entry in entries:
        key = (entry["value_id"], entry["period"])
        named = entry.get("supersedes")
        held = in_force_now.get(key)
        if named is not None:
            previous = by_id.get(named)
            if previous is None:
                raise _supersedes_problem(422, "names no actual of this case", named)
            if previous.key != key:
                raise _supersedes_problem(422, "names an actual of another value or period", named)
            if held is not None and held.id != named:
                raise _supersedes_problem(
                    409, f"is no longer current: {held.id} corrected it since", named
                )
        new.append(
            Actual(
                value_id=entry["value_id"],
                period=entry["period"],
                indicator_value=entry["indicator_value"],
                measured_on=entry["measured_on"],
                source=entry["source"],
                entered_by=label,
                entered_at=stamp,
                supersedes=None if held is None else held.id,
                note=entry.get("note") or "",
            )
        )
    _, excluded = fit(base.case, base.evaluation, [*history, *new])
    position = {id(actual): index for index, actual in enumerate(new)}
    refused = [(position[id(e.actual)], e) for e in excluded if id(e.actual) in position]
    if refused:
        return [], sorted(refused, key=lambda item: item[0]), 0
    number = existing[-1].number if existing else 0
    rows = []
    for entry, actual in zip(entries, new, strict=True):
        number += 1
        rows.append(
            CaseActual(
                workspace_id=row.workspace_id,
                case_id=row.id,
                number=number,
                baseline_number=base.baseline.number,
                value_id=actual.value_id,
                period=actual.period,
                indicator_value=format(actual.indicator_value, "f"),
                measured_on=actual.measured_on,
                source=actual.source,
                reported_by=entry["entered_by"],
                note=actual.note,
                supersedes_id=None if actual.supersedes is None else uuid.UUID(actual.supersedes),
                import_id=import_id,
                entered_by=label,
                key_prefix=prefix,
                entered_at=stamp,
            )
        )
    db.session.add_all(rows)
    db.session.flush()  # a concurrent writer took the same numbers: 409 (IntegrityError)
    superseded = sum(1 for actual in new if actual.supersedes is not None)
    return rows, [], superseded


def _supersedes_problem(status: int, why: str, named: str) -> Problem:
    return Problem(
        status,
        "validation" if status == 422 else "conflict",
        detail=f"supersedes {why}",
        errors=[{"field": "supersedes", "in": "body", "message": f"{named} {why}"}],
    )


def value_filter(value_id: str) -> str | None:
    """The ``value_id`` query word for the goal is ``goal``."""
    return None if value_id == GOAL else value_id
