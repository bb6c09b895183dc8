"""Approval use cases: submit a leave/outing/trip or expense request, decide a step, withdraw.

Flow (diagram in handlers/approvals.py): submit → step 0 approvers get the card → each Approve
moves `step_index` on (the requester is told), Reject ends it, the last Approve approves it.
Deciding is one conditional UPDATE … WHERE status='pending' AND step_index=:step: of any number of
simultaneous taps exactly one changes the row; the others are told who decided and when.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar, cast
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError
from sqlalchemy import CursorResult, and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domain.approval_callbacks import RequestAction, requester_card_key
from domain.approval_routing import ChainStep, resolve_chain
from domain.approvals import (
    NOT_WITHDRAWABLE,
    PROJECT_EXPENSE_CATEGORIES,
    ApprovalConfig,
    Decision,
    RequestStatus,
    chain_for,
    next_state,
)
from domain.checkin import day_bounds
from domain.leave_rules import LeavePolicy, leave_days, leave_parts
from domain.records import ExpenseIn, LeaveIn
from domain.roles import HQ_ROLES
from domain.validation import FieldError, field_errors, parse_record
from services.approvals.flow import activate, retire, retire_requester_side, tell_cc
from services.approvals.notices import (
    actions_for,
    card,
    chain_lines,
    names,
    office_tz,
    requester_card,
    steps_of,
    tell_requester,
    tell_withdrawn,
)
from services.expenses.project_costs import project_links
from services.i18n.catalogs import translator
from services.leave import balances as leave_balances
from services.platform import audit, zones
from services.platform.staff import holders_of
from storage.models import ApprovalRequest, ApprovalStep, Customer, Staff
from storage.uow import UnitOfWork

RecordT = TypeVar("RecordT", bound=BaseModel)


class Outcome(StrEnum):
    """What became of a submit, decision or withdrawal."""

    DONE = "done"
    NOT_FOUND = "not_found"
    NOT_ALLOWED = "not_allowed"
    NOT_YOUR_TURN = "not_your_turn"
    ALREADY_DECIDED = "already_decided"
    WITHDRAWN = "withdrawn"
    NO_APPROVER = "no_approver"


class RequestInvalid(ValueError):
    """The request's fields break a rule; `errors` carry coded field errors for the form."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(", ".join(f"{e.field}:{e.code}" for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class Submitted:
    """A request created (or not, when nobody can approve it) and who decides first."""

    outcome: Outcome
    request_id: int | None = None
    approvers: str = ""
    role: str = ""
    chain: tuple[str, ...] = ()  # the whole chain up front, in the requester's language
    cc: str = ""
    over_balance: bool = False  # a 年假/调休 leave over what is left, submitted flagged for the approver
    actions: tuple[RequestAction, ...] = ()  # the reply's buttons (撤回, 催办)
    card: str | None = None  # the reply's card key: its buttons are retired when the first step is decided


@dataclass(frozen=True)
class Decided:
    """The result of a tap: what happened, and for a lost race who won and when."""

    outcome: Outcome
    request_id: int
    status: str | None = None
    by: str | None = None
    at: datetime | None = None
    decision: str | None = None
    kind: str | None = None
    next_names: str | None = None
    next_role: str | None = None
    card_text: str | None = None


def submit_leave(uow: UnitOfWork, *, requester_id: int, data: dict[str, Any], config: ApprovalConfig,
                 now: datetime, policy: LeavePolicy | None = None) -> Submitted:
    """Create a leave, outing or trip request over office-local days and send it to step 0.

    With a `policy`, a 年假/调休 leave is checked against the balance atomically (`leave_balances.reserve`):
    over it, refused (OverBalanceRefused) or stored flagged (`over_balance`), as the policy says.
    """
    with uow:
        requester, tz = requester_of(uow.session, requester_id)
        req = build_leave(data, tz=tz, now=now)
        over = policy is not None and req.kind == "leave" and req.first_day is not None and leave_balances.reserve(
            uow.session, staff_id=requester.id, leave_type=(req.payload or {}).get("leave_type"),
            days=Decimal(str((req.payload or {}).get("days") or 0)), year=req.first_day.year, policy=policy)
        if over:
            req.payload = {**(req.payload or {}), "over_balance": "true"}
        result = _create(uow, req, requester, config=config, now=now,
                         cc=_chosen_cc(data))
        return replace(result, over_balance=over)


