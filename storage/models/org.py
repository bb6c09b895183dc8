"""Regions and their offices, staff and their roles, invite codes, the audit log and processed update ids."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Numeric, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from domain.attendance import DEFAULT_WORKING_HOURS
from storage.models.base import Base, BigId, utcnow


class Region(Base):
    """A region (区域): branch offices served by the regional managers (区域经理) working in any of them."""

    __tablename__ = "regions"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Office(Base):
    """A branch office (办事处) with its own clock, hours and optional geofence, in at most one region."""

    __tablename__ = "offices"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    work_start: Mapped[time] = mapped_column(Time, default=DEFAULT_WORKING_HOURS.start)
    work_end: Mapped[time] = mapped_column(Time, default=DEFAULT_WORKING_HOURS.end)
    address: Mapped[str | None] = mapped_column(Text)
    geo_lat: Mapped[float | None] = mapped_column(Numeric(9, 6, asdecimal=False))
    geo_lon: Mapped[float | None] = mapped_column(Numeric(9, 6, asdecimal=False))
    geo_radius_m: Mapped[int | None]
    is_hq: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Staff(Base):
    """A person; bound to a Telegram account once they redeem their invite."""

    __tablename__ = "staff"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(40))
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"), index=True)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    wecom_user_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    locale: Mapped[str] = mapped_column(String(8), default="zh_CN")
    active: Mapped[bool] = mapped_column(default=True)
    full_time: Mapped[bool] = mapped_column(default=True)
    annual_leave_days: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))  # 年假 a year; None: the policy's
    reachable: Mapped[bool] = mapped_column(default=True)
    last_channel: Mapped[str | None] = mapped_column(String(16))  # where they wrote from last: notices go there
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    role_rows: Mapped[list[StaffRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", back_populates="staff"
    )

    @property
    def roles(self) -> frozenset[str]:
        """The person's role keys (a person may hold several)."""
        return frozenset(r.role for r in self.role_rows)


class StaffRole(Base):
    """One role held by one person."""

    __tablename__ = "staff_roles"
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)
    staff: Mapped[Staff] = relationship(back_populates="role_rows")


class Invite(Base):
    """A single-use, expiring code that binds a chat account to a staff row."""

    __tablename__ = "invites"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEntry(Base):
    """Who did what to which record, and when; never updated."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ProcessedUpdate(Base):
    """An update id handled: written in the update's own transaction, so it exists only once the effect does."""

    __tablename__ = "processed_updates"
    __table_args__ = (UniqueConstraint("channel", "update_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    update_id: Mapped[int] = mapped_column(BigInteger)
    processed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class InboxUpdate(Base):
    """A raw update stored as it was fetched, before Telegram is told it arrived (replayed after a crash)."""

    __tablename__ = "inbox_updates"
    __table_args__ = (UniqueConstraint("channel", "update_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    update_id: Mapped[int] = mapped_column(BigInteger)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
