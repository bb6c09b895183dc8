"""Contracts (合同) with their instalments (预付款/到货款/验收款/质保金), the receivables of an office."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, BigId, utcnow


class Contract(Base):
    """A signed contract; `staff_id` is the person responsible for collecting it (催款)."""

    __tablename__ = "contracts"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    project: Mapped[str] = mapped_column(String(200))  # 项目名称
    signed_on: Mapped[date] = mapped_column(Date, index=True)  # 签订日期
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))  # 合同金额
    net_profit_rate: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))  # 项目净利润率, %
    accepted_on: Mapped[date | None] = mapped_column(Date)  # 验收日期
    bid_deposit: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))  # 投标保证金
    deposit_returned_on: Mapped[date | None] = mapped_column(Date)  # 保证金退回日期
    tender_id: Mapped[int | None] = mapped_column(ForeignKey("tenders.id", use_alter=True), index=True)  # won bid
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Instalment(Base):
    """One payment stage of a contract: its share, due rule, invoice status and what was received."""

    __tablename__ = "contract_instalments"
    __table_args__ = (UniqueConstraint("contract_id", "kind"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # advance / delivery / acceptance / warranty
    term: Mapped[str] = mapped_column(String(60))  # the terms as agreed, e.g. "30% 验收后30天 已开票"
    percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))  # in yuan, a percentage worked out
    due_on: Mapped[date | None] = mapped_column(Date)  # a fixed date …
    days_after_acceptance: Mapped[int | None]  # … or N days after 验收
    due_date: Mapped[date | None] = mapped_column(Date, index=True)  # resolved; None until accepted
    invoiced: Mapped[bool] = mapped_column(default=False)  # 开票
    received: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal(0))  # matched payments


class PaymentMatch(Base):
    """An incoming payment matched to the instalment it pays; one match per payment (double taps act once)."""

    __tablename__ = "payment_matches"
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id", ondelete="CASCADE"), primary_key=True)
    instalment_id: Mapped[int] = mapped_column(ForeignKey("contract_instalments.id", ondelete="CASCADE"),
                                               index=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))  # what it counted toward the instalment
    matched_by: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    matched_at: Mapped[datetime] = mapped_column(default=utcnow)


class Tender(Base):
    """A bid (投标) for a project: deposit, result, and the contract a won bid became."""

    __tablename__ = "tenders"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    project: Mapped[str] = mapped_column(String(200))
    bid_on: Mapped[date] = mapped_column(Date)  # 投标日期
    deposit: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))  # 投标保证金
    result: Mapped[str] = mapped_column(String(16), default="pending", index=True)  # pending / won / lost
    decided_on: Mapped[date | None] = mapped_column(Date)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OfficeBudget(Base):
    """An office's monthly expense ceiling (每月费用上限) for a year, set by headquarters."""

    __tablename__ = "office_budgets"
    __table_args__ = (UniqueConstraint("office_id", "year"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    year: Mapped[int]
    monthly_ceiling: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    set_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    set_at: Mapped[datetime] = mapped_column(default=utcnow)