def build_leave(data: dict[str, Any], *, tz: ZoneInfo, now: datetime) -> ApprovalRequest:
    """A leave, outing or trip request (not yet stored) from the form's answers, validated."""
    first, last = date.fromisoformat(data["first_day"]), date.fromisoformat(data["last_day"])
    starts, ends = _away_bounds(first, last, tz, data)
    fields = {"reason": data.get("reason"), "destination": data.get("destination"),
              "purpose": data.get("purpose")}
    details = {k: data.get(k) for k in LEAVE_DETAILS}  # type, half day, hours: HR's detail, kept as given
    details.update(_leave_length(data, first, last))
    away_reason = (data.get("purpose") or "—") if data.get("kind") != "leave" else None
    record = _validated(LeaveIn, {**fields, "kind": data.get("kind"), "starts_at": starts, "ends_at": ends,
                                  "reason": data.get("reason") or away_reason},
                        today=now.astimezone(tz).date())
    return ApprovalRequest(kind=record.kind.value, first_day=first, last_day=last, starts_at=starts,
                           ends_at=ends, payload={k: v for k, v in {**fields, **details}.items() if v},
                           photos=[str(p) for p in data.get("photos") or []])


def submit_overtime(uow: UnitOfWork, *, requester_id: int, data: dict[str, Any], config: ApprovalConfig,
                    now: datetime) -> Submitted:
    """Create an overtime (加班) request: a day, how many days of 调休 it earns (halves), why; route it."""
    with uow:
        requester, tz = requester_of(uow.session, requester_id)
        day = date.fromisoformat(data["day"])
        days = Decimal(str(data.get("days") or 0))
        if not days.is_finite() or not 0 < days <= MAX_OVERTIME_DAYS or (days * 2) % 1 != 0:
            raise RequestInvalid([FieldError("days", "out_of_range")])
        reason = str(data.get("reason") or "").strip()
        if not reason:
            raise RequestInvalid([FieldError("reason", "required")])
        starts, ends = day_bounds(day, day, tz)
        req = ApprovalRequest(kind="overtime", first_day=day, last_day=day, starts_at=starts, ends_at=ends,
                              payload={"days": str(days), "reason": reason[:2000]})
        return _create(uow, req, requester, config=config, now=now)


MAX_OVERTIME_DAYS = Decimal(3)  # one request covers one day's work (a long weekend day counts at most 3)
LEAVE_DETAILS = ("leave_type", "day_part", "first_part", "last_part", "from_time", "until_time", "days", "hours",
                 "over_balance")


def _leave_length(data: dict[str, Any], first: date, last: date) -> dict[str, Any]:
    """A leave's or trip's working days (调休 aware) and the half days it starts or ends with, from the one rule."""
    whole = {"day_part": None, "first_part": None, "last_part": None}  # outings and trips have no half days
    if data.get("kind") == "trip":
        return {**whole, "days": f"{leave_days(first, last).normalize():f}"}
    if data.get("kind") != "leave":
        return whole
    parts = leave_parts(first, last, one_day=data.get("day_part"), starts=data.get("first_part"),
                        ends=data.get("last_part"))
    halves = {"day_part": parts[0].value, "first_part": None, "last_part": None} if first == last else \
        {"day_part": None, "first_part": parts[0].value, "last_part": parts[1].value}
    return {**halves, "days": f"{leave_days(first, last, first_part=parts[0], last_part=parts[1]).normalize():f}"}


