"""Field records: the customer archive (客户档案), repair log (售后维修记录) and visits (拜访/回访)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, BigId, utcnow


class Customer(Base):
    """One row of the seed's 客户档案表; names are unique within an office."""

    __tablename__ = "customers"
    __table_args__ = (UniqueConstraint("office_id", "name"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(Text)
    contact: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(40))
    route: Mapped[str | None] = mapped_column(Text)
    products: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    accepted_on: Mapped[date | None] = mapped_column(Date)
    warranty_years: Mapped[int | None]
    warranty_end: Mapped[date | None] = mapped_column(Date, index=True)
    lat: Mapped[float | None] = mapped_column(Numeric(9, 6, asdecimal=False))
    lon: Mapped[float | None] = mapped_column(Numeric(9, 6, asdecimal=False))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class RepairRecord(Base):
    """One row of the seed's 售后维修记录表, with its lifecycle status."""

    __tablename__ = "repairs"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    reporter: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(40))
    reported_on: Mapped[date] = mapped_column(Date)
    fault: Mapped[str] = mapped_column(Text)
    technician_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    technician_name: Mapped[str | None] = mapped_column(String(120))
    repaired_on: Mapped[date | None] = mapped_column(Date)
    labour_hours: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    parts: Mapped[list[Any]] = mapped_column(JSON, default=list)
    accepted_by: Mapped[str | None] = mapped_column(String(120))
    cause: Mapped[str | None] = mapped_column(Text)  # 故障原因, asked at closing
    resolution: Mapped[str | None] = mapped_column(Text)  # 维修结果, asked at closing
    due_at: Mapped[datetime | None]  # 期限 the head may set when assigning; overdue jobs are chased
    status: Mapped[str] = mapped_column(String(16), default="reported", index=True)
    in_warranty: Mapped[bool | None]
    photos: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Visit(Base):
    """A customer visit or follow-up (回访) with its outcome and next step."""

    __tablename__ = "visits"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    visited_at: Mapped[datetime]
    purpose: Mapped[str] = mapped_column(String(16))
    people_met: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(Text)
    satisfaction: Mapped[int | None]
    next_step: Mapped[str | None] = mapped_column(Text)
    next_step_on: Mapped[date | None] = mapped_column(Date)
    lat: Mapped[float | None] = mapped_column(Numeric(9, 6, asdecimal=False))
    lon: Mapped[float | None] = mapped_column(Numeric(9, 6, asdecimal=False))
    distance_m: Mapped[int | None]
    photos: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
