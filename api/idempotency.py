"""``Idempotency-Key`` for creates (IETF httpapi idempotency-key draft) and the unit of work.

:func:`idempotent` wraps a create view (outermost, above ``@blp.arguments``):

- no key: the view runs and its changes are committed on success, rolled back on error;
- first request with a key: a record is reserved (``in_flight``, committed at once, unique
  per workspace and key), the view runs, and its changes commit TOGETHER with the stored
  response (status, body, Location/ETag) - a crash cannot leave a case without its record;
- the same key and the same request (method, path, body bytes): the stored response is
  replayed, byte for byte, with ``Idempotent-Replayed: true``;
- the same key with a different request: 422; while the first is in flight: 409
  (a reservation older than ``VALUEFRAME_IDEMPOTENCY_LOCK_SECONDS`` is taken over);
- a request that fails (4xx/5xx) releases its key, so it can be retried.

Records expire after ``VALUEFRAME_IDEMPOTENCY_TTL_HOURS``.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re

from flask import current_app, g, request
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from api.errors import Problem
from api.extensions.api import document_header
from api.extensions.db import db
from api.models import IDEMPOTENCY_DONE, IDEMPOTENCY_IN_FLIGHT, IdempotencyRecord, utcnow

HEADER = "Idempotency-Key"
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
_REPLAYED_HEADERS = ("Location", "ETag", "Content-Type")

IDEMPOTENCY_KEY_PARAMETER = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "description": (
        "Makes the create safe to retry: a replay with the same key and body returns the "
        "stored response; another body with the same key is a 422; a request still in "
        "flight with the key is a 409."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
}


def _fingerprint() -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(b"\x00")
    digest.update(request.path.encode())
    digest.update(b"\x00")
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def _replay(record: IdempotencyRecord):
    response = current_app.response_class(record.response_body, status=record.response_status)
    for name, value in (record.response_headers or {}).items():
        response.headers[name] = value
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _reserve(workspace_id, key: str, fingerprint: str) -> int | None:
    """Reserve the key; returns the record id, or None with a replay in g.replay."""
    now = utcnow()
    ttl = dt.timedelta(hours=current_app.config["VALUEFRAME_IDEMPOTENCY_TTL_HOURS"])
    db.session.execute(
        delete(IdempotencyRecord).where(
            IdempotencyRecord.workspace_id == workspace_id,
            IdempotencyRecord.created_at < now - ttl,
        )
    )
    db.session.commit()
    for _ in range(3):
        record = IdempotencyRecord(
            workspace_id=workspace_id,
            key=key,
            request_hash=fingerprint,
            status=IDEMPOTENCY_IN_FLIGHT,
            created_at=now,
        )
        db.session.add(record)
        try:
            db.session.commit()
            return record.id
        except IntegrityError:
            db.session.rollback()
        existing = db.session.scalar(
            select(IdempotencyRecord).where(
                IdempotencyRecord.workspace_id == workspace_id, IdempotencyRecord.key == key
            )
        )
        if existing is None:  # released in between: try again
            continue
        if existing.request_hash != fingerprint:
            raise Problem(
                422,
                "idempotency-key-reuse",
                detail=f"{HEADER} {key!r} was used for a different request",
                errors=[
                    {"field": HEADER, "in": "header", "message": "used for a different request"}
                ],
            )
        if existing.status == IDEMPOTENCY_DONE:
            g.idempotent_replay = _replay(existing)
            db.session.rollback()
            return None
        lock = dt.timedelta(seconds=current_app.config["VALUEFRAME_IDEMPOTENCY_LOCK_SECONDS"])
        created = existing.created_at
        if created.tzinfo is None:
            created = created.replace(tzinfo=dt.UTC)
        if created > now - lock:
            raise Problem(
                409,
                "idempotency-in-flight",
                detail=f"a request with {HEADER} {key!r} is still being processed",
                headers={"Retry-After": 1},
            )
        taken = db.session.execute(
            update(IdempotencyRecord)
            .where(
                IdempotencyRecord.id == existing.id,
                IdempotencyRecord.status == IDEMPOTENCY_IN_FLIGHT,
                IdempotencyRecord.created_at == existing.created_at,
            )
            .values(created_at=now)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        if taken.rowcount == 1:
            return existing.id
        raise Problem(409, "idempotency-in-flight", headers={"Retry-After": 1})
    raise Problem(409, "idempotency-in-flight", headers={"Retry-After": 1})


def _release(record_id: int) -> None:
    db.session.rollback()
    db.session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == record_id))
    db.session.commit()


def unit_of_work(func):
    """Commit the view's changes if it returns a 2xx/3xx, roll them back otherwise."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            response = func(*args, **kwargs)
        except BaseException:
            db.session.rollback()
            raise
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
        return response

    return wrapper


def idempotent(func):
    """See the module docstring. Put it above ``@blp.arguments`` and ``@blp.response``."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return unit_of_work(func)(*args, **kwargs)
        if not _KEY.match(key):
            raise Problem(
                400,
                detail=f"{HEADER} must be 1-255 visible ASCII characters",
                errors=[{"field": HEADER, "in": "header", "message": "1-255 visible ASCII"}],
            )
        workspace_id = g.principal.workspace_id
        record_id = _reserve(workspace_id, key, _fingerprint())
        if record_id is None:
            return g.pop("idempotent_replay")
        try:
            response = func(*args, **kwargs)
        except BaseException:
            _release(record_id)
            raise
        if response.status_code >= 400:
            _release(record_id)
            return response
        headers = {
            name: response.headers[name] for name in _REPLAYED_HEADERS if name in response.headers
        }
        db.session.execute(
            update(IdempotencyRecord)
            .where(IdempotencyRecord.id == record_id)
            .values(
                status=IDEMPOTENCY_DONE,
                response_status=response.status_code,
                response_body=response.get_data(as_text=True),
                response_headers=headers,
            )
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        return response

    return document_header(wrapper, IDEMPOTENCY_KEY_PARAMETER, 409, 422)
