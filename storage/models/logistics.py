"""Deliveries and installations (驻外主管 5–6): goods received at the office, returns, customer acceptance."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, BigId, utcnow


class GoodsReceipt(Base):
    """A shipment signed for (货运物流到达): what was shipped and received, its packaging, photos, any return."""

    __tablename__ = "goods_receipts"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"), index=True)  # the delivery's contract
    goods: Mapped[str] = mapped_column(String(200))
    shipped_qty: Mapped[int]
    received_qty: Mapped[int]
    packaging_ok: Mapped[bool]
    note: Mapped[str | None] = mapped_column(Text)
    photos: Mapped[list[Any]] = mapped_column(JSON, default=list)
    return_status: Mapped[str | None] = mapped_column(String(16), index=True)  # None, "open", "shipped"
    received_by: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class Acceptance(Base):
    """A customer's acceptance (验收) after installation: who signed, when, photos of the signed form."""

    __tablename__ = "acceptances"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"), index=True)  # makes its 验收款 due
    signatory: Mapped[str] = mapped_column(String(120))
    accepted_on: Mapped[date] = mapped_column(Date)
    photos: Mapped[list[Any]] = mapped_column(JSON, default=list)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
