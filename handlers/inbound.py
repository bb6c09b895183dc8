"""A channel-neutral incoming event: what a person sent or pressed, already parsed by the adapter."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from domain.text import clean_text


@dataclass(frozen=True)
class Location:
    """A shared location with what we need to judge it (age, forwarded, live, venue)."""

    lat: float
    lon: float
    sent_at: datetime
    forwarded: bool = False
    live: bool = False
    venue: bool = False
    via_bot: bool = False


@dataclass(frozen=True)
class Inbound:
    """One update from a person; exactly one of text/command/callback/location/contact/photo is set."""

    channel: str
    update_id: int
    user_id: str  # the channel's account id: a Telegram user id in digits, a WeCom userid
    chat_id: str  # where replies go (a private chat: the same account on both channels)
    at: datetime
    user_language: str | None = None
    display_name: str = ""
    text: str | None = None
    command: str | None = None
    args: tuple[str, ...] = ()
    callback_id: str | None = None
    callback_data: str | None = None
    message_id: str | None = None  # the pressed message: Telegram's message id, WeCom's card response code
    location: Location | None = None
    contact_phone: str | None = None
    contact_user_id: int | None = None
    photo_file_id: str | None = None
    caption: str | None = None
    forwarded: bool = False
    edited: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Clean every typed string here, once, whichever channel built the event (see `domain.text`)."""
        for name in ("display_name", "text", "command", "callback_data", "contact_phone", "caption"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, clean_text(value))
        args = tuple(cleaned for cleaned in (clean_text(arg).strip() for arg in self.args) if cleaned)
        object.__setattr__(self, "args", args)
        object.__setattr__(self, "extra", {key: clean_text(value) for key, value in self.extra.items()})

    @property
    def is_callback(self) -> bool:
        """A button press."""
        return self.callback_id is not None

    @property
    def kind(self) -> str:
        """What arrived, for logs that must not carry the content: command, button, text, location…"""
        for name, value in (("command", self.command), ("button", self.callback_id), ("location", self.location),
                            ("contact", self.contact_phone), ("photo", self.photo_file_id), ("text", self.text)):
            if value is not None:
                return name
        return "other"
