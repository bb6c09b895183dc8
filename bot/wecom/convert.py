"""WeCom callback fields (the decrypted XML, flat) → the channel-neutral `Inbound`.

The same handlers serve Telegram and WeCom, so a WeCom text "/help" is a command like Telegram's, "绑定
CODE" (bind) is `/start CODE`, an app-menu click carries its command as the event key, and a press on
a template card's button carries our callback data as its key. Location messages keep WeCom's
weaker anti-spoofing: there is no "forwarded" flag, so the callback's CreateTime is the location's
time (a stale one is refused by the check-in rules as on Telegram) and the label is kept.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from handlers.inbound import Inbound, Location

CHANNEL = "wecom"
BIND_WORDS = ("绑定", "bind")
KEYBOARD_PREFIX = "kb:"  # a card button standing in for a Telegram reply-keyboard button: its label is typed text


def update_id_of(fields: dict[str, str]) -> int:
    """A stable id per callback: MsgId for messages; for events (which have none) a hash of what names them.

    WeCom redelivers a callback up to three times; the same fields give the same id, so the
    processed-update claim gives them one effect.
    """
    if fields.get("MsgId", "").isdigit():
        return int(fields["MsgId"]) & 0x7FFF_FFFF_FFFF_FFFF
    key = "|".join(fields.get(k, "") for k in ("FromUserName", "CreateTime", "Event", "EventKey", "TaskId",
                                                "OptionIds"))
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big") & 0x7FFF_FFFF_FFFF_FFFF


def to_inbound(fields: dict[str, str]) -> Inbound | None:
    """The neutral event for one stored callback (its fields plus our `update_id`), or None to ignore it."""
    if not fields.get("FromUserName"):
        return None
    kind = fields.get("MsgType")
    if kind == "text":
        return _text(fields, fields.get("Content", ""))
    if kind == "location":
        location = Location(lat=float(fields.get("Location_X", "0")), lon=float(fields.get("Location_Y", "0")),
                            sent_at=_created(fields))
        return _inbound(fields, location=location, extra={"label": fields.get("Label", "")})
    if kind == "image":
        return _inbound(fields, photo_file_id=fields.get("MediaId") or None)
    if kind == "event":
        return _event(fields)
    return None


def _inbound(fields: dict[str, str], **what: Any) -> Inbound:
    """An Inbound from this member, in their private chat with the app."""
    user = fields["FromUserName"]
    return Inbound(channel=CHANNEL, update_id=int(fields["update_id"]), user_id=user, chat_id=user,
                   at=_created(fields), user_language="zh-CN", **what)


def _text(fields: dict[str, str], content: str) -> Inbound:
    """Typed text: a slash command, "绑定 CODE", or free text for forms."""
    text = content.strip()
    head, _, rest = text.partition(" ")
    if head in BIND_WORDS and rest.strip():
        return _inbound(fields, command="start", args=tuple(rest.split()), text=text)
    if text.startswith("/") and len(head) > 1:
        return _inbound(fields, command=head[1:].lower(), args=tuple(rest.split()), text=text)
    return _inbound(fields, text=content)


def _event(fields: dict[str, str]) -> Inbound | None:
    """A card button, an app-menu click, opening the app; other events (subscribe…) are not acted on."""
    event = fields.get("Event", "")
    key = fields.get("EventKey", "")
    if event == "template_card_event" and fields.get("CardType") == "multiple_interaction":
        key = fields.get("OptionIds", "").split("|")[0]  # a select card: the chosen option is the button's data
        if not key:
            return None
    if event == "template_card_event" and key.startswith(KEYBOARD_PREFIX):
        return _text(fields, key[len(KEYBOARD_PREFIX):])
    if event == "template_card_event":
        return _inbound(fields, callback_id=fields.get("TaskId") or key, callback_data=key,
                        message_id=fields.get("ResponseCode") or None)
    if event == "click" and key:
        return _text(fields, key)
    if event == "enter_agent":  # the person opened the app: greeted once a day (handlers/core.py)
        return _inbound(fields, command="enter_agent")
    return None


def _created(fields: dict[str, str]) -> datetime:
    """The callback's CreateTime (unix seconds), aware in UTC."""
    raw = fields.get("CreateTime", "0")
    return datetime.fromtimestamp(int(raw) if raw.isdigit() else 0, UTC)
