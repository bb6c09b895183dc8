"""Outbox bookkeeping: claim pending messages, mark them sent, retry later or unreachable.

Claims are one conditional `UPDATE … RETURNING`, so two bot instances never send the same row twice;
a claim left by a dead instance goes stale after STALE_CLAIM and is taken over. A live instance renews
its claim right before each send (`renew_claim`) and skips the row if it was taken over; outcomes
(`mark_*`, `release`) are recorded only by the instance that still holds the claim.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, bindparam, inspect, or_, select, update
from sqlalchemy.orm import Session

from services.i18n.catalogs import translator
from services.messaging import cards
from services.messaging.messages import Outgoing, OutMessage
from services.messaging.outbox import NOTICE, REPLY, enqueue, queue_replies, queued_here
from services.platform.jobs import claim_reminder
from services.platform.staff import StaffView, chat_of, find_by_account, manager_of
from storage.claims import insert_ignore, rowcount
from storage.models import OutboxMessage, ShownCard, Staff
from storage.uow import UnitOfWork

CHANNELS = ("telegram", "wecom")
STALE_CLAIM = timedelta(minutes=2)
MAX_ATTEMPTS = 8  # for unexpected errors only; flood control and network trouble retry until delivered


@dataclass(frozen=True)
class Pending:
    """A claimed outbox row, ready to send; `chat_id` is None when the person cannot be reached."""

    id: int
    staff_id: int | None
    chat_id: str | None
    message: OutMessage
    attempts: int
    registered: bool = True
    kind: str = "send"
    target: str | None = None
    priority: int = NOTICE
    channel: str = "telegram"
    resend: bool = False  # an earlier attempt may have reached the chat (a dead instance's claim, a time-out)
    merged: tuple[int, ...] = ()  # rows folded into this one's text (a digest: bot/sender.py), sent with it


def pending_of(row: OutboxMessage, staff: Staff | None = None) -> Pending:
    """A claimed row as the sender needs it: a reply names its chat, a notice goes to its person's.

    A notice goes to the channel the person wrote from last (or the one they are bound on).
    """
    message = OutMessage.from_dict(row.payload, row.file_data)
    if row.chat_id is not None or staff is None:
        return Pending(row.id, row.staff_id, row.chat_id, message, row.attempts, registered=row.chat_id is not None,
                       kind=row.kind, target=row.target, priority=row.priority, channel=row.channel)
    channel = notice_channel(staff)
    chat = chat_of(staff, channel)
    return Pending(row.id, row.staff_id, chat if staff.reachable else None, message, row.attempts,
                   registered=chat is not None, kind=row.kind, target=row.target, priority=row.priority,
                   channel=channel)


def notice_channel(staff: Staff) -> str:
    """Where a notice to `staff` goes: the channel they used last if still bound there, else the one they have."""
    bound = [c for c in CHANNELS if chat_of(staff, c) is not None]
    if staff.last_channel in bound:
        return str(staff.last_channel)
    return bound[0] if bound else "telegram"


def queue_and_hand(session: Session, *, channel: str, chat_id: str, staff_id: int | None, replies: list[Outgoing],
                   instance: str, now: datetime) -> list[Pending]:
    """End of an update's transaction: its replies written, claimed by `instance`; them and its notices."""
    queued = queue_replies(session, channel=channel, chat_id=chat_id, staff_id=staff_id, replies=replies,
                           instance=instance, now=now)
    return claimed_in(session, [Pending(q.id, staff_id, chat_id, q.message, 0, kind=q.kind, target=q.target,
                                        priority=REPLY, channel=channel) for q in queued])


def claimed_in(session: Session, replies: list[Pending]) -> list[Pending]:
    """At the end of an update's transaction: its replies and the notices it queued, as the sender needs them.

    A notice whose savepoint was rolled back (its use case gave up) no longer exists and is left out.
    """
    if not queued_here(session):
        return replies
    session.flush()
    notices = [row for row in queued_here(session) if inspect(row).persistent]
    if not notices:
        return replies
    people = {s.id: s for s in session.scalars(select(Staff).where(Staff.id.in_({row.staff_id for row in notices})))}
    return replies + [pending_of(row, people.get(row.staff_id or 0)) for row in notices]


