"""Update de-duplication: an update id is handled once, whatever delivers it again.

A row is written when handling starts and stamped when it ends. A row left unfinished for
DEAD_AFTER belongs to a process that died mid-update: the start-up replay may take it over.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update

from storage.claims import insert_ignore, rowcount
from storage.models import InboxUpdate, ProcessedUpdate
from storage.uow import UnitOfWork

DEAD_AFTER = timedelta(minutes=2)
KEEP_PROCESSED = timedelta(days=7)
"""How long a handled update id is remembered: far beyond Telegram's 24 h redelivery and the inbox's 2 days."""


def claim_update(uow: UnitOfWork, *, channel: str, update_id: int, now: datetime) -> bool:
    """Take the update for handling; False when it is handled, or being handled, elsewhere."""
    with uow:
        won = insert_ignore(uow.session, ProcessedUpdate,
                            {"channel": channel, "update_id": update_id, "processed_at": now})
        if not won:
            taken_over = uow.session.execute(
                update(ProcessedUpdate)
                .where(ProcessedUpdate.channel == channel, ProcessedUpdate.update_id == update_id,
                       ProcessedUpdate.finished_at.is_(None), ProcessedUpdate.processed_at < now - DEAD_AFTER)
                .values(processed_at=now)
            )
            won = rowcount(taken_over) == 1
        uow.commit()
        return won


def finish_update(uow: UnitOfWork, *, channel: str, update_id: int, now: datetime) -> None:
    """Stamp the update as done (also after a handled error: the user was told, no replay)."""
    with uow:
        uow.session.execute(
            update(ProcessedUpdate)
            .where(ProcessedUpdate.channel == channel, ProcessedUpdate.update_id == update_id)
            .values(finished_at=now)
        )
        uow.commit()


def last_update_id(uow: UnitOfWork, *, channel: str) -> int:
    """The highest update id claimed or stored on `channel` (0 when none): where a restarted stand-in goes on.

    Stored-but-unhandled ids count too: the start-up replay will handle them, so a new update reusing
    one would be taken for that one and lost.
    """
    with uow:
        return max(int(uow.session.scalar(select(func.max(model.update_id)).where(model.channel == channel)) or 0)
                   for model in (ProcessedUpdate, InboxUpdate))


def prune(uow: UnitOfWork, *, now: datetime) -> int:
    """Forget update ids older than KEEP_PROCESSED (nothing redelivers them any more); how many."""
    with uow:
        old = delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < now - KEEP_PROCESSED)
        pruned = rowcount(uow.session.execute(old))
        uow.commit()
        return pruned
