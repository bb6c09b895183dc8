"""Channel-neutral outgoing messages: what services, jobs and handlers hand to a channel.

They serialize to plain dicts so the outbox can store them and any channel (Telegram, WeCom) can
render them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

KeyRequest = Literal["location", "contact"]


@dataclass(frozen=True)
class Button:
    """An inline button: a label and short callback data (`prefix:id:action`, ≤ 64 bytes)."""

    label: str
    data: str


@dataclass(frozen=True)
class KeyButton:
    """A reply-keyboard button, optionally asking the client for the location or phone number."""

    label: str
    request: KeyRequest | None = None


@dataclass(frozen=True)
class OutFile:
    """A document to send (an export, a sheet)."""

    name: str
    data: bytes


@dataclass(frozen=True)
class OutMessage:
    """Text plus optional inline buttons, a reply keyboard, a file or photos to forward."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    keyboard: tuple[tuple[KeyButton, ...], ...] = ()
    remove_keyboard: bool = False
    file: OutFile | None = None
    photos: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Telegram refuses callback data over 64 bytes; fail where the button is built."""
        for row in self.buttons:
            for button in row:
                if len(button.data.encode()) > 64:
                    raise ValueError(f"callback data too long: {button.data!r}")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe form for the outbox (files are not queued, only sent directly)."""
        return {
            "text": self.text,
            "buttons": [[[b.label, b.data] for b in row] for row in self.buttons],
            "keyboard": [[[k.label, k.request] for k in row] for row in self.keyboard],
            "remove_keyboard": self.remove_keyboard,
            "photos": list(self.photos),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OutMessage:
        """Rebuild a message stored in the outbox."""
        return cls(
            text=data["text"],
            buttons=tuple(tuple(Button(label, d) for label, d in row) for row in data.get("buttons", [])),
            keyboard=tuple(tuple(KeyButton(label, r) for label, r in row) for row in data.get("keyboard", [])),
            remove_keyboard=bool(data.get("remove_keyboard")),
            photos=tuple(data.get("photos", [])),
        )


def button_rows(buttons: list[Button], *, per_row: int = 2) -> tuple[tuple[Button, ...], ...]:
    """Lay buttons out `per_row` to a row, the way phones show them best."""
    return tuple(tuple(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row))
