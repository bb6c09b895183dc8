"""The people on the other side of the chat."""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FakeUser:
    """A Telegram user in a private chat with the bot (the chat id equals the user id)."""

    id: int
    first_name: str
    username: str | None = None
    language_code: str | None = "zh-hans"

    def to_user(self) -> dict[str, Any]:
        """The Bot API User object."""
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.username:
            user["username"] = self.username
        if self.language_code:
            user["language_code"] = self.language_code
        return user

    def to_chat(self) -> dict[str, Any]:
        """The Bot API Chat object of the private chat with this user."""
        chat: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.username:
            chat["username"] = self.username
        return chat


def bot_user(token: str, username: str, first_name: str) -> dict[str, Any]:
    """The bot's own User object, as getMe returns it (the id is the token's number)."""
    head = token.split(":", 1)[0]
    return {
        "id": int(head) if head.isdigit() else 123456,
        "is_bot": True,
        "first_name": first_name,
        "username": username,
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }
