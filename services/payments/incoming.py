"""Incoming payments (来款汇票登记): log one, tell finance, list them, remind before a draft matures.

Who sees what: headquarters every office, office heads and admins their office, everyone else the
payments they logged themselves (`payment_scope`). Notices and reminders are queued in the outbox in
the same transaction as the change or the reminder key that records them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, false, func, select, true
from sqlalchemy.orm import Session

from domain import workdays
from domain.payments import (
    DRAFT_REMINDER_DAYS,
    OVERDUE_GRACE_DAYS,
    PaymentIn,
    PaymentKind,
    ReminderStage,
    reminder_key,
    reminder_stage,
)
from domain.periods import Period
from services.i18n.catalogs import N_, Translate, translator
from services.i18n.words import CUSTOMER_LINE, NOTE_LINE
from services.messaging import outbox
from services.messaging.messages import OutMessage
from services.platform import audit
from services.platform.staff import StaffView, holders_of
from services.records import access
from services.records.reminders import offices_at_work, send_once
from services.reports.roster import Person, Roster, load_roster
from storage.models import Customer, Office, Payment, Staff
from storage.uow import UnitOfWork

KIND_LABELS = {
    PaymentKind.DRAFT: N_("bank acceptance draft"),
    PaymentKind.TRANSFER: N_("bank transfer"),
}
NOTIFIED_ROLES = ("finance", "finance_director")  # headquarters: told of every office's payments
REMINDED_ROLES = ("finance", "office_head")
LIST_LIMIT = 100
CENT = Decimal("0.01")


class Refusal(StrEnum):
    """Why a payment was not logged."""

    CUSTOMER_NOT_FOUND = "customer_not_found"
    CUSTOMER_NEEDED = "customer_needed"
    DUPLICATE_DRAFT = "duplicate_draft"


@dataclass(frozen=True)
class Refused:
    """A payment that was not logged, and the earlier one it repeats (duplicate draft numbers)."""

    reason: Refusal
    existing_id: int | None = None


@dataclass(frozen=True)
class PaymentCard:
    """A payment as handlers, notices and listings show it."""

    id: int
    office_id: int
    office_name: str
    customer_id: int | None
    customer_name: str | None
    staff_id: int
    staff_name: str
    kind: PaymentKind
    received_on: date
    amount: Decimal
    draft_no: str | None = None
    draft_date: date | None = None
    matures_on: date | None = None
    acceptance_days: int | None = None
    note: str | None = None


def money(amount: Decimal) -> str:
    """An amount as people read it: 120,000.00."""
    return f"{amount.quantize(CENT):,.2f}"


def plain(amount: Decimal) -> str:
    """An amount as a form answer: 35000 or 1200.50 (no grouping)."""
    amount = amount.quantize(CENT)
    return str(int(amount)) if amount == amount.to_integral_value() else str(amount)


def payment_scope(viewer: StaffView) -> ColumnElement[bool]:
    """Payments the person may see: HQ all, heads and admins their office, others their own."""
    if viewer.is_hq:
        return true()
    if viewer.office_id is None:
        return false()
    same_office = Payment.office_id == viewer.office_id
    return same_office if viewer.manages_office else and_(same_office, Payment.staff_id == viewer.id)


def card_of(session: Session, payment: Payment) -> PaymentCard:
    """Snapshot a payment row with the names it refers to."""
    office = session.get(Office, payment.office_id)
    customer = session.get(Customer, payment.customer_id) if payment.customer_id is not None else None
    staff = session.get(Staff, payment.staff_id)
    return PaymentCard(
        id=payment.id, office_id=payment.office_id, office_name=office.name if office else "-",
        customer_id=payment.customer_id, customer_name=customer.name if customer else None,
        staff_id=payment.staff_id, staff_name=staff.name if staff else "?", kind=PaymentKind(payment.kind),
        received_on=payment.received_on, amount=Decimal(payment.amount), draft_no=payment.draft_no,
        draft_date=payment.draft_date, matures_on=payment.matures_on, acceptance_days=payment.acceptance_days,
        note=payment.note,
    )


def log_payment(uow: UnitOfWork, *, viewer: StaffView, data: PaymentIn, now: datetime) -> PaymentCard | Refused:
    """Save a payment the person received; finance, the finance director and the office head are told."""
    with uow:
        session = uow.session
        customer = None
        if data.customer_id is not None:
            customer = access.visible(session, Customer, data.customer_id, viewer)
            if customer is None:
                return Refused(Refusal.CUSTOMER_NOT_FOUND)
        office_id = customer.office_id if customer is not None else (None if viewer.is_hq else viewer.office_id)
        if office_id is None:
            return Refused(Refusal.CUSTOMER_NEEDED)
        if data.draft_no is not None:
            earlier = session.scalar(select(Payment.id).where(Payment.kind == PaymentKind.DRAFT.value,
                                                              Payment.draft_no == data.draft_no).limit(1))
            if earlier is not None:
                return Refused(Refusal.DUPLICATE_DRAFT, earlier)
        payment = Payment(
            office_id=office_id, customer_id=customer.id if customer else None, staff_id=viewer.id,
            kind=data.kind.value, received_on=data.received_on, amount=data.amount, draft_no=data.draft_no,
            draft_date=data.draft_date, matures_on=data.due_on, acceptance_days=data.term, note=data.note,
            created_at=now,
        )
        session.add(payment)
        session.flush()
        audit.record(session, actor_id=viewer.id, action="create", entity="payment", entity_id=payment.id, at=now,
                     detail={"amount": str(data.amount), "kind": data.kind.value})
        card = card_of(session, payment)
        for person in _notified(session, office_id=office_id, logger_id=viewer.id):
            message = OutMessage(notice_text(card, translator(person.locale)))
            outbox.enqueue(session, staff_id=person.id, message=message, now=now)
        uow.commit()
        return card


def _notified(session: Session, *, office_id: int, logger_id: int) -> list[Staff]:
    """Finance and the finance director (any office) and the office's heads, each once, not the logger."""
    people: dict[int, Staff] = {}
    for role in (*NOTIFIED_ROLES, "office_head"):
        for staff in holders_of(session, role=role, office_id=office_id):
            people.setdefault(staff.id, staff)
    return [staff for staff_id, staff in sorted(people.items()) if staff_id != logger_id]


