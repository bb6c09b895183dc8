"""A local stand-in for the Telegram Bot API: an aiohttp server on loopback.

The real python-telegram-bot is pointed at it with ``base_url``/``base_file_url``; tests (and the
sandbox page) act as users through the methods inherited from `UserSide` and read what the bot did.
"""

import asyncio
import logging
import time
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from standins.telegram.chats import message_text
from standins.telegram.errors import NOT_FOUND, UNAUTHORIZED, ApiError
from standins.telegram.files import StoredFile
from standins.telegram.methods_messages import MESSAGE_METHODS
from standins.telegram.methods_setup import SETUP_METHODS
from standins.telegram.params import Params, read_params
from standins.telegram.state import ApiCall, Handler, commands_key
from standins.telegram.user_side import UserSide
from standins.telegram.users import FakeUser
from standins.telegram.web import Sandbox, SandboxPerson

Message = dict[str, Any]
Chat = int | FakeUser
MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # the Bot API's upload limit
log = logging.getLogger(__name__)


def _chat_id(chat: Chat) -> int:
    return chat.id if isinstance(chat, FakeUser) else chat


class BotApiStandIn(UserSide):
    """The Bot API on 127.0.0.1 for PTB, with a user-side API for tests and the sandbox page."""

    def __init__(
        self,
        *,
        token: str = "123456:TEST",
        bot_username: str = "officebot",
        bot_first_name: str = "Office Bot",
        latency: float = 0.0,
    ) -> None:
        super().__init__(token=token, bot_username=bot_username, bot_first_name=bot_first_name)
        self.latency = latency  # seconds added to every Bot API call, as a network round trip would (benchmarks)
        self.sandbox = Sandbox(self)
        methods = {**SETUP_METHODS, **MESSAGE_METHODS}
        self._methods: dict[str, tuple[str, Handler]] = {name.lower(): (name, h) for name, h in methods.items()}
        self._runner: web.AppRunner | None = None
        self._host = "127.0.0.1"
        self._port = 0
        self._in_flight = 0
        self._gate: asyncio.Event | None = None
        self._lost: set[asyncio.Event] = set()
        self.stalled = 0  # calls waiting at the gate (tests: a bot killed while its reply is on the wire)

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Listen on host:port (port 0 picks a free one)."""
        app = web.Application(client_max_size=MAX_UPLOAD_BYTES)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{file_path:.+}", self._handle_file)
        self.sandbox.add_routes(app)
        # handler_cancellation: a long poll ends when PTB drops the connection.
        self._runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        self._host, self._port = host, self._runner.addresses[0][1]

    async def stop(self) -> None:
        """End long polls and webhook delivery, then close the server."""
        await self.feed.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        """The port the server listens on."""
        return self._port

    @property
    def url(self) -> str:
        """The server's root URL (the sandbox page)."""
        return f"http://{self._host}:{self._port}"

    @property
    def base_url(self) -> str:
        """PTB's ``base_url`` (PTB appends the token)."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """PTB's ``base_file_url`` (PTB appends the token)."""
        return f"{self.url}/file/bot"

    def add_sandbox_user(
        self,
        user: FakeUser,
        label: str,
        *,
        phone: str | None = None,
        location: tuple[float, float] | None = None,
    ) -> SandboxPerson:
        """Offer `user` on the sandbox page, with the phone and location its buttons share."""
        return self.sandbox.add_person(user, label, phone=phone, location=location)

    # -- what the bot did ------------------------------------------------------------------

    def messages(self, chat: Chat, start: int = 0) -> list[Message]:
        """The bot's messages in the chat now (edits applied, deleted ones gone), oldest first (from the
        `start`-th: what came after `message_count` said `start`)."""
        return self.chats.bot_messages(_chat_id(chat), start)

    def message_count(self, chat: Chat) -> int:
        """How many of the bot's messages are in the chat now."""
        return self.chats.bot_message_count(_chat_id(chat))

    def last_message(self, chat: Chat) -> Message | None:
        """The bot's latest message in the chat, if any."""
        messages = self.messages(chat, max(self.message_count(chat) - 1, 0))
        return messages[-1] if messages else None

    def transcript(self, chat: Chat) -> list[Message]:
        """Both sides of the chat, oldest first."""
        return self.chats.transcript(_chat_id(chat))

    def reply_keyboard(self, chat: Chat) -> dict[str, Any] | None:
        """The reply keyboard the user sees now (ReplyKeyboardMarkup as sent), if any."""
        return self.chats.reply_keyboard(_chat_id(chat))

    def documents(self, chat: Chat) -> list[StoredFile]:
        """Files the bot sent to the chat as documents (bytes in `.data`, name in `.filename`)."""
        ids = [m["document"]["file_id"] for m in self.messages(chat) if "document" in m]
        return [stored for file_id in ids if (stored := self.files.get(file_id)) is not None]

    def my_commands(self, language_code: str = "", scope: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """The command menu set with setMyCommands for this scope and language."""
        return self.commands.get(commands_key(scope, language_code), [])

    def mark(self, chat: Chat) -> int:
        """A position in the bot's history of the chat, for `wait_for_text(since=...)`."""
        return self.chats.event_count(_chat_id(chat))

    async def wait_for_messages(self, chat: Chat, count: int, timeout: float = 5.0) -> list[Message]:
        """Wait until the bot has sent `count` messages to the chat in all; returns `messages`."""
        chat_id = _chat_id(chat)
        if not await self.chats.changed.wait_until(lambda: self.chats.sent_count(chat_id) >= count, timeout):
            got = self.chats.sent_count(chat_id)
            raise TimeoutError(f"chat {chat_id}: {got} of {count} messages in {timeout}s; {self._texts(chat_id)}")
        return self.messages(chat_id)

    async def wait_for_text(
        self, chat: Chat, substring: str, timeout: float = 5.0, *, since: int | None = None
    ) -> Message:
        """The first bot message, sent or edited after the user's last action, containing `substring`.

        Returns the message as it was at that send or edit; `since` (see `mark`) moves the start.
        """
        chat_id = _chat_id(chat)
        start = self.chats.mark(chat_id) if since is None else since

        def first_match() -> Message | None:
            events = self.chats.events_since(chat_id, start)
            return next((e.message for e in events if substring in message_text(e.message)), None)

        if not await self.chats.changed.wait_until(lambda: first_match() is not None, timeout):
            missing = f"no bot message containing {substring!r} in {timeout}s"
            raise TimeoutError(f"chat {chat_id}: {missing}; {self._texts(chat_id)}")
        return first_match() or {}

    async def wait_idle(self, timeout: float = 5.0, quiet: float = 0.2) -> None:
        """Wait until every update was taken and confirmed and no API call happened for `quiet` s."""
        deadline = time.monotonic() + timeout
        while not self._is_idle(quiet):
            if time.monotonic() > deadline:
                busy = f"{self.feed.pending_count} updates pending, {self._in_flight} requests running"
                raise TimeoutError(f"not idle after {timeout}s: {busy}")
            await asyncio.sleep(0.02)

    def _is_idle(self, quiet: float) -> bool:
        settled = time.monotonic() - self.last_activity >= quiet
        return settled and self.feed.pending_count == 0 and self._in_flight == 0

    def _texts(self, chat_id: int) -> str:
        return f"bot said: {[message_text(m) for m in self.chats.bot_messages(chat_id)][-5:]}"

    # -- HTTP --------------------------------------------------------------------------------

    async def _handle_api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:  # checked before the body is read, as Telegram does
            return web.json_response(UNAUTHORIZED.payload(), status=UNAUTHORIZED.code)
        try:
            params = await read_params(request)
        except ApiError as exc:
            return web.json_response(exc.payload(), status=exc.code)
        status, payload = await self.api(request.match_info["token"], request.match_info["method"], params)
        if payload is None:
            return web.Response(status=status)
        return web.json_response(payload, status=status)

    async def api(self, token: str, method_name: str, params: Params) -> tuple[int, dict[str, Any] | None]:
        """One Bot API call however it arrived (HTTP, or `standins.telegram.inprocess`): status and JSON body.

        The body is None for a call lost on the wire (`resume(lose_held=True)`).
        """
        if token != self.token:
            return UNAUTHORIZED.code, UNAUTHORIZED.payload()
        method = self._methods.get(method_name.lower())
        if method is None:
            # Telegram answers 404 too; say so here, since the method may be real but not imitated.
            log.warning("Bot API stand-in: no method %r (404)", method_name)
            return NOT_FOUND.code, NOT_FOUND.payload()
        if self._gate is not None and method[0].startswith(("send", "edit", "answer")):
            self.stalled += 1
            gate = self._gate
            try:
                await gate.wait()
            finally:
                self.stalled -= 1
            if gate in self._lost:
                return 499, None  # on the wire when the caller died: it never arrived
        try:
            result = await self._call(*method, params)
        except ApiError as exc:
            return exc.code, exc.payload()
        return 200, {"ok": True, "result": result}

    def stall(self) -> None:
        """Hold every send/edit/answer call until `resume()`: a network that has stopped answering."""
        self._gate = asyncio.Event()

    def resume(self, *, lose_held: bool = False) -> None:
        """Let held calls through, or (`lose_held`: their caller was killed meanwhile) drop them unrecorded."""
        if self._gate is not None:
            if lose_held:
                self._lost.add(self._gate)
            self._gate.set()
        self._gate = None

    async def _call(self, name: str, handler: Handler, params: Params) -> Any:
        if self.latency > 0:
            await asyncio.sleep(self.latency)
        if name == "getUpdates":
            updates = await handler(self, params)
            if updates:
                self.touch()
            return updates
        self.calls.append(ApiCall(name, params.loggable()))
        self._in_flight += 1
        self.touch()
        try:
            return await handler(self, params)
        finally:
            self._in_flight -= 1
            self.touch()

    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(UNAUTHORIZED.payload(), status=UNAUTHORIZED.code)
        stored = self.files.by_path(request.match_info["file_path"])
        if stored is None:
            return web.json_response(NOT_FOUND.payload(), status=NOT_FOUND.code)
        return web.Response(body=stored.data, content_type=stored.mime_type)
