"""Chasing overdue repair jobs: assigned, not repaired, past the due time the head set.

Hourly, during each office's working hours on working days: the technician (with Close) and the
office's heads (with the job) are told once per job and due time; setting a new due time chases
again when that one passes. A fixed number of queries per sweep, plus one snapshot per overdue job.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from sqlalchemy import select

from domain import workdays
from domain.callbacks import REPAIR, pack
from domain.records import RepairStatus
from domain.repair_rules import is_overdue, overdue_key
from services.i18n.catalogs import translator
from services.messaging.messages import Button, OutMessage
from services.records.reminders import offices_at_work, send_once
from services.records.repairs import CLOSE_JOB, RepairCard, card_of, describe, due_text
from services.reports.roster import Person, Roster, load_roster
from storage.models import RepairRecord
from storage.uow import UnitOfWork


def sweep_overdue_repairs(uow: UnitOfWork, *, now: datetime,
                          is_working_day: Callable[[date], bool] = workdays.is_working_day) -> int:
    """Chase every overdue job once per due time; returns how many jobs were chased."""
    with uow:
        session = uow.session
        roster = load_roster(session)
        at_work = offices_at_work(roster, now=now, is_working_day=is_working_day)
        if not at_work:
            return 0
        rows = session.scalars(select(RepairRecord).where(
            RepairRecord.status == RepairStatus.ASSIGNED.value, RepairRecord.due_at <= now,
            RepairRecord.office_id.in_(list(at_work))).order_by(RepairRecord.id)).all()
        jobs = [card_of(session, r) for r in rows]
        due = {overdue_key(j.id, j.due_at): j for j in jobs
               if j.due_at is not None and is_overdue(status=j.status, due_at=j.due_at, now=now)}
        if not due:
            return 0
        since = min(j.due_at for j in due.values() if j.due_at is not None) - timedelta(days=1)
        sent = send_once(session, items=due, owner=lambda j: j.technician_id,
                         recipients=lambda j: _recipients(roster, j), render=overdue_message, since=since, now=now)
        uow.commit()
        return sent


def _recipients(roster: Roster, job: RepairCard) -> list[Person]:
    """The technician and the office's heads, each once."""
    return roster.recipients(office_id=job.office_id, roles=("office_head",), people=(job.technician_id,))


def overdue_message(job: RepairCard, person: Person) -> OutMessage:
    """The chase, in the recipient's language: Close for the technician, the job for the heads."""
    _ = translator(person.locale)
    text = _("⏰ Repair #{id} ({customer}) was due by {due} and is not closed yet.").format(
        id=job.id, customer=job.customer_name, due=due_text(job)) + "\n" + describe(job, _)
    if person.id == job.technician_id:
        return OutMessage(text, buttons=((Button(_(CLOSE_JOB), pack(REPAIR, repair=job.id, action="cl")),),))
    return OutMessage(text, buttons=((Button(_("Open the job"), pack(REPAIR, repair=job.id, action="v")),),))
