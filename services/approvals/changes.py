"""A request after the fact: the requester nudges the waiting approver (催办), changes and resubmits a
request sent back (退回修改), or copies a rejected one into a new request.

Each change is one conditional UPDATE, like a decision: a double tap nudges once, resubmits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import or_, update
from sqlalchemy.orm import Session

from domain.approval_callbacks import RequestAction, requester_card_key
from domain.approvals import ApprovalConfig, RequestStatus, can_copy, can_resubmit
from domain.leave_rules import LeavePolicy
from services.approvals.flow import activate, retire_requester_side
from services.approvals.notices import (
    actions_for,
    chain_lines,
    current_step,
    names,
    office_tz,
    requester_card,
    role_label,
)
from services.approvals.requests import Outcome, away_on, build_expense, build_leave, chain_of, requester_of
from services.i18n.catalogs import N_, translator
from services.leave import balances as leave_balances
from services.platform import audit
from services.platform.staff import holders_of
from storage.claims import rowcount
from storage.models import ApprovalRequest, Staff
from storage.uow import UnitOfWork

NUDGE_EVERY = timedelta(hours=1)
"""催办: at most one nudge per step per hour, whoever taps."""


@dataclass(frozen=True)
class Changed:
    """What became of a nudge, a resubmission or a copy."""

    outcome: Outcome
    request_id: int
    kind: str | None = None
    to: str = ""
    role: str = ""
    next_at: datetime | None = None
    answers: dict[str, Any] | None = None
    labels: dict[str, str] | None = None
    chain: tuple[str, ...] = ()  # after a resubmission: the new chain, in the requester's language
    actions: tuple[RequestAction, ...] = ()  # the resubmission reply's buttons (撤回, 催办)
    card: str | None = None  # and its card key


def may_nudge(session: Session, req: ApprovalRequest, actor_id: int) -> bool:
    """The requester, or the head of the requester's office (from /status), may nudge."""
    if req.requester_id == actor_id:
        return True
    return req.office_id is not None and any(
        h.id == actor_id for h in holders_of(session, role="office_head", office_id=req.office_id))


def nudge(uow: UnitOfWork, *, request_id: int, actor_id: int, now: datetime) -> Changed:
    """催办: remind the current step's approvers now — once per step per hour."""
    with uow:
        session = uow.session
        req = session.get(ApprovalRequest, request_id)
        if req is None or not may_nudge(session, req, actor_id):
            return Changed(Outcome.NOT_FOUND, request_id)
        step = current_step(req)
        if step is None:
            return Changed(Outcome.ALREADY_DECIDED, request_id, kind=req.kind)
        stmt = (update(ApprovalRequest)
                .where(ApprovalRequest.id == req.id, ApprovalRequest.status == "pending",
                       ApprovalRequest.step_index == req.step_index,
                       or_(ApprovalRequest.nudged_at.is_(None), ApprovalRequest.nudged_at <= now - NUDGE_EVERY))
                .values(nudged_at=now).execution_options(synchronize_session=False))
        if rowcount(session.execute(stmt)) != 1:
            uow.rollback()
            fresh = cast(ApprovalRequest, session.get(ApprovalRequest, request_id, populate_existing=True))
            if fresh.status != "pending":
                return Changed(Outcome.ALREADY_DECIDED, request_id, kind=fresh.kind)
            last = fresh.nudged_at or now
            return Changed(Outcome.NOT_ALLOWED, request_id, kind=fresh.kind, next_at=_aware(last) + NUDGE_EVERY)
        actor = cast(Staff, session.get(Staff, actor_id))
        activate(session, req, away=away_on(session, req, now=now), now=now,
                 note_id=N_("🔔 {who} asks you to decide this request (催办)."),
                 note_params={"who": actor.name})
        audit.record(session, actor_id=actor_id, action="approval.nudge", entity="approval_request", entity_id=req.id,
                     at=now, detail={"step": req.step_index})
        _ = translator(actor.locale)
        uow.commit()
        return Changed(Outcome.DONE, req.id, kind=req.kind, to=names(session, step.approvers),
                       role=role_label(_, step))


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive UTC datetimes; PostgreSQL aware ones."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def form_answers(uow: UnitOfWork, *, request_id: int, requester_id: int, purpose: str) -> Changed:
    """The request as form answers, to change it (`resubmit`: sent back) or copy it (`copy`: rejected)."""
    with uow:
        req = uow.session.get(ApprovalRequest, request_id)
        if req is None or req.requester_id != requester_id:
            return Changed(Outcome.NOT_FOUND, request_id)
        allowed = can_resubmit if purpose == "resubmit" else can_copy
        if not allowed(RequestStatus(req.status)):
            return Changed(Outcome.ALREADY_DECIDED, request_id, kind=req.kind)
        payload = req.payload or {}
        if req.kind == "expense":
            answers: dict[str, Any] = {"amount": str(req.amount), "category": req.category,
                                       "spent_on": payload.get("spent_on"), "reason": payload.get("reason"),
                                       "project": payload.get("project"), "customer_id": payload.get("customer_id"),
                                       "invoice": payload.get("invoice"), "photos": list(req.photos or [])}
            labels = {"customer_id": str(payload["customer_name"])} if payload.get("customer_name") else {}
        else:
            answers = {"kind": req.kind, "first_day": req.first_day.isoformat() if req.first_day else None,
                       "last_day": req.last_day.isoformat() if req.last_day else None,
                       **{k: payload.get(k) for k in ("reason", "destination", "purpose", "leave_type", "day_part",
                                                      "first_part", "last_part", "from_time", "until_time")}}
            labels = {}
        return Changed(Outcome.DONE, req.id, kind=req.kind,
                       answers={k: v for k, v in answers.items() if v not in (None, "")}, labels=labels)


