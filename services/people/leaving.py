"""Leaving (离职): deactivate a person at once and hand every piece of their open work to a successor.

One transaction, guarded by a conditional UPDATE (of two taps exactly one deactivates): the chat
loses access at the next update (`find_by_account` only knows active staff); approval steps they were
to decide go to the successor (who gets the card if it is their turn); their own pending expense
claims move to the successor, their leave/outing/trip requests are withdrawn; open repairs they
were assigned or reported, bank drafts still to mature, customers they created (warranty reminders),
the people they managed and their open meeting tasks follow; their half-filled form is dropped;
the probation closes. A leaving checklist (交接, 资产归还) opens for the admin to tick, naming the fixed
assets still registered to them (returned through /assets, with its audit trail).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.orm import Session

from domain.roles import PEOPLE_CARE_ROLES
from services.approvals.notices import current_step, send_card, steps_of, tell_withdrawn
from services.i18n.catalogs import translator
from services.messaging import outbox
from services.messaging.messages import OutMessage
from services.people.checklists import LEAVING, LEAVING_ITEMS, checklist_card
from services.platform import audit
from services.platform.staff import StaffView
from storage.models import (
    ApprovalRequest,
    Customer,
    Departure,
    Draft,
    FixedAsset,
    MeetingTask,
    OnboardingItem,
    Payment,
    Probation,
    RepairRecord,
    Staff,
)
from storage.uow import UnitOfWork

AWAY_KINDS = ("leave", "outing", "trip")
OPEN_REPAIRS = ("reported", "assigned", "repaired")
MAY_OFFBOARD = PEOPLE_CARE_ROLES


@dataclass(frozen=True)
class OpenWork:
    """What a person still holds: counts shown before the successor is chosen."""

    name: str
    counts: dict[str, int]
    colleagues: list[tuple[int, str]] = field(default_factory=list)


def _may_offboard(viewer: StaffView, person: Staff) -> bool:
    """The person's office admin or head, or HR; never oneself."""
    if person.id == viewer.id:
        return False
    return "hr" in viewer.roles or (viewer.has_any(MAY_OFFBOARD) and person.office_id == viewer.office_id)


def _person(session: Session, viewer: StaffView, name: str) -> Staff | None:
    """An active person by exact name the viewer may offboard."""
    found = session.scalars(select(Staff).where(Staff.name == name.strip(), Staff.active.is_(True)).limit(2)).all()
    candidates = [p for p in found if _may_offboard(viewer, p)]
    return candidates[0] if len(candidates) == 1 else None


def open_work(uow: UnitOfWork, *, viewer: StaffView, name: str) -> tuple[int, OpenWork] | None:
    """The person's open work and the colleagues who may take it over; None if not found or not allowed."""
    with uow:
        session = uow.session
        person = _person(session, viewer, name)
        if person is None:
            return None
        colleagues = session.scalars(select(Staff).where(Staff.office_id == person.office_id,
                                                         Staff.active.is_(True), Staff.id != person.id)
                                     .order_by(Staff.id)).all()
        return person.id, OpenWork(person.name, _counts(session, person.id),
                                   [(c.id, c.name) for c in colleagues])


def _counts(session: Session, staff_id: int) -> dict[str, int]:
    """How many of each kind of open work the person holds."""
    pending = session.scalars(select(ApprovalRequest).where(ApprovalRequest.status == "pending")).all()
    return {
        "to_decide": sum(1 for r in pending if _waits_on(r, staff_id)),
        "requests": sum(1 for r in pending if r.requester_id == staff_id),
        "repairs": len(_open_repairs(session, staff_id)),
        "drafts": len(_live_drafts(session, staff_id)),
    }


def _waits_on(req: ApprovalRequest, staff_id: int) -> bool:
    """Whether the person is among the approvers of a step not yet decided."""
    return any(staff_id in step.approvers for step in steps_of(req)[req.step_index:])


def _open_repairs(session: Session, staff_id: int) -> list[RepairRecord]:
    """Repairs not yet accepted that the person was assigned or reported."""
    return list(session.scalars(select(RepairRecord).where(
        RepairRecord.status.in_(OPEN_REPAIRS),
        (RepairRecord.technician_id == staff_id) | (RepairRecord.created_by == staff_id))))


def _live_drafts(session: Session, staff_id: int) -> list[Payment]:
    """Bank drafts (承兑汇票) the person logged that have not matured yet: their reminders need an owner."""
    return list(session.scalars(select(Payment).where(Payment.staff_id == staff_id, Payment.kind == "draft",
                                                      Payment.matures_on.is_not(None))))


@dataclass(frozen=True)
class Left:
    """The result of a confirmed departure."""

    outcome: str  # "done", "already", "not_found"
    moved: dict[str, int] = field(default_factory=dict)
    name: str = ""
    successor: str = ""


