"""Warranty-end reminders: a customer's warranty ends within 30 days → its office head and its creator.

Once per customer and warranty end date (a changed end date is reminded again); sent during the
office's working hours on a working day; a fixed number of queries per sweep.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain import workdays
from domain.report_rules import (
    WARRANTY_DAYS_BEFORE,
    local_day_bounds,
    warranty_key,
    warranty_reminder_due,
)
from services.i18n.catalogs import translator
from services.messaging.messages import OutMessage
from services.records.reminders import offices_at_work, send_once
from services.reports.roster import Person, Roster, load_roster
from storage.models import Customer
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class Expiring:
    """A customer whose warranty ends soon, with the day it is judged on (office-local)."""

    id: int
    office_id: int
    name: str
    warranty_end: date
    today: date
    contact: str | None
    phone: str | None
    created_by: int | None


def sweep_warranty(
    uow: UnitOfWork, *, now: datetime, days_before: int = WARRANTY_DAYS_BEFORE,
    is_working_day: Callable[[date], bool] = workdays.is_working_day,
) -> int:
    """Remind of warranties ending within `days_before` days, each once; returns how many were sent."""
    with uow:
        session = uow.session
        roster = load_roster(session)
        today = offices_at_work(roster, now=now, is_working_day=is_working_day)
        if not today:
            return 0
        expiring = _expiring(session, today=today, days_before=days_before)
        keys = {warranty_key(c.id, c.warranty_end): c for c in expiring if _recipients(roster, c)}
        since = local_day_bounds(min(today.values()) - timedelta(days=days_before + 1), ZoneInfo("UTC"))[0]
        sent = send_once(session, items=keys, owner=lambda c: c.created_by,
                         recipients=lambda c: _recipients(roster, c), render=warranty_message, since=since, now=now)
        uow.commit()
        return sent


def _expiring(session: Session, *, today: dict[int, date], days_before: int) -> list[Expiring]:
    """Customers of those offices whose warranty ends within the window: one query."""
    first, last = min(today.values()), max(today.values()) + timedelta(days=days_before)
    rows = session.execute(
        select(Customer.id, Customer.office_id, Customer.name, Customer.warranty_end, Customer.contact,
               Customer.phone, Customer.created_by)
        .where(Customer.warranty_end >= first, Customer.warranty_end <= last, Customer.office_id.in_(list(today)))
        .order_by(Customer.id)
    )
    found = [Expiring(r.id, r.office_id, r.name, r.warranty_end, today[r.office_id], r.contact, r.phone,
                      r.created_by) for r in rows]
    return [c for c in found if warranty_reminder_due(warranty_end=c.warranty_end, today=c.today,
                                                      days_before=days_before)]


def _recipients(roster: Roster, customer: Expiring) -> list[Person]:
    """The office's heads and the customer's creator, each once."""
    return roster.recipients(office_id=customer.office_id, roles=("office_head",), people=(customer.created_by,))


def warranty_message(customer: Expiring, person: Person) -> OutMessage:
    """The reminder, in the recipient's language."""
    _ = translator(person.locale)
    days = (customer.warranty_end - customer.today).days
    text = _("🛡 The warranty of {customer} ends on {end} ({days} days left). Contact: {contact} {phone}. "
             "Consider a return visit or a service contract.")
    return OutMessage(text.format(customer=customer.name, end=customer.warranty_end.isoformat(), days=days,
                                  contact=customer.contact or "-", phone=customer.phone or ""))
