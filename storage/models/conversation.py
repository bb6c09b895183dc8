"""Conversation state that must outlive the process: form drafts and the outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, LargeBinary, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, BigId, utcnow


class Draft(Base):
    """The one open form of a person: which form, which step, the answers so far."""

    __tablename__ = "drafts"
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True)
    form: Mapped[str] = mapped_column(String(32))
    step: Mapped[str | None] = mapped_column(String(64))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    context: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class OutboxMessage(Base):
    """A message, edit or button answer, written in the same transaction as the change it reports.

    Notices to a person name `staff_id` (their chat is looked up when sent, so someone who registers
    later still gets it); replies to the chat an update came from name `chat_id` (a stranger has no
    staff row). `priority` 0 is a reply to someone who just wrote: it goes before bulk reminders.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "priority", "not_before"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(16), default="telegram")
    chat_id: Mapped[str | None] = mapped_column(String(64))  # the channel's address: digits on Telegram
    kind: Mapped[str] = mapped_column(String(8), default="send")  # send | edit | answer | alert
    target: Mapped[str | None] = mapped_column(String(64))  # the edited message id, the answered callback id
    priority: Mapped[int] = mapped_column(SmallInteger, default=1)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    file_data: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    not_before: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class ShownCard(Base):
    """A delivered message that showed the buttons of a thing still to be decided (`card`, e.g. `apv:12`).

    Written by the sender when the channel reports the message id; when the thing is decided every
    row of its card is edited (through the outbox) to the decided text without buttons, then deleted,
    so no old button looks live wherever the card was shown.
    """

    __tablename__ = "shown_cards"
    __table_args__ = (UniqueConstraint("channel", "chat_id", "message_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    card: Mapped[str] = mapped_column(String(48), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str] = mapped_column(String(64))
    shown_at: Mapped[datetime] = mapped_column(default=utcnow)


class RetiredCard(Base):
    """A decided card's last word: a copy delivered after the decision (it was still queued or in flight)
    is edited to this text at once, instead of keeping live buttons."""

    __tablename__ = "retired_cards"
    card: Mapped[str] = mapped_column(String(48), primary_key=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    retired_at: Mapped[datetime] = mapped_column(default=utcnow)
