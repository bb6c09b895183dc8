"""The inbox: updates are stored when fetched, so a crash between fetch and handling loses nothing.

PTB confirms updates to Telegram on its next poll, before our handlers have necessarily run; a stored
copy lets the next start replay what was fetched but never processed (the processed-update table
then makes sure nothing is handled twice).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select

from storage.claims import insert_ignore_returning
from storage.models import InboxUpdate, ProcessedUpdate
from storage.uow import UnitOfWork

KEEP = timedelta(days=2)


def store(uow: UnitOfWork, *, channel: str, updates: list[dict[str, Any]], now: datetime) -> None:
    """Store fetched updates (a redelivered id is ignored) and prune old, processed ones."""
    if not updates:
        return
    rows = [{"channel": channel, "update_id": u["update_id"], "payload": u, "received_at": now} for u in updates]
    with uow:
        insert_ignore_returning(uow.session, InboxUpdate, rows, key="update_id")
        uow.session.execute(delete(InboxUpdate).where(InboxUpdate.received_at < now - KEEP))
        uow.commit()


def unprocessed(uow: UnitOfWork, *, channel: str, older_than: datetime) -> list[dict[str, Any]]:
    """Stored updates that no handler claimed, oldest first (fetched before `older_than`)."""
    with uow:
        done = select(ProcessedUpdate.update_id).where(ProcessedUpdate.channel == channel)
        rows = uow.session.scalars(
            select(InboxUpdate).where(InboxUpdate.channel == channel, InboxUpdate.received_at < older_than,
                                      InboxUpdate.update_id.not_in(done)).order_by(InboxUpdate.id)
        )
        return [dict(r.payload) for r in rows]