def get(uow: UnitOfWork, *, viewer: StaffView, payment_id: int) -> PaymentCard | None:
    """One payment, or None when missing or not the person's to see."""
    with uow:
        payment = uow.session.scalars(select(Payment).where(Payment.id == payment_id, payment_scope(viewer))).first()
        return None if payment is None else card_of(uow.session, payment)


@dataclass(frozen=True)
class PaymentList:
    """The payments of a month the person may see, the first `LIST_LIMIT` of them, and the total of all."""

    period: Period
    cards: list[PaymentCard]
    count: int
    total: Decimal


def list_payments(uow: UnitOfWork, *, viewer: StaffView, period: Period) -> PaymentList:
    """Payments received in `period` within the person's scope, oldest first, with their total."""
    with uow:
        session = uow.session
        where = (payment_scope(viewer), Payment.received_on >= period.start, Payment.received_on <= period.end)
        count, total = session.execute(select(func.count(), func.sum(Payment.amount)).where(*where)).one()
        rows = session.scalars(select(Payment).where(*where).order_by(Payment.received_on, Payment.id)
                               .limit(LIST_LIMIT)).all()
        cards = [card_of(session, row) for row in rows]
        return PaymentList(period, cards, int(count or 0), _decimal(total))


def payments_in_period(session: Session, *, staff_ids: list[int] | set[int], start: date, end: date
                       ) -> dict[int, Decimal]:
    """What each person logged as received from `start` to `end` (inclusive): one query."""
    if not staff_ids:
        return {}
    rows = session.execute(
        select(Payment.staff_id, func.sum(Payment.amount))
        .where(Payment.staff_id.in_(sorted(staff_ids)), Payment.received_on >= start, Payment.received_on <= end)
        .group_by(Payment.staff_id)
    )
    return {int(staff_id): _decimal(total) for staff_id, total in rows}


def office_payments_in_period(session: Session, *, office_id: int, start: date, end: date) -> Decimal:
    """What everyone logged as received for one office from `start` to `end` (inclusive): one query."""
    total = session.scalar(
        select(func.sum(Payment.amount))
        .where(Payment.office_id == office_id, Payment.received_on >= start, Payment.received_on <= end)
    )
    return _decimal(total)


def _decimal(value: object) -> Decimal:
    """A SUM as an exact amount in cents (SQLite hands back floats)."""
    return Decimal(str(value or 0)).quantize(CENT)


def describe(card: PaymentCard, _: Translate) -> str:
    """The payment as a few lines, in the reader's language."""
    lines = [
        _("Payment #{id} — {amount} yuan, {kind}").format(id=card.id, amount=money(card.amount),
                                                          kind=_(KIND_LABELS[card.kind])),
        _(CUSTOMER_LINE).format(name=card.customer_name or "—"),
        _("Received on: {day}").format(day=card.received_on.isoformat()),
    ]
    if card.kind == PaymentKind.DRAFT:
        lines.append(_("Draft no.: {no}, dated {day}").format(
            no=card.draft_no or "—", day=card.draft_date.isoformat() if card.draft_date else "—"))
        lines.append(_("Matures on: {day} (term {days} days)").format(
            day=card.matures_on.isoformat() if card.matures_on else "—", days=card.acceptance_days or "—"))
    lines.append(_("Logged by: {name} ({office})").format(name=card.staff_name, office=card.office_name))
    if card.note:
        lines.append(_(NOTE_LINE).format(text=card.note))
    return "\n".join(lines)


def notice_text(card: PaymentCard, _: Translate) -> str:
    """What finance and the office head are told when a payment is logged."""
    return _("💰 Incoming payment logged") + "\n" + describe(card, _)


