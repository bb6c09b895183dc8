"""Helpers for the approval and attendance service tests: an office, people, and what was queued."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from domain.callbacks import APPROVAL_STEP, pack
from services.people import onboarding
from services.platform.config import load_approval_config
from storage.models import ApprovalStep, AuditEntry, OutboxMessage
from storage.uow import UnitOfWork

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # Tuesday 10:00 in Shanghai
TZ = "Asia/Shanghai"
CONFIG = load_approval_config()
UowFactory = Callable[[], UnitOfWork]
_telegram_ids = itertools.count(7000)


def office(uow_factory: UowFactory, name: str = "上海办事处", **kwargs: Any) -> int:
    """An office with the Shanghai geofence unless told otherwise."""
    kwargs.setdefault("geofence", (31.230416, 121.473701, 300))
    return onboarding.create_office(uow_factory(), name=name, timezone=kwargs.pop("timezone", TZ), now=NOW,
                                    **kwargs)


def person(uow_factory: UowFactory, name: str, roles: list[str], *, office_name: str = "上海办事处",
           manager: str | None = None, now: datetime = NOW) -> int:
    """Invite and register a person at `now` (their join day; staff already at work, not a new hire); their id."""
    code = onboarding.invite(uow_factory(), office_name=office_name, roles=roles, name=name, now=now,
                             manager_name=manager)
    result = onboarding.redeem(uow_factory(), code=code, channel="telegram", account=str(next(_telegram_ids)), now=now,
                               new_hire=False)
    assert result.staff is not None
    return result.staff.id


def queued(uow_factory: UowFactory, staff_id: int) -> list[dict[str, Any]]:
    """Outbox payloads queued for a person, oldest first."""
    with uow_factory() as uow:
        rows = uow.session.scalars(select(OutboxMessage).where(OutboxMessage.staff_id == staff_id)
                                   .order_by(OutboxMessage.id))
        return [dict(r.payload) for r in rows]


def step_button(request_id: int, step: int, action: str = "a") -> str:
    """The callback data of an approver's button on one step."""
    return pack(APPROVAL_STEP, request=request_id, step=step, action=action)


def buttons_of(payload: dict[str, Any]) -> list[str]:
    """Callback data of a queued message's buttons."""
    return [data for row in payload.get("buttons", []) for _label, data in row]


def count_steps(uow_factory: UowFactory, request_id: int) -> int:
    """Decisions stored for a request."""
    with uow_factory() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(ApprovalStep)
                                      .where(ApprovalStep.request_id == request_id)) or 0)


def decision_audits(uow_factory: UowFactory, request_id: int) -> list[str]:
    """Audit actions of decisions on a request."""
    with uow_factory() as uow:
        rows = uow.session.scalars(select(AuditEntry.action).where(
            AuditEntry.entity == "approval_request", AuditEntry.entity_id == str(request_id),
            AuditEntry.action.in_(["approval.approve", "approval.reject", "approval.withdraw"])))
        return list(rows)
