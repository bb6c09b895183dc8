"""Incoming payments (来款汇票登记): bank acceptance drafts (承兑汇票) and plain transfers (转账/电汇)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, BigId, utcnow


class Payment(Base):
    """One incoming payment as the seed's 来款汇票登记 lists it; drafts carry their number and maturity."""

    __tablename__ = "payments"
    __table_args__ = (Index("ix_payments_kind_matures_on", "kind", "matures_on"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # 'draft' (承兑汇票) or 'transfer' (转账/电汇)
    received_on: Mapped[date] = mapped_column(Date, index=True)  # 投款日期
    draft_date: Mapped[date | None] = mapped_column(Date)  # 汇票日期
    draft_no: Mapped[str | None] = mapped_column(String(60), index=True)  # 汇票号码
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))  # 金额
    matures_on: Mapped[date | None] = mapped_column(Date)  # 承兑汇票到期时间
    acceptance_days: Mapped[int | None]  # 承兑期
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
