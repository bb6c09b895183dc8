"""Leave balances (假期余额): HR's adjustments of a person's 年假 or 调休, one row each, never edited."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, BigId, utcnow


class LeaveAdjustment(Base):
    """Days added to (or taken from) a balance for one year, by whom and why; the balance sums these."""

    __tablename__ = "leave_adjustments"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    leave_type: Mapped[str] = mapped_column(String(16))
    year: Mapped[int]
    days: Mapped[Decimal] = mapped_column(Numeric(6, 1))
    note: Mapped[str] = mapped_column(String(200), default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
