"""Exactly-once bookkeeping for scheduled work: job slots and reminder keys.

Two bot instances run the same schedule; whichever inserts the row first does the work.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.claims import insert_ignore, insert_ignore_returning
from storage.models import JobRun, ReminderSent
from storage.uow import UnitOfWork


def claim_slot(uow: UnitOfWork, *, job: str, slot: str, instance: str, now: datetime) -> bool:
    """Claim a job's run for one slot (e.g. 'monthly-sheet', '2026-11'); False if already claimed."""
    with uow:
        won = insert_ignore(uow.session, JobRun, {"job": job, "slot": slot, "claimed_by": instance,
                                                  "claimed_at": now})
        uow.commit()
        return won


def claimed_slots(uow: UnitOfWork, *, job: str, slots: list[str]) -> set[str]:
    """Which of `slots` were claimed already (a sweep skips costly work nobody needs)."""
    with uow:
        return set(uow.session.scalars(select(JobRun.slot).where(JobRun.job == job, JobRun.slot.in_(slots))))


def claim_reminder(session: Session, *, key: str, staff_id: int | None, now: datetime) -> bool:
    """Record a reminder in the caller's transaction; False if that reminder was already sent."""
    return insert_ignore(session, ReminderSent, {"key": key, "staff_id": staff_id, "sent_at": now})


def claim_reminders(session: Session, *, keys: dict[str, int | None], now: datetime) -> set[str]:
    """Bulk claim in one statement per 1,000 keys: the keys this call newly recorded (race-safe)."""
    rows = [{"key": k, "staff_id": v, "sent_at": now} for k, v in keys.items()]
    return {str(k) for k in insert_ignore_returning(session, ReminderSent, rows, key="key")}