def _away_bounds(first: date, last: date, tz: ZoneInfo, data: dict[str, Any]) -> tuple[datetime, datetime]:
    """Whole office-local days; an outing (外出) from its start to its end time on its day."""
    if data.get("kind") == "outing" and data.get("from_time") and data.get("until_time"):
        return (datetime.combine(first, time.fromisoformat(str(data["from_time"])), tz),
                datetime.combine(first, time.fromisoformat(str(data["until_time"])), tz))
    return day_bounds(first, last, tz)


def submit_expense(uow: UnitOfWork, *, requester_id: int, data: dict[str, Any], config: ApprovalConfig,
                   now: datetime) -> Submitted:
    """Create an expense claim (amount, category, date, reason, receipts, customer/project) and route it."""
    with uow:
        requester, tz = requester_of(uow.session, requester_id)
        req = build_expense(uow.session, data, requester=requester, tz=tz, now=now)
        return _create(uow, req, requester, config=config, now=now, cc=_chosen_cc(data))


def build_expense(session: Session, data: dict[str, Any], *, requester: Staff, tz: ZoneInfo,
                  now: datetime) -> ApprovalRequest:
    """An expense claim (not yet stored) from the form's answers, validated; the customer must be the office's."""
    record = _validated(ExpenseIn, {k: data.get(k) for k in ("amount", "category", "spent_on", "reason",
                                                             "customer_id", "project", "invoice")
                                    if k != "invoice" or data.get(k) is not None},
                        today=now.astimezone(tz).date())
    customer = _customer_in_office(session, record.customer_id, requester.office_id)
    if record.customer_id is not None and customer is None:
        raise RequestInvalid([FieldError("customer_id", "invalid")])
    payload = {"spent_on": record.spent_on.isoformat(), "reason": record.reason, "project": record.project,
               "customer_id": record.customer_id, "customer_name": customer.name if customer else None,
               "invoice": record.invoice}
    if record.category in PROJECT_EXPENSE_CATEGORIES:  # its contract or tender (issue #11)
        payload.update(project_links(session, office_id=requester.office_id, data=data))
    return ApprovalRequest(kind="expense", amount=record.amount, category=record.category.value,
                           photos=[str(p) for p in data.get("photos") or []],
                           payload={k: v for k, v in payload.items() if v is not None})


def _chosen_cc(data: dict[str, Any]) -> list[int]:
    """The person the requester chose to copy (the form's optional `cc` lookup), if any."""
    value = data.get("cc")
    return [int(value)] if isinstance(value, int) and not isinstance(value, bool) else []


def submit_purchase(uow: UnitOfWork, *, requester_id: int, data: dict[str, Any], config: ApprovalConfig,
                    now: datetime) -> Submitted:
    """Create an office purchase (办公资源申请: item, quantity, estimated unit price, reason), routed by its total."""
    with uow:
        requester, _tz = requester_of(uow.session, requester_id)
        quantity, price = int(data["quantity"]), Decimal(str(data["unit_price"]))
        if not 1 <= quantity <= 9999 or price <= 0 or data.get("purpose") not in ("supplies", "equipment"):
            raise RequestInvalid([FieldError("quantity" if not 1 <= quantity <= 9999 else "unit_price", "invalid")])
        payload = {"item": data["item"], "quantity": quantity, "unit_price": str(price), "reason": data["reason"],
                   "purpose": data["purpose"]}
        req = ApprovalRequest(kind="purchase", amount=(price * quantity).quantize(Decimal("0.01")), payload=payload)
        return _create(uow, req, requester, config=config, now=now)


def requester_of(session: Session, requester_id: int) -> tuple[Staff, ZoneInfo]:
    """The requester and their office's time zone."""
    requester = session.get(Staff, requester_id)
    if requester is None:
        raise LookupError(f"no staff {requester_id}")
    return requester, zones.staff_zone(session, requester)


