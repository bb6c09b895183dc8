"""Office property (办事处财产): fixed assets and their moves, purchases' progress, supplies in stock."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, BigId, utcnow


class FixedAsset(Base):
    """One fixed asset (固定资产): number, name, category, value, purchase date, holder, office and place."""

    __tablename__ = "fixed_assets"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    asset_no: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    category: Mapped[str] = mapped_column(String(32))
    value: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    purchased_on: Mapped[date] = mapped_column(Date)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    holder_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    location: Mapped[str | None] = mapped_column(String(120))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AssetMove(Base):
    """One entry of an asset's audit trail: registered, assigned, returned or transferred; never updated."""

    __tablename__ = "asset_moves"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("fixed_assets.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    from_holder: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    to_holder: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    from_office: Mapped[int | None] = mapped_column(ForeignKey("offices.id"))
    to_office: Mapped[int | None] = mapped_column(ForeignKey("offices.id"))
    by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)


class PurchaseProgress(Base):
    """What became of an approved purchase (办公资源申请): bought, then issued, each once, by the admin."""

    __tablename__ = "purchase_progress"
    request_id: Mapped[int] = mapped_column(ForeignKey("approval_requests.id", ondelete="CASCADE"), primary_key=True)
    bought_at: Mapped[datetime | None]
    bought_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    issued_at: Mapped[datetime | None]
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))


class Supply(Base):
    """An office supply in stock (办公用品库存): how many are left and below which the admin is told."""

    __tablename__ = "supplies"
    __table_args__ = (UniqueConstraint("office_id", "name"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    quantity: Mapped[int] = mapped_column(default=0)
    min_quantity: Mapped[int] = mapped_column(default=0)
    restocks: Mapped[int] = mapped_column(default=0)  # counts refills: one low-stock notice per dip


class SupplyMove(Base):
    """Supplies added, issued to a person or returned; never updated."""

    __tablename__ = "supply_moves"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    supply_id: Mapped[int] = mapped_column(ForeignKey("supplies.id", ondelete="CASCADE"), index=True)
    delta: Mapped[int]
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
