"""Telegram `Update` → neutral `Inbound`: the only place that knows Telegram's update shapes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from telegram import Message, Update
from telegram.constants import ChatType, MessageEntityType

from handlers.inbound import Inbound, Location

CHANNEL = "telegram"


def to_inbound(update: Update, *, now: datetime) -> Inbound | None:
    """Convert an update we handle; None for what we ignore.

    Only private chats: in a group, a manager's /export would show the office's data to everyone.
    Edited messages only for live locations (a fixed typo is not a new answer).
    """
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None or user.is_bot or chat.type != ChatType.PRIVATE:
        return None
    edited = update.edited_message is not None
    if edited and (update.edited_message is None or update.edited_message.location is None):
        return None
    base: dict[str, Any] = {
        "channel": CHANNEL, "update_id": update.update_id, "user_id": str(user.id), "chat_id": str(chat.id),
        "at": now, "user_language": user.language_code, "display_name": user.full_name,
    }
    if update.callback_query is not None:
        query = update.callback_query
        message_id = str(query.message.message_id) if query.message else None
        return Inbound(**base, callback_id=query.id, callback_data=query.data or "", message_id=message_id)
    message = update.effective_message
    if message is None:
        return None
    fields = _message_fields(message, live_edit=edited)
    return Inbound(**base, message_id=str(message.message_id), edited=edited, **fields)


def _message_fields(message: Message, *, live_edit: bool) -> dict[str, Any]:
    """The parts of a message: command, text, location, contact or photo."""
    forwarded = message.forward_origin is not None
    if message.location is not None:
        sent = message.edit_date if live_edit and message.edit_date else message.date
        return {"location": Location(
            lat=message.location.latitude, lon=message.location.longitude,
            sent_at=(sent or datetime.now(UTC)).astimezone(UTC), forwarded=forwarded,
            live=bool(message.location.to_dict().get("live_period")) or live_edit, venue=message.venue is not None,
            via_bot=message.via_bot is not None,
        ), "forwarded": forwarded}
    if message.contact is not None:
        return {"contact_phone": message.contact.phone_number, "contact_user_id": message.contact.user_id,
                "forwarded": forwarded}
    if message.photo:
        return {"photo_file_id": message.photo[-1].file_id, "caption": message.caption, "forwarded": forwarded}
    text = message.text or ""
    entities = message.entities or ()
    if entities and entities[0].type == MessageEntityType.BOT_COMMAND and entities[0].offset == 0:
        word = text[: entities[0].length]
        name = word[1:].split("@", 1)[0].lower()
        return {"command": name, "args": tuple(text[entities[0].length :].split()), "text": text,
                "forwarded": forwarded}
    return {"text": text, "forwarded": forwarded}
