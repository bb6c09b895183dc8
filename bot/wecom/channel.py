"""The WeCom implementation of the channel port: neutral messages → message/send of a self-built app.

- Text goes as `text`, split to WeCom's 2,048 bytes (UTF-8) per message.
- Buttons become a `template_card` of type `button_interaction` (WeCom allows 6 buttons a card); the
  button's key is our callback data, so a press comes back as a `template_card_event` with the same
  data Telegram would carry. A longer choice list is a select card (`multiple_interaction`: a drop-down
  of up to 10 options and a 确定 button; more than 10 go as several), each option's id our data.
- A reply keyboard (Telegram's one-tap answers) becomes card buttons whose key is the label typed;
  a "share location" button becomes a hint, since WeCom has none: 点击 + → 位置 发送当前位置.
- An edit replaces the pressed card by its response code (`update_template_card`), so a decided
  approval shows the outcome and cannot be pressed again.
- A button answer with text (Telegram's toast) is a short text message: WeCom shows no toasts.
- Files are uploaded as temporary media, then sent as `file`.
WeCom's per-member limits (30 a minute, 1,000 an hour, excess silently dropped) are the sender's
limiter for this channel (`LIMITS`), never exceeded.
- Notices waiting for one member are folded into one digest by the sender (`digest_bytes`): each
  message counts against the member's budget, and WeCom drops what exceeds it.
- A resend (the row's earlier attempt may have arrived: a dead instance's claim, a time-out) asks
  WeCom's `enable_duplicate_check`, so a text the member already got is not shown twice.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from bot.sender import RateLimiter
from bot.wecom.api import WeComApi, WeComError, channel_error
from bot.wecom.convert import KEYBOARD_PREFIX
from services.messaging.messages import Button, OutMessage, split_text
from services.messaging.ports import ChannelError

WECOM_TEXT_BYTES = 2048
BUTTONS_PER_CARD = 6
OPTIONS_PER_SELECT = 10  # a longer choice list is a select card (multiple_interaction) of up to 10 options
SELECT_SUBMIT = "select"
CARD_TEXT_CHARS = 1000  # generous for a card's description; longer text goes before it as messages
DUPLICATE_CHECK_SECONDS = 600  # a resend within 10 minutes of an identical message is dropped by WeCom
LOCATION_HINT = "（企业微信：点击输入框旁的 + → 位置，发送当前位置）"


def wecom_limiter(monotonic: Callable[[], float] = time.monotonic, *, daily: int = 0) -> RateLimiter:
    """Per member: at most 30 in any minute (2 at once, then one per 60/28 s), 1,000 in any hour (100, then 1/4 s).

    `daily` (WECOM_APP_DAILY_LIMIT; 0: not enforced) is the app's cap over all members, which WeCom sets at
    200 × the corp's licensed seats a day: half of it may go at once and the other half refills over the
    day, so no 24 hours ever see more than `daily`. It counts this instance's sends; with N instances
    give each 1/N of it.
    """
    half = max(1, daily // 2)
    overall = ((86400 / half, half),) if daily > 0 else ()
    return RateLimiter(per_second=30.0, per_chat_interval=60 / 28, burst=2, also_per_chat=((3600 / 900, 100),),
                       also_overall=overall, monotonic=monotonic)


def _utf8(text: str) -> int:
    """WeCom measures text in UTF-8 bytes."""
    return len(text.encode("utf-8"))


class WeComChannel:
    """Sends through `WeComApi`, mapping WeCom's errcodes to the port's error kinds."""

    name = "wecom"
    digest_bytes = WECOM_TEXT_BYTES  # notices waiting for one member go as one message (bot/sender.py `_fold`)

    def __init__(self, api: WeComApi) -> None:
        self.api = api

    async def send(self, chat_id: str, message: OutMessage) -> str | None:
        """Send text, cards and files to a member; the first card's response code (what `edit` needs), if any."""
        try:
            return await self._send(chat_id, message)
        except WeComError as exc:
            raise channel_error(exc) from exc

    async def _send(self, chat_id: str, message: OutMessage) -> str | None:
        for photo in message.photos:  # a picture we kept is uploaded again; else it is a WeCom media id
            data = message.photo_data.get(photo)
            media_id = photo if data is None else await self.api.upload_media("image", "photo.jpg", data)
            await self.api.send(chat_id, {"msgtype": "image", "image": {"media_id": media_id}})
        text = message.text + (f"\n{LOCATION_HINT}" if _asks_location(message) else "")
        buttons = [b for row in message.buttons for b in row] + [
            Button(k.label, KEYBOARD_PREFIX + k.label) for row in message.keyboard for k in row
            if k.request is None and not message.menu]  # the main keyboard is WeCom's app menu already
        if message.file is not None:
            media_id = await self.api.upload_media("file", message.file.name, message.file.data)
            if text:
                await self._text(chat_id, text, resend=message.resend)
            await self.api.send(chat_id, {"msgtype": "file", "file": {"media_id": media_id}})
            return None
        if not buttons:
            if text:
                await self._text(chat_id, text, resend=message.resend)
            return None
        head, card_text = _card_split(text)
        if head:
            await self._text(chat_id, head, resend=message.resend)
        codes = [(await self.api.send(chat_id, {"msgtype": "template_card", "template_card": card}))
                 .get("response_code") for card in cards_for(card_text, buttons)]
        return str(codes[0]) if codes and codes[0] else None

    async def _text(self, chat_id: str, text: str, *, resend: bool = False) -> None:
        """Text in parts of 2,048 bytes; on a resend WeCom drops a part the member already got (duplicate check)."""
        check = {"enable_duplicate_check": 1, "duplicate_check_interval": DUPLICATE_CHECK_SECONDS} if resend else {}
        for part in split_text(text, WECOM_TEXT_BYTES, size=_utf8):
            await self.api.send(chat_id, {"msgtype": "text", "text": {"content": part}, **check})

    async def edit(self, chat_id: str, message_id: str, message: OutMessage) -> None:
        """Replace the pressed card (by its response code) with the new text and buttons, if any."""
        buttons = [b for row in message.buttons for b in row]
        card = cards_for(message.text, buttons)[0] if buttons else notice_card(message.text)
        try:
            await self.api.update_template_card([chat_id], message_id, card)
        except WeComError as exc:
            if exc.errcode == 40058:  # the code was used or expired: say it as a new message instead
                await self.send(chat_id, message)
                return
            raise channel_error(exc) from exc

    async def answer(self, chat_id: str, callback_id: str, text: str | None = None, *, alert: bool = False) -> None:
        """WeCom has no toast: a button answer with something to say is a short message."""
        if text:
            await self.send(chat_id, OutMessage(text))

    async def download(self, file_id: str) -> bytes:
        """Fetch a member's image (receipts, repair photos) through media/get."""
        try:
            return await self.api.get_media(file_id)
        except WeComError as exc:
            raise ChannelError(str(exc)) from exc


