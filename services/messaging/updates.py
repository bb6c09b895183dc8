"""Update de-duplication: an update id is handled once, whatever delivers it again.

The id is claimed inside the update's own transaction, together with its effect and its replies: if
the process dies before the commit nothing of it exists and the update is replayed; after the commit
the id refuses every redelivery. Two instances given the same id race on the unique key (PostgreSQL
makes the second wait for the first to commit, then refuses it).
"""

from __future__ import annotations

import zlib
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from services.messaging import outbox
from storage.claims import insert_ignore, rowcount
from storage.models import InboxUpdate, ProcessedUpdate
from storage.uow import UnitOfWork

KEEP_PROCESSED = timedelta(days=7)
"""How long a handled update id is remembered: far beyond Telegram's 24 h redelivery and the inbox's 2 days."""


def claim_update(session: Session, *, channel: str, update_id: int, now: datetime) -> bool:
    """In the caller's transaction: take the update; False when it was handled already."""
    return insert_ignore(session, ProcessedUpdate, {"channel": channel, "update_id": update_id, "processed_at": now})


def take(session: Session, *, channel: str, update_id: int, account: str, instance: str, now: datetime) -> bool:
    """Begin handling an update in the caller's transaction: claim its id (False: handled already), wait
    for the person's other updates on other instances, and collect the notices it queues for `instance`."""
    if not claim_update(session, channel=channel, update_id=update_id, now=now):
        return False
    one_at_a_time(session, channel=channel, account=account)
    outbox.claim_as(session, instance=instance)
    return True


def one_at_a_time(session: Session, *, channel: str, account: str) -> None:
    """On PostgreSQL, a person's updates on different instances wait for each other (a transaction lock).

    One instance already runs a person's updates in order; behind a load balancer two of them may land
    on two instances, and without this lock both would edit the same draft at once.
    """
    if session.get_bind().dialect.name == "postgresql":
        key = zlib.crc32(f"{channel}:{account}".encode())
        session.execute(select(func.pg_advisory_xact_lock(key)))


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