def _validated(model: type[RecordT], data: dict[str, Any], *, today: date) -> RecordT:
    """Validate through the domain schema; errors become RequestInvalid."""
    try:
        return parse_record(model, data, today=today)
    except ValidationError as exc:
        raise RequestInvalid(field_errors(exc)) from exc


def _customer_in_office(session: Session, customer_id: int | None, office_id: int | None) -> Customer | None:
    """The customer, only when it belongs to the requester's office."""
    customer = session.get(Customer, customer_id) if customer_id else None
    return customer if customer is not None and customer.office_id == office_id else None


def _create(uow: UnitOfWork, req: ApprovalRequest, requester: Staff, *, config: ApprovalConfig,
            now: datetime, cc: Collection[int] = ()) -> Submitted:
    """Resolve the chain, store the request, send the card to the first approvers, commit."""
    session = uow.session
    roles, steps = chain_of(session, req, requester, config=config)
    if not steps:
        return Submitted(Outcome.NO_APPROVER, role=roles[0])
    req.requester_id, req.office_id, req.status, req.step_index = requester.id, requester.office_id, "pending", 0
    req.chain, req.created_at, req.step_since = [s.to_json() for s in steps], now, now
    req.cc = _cc_of(session, req, requester, config=config, chosen=cc)
    session.add(req)
    session.flush()
    first = activate(session, req, away=away_on(session, req, now=now), now=now) or steps[0]
    audit.record(session, actor_id=requester.id, action="approval.submit", entity="approval_request",
                 entity_id=req.id, at=now, detail={"kind": req.kind, "chain": req.chain, "cc": req.cc})
    uow.commit()
    _ = translator(requester.locale)
    return Submitted(Outcome.DONE, req.id, ", ".join(_names(session, first.approvers)), first.role,
                     chain=tuple(chain_lines(session, _, req, office_tz(session, req))),
                     cc=names(session, req.cc) if req.cc else "", actions=actions_for(req), card=requester_card(req))


def chain_of(session: Session, req: ApprovalRequest, requester: Staff, *,
             config: ApprovalConfig) -> tuple[list[str], tuple[ChainStep, ...]]:
    """The configured roles for the request (a purchase's purpose included), and the people of each step."""
    purpose = (req.payload or {}).get("purpose") if req.kind == "purchase" else None
    roles = [r.value for r in chain_for(config, kind=req.kind, amount=req.amount, category=req.category,
                                        purpose=purpose)]
    steps = resolve_chain(roles, requester_id=requester.id, manager_id=requester.manager_id,
                          holders=lambda role: _holders(session, role, requester.office_id))
    return roles, steps


def _cc_of(session: Session, req: ApprovalRequest, requester: Staff, *, config: ApprovalConfig,
           chosen: Collection[int]) -> list[int]:
    """抄送: holders of the kind's configured roles plus the people the requester chose (active, not themselves)."""
    ids = [i for role in config.cc_roles(req.kind) for i in _holders(session, role.value, requester.office_id)]
    for staff_id in chosen:
        person = session.get(Staff, staff_id)
        if person is not None and person.active:
            ids.append(person.id)
    return [i for i in dict.fromkeys(ids) if i != requester.id]


def away_on(session: Session, req: ApprovalRequest, *, now: datetime) -> set[int]:
    """Who is on approved leave today (the request's office day): their steps go to a stand-in."""
    today = now.astimezone(office_tz(session, req)).date()
    return people_on_leave(session, office_ids=None, day=today)


def _holders(session: Session, role: str, office_id: int | None) -> list[int]:
    """Who holds `role`: office roles only within the requester's office (none without one)."""
    if role not in HQ_ROLES and office_id is None:
        return []
    return [s.id for s in holders_of(session, role=role, office_id=office_id)]