def deactivate(uow: UnitOfWork, *, viewer: StaffView, staff_id: int, successor_id: int, now: datetime) -> Left:
    """Deactivate the person now and reassign their open work to the successor, exactly once."""
    with uow:
        session = uow.session
        person, successor = session.get(Staff, staff_id), session.get(Staff, successor_id)
        if (person is None or successor is None or not _may_offboard(viewer, person) or not successor.active
                or successor.id == person.id or successor.office_id != person.office_id):
            return Left("not_found")
        stmt = (update(Staff).where(Staff.id == staff_id, Staff.active.is_(True)).values(active=False)
                .execution_options(synchronize_session=False))
        if cast(CursorResult[Any], session.execute(stmt)).rowcount != 1:
            return Left("already", name=person.name)
        session.refresh(person)
        moved = _reassign(session, person, successor, now=now)
        session.add(Departure(staff_id=person.id, left_at=now, by_id=viewer.id, successor_id=successor.id,
                              moved=moved))
        for position, item in enumerate(LEAVING_ITEMS):
            session.add(OnboardingItem(staff_id=person.id, checklist=LEAVING, item=item, position=100 + position))
        audit.record(session, actor_id=viewer.id, action="staff.leave", entity="staff", entity_id=person.id, at=now,
                     detail={"successor": successor.id, **moved})
        session.flush()
        _tell_successor(session, person, successor, moved, now=now)
        uow.commit()
        return Left("done", moved, person.name, successor.name)


def _reassign(session: Session, person: Staff, successor: Staff, *, now: datetime) -> dict[str, int]:
    """Move every open thing from `person` to `successor`; counts per kind."""
    moved = {"to_decide": 0, "requests": 0, "withdrawn": 0, "repairs": 0, "drafts": 0, "customers": 0,
             "reports_to": 0, "tasks": 0}
    for req in session.scalars(select(ApprovalRequest).where(ApprovalRequest.status == "pending")).all():
        if req.requester_id == person.id:
            _move_own_request(session, req, successor, moved, now=now)
        elif _waits_on(req, person.id):
            _move_steps(session, req, person.id, successor.id, now=now)
            moved["to_decide"] += 1
    for repair in _open_repairs(session, person.id):
        if repair.technician_id == person.id:
            repair.technician_id, repair.technician_name = successor.id, successor.name
        if repair.created_by == person.id:
            repair.created_by = successor.id
        moved["repairs"] += 1
    for payment in _live_drafts(session, person.id):
        payment.staff_id = successor.id
        moved["drafts"] += 1
    moved["customers"] = _bulk(session, update(Customer).where(Customer.created_by == person.id)
                               .values(created_by=successor.id))
    moved["reports_to"] = _bulk(session, update(Staff).where(Staff.manager_id == person.id)
                                .values(manager_id=successor.id))
    moved["tasks"] = _bulk(session, update(MeetingTask).where(MeetingTask.owner_id == person.id,
                                                              MeetingTask.done_at.is_(None))
                           .values(owner_id=successor.id))
    session.execute(delete(Draft).where(Draft.staff_id == person.id))
    probation = session.get(Probation, person.id)
    if probation is not None:
        probation.closed = True
    return moved


def _bulk(session: Session, stmt: Any) -> int:
    """Run an UPDATE; how many rows it changed."""
    return int(cast(CursorResult[Any], session.execute(stmt.execution_options(synchronize_session=False))).rowcount)


def _move_own_request(session: Session, req: ApprovalRequest, successor: Staff, moved: dict[str, int], *,
                      now: datetime) -> None:
    """A leaver's absence request is moot (withdrawn, approvers told); any other goes to the successor."""
    if req.kind in AWAY_KINDS or req.kind == "confirmation":
        req.status, req.decided_at = "withdrawn", now
        session.flush()
        tell_withdrawn(session, req, now=now)
        moved["withdrawn"] += 1
        return
    req.payload = {**(req.payload or {}), "taken_over_from": req.requester_id}
    req.requester_id = successor.id
    moved["requests"] += 1


def _move_steps(session: Session, req: ApprovalRequest, old: int, new: int, *, now: datetime) -> None:
    """Put the successor in the leaver's place in every step still to come; send the card if it is theirs now."""
    chain = []
    for index, item in enumerate(req.chain or []):
        if isinstance(item, dict) and index >= req.step_index:
            approvers = [new if a == old else a for a in item.get("approvers", [])]
            item = {**item, "approvers": list(dict.fromkeys(approvers))}
        chain.append(item)
    req.chain = chain
    session.flush()
    step = current_step(req)
    if step is not None and new in step.approvers:
        send_card(session, req, to=(new,), now=now)


def _tell_successor(session: Session, person: Staff, successor: Staff, moved: dict[str, int], *,
                    now: datetime) -> None:
    """The successor learns what they now hold; the office admins get the leaving checklist."""
    _ = translator(successor.locale)
    text = _("{name} has left. You now hold their open work: {to_decide} approval(s) to decide, {requests} "
             "request(s), {repairs} repair(s), {drafts} bank draft(s), {customers} customer(s).").format(
        name=person.name, **moved)
    outbox.enqueue(session, staff_id=successor.id, message=OutMessage(text), now=now)


def leaving_checklist(uow: UnitOfWork, *, staff_id: int, viewer: StaffView) -> OutMessage | None:
    """The leaver's checklist card with tick buttons, for the one who deactivated them."""
    with uow:
        person = uow.session.get(Staff, staff_id)
        if person is None or not _may_offboard(viewer, person):
            return None
        card = checklist_card(uow.session, staff_id=staff_id, locale=viewer.locale, buttons=True)
        held = uow.session.scalars(select(FixedAsset).where(FixedAsset.holder_id == staff_id)
                                   .order_by(FixedAsset.asset_no)).all()
        if not held:
            return card
        _ = translator(viewer.locale)
        text = card.text + "\n" + _("Assets still registered to them: {assets}").format(
            assets="、".join(f"{a.asset_no} {a.name}" for a in held))
        return OutMessage(text, buttons=card.buttons)
