"""What realization stores: the baselines of a case and the actuals measured against it.

- :class:`CaseBaseline` freezes one version of a case as the customer's commitment.
  Re-baselining adds a record (``number`` 1, 2, ...); the latest is in force, the earlier
  ones stay as history. ``version`` names an immutable :class:`~api.models.CaseVersion`.
- :class:`CaseActual` is one measured indicator value. Nothing is updated or deleted: a
  correction is a new row for the same (value_id, period) that names the row it corrects
  in ``supersedes_id``. ``number`` orders the entries of a case (1, 2, ...); the unique
  (case_id, number) makes two concurrent writers of one case collide (409) instead of
  interleaving. ``indicator_value`` is the exact decimal text.
- ``entered_by`` / ``key_prefix`` / ``entered_at`` are set by the server from the API key;
  ``reported_by`` is who the client says reported the figure (the CSV's entered_by column).
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from api.extensions.db import db
from api.models import utcnow


class CaseBaseline(db.Model):
    __tablename__ = "case_baseline"
    __table_args__ = (UniqueConstraint("case_id", "number"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    workspace_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), index=True
    )
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("value_case.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    baselined_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    baselined_by: Mapped[str] = mapped_column(String(300))
    key_prefix: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(String(500), default="")


class CaseActual(db.Model):
    __tablename__ = "case_actual"
    __table_args__ = (
        UniqueConstraint("case_id", "number"),
        Index("ix_case_actual_case_key", "case_id", "value_id", "period"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    workspace_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), index=True
    )
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("value_case.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    baseline_number: Mapped[int] = mapped_column(Integer)
    value_id: Mapped[str | None] = mapped_column(String(64))  # None: the strategic goal
    period: Mapped[int] = mapped_column(Integer)
    indicator_value: Mapped[str] = mapped_column(String(80))
    measured_on: Mapped[dt.date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(300))
    reported_by: Mapped[str] = mapped_column(String(300))
    note: Mapped[str] = mapped_column(Text, default="")
    supersedes_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    import_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    entered_by: Mapped[str] = mapped_column(String(300))
    key_prefix: Mapped[str] = mapped_column(String(32))
    entered_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
