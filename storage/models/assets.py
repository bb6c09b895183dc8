"""Office property (办事处财产): the fixed asset register and every move of an asset."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Numeric, String, Text
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
