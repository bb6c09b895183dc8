"""People upkeep: onboarding checklist items, probation (试用期) with its evaluations and 转正 request."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, BigId, utcnow


class OnboardingItem(Base):
    """One step of a person's onboarding (or leaving) checklist; ticked once, by whom and when."""

    __tablename__ = "onboarding_items"
    __table_args__ = (UniqueConstraint("staff_id", "item"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    checklist: Mapped[str] = mapped_column(String(16), default="onboarding")  # or "leaving" (离职)
    item: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(default=0)
    done_at: Mapped[datetime | None]
    done_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))


class Probation(Base):
    """A person's probation: its days, their mentor, and the 转正 request once it is opened."""

    __tablename__ = "probations"
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True)
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date, index=True)
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("approval_requests.id"))
    closed: Mapped[bool] = mapped_column(default=False, index=True)  # 转正 decided or the person left
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ProbationEvaluation(Base):
    """The direct manager's evaluation at one point of a probation (one per point)."""

    __tablename__ = "probation_evaluations"
    __table_args__ = (UniqueConstraint("staff_id", "point"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    point: Mapped[date] = mapped_column(Date)
    author_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    rating: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    written_at: Mapped[datetime] = mapped_column(default=utcnow)


class Departure(Base):
    """A person who left (离职): when, who deactivated them, who took over their open work, and what moved."""

    __tablename__ = "departures"
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True)
    left_at: Mapped[datetime]
    by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    successor_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    moved: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)


class MonthlyScore(Base):
    """One row of the 月度评分表: a person's scores for one month, by the office head, with the facts shown."""

    __tablename__ = "monthly_scores"
    __table_args__ = (UniqueConstraint("staff_id", "month"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    month: Mapped[date] = mapped_column(Date, index=True)  # the first day of the scored month
    scorer_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    scores: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    total: Mapped[Decimal] = mapped_column(Numeric(8, 1))
    facts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    comment: Mapped[str | None] = mapped_column(Text)
    scored_at: Mapped[datetime] = mapped_column(default=utcnow)
