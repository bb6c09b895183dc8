"""The inbox: updates are stored when fetched, so a crash between fetch and handling loses nothing.

PTB confirms updates to Telegram on its next poll, before our handlers have necessarily run; a stored
copy lets the next start replay what was fetched but never processed (the processed-update table
then makes sure nothing is handled twice).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select

from storage.claims import insert_ignore_returning, rowcount
from storage.models import InboxUpdate, ProcessedUpdate
from storage.uow import UnitOfWork

KEEP = timedelta(days=2)
REPLAY_WINDOW = timedelta(minutes=30)  # older updates are not replayed: a day-old /checkin is no check-in


def store(uow: UnitOfWork, *, channel: str, updates: list[dict[str, Any]], now: datetime) -> None:
    """Store fetched updates (a redelivered id is ignored); one statement, pruning is a job."""
    if not updates:
        return
    rows = [{"channel": channel, "update_id": u["update_id"], "payload": u, "received_at": now} for u in updates]
    with uow:
        insert_ignore_returning(uow.session, InboxUpdate, rows, key="update_id")
        uow.commit()


def prune(uow: UnitOfWork, *, now: datetime) -> int:
    """Drop stored updates older than KEEP (the housekeeping job; replay only looks 30 minutes back)."""
    with uow:
        pruned = rowcount(uow.session.execute(delete(InboxUpdate).where(InboxUpdate.received_at < now - KEEP)))
        uow.commit()
        return pruned


def unprocessed(uow: UnitOfWork, *, channel: str, now: datetime) -> list[dict[str, Any]]:
    """Recent stored updates never handled (a handled one has its id committed with its effect); oldest first."""
    with uow:
        claimed = ProcessedUpdate.update_id == InboxUpdate.update_id
        taken = select(ProcessedUpdate.id).where(ProcessedUpdate.channel == channel, claimed)
        rows = uow.session.scalars(
            select(InboxUpdate)
            .where(InboxUpdate.channel == channel, InboxUpdate.received_at < now,
                   InboxUpdate.received_at >= now - REPLAY_WINDOW, ~taken.exists())
            .order_by(InboxUpdate.id)
        )
        return [dict(r.payload) for r in rows]