def resubmit(uow: UnitOfWork, *, request_id: int, requester_id: int, data: dict[str, Any], config: ApprovalConfig,
             now: datetime, policy: LeavePolicy | None = None) -> Changed:
    """退回修改 → 重新提交: the same request, changed, walks its chain again from the first step.

    The chain is resolved afresh from the configuration for the new amount and category (an expense
    raised over 5,000 climbs more levels, one lowered under it fewer), and, as in DingTalk, the
    approvals of the earlier round count no longer: the new round starts at step 1 (they stay in
    the history). With a `policy`, a changed 年假/调休 leave is checked against the balance as at
    submission (OverBalanceRefused).
    """
    with uow:
        session = uow.session
        req = session.get(ApprovalRequest, request_id)
        if req is None or req.requester_id != requester_id:
            return Changed(Outcome.NOT_FOUND, request_id)
        requester, tz = requester_of(session, requester_id)
        fresh = (build_expense(session, data, requester=requester, tz=tz, now=now) if req.kind == "expense"
                 else build_leave({**data, "kind": req.kind}, tz=tz, now=now))
        fresh.kind = req.kind
        roles, steps = chain_of(session, fresh, requester, config=config)
        if not steps:
            return Changed(Outcome.NO_APPROVER, request_id, kind=req.kind, role=roles[0])
        if policy is not None and req.kind == "leave" and fresh.first_day is not None and leave_balances.reserve(
                session, staff_id=requester_id, leave_type=(fresh.payload or {}).get("leave_type"),
                days=Decimal(str((fresh.payload or {}).get("days") or 0)), year=fresh.first_day.year, policy=policy):
            fresh.payload = {**(fresh.payload or {}), "over_balance": "true"}
        values = {c: getattr(fresh, c) for c in ("amount", "category", "first_day", "last_day", "starts_at",
                                                  "ends_at", "payload")}
        values["photos"] = fresh.photos if req.kind == "expense" else req.photos
        stmt = (update(ApprovalRequest)
                .where(ApprovalRequest.id == req.id, ApprovalRequest.status == "returned")
                .values(**values, status="pending", round=ApprovalRequest.round + 1, step_since=now,
                        chain=[s.to_json() for s in steps], step_index=0, nudged_at=None, decided_at=None)
                .execution_options(synchronize_session=False))
        if rowcount(session.execute(stmt)) != 1:
            uow.rollback()
            return Changed(Outcome.ALREADY_DECIDED, request_id, kind=req.kind)
        session.refresh(req)
        # the 退回修改 notice's 修改 / 撤回
        retire_requester_side(session, req, keys=[requester_card_key(req.id, None, req.round - 1)], now=now)
        step = activate(session, req, away=away_on(session, req, now=now), now=now,
                        note_id=N_("✏️ Changed and resubmitted by the requester."))
        audit.record(session, actor_id=requester_id, action="approval.resubmit", entity="approval_request",
                     entity_id=req.id, at=now, detail={"round": req.round, "chain": req.chain})
        _ = translator(requester.locale)
        uow.commit()
        return Changed(Outcome.DONE, req.id, kind=req.kind, to=names(session, step.approvers) if step else "",
                       role=role_label(_, step),
                       chain=tuple(chain_lines(session, _, req, office_tz(session, req))),
                       actions=actions_for(req), card=requester_card(req))
