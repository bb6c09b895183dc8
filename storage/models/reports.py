"""Weekly and monthly reports, the reminders already sent, and claimed job slots."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, BigId, utcnow


class Report(Base):
    """A person's report for one period; revisable until reviewed."""

    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("staff_id", "kind", "period_key"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    period_key: Mapped[str] = mapped_column(String(16), index=True)
    summary: Mapped[str] = mapped_column(Text)
    plan: Mapped[str] = mapped_column(Text)
    figures: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    late: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default="submitted")
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    review_comment: Mapped[str | None] = mapped_column(Text)
    reviewed_at: Mapped[datetime | None]
    revised_at: Mapped[datetime | None]


class ReminderSent(Base):
    """A reminder already sent, keyed by (person, report, period, kind, slot): never sent twice."""

    __tablename__ = "reminders_sent"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)  # sweeps read recent keys by time


class JobRun(Base):
    """A scheduled job's slot claimed by one instance (insert-or-ignore), so two instances run it once."""

    __tablename__ = "job_runs"
    job: Mapped[str] = mapped_column(String(64), primary_key=True)
    slot: Mapped[str] = mapped_column(String(64), primary_key=True)
    claimed_by: Mapped[str] = mapped_column(String(64))
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow)
    detail: Mapped[str | None] = mapped_column(Text)
