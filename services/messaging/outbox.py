"""Every message leaves through the outbox, queued in the same transaction as the change it reports.

Notices to a person (`enqueue`, `enqueue_all`) wait for the sender's next claim; replies to the
chat an update came from (`queue_replies`) are written already claimed by this instance and handed
to the sender in memory after the commit, so they go out at once without a database poll — and a
crash between commit and send loses nothing: the claim goes stale and another instance sends them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import insert
from sqlalchemy.orm import Session

from services.messaging.messages import Outgoing, OutMessage
from storage import bulk
from storage.models import OutboxMessage

REPLY, NOTICE = 0, 1  # priorities: a reply to someone who just wrote goes before bulk reminders


def _row(message: OutMessage, **values: Any) -> dict[str, Any]:
    """The column values of one outbox row holding `message`."""
    return {"payload": message.to_dict(), "file_data": message.file.data if message.file else None, **values}


CLAIM_AS, QUEUED = "outbox_claim_as", "outbox_queued"  # keys in Session.info for an update's transaction


def claim_as(session: Session, *, instance: str) -> None:
    """In an update's transaction: notices queued from now on are claimed by `instance` and collected.

    The dispatcher hands them to the sender after the commit, like the update's replies, so a notice
    to a manager leaves at once instead of at the sender's next poll.
    """
    session.info[CLAIM_AS] = instance
    session.info[QUEUED] = []


def queued_here(session: Session) -> list[OutboxMessage]:
    """The notices queued (and claimed) in this transaction by `enqueue`."""
    return list(session.info.get(QUEUED, []))


def enqueue(session: Session, *, staff_id: int, message: OutMessage, now: datetime) -> None:
    """Queue `message` for `staff_id`; it is sent after the transaction commits."""
    instance = session.info.get(CLAIM_AS)
    claim: dict[str, Any] = {"status": "sending", "claimed_by": instance, "claimed_at": now} if instance else {}
    for part in message.parts():
        row = OutboxMessage(**_row(part, staff_id=staff_id, priority=NOTICE, not_before=now, created_at=now,
                                   **claim))
        session.add(row)
        if instance:
            session.info[QUEUED].append(row)


def enqueue_edit(session: Session, *, staff_id: int | None, channel: str, chat_id: str, message_id: str,
                 message: OutMessage, now: datetime) -> None:
    """Queue an edit of a message we sent earlier to `chat_id` (a card whose thing was decided)."""
    instance = session.info.get(CLAIM_AS)
    claim: dict[str, Any] = {"status": "sending", "claimed_by": instance, "claimed_at": now} if instance else {}
    row = OutboxMessage(**_row(message, staff_id=staff_id, channel=channel, chat_id=chat_id, kind="edit",
                               target=message_id, priority=NOTICE, not_before=now, created_at=now, **claim))
    session.add(row)
    if instance:
        session.info[QUEUED].append(row)


def enqueue_all(session: Session, messages: list[tuple[int, OutMessage]], *, now: datetime) -> None:
    """Queue many messages in one executemany, or one COPY on PostgreSQL (a sweep over thousands of staff), in
    the caller's transaction."""
    rows = [_row(part, staff_id=staff_id, channel="telegram", kind="send", priority=NOTICE, status="pending",
                 attempts=0, not_before=now, created_at=now)
            for staff_id, message in messages for part in message.parts()]
    if bulk.wants_copy(session, rows):
        bulk.copy_rows(session, _OUTBOX, rows)
    elif rows:
        session.execute(insert(_OUTBOX), rows)  # on the table: the ORM's bulk path cost a third of a sweep


class Queued(NamedTuple):
    """A reply written by `queue_replies`: its row id and what the sender needs of it."""

    id: int
    kind: str
    target: str | None
    message: OutMessage


def queue_replies(session: Session, *, channel: str, chat_id: str, staff_id: int | None, replies: list[Outgoing],
                  instance: str, now: datetime) -> list[Queued]:
    """Write an update's replies already claimed by `instance`; the rows, in order, to hand to the sender.

    Core inserts through one prebuilt statement on the table, not ORM objects and a flush: every update
    writes at least one reply, and the flush machinery cost more than the rest of a /help's database work.
    """
    queued = []
    for out in replies:
        for part in (out.message.parts() if out.kind == "send" else [out.message]):
            values = _row(part, staff_id=staff_id, channel=channel, chat_id=chat_id, kind=out.kind, target=out.target,
                          priority=REPLY, status="sending", attempts=0, claimed_by=instance, claimed_at=now,
                          not_before=now, created_at=now)
            row_id = session.execute(_INSERT_REPLY, values).scalar_one()
            queued.append(Queued(row_id, out.kind, out.target, part))
    return queued


_OUTBOX: Any = OutboxMessage.__table__
_INSERT_REPLY = insert(_OUTBOX).returning(_OUTBOX.c.id)
"""On the table, not the mapped class: an insert on the class takes the ORM's bulk-insert path, which cost
more than the rest of a /help's statements together (bench/update_cost.py)."""
