"""Channel-neutral outgoing messages: what services, jobs and handlers hand to a channel.

They serialize to plain dicts so the outbox can store them and any channel (Telegram, WeCom) can
render them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

KeyRequest = Literal["location", "contact"]


@dataclass(frozen=True)
class Button:
    """An inline button: a label and its callback data, packed by `domain.callbacks.pack` (≤ 64 bytes)."""

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
    menu: bool = False  # `keyboard` is the main keyboard: persistent on Telegram, left out on WeCom (its app menu)
    file: OutFile | None = None
    photos: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)
    card: str | None = None  # the decidable thing whose buttons this shows (`apv:12`): see storage ShownCard
    # the text is the caption of the first photo (a chart): sent with it where the channel has captions
    caption: bool = False
    # the bytes of photos kept by us (services/messaging/media.py), by reference: filled by the sender, never stored
    photo_data: dict[str, bytes] = field(default_factory=dict, compare=False, repr=False)
    # set by the sender when an earlier attempt may have arrived: a channel that can, drops an exact repeat
    resend: bool = field(default=False, compare=False)

    def __post_init__(self) -> None:
        """Telegram refuses callback data over 64 bytes; fail where the button is built."""
        for row in self.buttons:
            for button in row:
                if len(button.data.encode()) > 64:
                    raise ValueError(f"callback data too long: {button.data!r}")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe form for the outbox (a file's bytes go in their own column; its name is here)."""
        return {
            "file_name": self.file.name if self.file is not None else None,
            "text": self.text,
            "buttons": [[[b.label, b.data] for b in row] for row in self.buttons],
            "keyboard": [[[k.label, k.request] for k in row] for row in self.keyboard],
            "remove_keyboard": self.remove_keyboard,
            "menu": self.menu,
            "photos": list(self.photos),
            **({"card": self.card} if self.card else {}),
            **({"caption": True} if self.caption else {}),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], file_data: bytes | None = None) -> OutMessage:
        """Rebuild a message stored in the outbox (with its file's bytes, when it has one)."""
        name = data.get("file_name")
        return cls(
            file=OutFile(name, file_data or b"") if name else None,
            text=data["text"],
            buttons=tuple(tuple(Button(label, d) for label, d in row) for row in data.get("buttons", [])),
            keyboard=tuple(tuple(KeyButton(label, r) for label, r in row) for row in data.get("keyboard", [])),
            remove_keyboard=bool(data.get("remove_keyboard")),
            menu=bool(data.get("menu")),
            photos=tuple(data.get("photos", [])),
            card=data.get("card"),
            caption=bool(data.get("caption")),
        )

    def parts(self) -> list[OutMessage]:
        """The messages this one becomes on a chat: the text (and file) first, then each photo on its own.

        The card comes first so that a photo never arrives as a bare image nobody can place (issue 10,
        defect 9). Each part is one outbox row, so each is paced by the sender instead of going back to back.
        A captioned message keeps its text with its first photo (one row): the channel sends them together.
        """
        if not self.photos:
            return [self]
        if self.caption and self.text:
            first = replace(self, photos=self.photos[:1])
            return [first, *(OutMessage("", photos=(photo,)) for photo in self.photos[1:10])]
        photos = [OutMessage("", photos=(photo,)) for photo in self.photos[:10]]
        rest = replace(self, photos=())
        return [rest, *photos] if (rest.text or rest.file is not None) else photos


def button_rows(buttons: list[Button], *, per_row: int = 2) -> tuple[tuple[Button, ...], ...]:
    """Lay buttons out `per_row` to a row, the way phones show them best."""
    return tuple(tuple(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row))


TELEGRAM_TEXT_LIMIT = 4096
"""Characters in one Telegram message (a document caption: TELEGRAM_CAPTION_LIMIT)."""
TELEGRAM_CAPTION_LIMIT = 1024
"""Characters in a photo's or document's caption (sendPhoto / sendDocument)."""


def utf16_len(text: str) -> int:
    """Telegram's length of a text: UTF-16 code units (an emoji outside the BMP counts two)."""
    return len(text.encode("utf-16-le")) // 2


def short_caption(text: str, limit: int = TELEGRAM_CAPTION_LIMIT) -> tuple[str, bool]:
    """The caption to send with a photo: `text` itself, or its start cut at a line break (else a space) with
    "…"; True when it was shortened, so the full text must follow as a message of its own."""
    if utf16_len(text) <= limit:
        return text, False
    head = text
    while utf16_len(head) > limit - 1:
        head = head[: len(head) - max(1, (utf16_len(head) - limit + 1) // 2)]
    cut = max(head.rfind("\n"), head.rfind(" "))
    return (head[:cut] if cut >= len(head) // 2 else head).rstrip() + "…", True


def split_text(text: str, limit: int, *, size: Callable[[str], int] = len) -> list[str]:
    """Cut `text` into parts of at most `limit` (measured by `size`), at line breaks where possible.

    Every outgoing text passes through here on its channel's limit (Telegram counts characters,
    WeCom bytes), so a long report, comment or echoed answer is delivered in parts instead of
    failing — a person is never trapped in a form because its review message grew too long.
    """
    parts: list[str] = []
    current = ""
    for line in text.splitlines(keepends=True):
        while size(line) > limit:  # one line longer than a message: cut it where it fits
            room = _fitting(current + line, limit, size)
            if room <= len(current):
                parts.append(current)
                current = ""
                continue
            parts.append((current + line)[:room])
            line, current = (current + line)[room:], ""
        if size(current + line) > limit:
            parts.append(current)
            current = ""
        current += line
    parts.append(current)
    cleaned = [p.rstrip("\n") for p in parts if p.strip()]
    return cleaned or [text[: _fitting(text, limit, size)]]


def _fitting(text: str, limit: int, size: Callable[[str], int]) -> int:
    """The longest prefix length of `text` whose size is within `limit` (binary search: sizes grow)."""
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if size(text[:middle]) <= limit:
            low = middle
        else:
            high = middle - 1
    return low


OutKind = Literal["send", "edit", "answer", "alert"]


@dataclass(frozen=True)
class Outgoing:
    """One thing for the chat an update came from: a message, an edit of ours, or a button answer.

    `target` is the edited message's id or the answered callback's id; an `alert` is an answer shown
    as a pop-up.
    """

    kind: OutKind
    message: OutMessage
    target: str | None = None
