"""Messages to other people are queued in the same transaction as the change they report.

A crash between commit and send loses nothing: the sender (bot/sender.py) drains the outbox.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from services.messages import OutMessage
from storage.models import OutboxMessage


def enqueue(session: Session, *, staff_id: int, message: OutMessage, now: datetime) -> None:
    """Queue `message` for `staff_id`; it is sent after the transaction commits."""
    session.add(OutboxMessage(staff_id=staff_id, payload=message.to_dict(), not_before=now, created_at=now))