def list_line(card: PaymentCard, _: Translate, *, with_office: bool) -> str:
    """One payment in a listing."""
    who = f"{card.staff_name}（{card.office_name}）" if with_office else card.staff_name
    line = f"#{card.id} {card.received_on.strftime('%m-%d')} {money(card.amount)} {_(KIND_LABELS[card.kind])}"
    line += " — " + "，".join(part for part in (card.customer_name, who) if part)
    if card.matures_on is not None:
        line += _(" (matures {day})").format(day=card.matures_on.isoformat())
    return line


# --- draft-maturity reminders -------------------------------------------------------------------


@dataclass(frozen=True)
class Maturing:
    """A draft that matures soon (or just did), with the office-local day it is judged on."""

    id: int
    office_id: int
    office_name: str
    staff_id: int
    staff_name: str
    customer_name: str | None
    draft_no: str | None
    amount: Decimal
    matures_on: date
    today: date
    stage: ReminderStage


def sweep_draft_reminders(
    uow: UnitOfWork, *, now: datetime, days_before: int = DRAFT_REMINDER_DAYS,
    is_working_day: Callable[[date], bool] = workdays.is_working_day,
) -> int:
    """Remind of drafts maturing within `days_before` days and on the day, each stage once; how many were sent.

    Only offices in working hours on a working day are looked at; a maturity on a day off is reminded on
    the next working day. Queries: the roster (3), the drafts (1), sent keys (1), the claim (1).
    """
    with uow:
        session = uow.session
        roster = load_roster(session)
        today = offices_at_work(roster, now=now, is_working_day=is_working_day)
        if not today:
            return 0
        drafts = {reminder_key(d.id, d.stage): d for d in _maturing(session, today=today, days_before=days_before)}
        keys = {key: draft for key, draft in drafts.items() if _reminded(roster, draft)}
        since = now - timedelta(days=days_before + OVERDUE_GRACE_DAYS + 2)  # no stage is claimed earlier
        sent = send_once(session, items=keys, owner=lambda d: d.staff_id,
                         recipients=lambda d: _reminded(roster, d), render=draft_reminder, since=since, now=now)
        uow.commit()
        return sent


def _maturing(session: Session, *, today: dict[int, date], days_before: int) -> list[Maturing]:
    """Drafts of those offices maturing in the reminder window (or just past it): one query."""
    first = min(today.values()) - timedelta(days=OVERDUE_GRACE_DAYS)
    last = max(today.values()) + timedelta(days=days_before)
    rows = session.execute(
        select(Payment.id, Payment.office_id, Office.name.label("office_name"), Payment.staff_id,
               Staff.name.label("staff_name"), Customer.name.label("customer_name"), Payment.draft_no,
               Payment.amount, Payment.matures_on)
        .join(Office, Office.id == Payment.office_id)
        .join(Staff, Staff.id == Payment.staff_id)
        .outerjoin(Customer, Customer.id == Payment.customer_id)
        .where(Payment.kind == PaymentKind.DRAFT.value, Payment.office_id.in_(sorted(today)),
               Payment.matures_on >= first, Payment.matures_on <= last)
        .order_by(Payment.id)
    )
    found = []
    for row in rows:
        local_today = today[row.office_id]
        stage = reminder_stage(matures_on=row.matures_on, today=local_today, days_before=days_before)
        if stage is not None:
            found.append(Maturing(row.id, row.office_id, row.office_name, row.staff_id, row.staff_name,
                                  row.customer_name, row.draft_no, _decimal(row.amount), row.matures_on,
                                  local_today, stage))
    return found


def _reminded(roster: Roster, draft: Maturing) -> list[Person]:
    """Who logged it (if still active), the office's heads and finance, each once."""
    return roster.recipients(office_id=draft.office_id, roles=REMINDED_ROLES, people=(draft.staff_id,))


def draft_reminder(draft: Maturing, person: Person) -> OutMessage:
    """The maturity reminder, in the recipient's language."""
    _ = translator(person.locale)
    days = (draft.matures_on - draft.today).days
    if draft.stage == ReminderStage.WEEK:
        head = _("⏳ A bank draft matures on {day} ({days} days left).").format(day=draft.matures_on.isoformat(),
                                                                               days=days)
    elif days == 0:
        head = _("⏰ A bank draft matures today ({day}): present it for payment.").format(
            day=draft.matures_on.isoformat())
    else:
        head = _("⏰ A bank draft matured on {day} ({days} days ago): present it for payment now.").format(
            day=draft.matures_on.isoformat(), days=-days)
    details = _("Draft no. {no}, {amount} yuan, from {customer}, logged by {name} ({office}), payment #{id}.")
    return OutMessage(head + "\n" + details.format(
        no=draft.draft_no or "—", amount=money(draft.amount), customer=draft.customer_name or "—",
        name=draft.staff_name, office=draft.office_name, id=draft.id))
