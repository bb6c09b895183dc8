"""Warn admins and HR before the holiday calendar runs out, so 元旦 and 春节 are entered in time.

Beyond `domain.workdays.known_until()` every Monday–Friday counts as a working day (reminders,
lateness and the attendance sheet would treat 春节 as a working week). From CALENDAR_WARNING_DAYS days
before that date, each run logs a WARNING; during the default time zone's working hours on a working
day, every active admin and HR person is told once per range end: the key
`holiday-calendar:<end>:<staff id>` is claimed in the same transaction that queues their message, so a
rerun or a second instance sends nothing new, and a calendar extended later (a new end) warns again.
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from domain import workdays
from domain.roles import Role
from services.i18n.catalogs import N_, translator
from services.messaging import outbox
from services.messaging.messages import OutMessage
from services.platform import zones
from services.platform.jobs import claim_reminders
from services.reports.roster import Person, load_roster
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

RECIPIENT_ROLES = (Role.ADMIN, Role.HR)
SEND_HOURS = range(9, 18)  # local hours (default time zone) in which the chat warning may go out
WARNING_TEXT = N_(
    "📅 The holiday calendar is known only until {end}. After that date every Monday to Friday counts as a "
    "working day, public holidays such as 元旦 and 春节 included, so reminders, lateness and the attendance "
    "sheet go wrong. Please have the State Council's {year} holiday schedule (holidays and make-up working "
    "days) entered in config/holidays.yaml and {year} added to its covers list, then restart the bot."
)


def calendar_key(end: date, staff_id: int) -> str:
    """The reminder key of one person's warning about the range ending on `end`."""
    return f"holiday-calendar:{end.isoformat()}:{staff_id}"


def warn_calendar_ending(uow: UnitOfWork, *, now: datetime) -> int:
    """Log and queue the warning to each admin and HR person not yet told; returns how many were queued."""
    local = now.astimezone(zones.company_zone())
    end = workdays.known_until()
    if not workdays.calendar_ends_soon(local.date()):
        return 0
    log.warning("holiday calendar known only until %s: add the %d schedule to config/holidays.yaml",
                end, end.year + 1)
    if local.hour not in SEND_HOURS or not workdays.is_working_day(local.date()):
        return 0
    with uow:
        session = uow.session
        roster = load_roster(session)
        people = {p.id: p for role in RECIPIENT_ROLES for p in roster.holders(role, office_id=None)}
        won = claim_reminders(session, keys={calendar_key(end, pid): pid for pid in sorted(people)}, now=now)
        told = [people[pid] for pid in sorted(people) if calendar_key(end, pid) in won]
        for person in told:
            outbox.enqueue(session, staff_id=person.id, message=warning_message(person, end=end), now=now)
        uow.commit()
        return len(told)


def warning_message(person: Person, *, end: date) -> OutMessage:
    """The warning in the person's language."""
    return OutMessage(translator(person.locale)(WARNING_TEXT).format(end=end.isoformat(), year=end.year + 1))