def claim_batch(uow: UnitOfWork, *, instance: str, now: datetime, limit: int = 100) -> list[Pending]:
    """Claim up to `limit` due rows for this instance (stale claims of a dead instance included), replies first.

    Most polls find nothing (replies are handed to the sender at commit): a read that takes no write lock
    asks first, and only when something is due does the claiming transaction start.
    """
    due = or_(
        OutboxMessage.status == "pending",
        (OutboxMessage.status == "sending") & (OutboxMessage.claimed_at < now - STALE_CLAIM),
    )
    ready = due & (OutboxMessage.not_before <= now)
    with uow.reading() as probe:
        if probe.session.scalar(select(OutboxMessage.id).where(ready).limit(1)) is None:
            return []
    with uow:
        s = uow.session
        found_due = s.execute(
            select(OutboxMessage.id, OutboxMessage.status).where(ready)
            .order_by(OutboxMessage.priority, OutboxMessage.id).limit(limit)
        ).all()
        ids = [row.id for row in found_due]
        taken_over = {row.id for row in found_due if row.status == "sending"}
        if not ids:
            return []
        claimed = set(s.scalars(
            update(OutboxMessage).where(OutboxMessage.id.in_(ids), due)
            .values(status="sending", claimed_by=instance, claimed_at=now)
            .returning(OutboxMessage.id).execution_options(synchronize_session=False)
        ))
        if not claimed:
            uow.commit()
            return []
        found = s.execute(
            select(OutboxMessage, Staff).outerjoin(Staff, Staff.id == OutboxMessage.staff_id)
            .where(OutboxMessage.id.in_(claimed)).order_by(OutboxMessage.priority, OutboxMessage.id)
        ).all()
        uow.commit()
        return [replace(pending_of(m, staff), resend=m.id in taken_over or m.attempts > 0) for m, staff in found]


def _held(outbox_id: int, instance: str) -> ColumnElement[bool]:
    """The row is still being sent by `instance` (not released, finished or taken over)."""
    return ((OutboxMessage.id == outbox_id) & (OutboxMessage.status == "sending")
            & (OutboxMessage.claimed_by == instance))


def _update_held(uow: UnitOfWork, *, outbox_id: int, instance: str, **values: Any) -> bool:
    """Update the row only while `instance` holds its claim; whether it did."""
    with uow:
        done = rowcount(uow.session.execute(update(OutboxMessage).where(_held(outbox_id, instance))
                                             .values(**values))) == 1
        uow.commit()
        return done


def renew_claim(uow: UnitOfWork, *, outbox_id: int, instance: str, now: datetime) -> bool:
    """Right before sending: refresh this instance's claim; False when it was taken over (do not send)."""
    return _update_held(uow, outbox_id=outbox_id, instance=instance, claimed_at=now)


@dataclass(frozen=True)
class Shown:
    """A delivered message that shows a card's buttons: where it is, to edit it when the thing is decided."""

    card: str
    staff_id: int | None
    channel: str
    chat_id: str
    message_id: str


def mark_sent_many(uow: UnitOfWork, *, sent: list[tuple[int, int | None]], instance: str, now: datetime,
                   shown: list[Shown] | None = None) -> int:
    """Record many accepted sends (outbox id, message id) in one executemany; how many this instance held.

    `shown` are the sent messages that carry a card's buttons (ShownCard rows, written in the same
    transaction), so a later decision can edit every one of them.
    """
    if not sent:
        return 0
    table: Any = OutboxMessage.__table__
    stmt = (update(table)
            .where(table.c.id == bindparam("oid"), table.c.status == "sending", table.c.claimed_by == instance)
            .values(status="sent", sent_at=now, sent_message_id=bindparam("mid"), attempts=table.c.attempts + 1))
    with uow:
        done = rowcount(uow.session.connection().execute(stmt, [{"oid": o, "mid": m} for o, m in sent]))
        views = [(v.card, v.staff_id, v.channel, v.chat_id, v.message_id) for v in shown or []]
        for card, staff_id, channel, chat_id, message_id in cards.late_edits(uow.session, views, now=now):
            insert_ignore(uow.session, ShownCard, {"card": card, "staff_id": staff_id, "channel": channel,
                                                   "chat_id": chat_id, "message_id": message_id, "shown_at": now})
        uow.commit()
        return done


