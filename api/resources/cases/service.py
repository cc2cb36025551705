"""Reading and saving value cases: the rules every case endpoint shares.

- Everything is scoped to the caller's workspace; another workspace's case is a 404.
- Every save writes an immutable :class:`CaseVersion` and moves the case to it in ONE
  transaction, through a conditional ``UPDATE ... WHERE version = :expected``: of two
  concurrent writers holding the same ETag exactly one wins, the other gets 412 and
  nothing of it is written.
- The stored document is :func:`valueframe.schema.dump_case` of the loaded case, so what
  is stored is canonical and exports round-trip exactly.

Functions here add to the session; the caller commits (so a create and its idempotency
record commit together).
"""

from __future__ import annotations

import uuid

from flask import request
from sqlalchemy import select, update

from api.errors import Problem
from api.extensions.db import db
from api.models import Case, CaseVersion, utcnow
from valueframe import model
from valueframe.schema import dump_case, load_case


def not_found(what: str = "case") -> Problem:
    return Problem(404, detail=f"no such {what} in this workspace")


def index_fields(case: model.ValueCase) -> dict:
    return {
        "title": case.title,
        "customer_name": case.customer.name,
        "industry": case.customer.industry,
        "stage": case.stage,
        "currency": case.currency,
    }


def get_case(workspace_id: uuid.UUID, case_id: uuid.UUID, *, include_deleted=False) -> Case:
    row = db.session.scalar(
        select(Case).where(Case.id == case_id, Case.workspace_id == workspace_id)
    )
    if row is None or (row.deleted_at is not None and not include_deleted):
        raise not_found()
    return row


def get_version(workspace_id: uuid.UUID, case_id: uuid.UUID, number: int) -> CaseVersion:
    case = get_case(workspace_id, case_id, include_deleted=True)
    version = db.session.scalar(
        select(CaseVersion).where(CaseVersion.case_id == case.id, CaseVersion.number == number)
    )
    if version is None:
        raise not_found("version of this case")
    return version


def add_case(
    workspace_id: uuid.UUID,
    case: model.ValueCase,
    *,
    note: str = "created",
    case_id: uuid.UUID | None = None,
) -> Case:
    """A new case at version 1 (added and flushed, not committed)."""
    document = dump_case(case)
    now = utcnow()
    row = Case(
        id=case_id or uuid.uuid4(),
        workspace_id=workspace_id,
        version=1,
        document=document,
        created_at=now,
        updated_at=now,
        **index_fields(case),
    )
    db.session.add(row)
    db.session.flush()
    db.session.add(
        CaseVersion(case_id=row.id, number=1, document=document, created_at=now, note=note)
    )
    db.session.flush()
    return row


# -- optimistic concurrency ------------------------------------------------------------------


def etag(version: int) -> str:
    return f'"{version}"'


def _expected_versions() -> set[int] | None:
    """The versions If-Match allows; None for ``*``. 428 if the header is missing."""
    if "If-Match" not in request.headers:
        raise Problem(
            428,
            detail='send If-Match with the case\'s ETag (from GET), e.g. If-Match: "3"',
        )
    if_match = request.if_match
    if if_match.star_tag:
        return None
    versions = set()
    for tag in if_match.as_set(include_weak=False):
        if tag and tag.isdigit() and len(tag) < 12:  # '""' parses as an empty tag
            versions.add(int(tag))
    return versions


def check_if_match(row: Case, *, required: bool = True) -> int:
    """The version the request expects (the current one) or 412/428."""
    if not required and "If-Match" not in request.headers:
        return row.version
    expected = _expected_versions()
    if expected is not None and row.version not in expected:
        raise precondition_failed(row.version)
    return row.version


def precondition_failed(current: int | None) -> Problem:
    headers = {"ETag": etag(current)} if current is not None else {}
    return Problem(
        412,
        detail="the case has changed since you read it; GET it again and retry",
        headers=headers,
    )


def save_document(
    workspace_id: uuid.UUID, row: Case, expected: int, case: model.ValueCase, note: str
) -> Case:
    """Write ``case`` as version expected+1 (conditional UPDATE + version row), or 412."""
    document = dump_case(case)
    now = utcnow()
    new_version = expected + 1
    result = db.session.execute(
        update(Case)
        .where(
            Case.id == row.id,
            Case.workspace_id == workspace_id,
            Case.version == expected,
            Case.deleted_at.is_(None),
        )
        .values(version=new_version, document=document, updated_at=now, **index_fields(case))
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        current = db.session.scalar(select(Case.version).where(Case.id == row.id))
        raise precondition_failed(current)
    db.session.add(
        CaseVersion(
            case_id=row.id, number=new_version, document=document, created_at=now, note=note
        )
    )
    db.session.flush()
    db.session.refresh(row)
    return row


def set_deleted(workspace_id: uuid.UUID, row: Case, expected: int, deleted: bool) -> Case:
    """Soft-delete or restore, conditional on the version (the version does not change)."""
    now = utcnow()
    result = db.session.execute(
        update(Case)
        .where(
            Case.id == row.id,
            Case.workspace_id == workspace_id,
            Case.version == expected,
            Case.deleted_at.is_(None) if deleted else Case.deleted_at.is_not(None),
        )
        .values(deleted_at=now if deleted else None, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        current = db.session.scalar(select(Case.version).where(Case.id == row.id))
        raise precondition_failed(current)
    db.session.flush()
    db.session.refresh(row)
    return row


def load_document(document: dict) -> model.ValueCase:
    """Validate a stored or posted document (ValidationError -> 422 with paths)."""
    return load_case(document)


def merge_patch(target, patch):
    """RFC 7396 JSON Merge Patch."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result
