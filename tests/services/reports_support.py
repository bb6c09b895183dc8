"""Small builders for the report and reminder tests: offices, people, leave, what was queued."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from services.messaging.messages import OutMessage
from services.platform.config import load_report_config
from storage.models import ApprovalRequest, Office, OutboxMessage, ReminderSent, Staff, StaffRole
from storage.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
CONFIGS = load_report_config()
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)
_telegram_ids = itertools.count(9000)


def add_office(uow: UnitOfWork, name: str, *, timezone: str = "Asia/Shanghai", is_hq: bool = False) -> int:
    """An office row."""
    with uow:
        office = Office(name=name, timezone=timezone, is_hq=is_hq, created_at=LONG_AGO)
        uow.session.add(office)
        uow.session.flush()
        uow.commit()
        return office.id


def add_person(uow: UnitOfWork, name: str, *, office_id: int | None, roles: list[str], manager_id: int | None = None,
               full_time: bool = True, locale: str = "zh_CN", joined: datetime = LONG_AGO,
               registered: bool = True) -> int:
    """An active, registered staff member with roles."""
    with uow:
        staff = Staff(name=name, office_id=office_id, manager_id=manager_id, full_time=full_time, locale=locale,
                      active=True, created_at=joined, telegram_user_id=next(_telegram_ids) if registered else None)
        staff.role_rows = [StaffRole(role=r) for r in roles]
        uow.session.add(staff)
        uow.session.flush()
        uow.commit()
        return staff.id


def add_leave(uow: UnitOfWork, staff_id: int, first: date, last: date, *, status: str = "approved",
              kind: str = "leave") -> None:
    """An approval request row for leave or a trip, as the approvals area stores it."""
    with uow:
        uow.session.add(ApprovalRequest(kind=kind, requester_id=staff_id, status=status, first_day=first,
                                        last_day=last, created_at=LONG_AGO, step_since=LONG_AGO))
        uow.commit()


def queued(uow: UnitOfWork, *, after: int = 0) -> list[tuple[int, int, OutMessage]]:
    """(outbox id, recipient, message) queued after outbox id `after`."""
    with uow:
        rows = uow.session.execute(select(OutboxMessage.id, OutboxMessage.staff_id, OutboxMessage.payload)
                                   .where(OutboxMessage.id > after).order_by(OutboxMessage.id)).all()
        return [(row_id, staff_id, OutMessage.from_dict(payload)) for row_id, staff_id, payload in rows]


def sent_keys(uow: UnitOfWork, prefix: str = "") -> list[tuple[str, datetime]]:
    """Reminder keys recorded, oldest first."""
    with uow:
        rows = uow.session.execute(select(ReminderSent.key, ReminderSent.sent_at).order_by(ReminderSent.sent_at,
                                                                                           ReminderSent.key))
        return [(key, at) for key, at in rows if key.startswith(prefix)]


def texts_for(messages: list[tuple[int, int, OutMessage]], staff_id: int) -> list[str]:
    """The texts queued to one person."""
    return [m.text for _id, to, m in messages if to == staff_id]


def kwargs(**extra: Any) -> dict[str, Any]:
    """The sweep's common keyword arguments."""
    return {"configs": CONFIGS, **extra}
