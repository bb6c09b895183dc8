"""The repair log (售后维修记录): report → assign a technician → repaired → accepted by the customer.

```mermaid
stateDiagram-v2
    [*] --> reported: anyone in the office reports (/repair); heads get technician buttons
    reported --> assigned: head/admin taps a technician (REPAIR_ASSIGN); technician gets the job card
    assigned --> assigned: handed to another technician; or a due time set (REPAIR_DUE)
    assigned --> assigned: past its due time, chased once (services/records/repair_chasing.py, hourly)
    assigned --> repaired: technician closes the job (REPAIR cl, a form: 故障原因, 维修结果, ...) unsigned
    assigned --> accepted: closed with 客户验收人 given (signed on site; both steps audited)
    repaired --> accepted: technician or head records the customer's acceptance (REPAIR ac, a form)
    accepted --> [*]: reporter and office heads told at close and at acceptance
```
Every change is a conditional UPDATE on the status and technician read, so two taps cannot both win.
The job card a technician gets carries the site from the archive (address, 乘车路线, an AMap link,
the contact) and is followed by the fault's photos (OutMessage.parts: the card first).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlalchemy.orm import Session

from domain import workdays
from domain.callbacks import REPAIR, REPAIR_ASSIGN, pack
from domain.records import RepairAction, RepairIn, RepairStatus, RepairTransitionError, advance_repair, in_warranty
from domain.repair_rules import DUE_CHOICES, due_day, due_time, map_link
from domain.validation import parse_record
from services.i18n.catalogs import N_, Translate, translator
from services.i18n.words import ADDRESS_LINE, CONTACT_LINE, ROUTE_LINE, STATUS_LINE
from services.messaging import outbox
from services.messaging.messages import Button, OutMessage, button_rows
from services.platform import audit, zones
from services.platform.staff import StaffView, holders_of
from services.records import access
from storage.models import Customer, Office, RepairRecord, Staff
from storage.uow import UnitOfWork

STATUS_LABELS = {
    RepairStatus.REPORTED: N_("reported, waiting for a technician"),
    RepairStatus.ASSIGNED: N_("assigned to a technician"),
    RepairStatus.REPAIRED: N_("repaired, waiting for the customer's acceptance"),
    RepairStatus.ACCEPTED: N_("accepted by the customer"),
}
CLOSE_JOB = N_("✅ Close the job")
ASSIGN_PROMPT = N_("Assign a technician:")
NO_TECHNICIAN = N_("No technician is registered in this office yet.")


class Outcome(StrEnum):
    """What became of a request to change a repair job."""

    done = "done"
    not_found = "not_found"
    not_allowed = "not_allowed"
    wrong_state = "wrong_state"
    unchanged = "unchanged"


@dataclass(frozen=True)
class RepairCard:
    """A repair job as handlers, messages and exports show it."""

    id: int
    office_id: int
    office_name: str
    customer_id: int
    customer_name: str
    reporter: str
    phone: str | None
    reported_on: date
    fault: str
    status: RepairStatus
    in_warranty: bool | None
    technician_id: int | None = None
    technician_name: str | None = None
    repaired_on: date | None = None
    labour_hours: Decimal | None = None
    parts: list[tuple[str, int]] = field(default_factory=list)
    accepted_by: str | None = None
    photos: list[str] = field(default_factory=list)
    created_by: int | None = None
    cause: str | None = None
    resolution: str | None = None
    due_at: datetime | None = None
    timezone: str = "Asia/Shanghai"
    site: Site | None = None


@dataclass(frozen=True)
class Site:
    """Where the job is, from the customer archive: what a technician needs to get there and whom to call."""

    address: str | None
    route: str | None
    contact: str | None
    phone: str | None
    map_url: str | None


@dataclass(frozen=True)
class RepairResult:
    """The outcome and the job as it is now (when the person may see it)."""

    outcome: Outcome
    card: RepairCard | None = None


def card_of(session: Session, repair: RepairRecord) -> RepairCard:
    """Snapshot a repair row with its customer's and office's names and the customer's site."""
    customer = session.get(Customer, repair.customer_id)
    office = session.get(Office, repair.office_id)
    site = None if customer is None else Site(
        address=customer.address, route=customer.route, contact=customer.contact, phone=customer.phone,
        map_url=map_link(name=customer.name, address=customer.address, lat=customer.lat, lon=customer.lon))
    return RepairCard(
        id=repair.id, office_id=repair.office_id, office_name=office.name if office else "",
        customer_id=repair.customer_id, customer_name=customer.name if customer else "?",
        reporter=repair.reporter, phone=repair.phone, reported_on=repair.reported_on, fault=repair.fault,
        status=RepairStatus(repair.status), in_warranty=repair.in_warranty, technician_id=repair.technician_id,
        technician_name=repair.technician_name, repaired_on=repair.repaired_on, labour_hours=repair.labour_hours,
        parts=[(str(n), int(q)) for n, q in (repair.parts or [])], accepted_by=repair.accepted_by,
        photos=list(repair.photos or []), created_by=repair.created_by, cause=repair.cause,
        resolution=repair.resolution, due_at=repair.due_at, timezone=zones.zone_name(office),
        site=site,
    )


