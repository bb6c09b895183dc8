"""The Telegram implementation of the channel port: neutral messages → Bot API calls."""

from __future__ import annotations

import contextlib

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from services.messaging.messages import (
    TELEGRAM_CAPTION_LIMIT,
    TELEGRAM_TEXT_LIMIT,
    OutMessage,
    short_caption,
    split_text,
)
from services.messaging.ports import RecipientBlocked, RetryLater, TransientError

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None


def render_markup(message: OutMessage) -> Markup:
    """Inline buttons win; else the main keyboard or a one-time reply keyboard; else maybe remove the old one."""
    if message.buttons:
        return InlineKeyboardMarkup(
            [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in message.buttons]
        )
    if message.keyboard:
        rows = [
            [KeyboardButton(k.label, request_location=k.request == "location",
                            request_contact=k.request == "contact") for k in row]
            for row in message.keyboard
        ]
        if message.menu:  # the main keyboard stays under the input box
            return ReplyKeyboardMarkup(rows, resize_keyboard=True, is_persistent=True)
        return ReplyKeyboardMarkup(rows, resize_keyboard=True, one_time_keyboard=True)
    if message.remove_keyboard:
        return ReplyKeyboardRemove()
    return None


class TelegramChannel:
    """Sends through a PTB `Bot`, mapping Telegram errors to the port's error kinds."""

    name = "telegram"

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, chat: str, message: OutMessage) -> int:
        """Send text (and any photos or file) to a chat; return the last message's id.

        The outbox queues each photo as a message of its own (`OutMessage.parts`), so the sender paces them.
        """
        chat_id = int(chat)
        try:
            if message.caption and message.photos and message.text:
                return await self._send_captioned(chat_id, message)
            sent_id = 0
            for photo in message.photos[:10]:  # one by one: media groups need 2-10 items
                sent_id = (await self.bot.send_photo(chat_id, message.photo_data.get(photo, photo))).message_id
            if not message.text and message.file is None:
                return sent_id
            if message.file is not None:
                caption = message.text
                if len(caption) > TELEGRAM_CAPTION_LIMIT:  # the text in parts first, the file last
                    await self._send_parts(chat_id, split_text(caption, TELEGRAM_TEXT_LIMIT), None)
                    caption = ""
                sent = await self.bot.send_document(
                    chat_id, document=message.file.data, filename=message.file.name,
                    caption=caption, reply_markup=render_markup(message),
                )
                return sent.message_id
            return await self._send_parts(chat_id, split_text(message.text, TELEGRAM_TEXT_LIMIT),
                                          render_markup(message))
        except Forbidden as exc:
            raise RecipientBlocked(str(exc)) from exc
        except RetryAfter as exc:
            seconds = exc.retry_after
            raise RetryLater(seconds if isinstance(seconds, int | float) else seconds.total_seconds()) from exc
        except (TimedOut, NetworkError) as exc:
            if isinstance(exc, BadRequest):
                raise
            raise TransientError(str(exc)) from exc

    async def _send_captioned(self, chat_id: int, message: OutMessage) -> int:
        """A photo with its text as caption (≤ 1,024 characters); a longer text is shortened there and follows
        in full as a message of its own, which then carries the buttons."""
        photo = message.photos[0]
        caption, shortened = short_caption(message.text)
        markup = None if shortened else render_markup(message)
        sent = await self.bot.send_photo(chat_id, message.photo_data.get(photo, photo), caption=caption,
                                         reply_markup=markup)
        if not shortened:
            return sent.message_id
        return await self._send_parts(chat_id, split_text(message.text, TELEGRAM_TEXT_LIMIT), render_markup(message))

    async def _send_parts(self, chat_id: int, parts: list[str], markup: Markup) -> int:
        """Send a long text as consecutive messages; the buttons go with the last; its id is returned."""
        for part in parts[:-1]:
            await self.bot.send_message(chat_id, part)
        sent = await self.bot.send_message(chat_id, parts[-1], reply_markup=markup)
        return sent.message_id

    async def edit(self, chat: str, message_id: str, message: OutMessage) -> None:
        """Edit text and inline buttons; an unchanged message is not an error.

        A text too long for one message keeps its first part here and the rest follows as new
        messages, the buttons on the last, so nothing is cut off.
        """
        chat_id = int(chat)
        markup = render_markup(message)
        inline = markup if isinstance(markup, InlineKeyboardMarkup) else None
        parts = split_text(message.text, TELEGRAM_TEXT_LIMIT)
        try:
            await self.bot.edit_message_text(parts[0], chat_id=chat_id, message_id=int(message_id),
                                             reply_markup=inline if len(parts) == 1 else None)
        except BadRequest as exc:
            if "not modified" not in str(exc).lower():
                raise
        if len(parts) > 1:
            await self._send_parts(chat_id, parts[1:], inline)

    async def answer(self, chat: str, callback_id: str, text: str | None = None, *, alert: bool = False) -> None:
        """Answer a callback query; a late answer (query too old) is harmless."""
        with contextlib.suppress(BadRequest):
            await self.bot.answer_callback_query(callback_id, text=text, show_alert=alert)

    async def download(self, file_id: str) -> bytes:
        """Fetch a user's file through getFile."""
        file = await self.bot.get_file(file_id)
        return bytes(await file.download_as_bytearray())
