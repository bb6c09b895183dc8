"""Attendance punches (考勤打卡): one check-in and one check-out per person and local day."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, BigId, utcnow


class AttendancePunch(Base):
    """A check-in or check-out with where it happened and how it compares to office hours."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("staff_id", "day", "kind"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"), index=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(8))
    at: Mapped[datetime]
    lat: Mapped[float | None] = mapped_column(Numeric(9, 6, asdecimal=False))
    lon: Mapped[float | None] = mapped_column(Numeric(9, 6, asdecimal=False))
    field: Mapped[bool] = mapped_column(default=False)
    place: Mapped[str | None] = mapped_column(Text)
    distance_m: Mapped[int | None]
    late_minutes: Mapped[int] = mapped_column(default=0)
    early_minutes: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
