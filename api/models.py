"""What the service stores: workspaces, their API keys, value cases and their versions.

- A case's ``document`` is the case as :func:`valueframe.schema.dump_case` writes it (money
  as decimal strings, keys in schema order), stored as JSON and returned as stored, so an
  export round-trips exactly. ``title``, ``customer_name``, ``industry`` and ``stage`` are
  copies of document fields, kept for listing and filtering.
- ``Case.version`` is the number of the case's latest :class:`CaseVersion`; every save
  writes the version and bumps the case in one transaction (a conditional UPDATE ...
  WHERE version = :expected, so concurrent writers cannot both win).
- Ids are UUIDs (``sqlalchemy.Uuid``: native on PostgreSQL, CHAR(32) on SQLite).
- Timestamps are UTC.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.extensions.db import db

IDEMPOTENCY_IN_FLIGHT = "in_flight"
IDEMPOTENCY_DONE = "done"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Workspace(db.Model):
    __tablename__ = "workspace"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    keys: Mapped[list[ApiKey]] = relationship(back_populates="workspace")


class ApiKey(db.Model):
    """``vf_<prefix>_<secret>``: the prefix is public and indexed, only sha256(secret) is
    kept."""

    __tablename__ = "api_key"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    workspace_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), index=True
    )
    prefix: Mapped[str] = mapped_column(String(32), unique=True, index=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    workspace: Mapped[Workspace] = relationship(back_populates="keys")


class Case(db.Model):
    __tablename__ = "value_case"
    __table_args__ = (
        Index("ix_value_case_workspace_updated", "workspace_id", "updated_at"),
        Index("ix_value_case_workspace_title", "workspace_id", "title"),
        Index("ix_value_case_workspace_customer", "workspace_id", "customer_name"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    document: Mapped[dict] = mapped_column(JSON)
    title: Mapped[str] = mapped_column(String(300))
    customer_name: Mapped[str] = mapped_column(String(300))
    industry: Mapped[str] = mapped_column(String(300))
    stage: Mapped[str] = mapped_column(String(20))
    currency: Mapped[str] = mapped_column(String(3))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    versions: Mapped[list[CaseVersion]] = relationship(
        back_populates="case", order_by="CaseVersion.number", passive_deletes=True
    )


class CaseVersion(db.Model):
    """An immutable snapshot written by every save."""

    __tablename__ = "case_version"
    __table_args__ = (UniqueConstraint("case_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("value_case.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    document: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    note: Mapped[str] = mapped_column(String(500), default="")

    case: Mapped[Case] = relationship(back_populates="versions")


class IdempotencyRecord(db.Model):
    """The first response to a create sent with an ``Idempotency-Key``."""

    __tablename__ = "idempotency_record"
    __table_args__ = (UniqueConstraint("workspace_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default=IDEMPOTENCY_IN_FLIGHT)
    response_status: Mapped[int | None] = mapped_column(Integer)
    response_body: Mapped[str | None] = mapped_column(Text)
    response_headers: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


from api.resources.jobs import models as jobs_models  # noqa: E402, F401
from api.resources.realization import models as realization_models  # noqa: E402, F401