def mark_retry(uow: UnitOfWork, *, outbox_id: int, instance: str, error: str, not_before: datetime, attempts: int,
               counts: bool = True) -> bool:
    """Try again after `not_before`; when the failure `counts`, give up after MAX_ATTEMPTS."""
    status = "failed" if counts and attempts + 1 >= MAX_ATTEMPTS else "pending"
    return _update_held(uow, outbox_id=outbox_id, instance=instance, status=status, attempts=attempts + 1,
                        last_error=error[:500], not_before=not_before, claimed_by=None, claimed_at=None)


def release(uow: UnitOfWork, *, outbox_ids: list[int], instance: str, not_before: datetime) -> None:
    """Hand claimed rows back untried (their chat is paused), to be sent after `not_before`."""
    if not outbox_ids:
        return
    with uow:
        uow.session.execute(
            update(OutboxMessage).where(OutboxMessage.id.in_(outbox_ids), OutboxMessage.status == "sending",
                                        OutboxMessage.claimed_by == instance)
            .values(status="pending", not_before=not_before, claimed_by=None, claimed_at=None)
        )
        uow.commit()


def claimers_on(uow: UnitOfWork, *, host: str) -> list[str]:
    """Instances named ``host:<pid>`` that hold outbox rows being sent (a predecessor's, after a crash)."""
    with uow:
        return list(uow.session.scalars(
            select(OutboxMessage.claimed_by).where(OutboxMessage.status == "sending",
                                                   OutboxMessage.claimed_by.like(f"{host}:%")).distinct()))


def expire_claims_of(uow: UnitOfWork, *, instances: list[str], now: datetime) -> int:
    """Make the claims of instances known dead stale at once, so the next claim takes them over (as a resend:
    the dead process may have sent a row without recording it) instead of waiting STALE_CLAIM."""
    if not instances:
        return 0
    with uow:
        expired = rowcount(uow.session.execute(
            update(OutboxMessage).where(OutboxMessage.status == "sending", OutboxMessage.claimed_by.in_(instances))
            .values(claimed_at=now - STALE_CLAIM - timedelta(seconds=1))))
        uow.commit()
        return expired


def mark_undeliverable(uow: UnitOfWork, *, outbox_id: int, instance: str) -> bool:
    """The person has no chat account yet (invited, never registered): nothing can be sent."""
    return _update_held(uow, outbox_id=outbox_id, instance=instance, status="undeliverable",
                        last_error="no chat account")


def mark_unreachable(uow: UnitOfWork, *, outbox_id: int, instance: str, staff_id: int, now: datetime) -> bool:
    """The person blocked the bot: stop sending to them and tell their manager once per episode.

    An episode starts when `reachable` flips to False (a conditional update, so of two racing
    instances only one flips) and ends when the person writes again (`mark_reachable`); the notice key
    names the message that started the episode, so a later episode is told again. Nothing happens
    when this instance no longer holds the row: the instance that does will find the same.
    """
    with uow:
        s = uow.session
        if rowcount(s.execute(update(OutboxMessage).where(_held(outbox_id, instance))
                               .values(status="unreachable", last_error="blocked"))) != 1:
            return False
        flipped = rowcount(s.execute(
            update(Staff).where(Staff.id == staff_id, Staff.reachable.is_(True)).values(reachable=False)
            .execution_options(synchronize_session=False)
        )) == 1
        staff = s.get(Staff, staff_id) if flipped else None
        manager = manager_of(s, staff=staff) if staff is not None else None
        if staff is not None and manager is not None and manager.id != staff.id and claim_reminder(
            s, key=f"unreachable:{staff_id}:{outbox_id}", staff_id=manager.id, now=now
        ):
            _ = translator(manager.locale)
            text = _("{name} has blocked the bot or left Telegram; messages to them cannot be delivered.")
            enqueue(s, staff_id=manager.id, message=OutMessage(text.format(name=staff.name)), now=now)
        uow.commit()
        return True


def identify_sender(session: Session, *, channel: str, account: str) -> StaffView | None:
    """In the caller's transaction: who wrote from `account`; a person who writes has unblocked the bot and is
    here now, so their notices follow them to this channel."""
    staff = find_by_account(session, channel=channel, account=account)
    if staff is not None and (not staff.reachable or staff.last_channel != channel):
        mark_reachable(session, staff_id=staff.id, channel=channel)
    return staff


def mark_reachable(session: Session, *, staff_id: int, channel: str) -> None:
    """In the caller's transaction: a person who wrote to us can receive messages again, on the channel they used."""
    session.execute(update(Staff).where(Staff.id == staff_id).values(reachable=True, last_channel=channel))