def _names(session: Session, ids: tuple[int, ...]) -> list[str]:
    """Names of people by id."""
    return [p.name for p in (session.get(Staff, i) for i in ids) if p is not None]


def check_turn(uow: UnitOfWork, *, request_id: int, step: int, approver_id: int) -> Decided:
    """May this person decide this step now? (Used before opening the comment form.)"""
    with uow:
        return _refusal(uow.session, request_id, step, approver_id) or Decided(Outcome.DONE, request_id)


def _refusal(session: Session, request_id: int, step: int, approver_id: int) -> Decided | None:
    """Why `approver_id` cannot decide `step` of the request now; None when they can."""
    req = session.get(ApprovalRequest, request_id)
    steps = steps_of(req) if req is not None else []
    if req is None or not 0 <= step < len(steps):
        return Decided(Outcome.NOT_FOUND, request_id)
    if approver_id not in steps[step].approvers:
        return Decided(Outcome.NOT_ALLOWED, request_id)
    if req.status == "pending" and req.step_index == step:
        return None
    return _already(session, req, step)


def _already(session: Session, req: ApprovalRequest, step: int) -> Decided:
    """What happened to a step someone tried to decide too late (or too early)."""
    row = session.scalars(select(ApprovalStep).where(ApprovalStep.request_id == req.id,
                                                     ApprovalStep.step_index == step)
                          .order_by(ApprovalStep.round.desc())).first()
    if row is not None:
        who = session.get(Staff, row.approver_id)
        return Decided(Outcome.ALREADY_DECIDED, req.id, status=req.status, by=who.name if who else "?",
                       at=row.decided_at, decision=row.decision, kind=req.kind)
    if req.status == "withdrawn":
        return Decided(Outcome.WITHDRAWN, req.id, status=req.status, kind=req.kind)
    if req.status == "pending" and step > req.step_index:
        return Decided(Outcome.NOT_YOUR_TURN, req.id, status=req.status, kind=req.kind)
    return Decided(Outcome.ALREADY_DECIDED, req.id, status=req.status, kind=req.kind)


def decide(uow: UnitOfWork, *, request_id: int, step: int, approver_id: int, decision: Decision,
           comment: str | None, now: datetime,
           pressed: tuple[str, str] | None = None) -> Decided:
    """Record one approver's decision on the current step — exactly once, whoever else taps."""
    with uow:
        session = uow.session
        refusal = _refusal(session, request_id, step, approver_id)
        if refusal is not None:
            return refusal
        req = cast(ApprovalRequest, session.get(ApprovalRequest, request_id))
        steps = steps_of(req)
        status, index = next_state(chain_len=len(steps), step_index=step, status=RequestStatus.PENDING,
                                   decision=decision)
        if not _move(session, req.id, step, status=status.value, index=index, now=now):
            uow.rollback()
            return _lost_race(session, request_id, step)
        try:
            session.add(ApprovalStep(request_id=req.id, round=req.round, step_index=step, role=steps[step].role,
                                     approver_id=approver_id, decision=decision.value, comment=comment,
                                     decided_at=now))
            session.flush()
        except IntegrityError:
            uow.rollback()
            return _lost_race(session, request_id, step)
        session.refresh(req)
        retire(session, req, step=step, round_=req.round, now=now, skip=pressed)
        retire_requester_side(session, req, keys=[requester_card_key(req.id, step, req.round)], now=now)
        return _after_decision(uow, req, step, approver_id, decision, comment, now)


def _move(session: Session, request_id: int, step: int, *, status: str, index: int, now: datetime) -> bool:
    """The guarded update: True only for the one caller that moved the request off `step`."""
    values: dict[str, Any] = {"status": status, "step_index": index, "step_since": now, "nudged_at": None}
    if status != "pending":
        values["decided_at"] = now
    stmt = (update(ApprovalRequest)
            .where(ApprovalRequest.id == request_id, ApprovalRequest.status == "pending",
                   ApprovalRequest.step_index == step)
            .values(**values).execution_options(synchronize_session=False))
    result = cast(CursorResult[Any], session.execute(stmt))
    return result.rowcount == 1


