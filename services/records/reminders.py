"""What the record reminder sweeps share (warranty ends, bank drafts maturing): who is at work now,
and sending each keyed reminder once — claimed in the same transaction as its outbox messages."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from domain.report_rules import in_working_hours
from services.messaging import outbox
from services.messaging.messages import OutMessage
from services.platform.jobs import claim_reminders
from services.reports.roster import Person, Roster, load_sent_keys

Item = TypeVar("Item")


def offices_at_work(roster: Roster, *, now: datetime, is_working_day: Callable[[date], bool]) -> dict[int, date]:
    """Offices in working hours now, with their local date (nobody is reminded off hours)."""
    at_work = {}
    for office in roster.offices.values():
        local = now.astimezone(ZoneInfo(office.timezone))
        if in_working_hours(local, start=office.work_start, end=office.work_end, is_working_day=is_working_day):
            at_work[office.id] = local.date()
    return at_work


def send_once(
    session: Session,
    *,
    items: Mapping[str, Item],
    owner: Callable[[Item], int | None],
    recipients: Callable[[Item], list[Person]],
    render: Callable[[Item, Person], OutMessage],
    since: datetime,
    now: datetime,
) -> int:
    """Claim the keys not sent since `since` and queue their messages; returns how many were claimed."""
    fresh = set(items) - load_sent_keys(session, keys=set(items), since=since)
    won = claim_reminders(session, keys={key: owner(items[key]) for key in sorted(fresh)}, now=now)
    for key in sorted(won):
        for person in recipients(items[key]):
            outbox.enqueue(session, staff_id=person.id, message=render(items[key], person), now=now)
    return len(won)
