"""Office meetings (例会): the meeting, who attended, and the tasks given with owners and due dates."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, BigId, utcnow


class MeetingSeries(Base):
    """A repeating meeting (每周 / 每两周 / 每月): its rule; each occurrence is a `Meeting` of the series."""

    __tablename__ = "meeting_series"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    repeat: Mapped[str] = mapped_column(String(16))  # weekly / biweekly / monthly
    until: Mapped[date | None] = mapped_column(Date)  # … up to this day, or
    count: Mapped[int | None]  # … this many meetings
    created_by: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime | None]  # the rest of the series called off


class Meeting(Base):
    """A scheduled meeting of one office (one occurrence of a series, or on its own), its minutes once written."""

    __tablename__ = "meetings"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    topic: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    series_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_series.id"), index=True)
    cancelled_at: Mapped[datetime | None]  # called off: no reminder, not listed, not counted
    minutes: Mapped[str | None] = mapped_column(Text)
    minutes_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MeetingAttendance(Base):
    """Whether one invited person attended (None until the head records it)."""

    __tablename__ = "meeting_attendance"
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True)
    present: Mapped[bool | None]


class MeetingTask(Base):
    """A task given at a meeting (布置任务): owner, due date, done once."""

    __tablename__ = "meeting_tasks"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    done_at: Mapped[datetime | None]
