"""Leave balances (年假, 调休): what a person has left this year, HR's audited adjustments, the import column.

A balance is computed, never stored as a total: the allowance (the person's own `annual_leave_days`, else
config/leave.yaml's), plus HR's adjustments (`leave_adjustments`, each one audited) and, for 调休, the
days of approved overtime (加班) requests, less the working
days of that type's leave requests of the year that are pending or approved (`payload.days`, written at
submission from `domain.leave_rules.leave_days`). A withdrawn or rejected request gives its days back
by itself, and there is no counter to keep in step.

A pending request holds its days from the moment it is stored, so the check at submission (`reserve`) is
what must not race: it locks the person's staff row first (PostgreSQL `FOR NO KEY UPDATE`; SQLite's
`BEGIN IMMEDIATE` already makes writers take turns) and keeps the lock until the request is committed,
so of two requests submitted at the same moment the second sees the first's days as taken.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.approvals import RequestStatus
from domain.leave_rules import (
    BALANCED_TYPES,
    Balance,
    LeavePolicy,
    LeaveType,
    OverBalance,
    balance_of,
    exceeds_balance,
)
from services.platform import audit
from storage.models import ApprovalRequest, LeaveAdjustment, Staff
from storage.uow import UnitOfWork

MAX_ADJUSTMENT = Decimal(365)
HOLDING = (RequestStatus.PENDING.value, RequestStatus.APPROVED.value)


class AdjustmentRefused(ValueError):
    """An adjustment that cannot be made; `reason` is a short code for the handler's message."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class OverBalanceRefused(ValueError):
    """A 年假/调休 request over what is left, refused as config/leave.yaml says (`over_balance: refuse`)."""

    def __init__(self, balance: Balance, days: Decimal) -> None:
        super().__init__(f"{balance.leave_type}: {days} asked, {balance.left} left")
        self.balance = balance
        self.days = days


@dataclass(frozen=True)
class Adjusted:
    """An adjustment made: whose balance, and what is left now."""

    name: str
    balance: Balance


def balances_in(session: Session, *, staff_id: int, year: int, policy: LeavePolicy) -> dict[LeaveType, Balance]:
    """Every balanced type's balance of one person for `year` (three queries, whatever the history)."""
    staff = session.get(Staff, staff_id)
    allowance = staff.annual_leave_days if staff is not None and staff.annual_leave_days is not None \
        else policy.annual_days
    adjustments = session.execute(select(LeaveAdjustment.leave_type, LeaveAdjustment.days).where(
        LeaveAdjustment.staff_id == staff_id, LeaveAdjustment.year == year)).all()
    requests = session.scalars(select(ApprovalRequest).where(
        ApprovalRequest.requester_id == staff_id, ApprovalRequest.kind.in_(("leave", "overtime")),
        ApprovalRequest.status.in_(HOLDING), ApprovalRequest.first_day >= date(year, 1, 1),
        ApprovalRequest.first_day <= date(year, 12, 31))).all()
    result: dict[LeaveType, Balance] = {}
    for leave_type in BALANCED_TYPES:
        taken = [_days(r.payload) for r in requests
                 if r.kind == "leave" and (r.payload or {}).get("leave_type") == leave_type]
        earned = [_days(r.payload) for r in requests if r.kind == "overtime" and r.status == RequestStatus.APPROVED
                  and leave_type == LeaveType.COMP]  # 调休 is earned once the overtime is approved
        result[leave_type] = balance_of(leave_type, allowance=Decimal(allowance),
                                        adjustments=[Decimal(d) for t, d in adjustments if t == leave_type] + earned,
                                        taken=taken)
    return result


def reserve(session: Session, *, staff_id: int, leave_type: str | None, days: Decimal, year: int,
            policy: LeavePolicy) -> bool:
    """Check a leave request about to be stored against the balance, under the person's lock.

    True when it takes more than is left and the policy flags it; raises OverBalanceRefused when the policy
    refuses it; False otherwise (also for types without a balance). The caller stores the request in the
    same transaction: its `payload.days` is then what holds the days, until it is rejected or withdrawn.
    """
    if leave_type not in set(BALANCED_TYPES) or days <= 0:
        return False
    session.execute(select(Staff.id).where(Staff.id == staff_id).with_for_update(key_share=True))
    left = balances_in(session, staff_id=staff_id, year=year, policy=policy)
    if not exceeds_balance(leave_type, days, left):
        return False
    if policy.over_balance == OverBalance.FLAG:
        return True
    raise OverBalanceRefused(left[LeaveType(leave_type)], days)


def balances(uow: UnitOfWork, *, staff_id: int, year: int, policy: LeavePolicy) -> dict[LeaveType, Balance]:
    """`balances_in` in its own unit of work (read only)."""
    with uow:
        return balances_in(uow.session, staff_id=staff_id, year=year, policy=policy)


def _days(payload: dict[str, object] | None) -> Decimal:
    """The working days a stored request takes (0 when it predates the count)."""
    try:
        return Decimal(str((payload or {}).get("days") or 0))
    except InvalidOperation:
        return Decimal(0)


def adjust(uow: UnitOfWork, *, actor_id: int, staff_name: str, leave_type: LeaveType, days: Decimal, note: str,
           year: int, policy: LeavePolicy, now: datetime) -> Adjusted:
    """HR adds (or takes) days of a balance, with a reason; the audit log keeps who, when and why."""
    if not days.is_finite() or days == 0 or abs(days) > MAX_ADJUSTMENT or (days * 2) % 1 != 0:
        raise AdjustmentRefused("bad_days")
    with uow:
        session = uow.session
        matches = session.scalars(select(Staff).where(Staff.name == staff_name)).all()
        if len(matches) != 1:
            raise AdjustmentRefused("no_such_person" if not matches else "ambiguous_person")
        person = matches[0]
        row = LeaveAdjustment(staff_id=person.id, leave_type=leave_type.value, year=year, days=days,
                              note=note[:200], actor_id=actor_id, created_at=now)
        session.add(row)
        session.flush()
        audit.record(session, actor_id=actor_id, action="leave.adjust", entity="staff", entity_id=person.id, at=now,
                     detail={"leave_type": leave_type.value, "year": year, "days": str(days), "note": note[:200]})
        result = Adjusted(person.name, balances_in(session, staff_id=person.id, year=year, policy=policy)[leave_type])
        uow.commit()
    return result


def set_allowance(session: Session, *, staff_id: int, days: Decimal | None) -> None:
    """The yearly 年假 allowance of one person (from the staff import); None keeps the policy's."""
    staff = session.get(Staff, staff_id)
    if staff is not None:
        staff.annual_leave_days = days
