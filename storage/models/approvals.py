"""Requests that walk an approval chain (leave, outing, trip, expense) and each decision taken."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, BigId, utcnow


class ApprovalRequest(Base):
    """A request and where it stands; `step_index` points into `chain` while pending."""

    __tablename__ = "approval_requests"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    step_index: Mapped[int] = mapped_column(default=0)
    chain: Mapped[list[Any]] = mapped_column(JSON, default=list)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    category: Mapped[str | None] = mapped_column(String(32))
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    first_day: Mapped[date | None] = mapped_column(Date, index=True)  # leave/outing/trip: office-local days
    last_day: Mapped[date | None] = mapped_column(Date, index=True)
    photos: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    step_since: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    cc: Mapped[list[Any]] = mapped_column(JSON, default=list)  # 抄送: staff ids told of the outcome
    round: Mapped[int] = mapped_column(default=0)  # +1 each time a request sent back is resubmitted
    nudged_at: Mapped[datetime | None]  # 催办 of the current step; cleared when the step moves


class ApprovalStep(Base):
    """One decision; the unique (request, round, step) lets exactly one decision win a step of a round."""

    __tablename__ = "approval_steps"
    __table_args__ = (UniqueConstraint("request_id", "round", "step_index"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("approval_requests.id", ondelete="CASCADE"))
    round: Mapped[int] = mapped_column(default=0)
    step_index: Mapped[int]
    role: Mapped[str] = mapped_column(String(32))
    approver_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    decision: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
