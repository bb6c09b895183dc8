"""Everything the stand-in remembers, shared by the Bot API methods and the user side."""

import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from standins.telegram.chats import ChatLog
from standins.telegram.errors import ApiError, bad_request
from standins.telegram.files import FileStore
from standins.telegram.params import Params
from standins.telegram.updates import UpdateFeed
from standins.telegram.users import FakeUser, bot_user
from standins.telegram.waiting import Signal


@dataclass(frozen=True)
class ApiCall:
    """One Bot API request the bot made (getUpdates is not logged)."""

    method: str
    params: dict[str, Any]


def commands_key(scope: Any, language_code: str | None) -> tuple[str, str]:
    """Where setMyCommands keeps a command list: per scope and language."""
    return json.dumps(scope or {"type": "default"}, sort_keys=True), language_code or ""


def unix_now() -> int:
    """The current time as Telegram's integer timestamp."""
    return int(time.time())


class StandInState:
    """The stand-in's memory: users, chats, files, updates, callback answers and the request log."""

    def __init__(self, *, token: str, bot_username: str, bot_first_name: str) -> None:
        self.token = token
        self.bot_user = bot_user(token, bot_username, bot_first_name)
        self.bot_sender = {k: self.bot_user[k] for k in ("id", "is_bot", "first_name", "username")}
        self.chats = ChatLog()
        self.files = FileStore()
        self.feed = UpdateFeed()
        self.users: dict[int, FakeUser] = {}
        self.blocked: set[int] = set()
        self.callback_answers: list[dict[str, Any]] = []
        self.open_callbacks: set[str] = set()
        self.answered = Signal()
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.calls: list[ApiCall] = []
        self.last_activity = time.monotonic()

    @property
    def requests(self) -> list[str]:
        """Names of the Bot API methods the bot called, in order (getUpdates left out)."""
        return [call.method for call in self.calls]

    def touch(self) -> None:
        """Note that something happened now (for `wait_idle`)."""
        self.last_activity = time.monotonic()

    def private_chat(self, chat_id: int) -> dict[str, Any]:
        """The Chat object the bot may write to, or the error Telegram gives."""
        user = self.users.get(chat_id)
        if user is None:
            raise bad_request("chat not found")
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return user.to_chat()

    def chat_id_param(self, raw: int | None) -> int:
        """A required chat_id that names a chat the bot may write to."""
        if raw is None:
            raise bad_request("chat_id is empty")
        self.private_chat(raw)
        return raw


Handler = Callable[[StandInState, Params], Awaitable[Any]]
