"""Background jobs: one :class:`Job` (what the API shows) made of :class:`JobItem` s (what a
worker runs: one document, one chunk of a batch, one simulation).

The job's state and progress are derived from its items (``queued`` until one starts,
``finished`` when all finished, ``failed`` when all ended and one failed), so a retried
item changes nothing twice: it moves its own row, and its output goes to a path fixed by
the item (see :mod:`api.jobs.store`).
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

KINDS = ("render", "batch-evaluation", "simulation")
ITEM_STATES = ("queued", "started", "finished", "failed")


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Job(db.Model):
    __tablename__ = "job"
    __table_args__ = (Index("ix_job_workspace_created", "workspace_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    # what the job was asked (document, lang, currency, rows, chunk size, ...)
    params: Mapped[dict] = mapped_column(JSON)
    # "redis" (a worker runs it) or "in-process" (the request that created it ran it)
    runner: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)

    items: Mapped[list[JobItem]] = relationship(
        back_populates="job", order_by="JobItem.index", passive_deletes=True
    )


class JobItem(db.Model):
    """One unit of work; for a render its id is also the stored document's id."""

    __tablename__ = "job_item"
    __table_args__ = (UniqueConstraint("job_id", "index"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    job_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("job.id", ondelete="CASCADE"))
    index: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16), default="queued")
    weight: Mapped[int] = mapped_column(Integer, default=1)  # rows of a batch chunk, else 1
    case_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    version: Mapped[int | None] = mapped_column(Integer)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    path: Mapped[str | None] = mapped_column(String(500))  # relative to the document store
    size: Mapped[int | None] = mapped_column(Integer)
    filename: Mapped[str | None] = mapped_column(String(300))
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    job: Mapped[Job] = relationship(back_populates="items")