def covered_by_warranty(customer: Customer, on: date) -> bool | None:
    """The archive's warranty rule on `on`; None when acceptance date or years are unknown."""
    if customer.accepted_on is None or customer.warranty_years is None:
        return None
    return in_warranty(customer.accepted_on, customer.warranty_years, on)


def report(uow: UnitOfWork, *, viewer: StaffView, data: RepairIn, photos: list[str], now: datetime
           ) -> RepairCard | None:
    """Log a reported fault; office heads get technician buttons. None: customer not visible."""
    with uow:
        customer = access.visible(uow.session, Customer, data.customer_id, viewer)
        if customer is None:
            return None
        repair = RepairRecord(
            office_id=customer.office_id, customer_id=customer.id, reporter=data.reporter, phone=data.phone,
            reported_on=data.reported_on, fault=data.fault, status=RepairStatus.REPORTED.value,
            in_warranty=covered_by_warranty(customer, data.reported_on), photos=list(photos), parts=[],
            created_by=viewer.id, created_at=now, updated_at=now,
        )
        uow.session.add(repair)
        _complete_contact(customer, contact=data.reporter, phone=data.phone)
        uow.session.flush()
        audit.record(uow.session, actor_id=viewer.id, action="report", entity="repair", entity_id=repair.id, at=now)
        card = card_of(uow.session, repair)
        _ask_heads_to_assign(uow.session, card, now=now)
        uow.commit()
        return card


def _complete_contact(customer: Customer, *, contact: str, phone: str | None) -> None:
    """A customer created on the spot (name only) learns its contact and phone from the first report."""
    if not customer.contact:
        customer.contact = contact
    if not customer.phone and phone:
        customer.phone = phone


def _ask_heads_to_assign(session: Session, card: RepairCard, *, now: datetime) -> None:
    """Queue the new job, with one button per technician, for the office's heads."""
    techs = holders_of(session, role="technician", office_id=card.office_id)
    for head in holders_of(session, role="office_head", office_id=card.office_id):
        _ = translator(head.locale)
        text = _("🔧 New repair job") + "\n" + describe(card, _)
        text += "\n" + (_(ASSIGN_PROMPT) if techs else _(NO_TECHNICIAN))
        buttons = [Button("👷 " + t.name, pack(REPAIR_ASSIGN, repair=card.id, staff=t.id)) for t in techs[:12]]
        message = OutMessage(text, buttons=button_rows(buttons), photos=tuple(card.photos))
        outbox.enqueue(session, staff_id=head.id, message=message, now=now)


def get(uow: UnitOfWork, *, viewer: StaffView, repair_id: int) -> RepairCard | None:
    """One repair job, or None when missing or not the person's to see."""
    with uow:
        repair = access.visible(uow.session, RepairRecord, repair_id, viewer)
        return None if repair is None else card_of(uow.session, repair)