def _lost_race(session: Session, request_id: int, step: int) -> Decided:
    """Reload after losing: someone else decided (or withdrew) this step first."""
    req = session.get(ApprovalRequest, request_id, populate_existing=True)
    if req is None:
        return Decided(Outcome.NOT_FOUND, request_id)
    return _already(session, req, step)


def _after_decision(uow: UnitOfWork, req: ApprovalRequest, step_no: int, approver_id: int,
                    decision: Decision, comment: str | None, now: datetime) -> Decided:
    """Audit, tell the requester, send the card to the next approvers, commit."""
    session = uow.session
    decider = cast(Staff, session.get(Staff, approver_id))
    step = steps_of(req)[step_no]
    audit.record(session, actor_id=approver_id, action=f"approval.{decision.value}", entity="approval_request",
                 entity_id=req.id, at=now, detail={"step": step_no, "role": step.role, "comment": comment})
    tell_requester(session, req, decider=decider, step=step, comment=comment, now=now)
    nxt = activate(session, req, away=away_on(session, req, now=now), now=now)
    tell_cc(session, req, now=now)
    result = Decided(Outcome.DONE, req.id, status=req.status, by=decider.name, at=now, decision=decision.value,
                     kind=req.kind,
                     next_names=", ".join(_names(session, nxt.approvers)) if nxt else None,
                     next_role=nxt.role if nxt else None,
                     card_text=card(session, req, locale=decider.locale, buttons=False).text)
    uow.commit()
    return result


def withdraw(uow: UnitOfWork, *, request_id: int, requester_id: int, now: datetime) -> Decided:
    """The requester takes back a request no approver of this round has decided yet, or one sent back for
    changes; the approvers of the step it waited at are told, and every card of it loses its buttons."""
    with uow:
        session = uow.session
        req = session.get(ApprovalRequest, request_id)
        if req is None or req.requester_id != requester_id or req.kind in NOT_WITHDRAWABLE:
            return Decided(Outcome.NOT_FOUND, request_id)
        stmt = (update(ApprovalRequest)
                .where(ApprovalRequest.id == request_id,
                       or_(and_(ApprovalRequest.status == "pending", ApprovalRequest.step_index == 0),
                           ApprovalRequest.status == "returned"))  # domain.approvals.can_withdraw
                .values(status="withdrawn", decided_at=now).execution_options(synchronize_session=False))
        if cast(CursorResult[Any], session.execute(stmt)).rowcount != 1:
            uow.rollback()
            return _lost_race(session, request_id, 0)
        session.refresh(req)
        tell_withdrawn(session, req, now=now)
        retire(session, req, step=0, round_=req.round, now=now)
        retire_requester_side(session, req, keys=[requester_card_key(req.id, 0, req.round),
                                                  requester_card_key(req.id, None, req.round)],
                              now=now)
        audit.record(session, actor_id=requester_id, action="approval.withdraw", entity="approval_request",
                     entity_id=req.id, at=now)
        uow.commit()
        return Decided(Outcome.DONE, req.id, status=req.status, kind=req.kind)


def people_on_leave(session: Session, *, office_ids: Collection[int] | None, day: date,
                    kinds: Collection[str] = ("leave",)) -> set[int]:
    """Staff ids with an approved request of `kinds` (default: leave) covering the office-local `day`."""
    query = select(ApprovalRequest.requester_id).where(
        ApprovalRequest.status == "approved", ApprovalRequest.kind.in_(list(kinds)),
        ApprovalRequest.first_day <= day, ApprovalRequest.last_day >= day)
    if office_ids is not None:
        query = query.where(ApprovalRequest.office_id.in_(list(office_ids)))
    return set(session.scalars(query))

