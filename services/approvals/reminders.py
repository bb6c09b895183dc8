"""Chasing approvals (催办): re-send a waiting request to its approvers, escalate one that waits too long.

Waiting time counts office working hours only (nights, weekends and holidays do not count). Each
reminder and escalation is claimed in `reminders_sent` in the same transaction as the messages it
queues, so a second run or a second instance sends nothing new. One failing request does not stop
the sweep.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from domain import workdays
from domain.approval_routing import (
    ChainStep,
    ChasePolicy,
    escalation_due,
    next_level,
    reminder_number,
    working_minutes_between,
)
from domain.roles import HQ_ROLES
from services.approvals.flow import hand_over
from services.approvals.notices import current_step, names, send_card, steps_of
from services.approvals.requests import away_on
from services.attendance.punches import hours_of
from services.i18n.catalogs import N_
from services.platform import zones
from services.platform.jobs import claim_reminders
from services.platform.staff import holders_of
from storage.models import ApprovalRequest, Office, Staff
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

DEFAULT_POLICY = ChasePolicy()
"""Remind every 4 working hours (at most 6 times), escalate after one working day (9 h)."""

REMINDER_NOTE = N_("⏰ Reminder: this request has been waiting for your decision since {since}.")
DELEGATED_NOTE = N_("🔁 {who} is on leave; you decide this request in their place (代理审批).")
ESCALATION_NOTE = N_("⏫ Escalated to you: {who} has not decided this request since {since}. You may decide it.")


@dataclass
class ChaseSummary:
    """How many requests were reminded, escalated, or failed in one sweep."""

    reminded: int = 0
    escalated: int = 0
    failed: int = 0

    def describe(self) -> str:
        """One line for the job log."""
        return f"reminded {self.reminded}, escalated {self.escalated}, failed {self.failed}"


def chase_pending(uow_factory: Callable[[], UnitOfWork], *, now: datetime,
                  policy: ChasePolicy = DEFAULT_POLICY) -> ChaseSummary:
    """Remind and escalate every pending request that is due; each request in its own transaction."""
    summary = ChaseSummary()
    with uow_factory() as uow:
        ids = list(uow.session.scalars(select(ApprovalRequest.id).where(ApprovalRequest.status == "pending")))
    for request_id in ids:
        try:
            reminded, escalated = _chase_one(uow_factory(), request_id, now=now, policy=policy)
        except Exception:
            log.exception("chasing approval request %s failed", request_id)
            summary.failed += 1
            continue
        summary.reminded += reminded
        summary.escalated += escalated
    return summary


def _chase_one(uow: UnitOfWork, request_id: int, *, now: datetime, policy: ChasePolicy) -> tuple[int, int]:
    """Send what is due for one request; (1 if reminded, 1 if escalated)."""
    with uow:
        session = uow.session
        req = session.get(ApprovalRequest, request_id)
        step = current_step(req) if req is not None else None
        if req is None or step is None:
            return 0, 0
        if _hand_over_if_away(session, req, now=now):
            uow.commit()
            return 0, 0
        office = session.get(Office, req.office_id) if req.office_id else None
        tz = zones.zone_of(office)
        hours = hours_of(office)
        waited = working_minutes_between(req.step_since, now, tz=tz, work_start=hours.start, work_end=hours.end,
                                         is_working_day=workdays.is_working_day)
        since = req.step_since.astimezone(tz).strftime("%Y-%m-%d %H:%M")
        reminded = _remind(session, req, step, reminder_number(waited, policy), since, now)
        escalated = escalation_due(waited, policy) and _escalate(session, req, step, since, now)
        if escalated is None:
            uow.rollback()
            return 0, 0
        uow.commit()
        return int(reminded), int(bool(escalated))


def _hand_over_if_away(session: Session, req: ApprovalRequest, *, now: datetime) -> bool:
    """An approver whose approved leave began while the step waited: the step goes to a stand-in (once)."""
    away = away_on(session, req, now=now)
    step = current_step(req)
    if step is None or not away.issuperset(step.approvers):
        return False
    if not claim_reminders(session, keys={f"apv:{req.id}:{req.step_index}:delegate{_round(req)}": None}, now=now):
        return False
    handed = hand_over(session, req, away=away, now=now)
    if handed is None:
        return False
    send_card(session, req, to=handed.approvers, now=now, note_id=DELEGATED_NOTE,
              note_params={"who": names(session, handed.delegated_from)})
    return True


def _remind(session: Session, req: ApprovalRequest, step: ChainStep, number: int, since: str, now: datetime) -> bool:
    """Reminder `number` (if not sent yet) to the step's approvers."""
    if number < 1:
        return False
    key = f"apv:{req.id}:{req.step_index}:remind:{number}{_round(req)}"
    if not claim_reminders(session, keys={key: step.approvers[0] if step.approvers else None}, now=now):
        return False
    send_card(session, req, to=step.approvers, now=now, note_id=REMINDER_NOTE, note_params={"since": since})
    return True


def _round(req: ApprovalRequest) -> str:
    """A resubmitted request (退回修改 → 重新提交) is chased afresh: its round is part of the key."""
    return f":r{req.round}" if req.round else ""


def _escalate(session: Session, req: ApprovalRequest, step: ChainStep, since: str, now: datetime) -> bool | None:
    """Add the approvers' managers (or the next level) to the step once; None if the step moved meanwhile."""
    key = f"apv:{req.id}:{req.step_index}:escalate{_round(req)}"
    if not claim_reminders(session, keys={key: None}, now=now):
        return False
    added = _escalation_targets(session, req, step)
    if not added:
        return False
    chain = [s.to_json() for s in steps_of(req)]
    chain[req.step_index]["approvers"] = [*step.approvers, *added]
    chain[req.step_index]["escalated"] = list(added)
    stmt = (update(ApprovalRequest).where(ApprovalRequest.id == req.id, ApprovalRequest.status == "pending",
                                          ApprovalRequest.step_index == req.step_index)
            .values(chain=chain).execution_options(synchronize_session=False))
    if cast(CursorResult[Any], session.execute(stmt)).rowcount != 1:
        return None
    session.refresh(req)
    send_card(session, req, to=added, now=now, note_id=ESCALATION_NOTE,
              note_params={"who": names(session, step.approvers), "since": since})
    return True


def _escalation_targets(session: Session, req: ApprovalRequest, step: ChainStep) -> tuple[int, ...]:
    """Each approver's explicit manager, else the holders of the next level up (never the requester)."""
    exclude = {req.requester_id, *step.approvers}
    managers = []
    for approver_id in step.approvers:
        approver = session.get(Staff, approver_id)
        if approver is not None and approver.manager_id and approver.manager_id not in exclude:
            managers.append(approver.manager_id)
    if managers:
        return tuple(dict.fromkeys(managers))
    role = step.instead_of or step.role if step.role == "manager" else step.role
    higher = next_level(role, lambda r: [s.id for s in holders_of(session, role=r, office_id=req.office_id)
                                         if r in HQ_ROLES or req.office_id is not None], exclude=exclude)
    return higher[1] if higher else ()
