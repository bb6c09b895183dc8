"""Messages to other people are queued in the same transaction as the change they report.

A crash between commit and send loses nothing: the sender (bot/sender.py) drains the outbox.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.orm import Session

from services.messages import OutMessage
from storage.models import OutboxMessage


def enqueue(session: Session, *, staff_id: int, message: OutMessage, now: datetime) -> None:
    """Queue `message` for `staff_id`; it is sent after the transaction commits."""
    session.add(OutboxMessage(staff_id=staff_id, payload=message.to_dict(), not_before=now, created_at=now))


def enqueue_all(session: Session, messages: list[tuple[int, OutMessage]], *, now: datetime) -> None:
    """Queue many messages in one executemany (a sweep over thousands of staff), in the caller's transaction."""
    if messages:
        session.execute(insert(OutboxMessage), [
            {"staff_id": staff_id, "payload": message.to_dict(), "status": "pending", "attempts": 0,
             "not_before": now, "created_at": now} for staff_id, message in messages])