def may_act(uow: UnitOfWork, *, viewer: StaffView, repair_id: int, action: RepairAction) -> RepairResult:
    """Whether the person may close or accept the job now (checked before its form opens)."""
    with uow:
        repair = access.visible(uow.session, RepairRecord, repair_id, viewer)
        if repair is None:
            return RepairResult(Outcome.not_found)
        card = card_of(uow.session, repair)
        if not access.may_close(viewer, repair):
            return RepairResult(Outcome.not_allowed, card)
        try:
            advance_repair(card.status, action)
        except RepairTransitionError:
            return RepairResult(Outcome.wrong_state, card)
        return RepairResult(Outcome.done, card)


def technicians(uow: UnitOfWork, *, viewer: StaffView, repair_id: int) -> list[tuple[int, str]] | None:
    """Technicians the person may give this job to; None when they may not assign it."""
    with uow:
        repair = access.visible(uow.session, RepairRecord, repair_id, viewer)
        if repair is None or not access.may_assign(viewer, repair):
            return None
        return [(t.id, t.name) for t in holders_of(uow.session, role="technician", office_id=repair.office_id)]


def assign(uow: UnitOfWork, *, viewer: StaffView, repair_id: int, technician_id: int, now: datetime
           ) -> RepairResult:
    """Give the job to a technician of its office and tell them."""
    with uow:
        session = uow.session
        repair = access.visible(session, RepairRecord, repair_id, viewer)
        if repair is None:
            return RepairResult(Outcome.not_found)
        tech = session.get(Staff, technician_id)
        if not access.may_assign(viewer, repair) or not _is_technician_of(tech, repair.office_id):
            return RepairResult(Outcome.not_allowed, card_of(session, repair))
        assert tech is not None
        if repair.technician_id == tech.id and repair.status == RepairStatus.ASSIGNED:
            return RepairResult(Outcome.unchanged, card_of(session, repair))
        if not _move(session, repair, RepairAction.ASSIGN, now, technician_id=tech.id, technician_name=tech.name):
            return RepairResult(Outcome.wrong_state, card_of(session, repair))
        audit.record(session, actor_id=viewer.id, action="assign", entity="repair", entity_id=repair.id, at=now,
                     detail={"technician_id": tech.id})
        card = card_of(session, repair)
        outbox.enqueue(session, staff_id=tech.id, now=now, message=job_notice(card, translator(tech.locale)))
        uow.commit()
        return RepairResult(Outcome.done, card)


def job_notice(card: RepairCard, _: Translate, headline: str = N_("🔧 You have a repair job")) -> OutMessage:
    """The technician's job card: the fault, the site (address, route, map, contact), the photos, Close."""
    text = _(headline) + "\n" + describe(card, _) + "\n" + site_text(card, _)
    return OutMessage(text, buttons=((Button(_(CLOSE_JOB), pack(REPAIR, repair=card.id, action="cl")),),),
                      photos=tuple(card.photos))


def set_due(uow: UnitOfWork, *, viewer: StaffView, repair_id: int, working_days: int, now: datetime,
            is_working_day: Callable[[date], bool] = workdays.is_working_day) -> RepairResult:
    """Give an assigned job a due time (end of the office's day, N working days ahead); the technician is told."""
    with uow:
        session = uow.session
        repair = access.visible(session, RepairRecord, repair_id, viewer)
        if repair is None or working_days not in DUE_CHOICES:
            return RepairResult(Outcome.not_found)
        card = card_of(session, repair)
        if not access.may_assign(viewer, repair):
            return RepairResult(Outcome.not_allowed, card)
        if card.status != RepairStatus.ASSIGNED:
            return RepairResult(Outcome.wrong_state, card)
        tz = ZoneInfo(card.timezone)
        office = session.get(Office, repair.office_id)
        work_end = office.work_end if office else time(17, 30)
        day = due_day(now.astimezone(tz).date(), working_days, is_working_day=is_working_day)
        due = due_time(day, work_end=work_end, tz=tz)
        if repair.due_at is not None and repair.due_at == due:
            return RepairResult(Outcome.unchanged, card)
        repair.due_at, repair.updated_at = due, now
        session.flush()
        audit.record(session, actor_id=viewer.id, action="set_due", entity="repair", entity_id=repair.id, at=now,
                     detail={"due_at": due.isoformat()})
        card = card_of(session, repair)
        tech = session.get(Staff, repair.technician_id) if repair.technician_id else None
        if tech is not None and tech.active and tech.id != viewer.id:
            _ = translator(tech.locale)
            outbox.enqueue(session, staff_id=tech.id, now=now, message=OutMessage(
                _("⏰ Repair #{id} ({customer}) is due by {due}.").format(
                    id=card.id, customer=card.customer_name, due=due_text(card)),
                buttons=((Button(_(CLOSE_JOB), pack(REPAIR, repair=card.id, action="cl")),),)))
        uow.commit()
        return RepairResult(Outcome.done, card)


