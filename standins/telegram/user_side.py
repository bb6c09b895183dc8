"""The user's side of the chat: what a person does in the Telegram app, turned into updates."""

from datetime import datetime
from typing import Any

from standins.telegram.chats import api_view, is_from_bot
from standins.telegram.formatting import command_entities
from standins.telegram.keyboards import buttons, callback_data_for
from standins.telegram.state import StandInState, unix_now
from standins.telegram.users import FakeUser

Update = dict[str, Any]


def _timestamp(moment: datetime | None) -> int | None:
    return int(moment.timestamp()) if moment is not None else None


class UserSide(StandInState):
    """Users send texts, commands, locations, photos and contacts, and press inline buttons."""

    def __init__(self, *, token: str, bot_username: str, bot_first_name: str) -> None:
        super().__init__(token=token, bot_username=bot_username, bot_first_name=bot_first_name)
        self._callback_count = 0

    def add_user(self, user: FakeUser) -> None:
        """Let the bot write to `user` as if they had started it earlier (no update is sent)."""
        self.users[user.id] = user

    def block_user(self, user: FakeUser) -> None:
        """The user blocks the bot: sending to them fails with 403 until they write again."""
        self.add_user(user)
        self.blocked.add(user.id)

    async def send_text(self, user: FakeUser, text: str) -> Update:
        """The user sends a text; `/commands` in it get bot_command entities as in the app."""
        entities = command_entities(text)
        return self._push_message(user, {"text": text, **({"entities": entities} if entities else {})})

    async def send_command(self, user: FakeUser, command: str, arg: str | None = None) -> Update:
        """The user sends `/command` (and an argument, e.g. a deep-link payload)."""
        command = command if command.startswith("/") else f"/{command}"
        return await self.send_text(user, f"{command} {arg}" if arg else command)

    async def send_location(
        self,
        user: FakeUser,
        latitude: float,
        longitude: float,
        *,
        date: datetime | None = None,
        forwarded_from: FakeUser | None = None,
        live_period: int | None = None,
        horizontal_accuracy: float | None = None,
    ) -> Update:
        """The user shares a location; `date` is the forward's original date when forwarded."""
        location: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
        if live_period is not None:
            location["live_period"] = live_period
        if horizontal_accuracy is not None:
            location["horizontal_accuracy"] = horizontal_accuracy
        content: dict[str, Any] = {"location": location}
        when = _timestamp(date)
        if forwarded_from is not None:
            origin = {"type": "user", "date": when or unix_now(), "sender_user": forwarded_from.to_user()}
            content["forward_origin"] = origin
            when = None
        return self._push_message(user, content, date=when)

    async def edit_location(
        self,
        user: FakeUser,
        message_id: int,
        latitude: float,
        longitude: float,
        *,
        heading: int | None = None,
    ) -> Update:
        """A live location moves: an edited_message update for the user's location message."""
        message = self.chats.get(user.id, message_id)
        if message is None or "location" not in message or is_from_bot(message):
            raise ValueError(f"no location message {message_id} from user {user.id}")
        message["location"].update(latitude=latitude, longitude=longitude)
        if heading is not None:
            message["location"]["heading"] = heading
        message["edit_date"] = unix_now()
        self.chats.replace(message)
        self.chats.note_user_action(user.id)
        return self._push({"edited_message": message})

    async def send_photo(
        self, user: FakeUser, data: bytes, caption: str | None = None, *, filename: str = "photo.jpg"
    ) -> Update:
        """The user sends a photo; the bot can getFile and download every size of it."""
        content: dict[str, Any] = {"photo": self.files.add_photo(data, filename=filename)}
        if caption:
            content["caption"] = caption
        return self._push_message(user, content)

    async def send_contact(
        self, user: FakeUser, phone: str, first_name: str, *, last_name: str | None = None, own: bool = True
    ) -> Update:
        """The user shares a contact; `own` (the request_contact button) sets user_id to theirs."""
        contact: dict[str, Any] = {"phone_number": phone, "first_name": first_name}
        if last_name:
            contact["last_name"] = last_name
        if own:
            contact["user_id"] = user.id
        return self._push_message(user, {"contact": contact})

    async def press(self, user: FakeUser, message_id: int, callback_data: str, *, check: bool = True) -> str:
        """The user presses an inline button; returns the callback query id.

        With `check`, the button must exist on the message now (pass False to forge or replay data).
        """
        message = self.chats.get(user.id, message_id)
        if message is None or not is_from_bot(message):
            raise ValueError(f"no bot message {message_id} in chat {user.id}")
        if check and callback_data not in [data for _, data in buttons(message)]:
            raise ValueError(f"message {message_id} has no button {callback_data!r}: {buttons(message)}")
        self._callback_count += 1
        query_id = f"{user.id}{self._callback_count:06d}"
        self.open_callbacks.add(query_id)
        query = {
            "id": query_id,
            "from": user.to_user(),
            "message": api_view(message),
            "chat_instance": str(user.id * 7 + 1),
            "data": callback_data,
        }
        self.chats.note_user_action(user.id)
        self._push({"callback_query": query})
        return query_id

    async def press_button(self, user: FakeUser, message: dict[str, Any], text: str) -> str:
        """Press the inline button labelled `text` on `message`; returns the callback query id."""
        return await self.press(user, message["message_id"], callback_data_for(message, text))

    async def wait_for_callback_answer(self, query_id: str, timeout: float = 5.0) -> dict[str, Any]:
        """The bot's answerCallbackQuery for `query_id` (the toast or alert the user sees)."""

        def answer() -> dict[str, Any] | None:
            return next((a for a in self.callback_answers if a["callback_query_id"] == query_id), None)

        if not await self.answered.wait_until(lambda: answer() is not None, timeout):
            raise TimeoutError(f"callback query {query_id} was not answered within {timeout}s")
        return answer() or {}

    async def enqueue_raw(self, update: Update) -> Update:
        """Queue any update as given (keeps its update_id, e.g. to deliver one twice)."""
        return self._push(update)

    def _push_message(self, user: FakeUser, content: dict[str, Any], *, date: int | None = None) -> Update:
        self.users[user.id] = user
        self.blocked.discard(user.id)  # writing to the bot again unblocks it
        message = {
            "message_id": self.chats.next_message_id(user.id),
            "from": user.to_user(),
            "chat": user.to_chat(),
            "date": date or unix_now(),
            **content,
        }
        self.chats.add(message)
        return self._push({"message": message})

    def _push(self, update: Update) -> Update:
        self.touch()
        return self.feed.push(update)
