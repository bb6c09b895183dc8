"""What each private chat holds: the user's and the bot's messages, and what the bot did when."""

from dataclasses import dataclass
from typing import Any

from standins.telegram.keyboards import inline_markup, reply_keyboard_rows
from standins.telegram.waiting import Signal

Message = dict[str, Any]


@dataclass(frozen=True)
class BotEvent:
    """A snapshot of a bot message right after it was sent ("sent") or changed ("edited")."""

    seq: int
    kind: str
    message: Message


def copied(value: Any) -> Any:
    """A copy of JSON-like data (dicts, lists, immutable scalars): what `copy.deepcopy` returns for it, at a
    third of the cost (deepcopy's memo and dispatch were a tenth of an in-process chat script)."""
    if isinstance(value, dict):
        return {key: copied(item) for key, item in value.items()}
    if isinstance(value, list):
        return [copied(item) for item in value]
    return value


def is_from_bot(message: Message) -> bool:
    """Whether the bot (not the user) wrote the message."""
    return bool(message.get("from", {}).get("is_bot"))


def api_view(message: Message) -> Message:
    """A recorded message as the Bot API returns it: reply keyboards are not part of a Message."""
    view = copied(message)
    markup = inline_markup(view.pop("reply_markup", None))
    if markup is not None:
        view["reply_markup"] = markup
    return view


def message_text(message: Message) -> str:
    """A message's text or caption ("" when it has neither)."""
    return str(message.get("text") or message.get("caption") or "")


class ChatLog:
    """Messages per chat with shared, increasing message ids, plus the bot's send/edit history."""

    def __init__(self) -> None:
        self._messages: dict[int, dict[int, Message]] = {}
        self._bot_ids: dict[int, list[int]] = {}  # the bot's message ids per chat, oldest first
        self._last_id: dict[int, int] = {}
        self._events: dict[int, list[BotEvent]] = {}
        self._marks: dict[int, int] = {}
        self._keyboards: dict[int, dict[str, Any]] = {}
        self.changed = Signal()

    def next_message_id(self, chat_id: int) -> int:
        """Reserve the chat's next message id."""
        self._last_id[chat_id] = self._last_id.get(chat_id, 0) + 1
        return self._last_id[chat_id]

    def add(self, message: Message) -> None:
        """Record a new message from either side."""
        chat_id = message["chat"]["id"]
        self._messages.setdefault(chat_id, {})[message["message_id"]] = copied(message)
        if is_from_bot(message):
            self._bot_ids.setdefault(chat_id, []).append(message["message_id"])
            self._track_keyboard(chat_id, message.get("reply_markup"))
            self._record(chat_id, "sent", message)
        else:
            self.note_user_action(chat_id)
            self._hide_one_time_keyboard(chat_id)
        self.changed.notify()

    def replace(self, message: Message) -> None:
        """Store the new state of an edited message."""
        chat_id = message["chat"]["id"]
        self._messages[chat_id][message["message_id"]] = copied(message)
        if is_from_bot(message):
            self._record(chat_id, "edited", message)
        self.changed.notify()

    def get(self, chat_id: int, message_id: int) -> Message | None:
        """A copy of one message's current state."""
        message = self._messages.get(chat_id, {}).get(message_id)
        return copied(message) if message else None

    def transcript(self, chat_id: int) -> list[Message]:
        """Copies of every message still in the chat, both sides, oldest first."""
        return [copied(m) for _, m in sorted(self._messages.get(chat_id, {}).items())]

    def bot_messages(self, chat_id: int, start: int = 0) -> list[Message]:
        """Copies of the bot's messages still in the chat, edits applied, oldest first (from the `start`-th on)."""
        messages = self._messages.get(chat_id, {})
        return [copied(messages[i]) for i in self._bot_ids.get(chat_id, [])[start:]]

    def bot_message_count(self, chat_id: int) -> int:
        """How many of the bot's messages are in the chat now (what `bot_messages` would list)."""
        return len(self._bot_ids.get(chat_id, []))

    def sent_count(self, chat_id: int) -> int:
        """How many messages the bot has ever sent to the chat (deleted ones included)."""
        return sum(1 for event in self._events.get(chat_id, []) if event.kind == "sent")

    def events_since(self, chat_id: int, seq: int) -> list[BotEvent]:
        """The bot's sends and edits in the chat after event number `seq`."""
        return self._events.get(chat_id, [])[seq:]

    def note_user_action(self, chat_id: int) -> None:
        """Remember where the bot's history stood when the user last did something."""
        self._marks[chat_id] = self.event_count(chat_id)

    def mark(self, chat_id: int) -> int:
        """The event number at the user's last action in the chat."""
        return self._marks.get(chat_id, 0)

    def event_count(self, chat_id: int) -> int:
        """How many sends and edits the bot made in the chat so far."""
        return len(self._events.get(chat_id, []))

    def snapshot(self) -> dict[str, Any]:
        """Every chat's messages, message counters and reply keyboards, JSON-safe (the sandbox keeps it)."""
        return {
            "messages": {str(c): [m for _, m in sorted(ms.items())] for c, ms in self._messages.items()},
            "last_id": {str(c): n for c, n in self._last_id.items()},
            "keyboards": {str(c): k for c, k in self._keyboards.items()},
        }

    def restore(self, data: dict[str, Any]) -> None:
        """Take back a `snapshot()`: the chats read as before and new message ids continue after the old."""
        for chat, messages in (data.get("messages") or {}).items():
            self._messages[int(chat)] = {int(m["message_id"]): m for m in messages}
            self._bot_ids[int(chat)] = sorted(int(m["message_id"]) for m in messages if is_from_bot(m))
        self._last_id.update({int(c): int(n) for c, n in (data.get("last_id") or {}).items()})
        self._keyboards.update({int(c): k for c, k in (data.get("keyboards") or {}).items()})
        self.changed.notify()

    def reply_keyboard(self, chat_id: int) -> dict[str, Any] | None:
        """The reply keyboard the user currently sees, if any."""
        return copied(self._keyboards.get(chat_id))

    def _record(self, chat_id: int, kind: str, message: Message) -> None:
        events = self._events.setdefault(chat_id, [])
        events.append(BotEvent(len(events) + 1, kind, copied(message)))

    def _track_keyboard(self, chat_id: int, markup: Any) -> None:
        if reply_keyboard_rows(markup):
            self._keyboards[chat_id] = copied(markup)
        elif isinstance(markup, dict) and markup.get("remove_keyboard"):
            self._keyboards.pop(chat_id, None)

    def _hide_one_time_keyboard(self, chat_id: int) -> None:
        keyboard = self._keyboards.get(chat_id)
        if keyboard and keyboard.get("one_time_keyboard"):
            del self._keyboards[chat_id]
