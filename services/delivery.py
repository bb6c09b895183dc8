"""Outbox bookkeeping: claim pending messages, mark them sent, retry later or unreachable.

Claims are conditional updates, so two bot instances never send the same row twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from services.messages import OutMessage
from services.outbox import enqueue
from services.i18n import translator
from services.staff import manager_of
from storage.models import OutboxMessage, ReminderSent, Staff
from storage.uow import UnitOfWork

STALE_CLAIM = timedelta(minutes=5)
MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class Pending:
    """A claimed outbox row, ready to send."""

    id: int
    staff_id: int
    chat_id: int | None
    message: OutMessage
    attempts: int


def claim_batch(uow: UnitOfWork, *, instance: str, now: datetime, limit: int = 100) -> list[Pending]:
    """Claim up to `limit` due rows for this instance (stale claims of a dead instance included)."""
    with uow:
        s = uow.session
        due = or_(
            OutboxMessage.status == "pending",
            (OutboxMessage.status == "sending") & (OutboxMessage.claimed_at < now - STALE_CLAIM),
        )
        rows = s.execute(
            select(OutboxMessage.id, OutboxMessage.status, OutboxMessage.claimed_at)
            .where(due, OutboxMessage.not_before <= now).order_by(OutboxMessage.id).limit(limit)
        ).all()
        claimed: list[int] = []
        for row_id, status, claimed_at in rows:
            result = s.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row_id, OutboxMessage.status == status,
                       OutboxMessage.claimed_at.is_(None) if claimed_at is None
                       else OutboxMessage.claimed_at == claimed_at)
                .values(status="sending", claimed_by=instance, claimed_at=now)
            )
            if result.rowcount == 1:  # type: ignore[attr-defined]
                claimed.append(row_id)
        uow.commit()
        if not claimed:
            return []
        found = s.execute(
            select(OutboxMessage, Staff.telegram_user_id, Staff.reachable)
            .join(Staff, Staff.id == OutboxMessage.staff_id).where(OutboxMessage.id.in_(claimed))
            .order_by(OutboxMessage.id)
        ).all()
        return [
            Pending(m.id, m.staff_id, tg if reachable else None, OutMessage.from_dict(m.payload), m.attempts)
            for m, tg, reachable in found
        ]


def mark_sent(uow: UnitOfWork, *, outbox_id: int, message_id: int | None, now: datetime) -> None:
    """The channel accepted the message."""
    with uow:
        uow.session.execute(
            update(OutboxMessage).where(OutboxMessage.id == outbox_id)
            .values(status="sent", sent_at=now, sent_message_id=message_id, attempts=OutboxMessage.attempts + 1)
        )
        uow.commit()


def mark_retry(uow: UnitOfWork, *, outbox_id: int, error: str, not_before: datetime, attempts: int) -> None:
    """Try again after `not_before`; give up after MAX_ATTEMPTS."""
    status = "failed" if attempts + 1 >= MAX_ATTEMPTS else "pending"
    with uow:
        uow.session.execute(
            update(OutboxMessage).where(OutboxMessage.id == outbox_id)
            .values(status=status, attempts=attempts + 1, last_error=error[:500], not_before=not_before,
                    claimed_by=None, claimed_at=None)
        )
        uow.commit()


def mark_unreachable(uow: UnitOfWork, *, outbox_id: int, staff_id: int, now: datetime) -> None:
    """The person blocked the bot: stop sending to them and tell their manager, once."""
    with uow:
        s = uow.session
        s.execute(update(OutboxMessage).where(OutboxMessage.id == outbox_id)
                  .values(status="unreachable", last_error="blocked"))
        staff = s.get(Staff, staff_id)
        if staff is not None and staff.reachable:
            staff.reachable = False
            key = f"unreachable:{staff_id}"
            manager = manager_of(s, staff=staff)
            if manager is not None and s.get(ReminderSent, key) is None:
                s.add(ReminderSent(key=key, staff_id=manager.id, sent_at=now))
                _ = translator(manager.locale)
                text = _("{name} has blocked the bot or left Telegram; messages to them cannot be delivered.")
                enqueue(s, staff_id=manager.id, message=OutMessage(text.format(name=staff.name)), now=now)
        uow.commit()


def mark_reachable(uow: UnitOfWork, *, staff_id: int) -> None:
    """A person who wrote to us again can receive messages again."""
    with uow:
        uow.session.execute(update(Staff).where(Staff.id == staff_id, Staff.reachable.is_(False))
                            .values(reachable=True))
        uow.commit()