def _is_technician_of(staff: Staff | None, office_id: int) -> bool:
    """An active technician of that office."""
    return staff is not None and staff.active and staff.office_id == office_id and "technician" in staff.roles


def _move(session: Session, repair: RepairRecord, action: RepairAction, now: datetime, **values: object) -> bool:
    """Apply a lifecycle step as a conditional UPDATE on the status and technician we read; False if it lost a race."""
    try:
        new_status = advance_repair(RepairStatus(repair.status), action)
    except RepairTransitionError:
        return False
    same_technician = (RepairRecord.technician_id.is_(None) if repair.technician_id is None
                       else RepairRecord.technician_id == repair.technician_id)
    result = session.execute(
        update(RepairRecord).where(RepairRecord.id == repair.id, RepairRecord.status == repair.status, same_technician)
        .values(status=new_status.value, updated_at=now, **values)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    session.refresh(repair)
    return True


@dataclass(frozen=True)
class Closing:
    """What the technician enters when the job is done."""

    repaired_on: date
    labour_hours: Decimal
    parts: list[tuple[str, int]]
    accepted_by: str | None = None
    cause: str | None = None
    resolution: str | None = None


def _checked(repair: RepairCard, closing: Closing, *, today: date) -> RepairIn:
    """The whole record with the closing answers, validated by the domain schema."""
    return parse_record(RepairIn, {
        "customer_id": repair.customer_id, "reporter": repair.reporter, "phone": repair.phone or "",
        "reported_on": repair.reported_on, "fault": repair.fault, "technician": repair.technician_name,
        "repaired_on": closing.repaired_on, "labour_hours": closing.labour_hours, "parts": closing.parts,
        "accepted_by": closing.accepted_by, "cause": closing.cause, "resolution": closing.resolution,
    }, today=today)


def _closable(session: Session, repair_id: int, viewer: StaffView) -> RepairRecord | RepairResult:
    """The job if the viewer may close or accept it; otherwise the refusal to return."""
    repair = access.visible(session, RepairRecord, repair_id, viewer)
    if repair is None:
        return RepairResult(Outcome.not_found)
    if not access.may_close(viewer, repair):
        return RepairResult(Outcome.not_allowed, card_of(session, repair))
    return repair


def close(uow: UnitOfWork, *, viewer: StaffView, repair_id: int, closing: Closing, now: datetime) -> RepairResult:
    """Record the repair; with 客户验收人 it is accepted at once. Reporter and heads are told.

    The answers are checked against the job with the domain's rules (pydantic ValidationError).
    """
    with uow:
        session = uow.session
        repair = _closable(session, repair_id, viewer)
        if isinstance(repair, RepairResult):
            return repair
        data = _checked(card_of(session, repair), closing, today=now.astimezone(viewer.tz).date())
        parts = [[name, qty] for name, qty in data.parts]
        if not _move(session, repair, RepairAction.COMPLETE, now, repaired_on=data.repaired_on,
                     labour_hours=data.labour_hours, parts=parts, cause=data.cause, resolution=data.resolution):
            return RepairResult(Outcome.wrong_state, card_of(session, repair))
        audit.record(session, actor_id=viewer.id, action="complete", entity="repair", entity_id=repair.id, at=now)
        if data.accepted_by:
            _move(session, repair, RepairAction.ACCEPT, now, accepted_by=data.accepted_by)
            audit.record(session, actor_id=viewer.id, action="accept", entity="repair", entity_id=repair.id, at=now,
                         detail={"accepted_by": data.accepted_by})
        card = card_of(session, repair)
        _tell_closed(session, card, actor_id=viewer.id, now=now)
        uow.commit()
        return RepairResult(Outcome.done, card)


def accept(uow: UnitOfWork, *, viewer: StaffView, repair_id: int, accepted_by: str, now: datetime) -> RepairResult:
    """Record who accepted the repaired job for the customer; reporter and heads are told."""
    with uow:
        session = uow.session
        repair = _closable(session, repair_id, viewer)
        if isinstance(repair, RepairResult):
            return repair
        if not _move(session, repair, RepairAction.ACCEPT, now, accepted_by=accepted_by):
            return RepairResult(Outcome.wrong_state, card_of(session, repair))
        audit.record(session, actor_id=viewer.id, action="accept", entity="repair", entity_id=repair.id, at=now,
                     detail={"accepted_by": accepted_by})
        card = card_of(session, repair)
        _tell_closed(session, card, actor_id=viewer.id, now=now)
        uow.commit()
        return RepairResult(Outcome.done, card)


def _tell_closed(session: Session, card: RepairCard, *, actor_id: int, now: datetime) -> None:
    """Reporter, office heads and technician learn the job's new state (not the one who did it)."""
    people = {h.id: h for h in holders_of(session, role="office_head", office_id=card.office_id)}
    for staff_id in (card.created_by, card.technician_id):
        person = session.get(Staff, staff_id) if staff_id else None
        if person is not None and person.active:
            people[person.id] = person
    for person in people.values():
        if person.id == actor_id:
            continue
        _ = translator(person.locale)
        headline = _("✅ Repair job closed") if card.status == RepairStatus.REPAIRED else _("✅ Repair accepted")
        outbox.enqueue(session, staff_id=person.id, now=now,
                       message=OutMessage(headline + "\n" + describe(card, _)))


def warranty_text(value: bool | None, _: Translate) -> str:
    """In / out of warranty, or unknown."""
    if value is None:
        return _("unknown (no acceptance date in the archive)")
    return _("in warranty") if value else _("out of warranty")


def describe(card: RepairCard, _: Translate) -> str:
    """The job as a few lines, in the reader's language."""
    lines = [
        _("Repair #{id} — {customer}").format(id=card.id, customer=card.customer_name),
        _("Reported by: {who} {phone}").format(who=card.reporter, phone=card.phone or ""),
        _("Reported on: {day}").format(day=card.reported_on.isoformat()),
        _("Fault: {fault}").format(fault=card.fault),
        _("Warranty: {w}").format(w=warranty_text(card.in_warranty, _)),
        _(STATUS_LINE).format(status=_(STATUS_LABELS[card.status])),
    ]
    if card.technician_name:
        lines.append(_("Technician: {name}").format(name=card.technician_name))
    if card.due_at and card.status in (RepairStatus.REPORTED, RepairStatus.ASSIGNED):
        lines.append(_("Due by: {due}").format(due=due_text(card)))
    if card.repaired_on:
        lines.append(_("Repaired on: {day}, {hours} h").format(day=card.repaired_on.isoformat(),
                                                               hours=card.labour_hours))
    if card.parts:
        lines.append(_("Parts: {parts}").format(parts="、".join(f"{n}×{q}" for n, q in card.parts)))
    if card.cause:
        lines.append(_("Cause: {text}").format(text=card.cause))
    if card.resolution:
        lines.append(_("Result: {text}").format(text=card.resolution))
    if card.accepted_by:
        lines.append(_("Accepted by: {name}").format(name=card.accepted_by))
    return "\n".join(lines)


def due_text(card: RepairCard) -> str:
    """The due time on the office's clock."""
    return card.due_at.astimezone(ZoneInfo(card.timezone)).strftime("%Y-%m-%d %H:%M") if card.due_at else ""


def site_text(card: RepairCard, _: Translate) -> str:
    """Address, 乘车路线, map link and the customer's contact: the way to the job."""
    site = card.site or Site(None, None, None, None, None)
    lines = [
        _(ADDRESS_LINE).format(value=site.address or "—"),
        _(ROUTE_LINE).format(value=site.route or "—"),
        _(CONTACT_LINE).format(name=site.contact or card.reporter, phone=site.phone or card.phone or ""),
    ]
    if site.map_url:
        lines.append(_("Map: {url}").format(url=site.map_url))
    return "\n".join(lines)
