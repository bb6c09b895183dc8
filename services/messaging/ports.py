"""The small interface every chat channel implements; nothing above it knows which channel it is."""

from __future__ import annotations

from typing import Protocol

from services.messaging.messages import OutMessage


class ChannelError(Exception):
    """A send failed."""


class RecipientBlocked(ChannelError):
    """The person blocked the bot or deleted their account: stop sending, tell their manager once."""


class RetryLater(ChannelError):
    """Flood control: wait `seconds`, then try again."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds}s")
        self.seconds = seconds


class TransientError(ChannelError):
    """A network hiccup or time-out: try again with backoff."""


class Channel(Protocol):
    """Send text, buttons, edits and files to a chat; answer button presses; fetch user files."""

    name: str

    async def send(self, chat_id: str, message: OutMessage) -> int | str | None:
        """Send a message; return what `edit` needs to change it later, when the channel has one
        (Telegram: the message id; WeCom: the response code of the card that carries the buttons)."""
        ...

    async def edit(self, chat_id: str, message_id: str, message: OutMessage) -> None:
        """Replace a sent message's text and buttons (WeCom: the pressed card, by its response code)."""
        ...

    async def answer(self, chat_id: str, callback_id: str, text: str | None = None, *, alert: bool = False) -> None:
        """Acknowledge a button press (Telegram's client spins until this arrives)."""
        ...

    async def download(self, file_id: str) -> bytes:
        """Fetch a file a user sent (a receipt or repair photo)."""
        ...
