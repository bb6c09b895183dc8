"""Outbox bookkeeping: claim pending messages, mark them sent, retry later or unreachable.

Claims are one conditional `UPDATE … RETURNING`, so two bot instances never send the same row twice;
a claim left by a dead instance goes stale after STALE_CLAIM and is taken over.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, or_, select, update

from services.i18n import translator
from services.jobs import claim_reminder
from services.messages import OutMessage
from services.outbox import enqueue
from services.staff import manager_of
from storage.models import OutboxMessage, Staff
from storage.uow import UnitOfWork

STALE_CLAIM = timedelta(minutes=5)
MAX_ATTEMPTS = 8  # for unexpected errors only; flood control and network trouble retry until delivered


@dataclass(frozen=True)
class Pending:
    """A claimed outbox row, ready to send; `chat_id` is None when the person cannot be reached."""

    id: int
    staff_id: int
    chat_id: int | None
    message: OutMessage
    attempts: int
    registered: bool = True


def claim_batch(uow: UnitOfWork, *, instance: str, now: datetime, limit: int = 100) -> list[Pending]:
    """Claim up to `limit` due rows for this instance (stale claims of a dead instance included)."""
    with uow:
        s = uow.session
        due = or_(
            OutboxMessage.status == "pending",
            (OutboxMessage.status == "sending") & (OutboxMessage.claimed_at < now - STALE_CLAIM),
        )
        ids = list(s.scalars(
            select(OutboxMessage.id).where(due, OutboxMessage.not_before <= now).order_by(OutboxMessage.id)
            .limit(limit)
        ))
        if not ids:
            return []
        claimed = set(s.scalars(
            update(OutboxMessage).where(OutboxMessage.id.in_(ids), due)
            .values(status="sending", claimed_by=instance, claimed_at=now)
            .returning(OutboxMessage.id).execution_options(synchronize_session=False)
        ))
        uow.commit()
        if not claimed:
            return []
        found = s.execute(
            select(OutboxMessage, Staff.telegram_user_id, Staff.reachable)
            .join(Staff, Staff.id == OutboxMessage.staff_id).where(OutboxMessage.id.in_(claimed))
            .order_by(OutboxMessage.id)
        ).all()
        return [
            Pending(m.id, m.staff_id, tg if reachable else None, OutMessage.from_dict(m.payload), m.attempts,
                    registered=tg is not None)
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


def mark_retry(uow: UnitOfWork, *, outbox_id: int, error: str, not_before: datetime, attempts: int,
               counts: bool = True) -> None:
    """Try again after `not_before`; when the failure `counts`, give up after MAX_ATTEMPTS."""
    status = "failed" if counts and attempts + 1 >= MAX_ATTEMPTS else "pending"
    with uow:
        uow.session.execute(
            update(OutboxMessage).where(OutboxMessage.id == outbox_id)
            .values(status=status, attempts=attempts + 1, last_error=error[:500], not_before=not_before,
                    claimed_by=None, claimed_at=None)
        )
        uow.commit()


def release(uow: UnitOfWork, *, outbox_ids: list[int], not_before: datetime) -> None:
    """Hand claimed rows back untried (their chat is paused), to be sent after `not_before`."""
    if not outbox_ids:
        return
    with uow:
        uow.session.execute(
            update(OutboxMessage).where(OutboxMessage.id.in_(outbox_ids), OutboxMessage.status == "sending")
            .values(status="pending", not_before=not_before, claimed_by=None, claimed_at=None)
        )
        uow.commit()


def mark_undeliverable(uow: UnitOfWork, *, outbox_id: int) -> None:
    """The person has no chat account yet (invited, never registered): nothing can be sent."""
    with uow:
        uow.session.execute(update(OutboxMessage).where(OutboxMessage.id == outbox_id)
                            .values(status="undeliverable", last_error="no chat account"))
        uow.commit()


def mark_unreachable(uow: UnitOfWork, *, outbox_id: int, staff_id: int, now: datetime) -> None:
    """The person blocked the bot: stop sending to them and tell their manager, exactly once."""
    with uow:
        s = uow.session
        s.execute(update(OutboxMessage).where(OutboxMessage.id == outbox_id)
                  .values(status="unreachable", last_error="blocked"))
        flipped = cast(CursorResult[Any], s.execute(
            update(Staff).where(Staff.id == staff_id, Staff.reachable.is_(True)).values(reachable=False)
            .execution_options(synchronize_session=False)
        )).rowcount == 1
        staff = s.get(Staff, staff_id) if flipped else None
        manager = manager_of(s, staff=staff) if staff is not None else None
        if staff is not None and manager is not None and manager.id != staff.id and claim_reminder(
            s, key=f"unreachable:{staff_id}", staff_id=manager.id, now=now
        ):
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