def _asks_location(message: OutMessage) -> bool:
    return any(k.request == "location" for row in message.keyboard for k in row)


def _card_split(text: str) -> tuple[str, str]:
    """(text to send before the card, the card's own text): a card holds the last part of a long text."""
    if len(text) <= CARD_TEXT_CHARS:
        return "", text
    parts = split_text(text, CARD_TEXT_CHARS)
    return "\n".join(parts[:-1]), parts[-1]


def cards_for(text: str, buttons: list[Button]) -> list[dict[str, Any]]:
    """Up to 6 choices: one button card; more: select cards of up to 10 options (the text on the first)."""
    if len(buttons) <= BUTTONS_PER_CARD:
        return [button_card(text, buttons)]
    return [select_card(text if start == 0 else "…", buttons[start:start + OPTIONS_PER_SELECT])
            for start in range(0, len(buttons), OPTIONS_PER_SELECT)]


def select_card(text: str, buttons: list[Button]) -> dict[str, Any]:
    """A multiple_interaction card with one drop-down: the member picks an option, then taps 确定."""
    title, _, rest = (text or "…").partition("\n")
    return {
        "card_type": "multiple_interaction",
        "main_title": {"title": title[:36], "desc": (title[36:] + "\n" + rest).strip()[:CARD_TEXT_CHARS]},
        "task_id": uuid.uuid4().hex,
        "select_list": [{"question_key": "choice", "title": "请选择",
                         "option_list": [{"id": b.data, "text": b.label[:16]} for b in buttons]}],
        "submit_button": {"text": "确定", "key": SELECT_SUBMIT},
    }


def button_card(text: str, buttons: list[Button]) -> dict[str, Any]:
    """A button_interaction card: the first line as title, the rest as description, one key per button."""
    title, _, rest = (text or "…").partition("\n")
    return {
        "card_type": "button_interaction",
        "main_title": {"title": title[:36], "desc": (title[36:] + "\n" + rest).strip()[:CARD_TEXT_CHARS]},
        "task_id": uuid.uuid4().hex,
        "button_list": [{"text": b.label[:10], "style": 1, "key": b.data} for b in buttons],
    }


def notice_card(text: str) -> dict[str, Any]:
    """A text_notice card with no buttons: what a decided card becomes."""
    title, _, rest = (text or "…").partition("\n")
    return {"card_type": "text_notice", "main_title": {"title": title[:36], "desc": rest[:CARD_TEXT_CHARS]},
            "card_action": {"type": 1, "url": "https://work.weixin.qq.com"}}
