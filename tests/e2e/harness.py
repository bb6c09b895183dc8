"""Drives the real `telegram.ext.Application` over HTTP against the Bot API stand-in.

A test reads as a script: `await bot.send(user, "/weekly")` returns what the bot answered.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from telegram import Update
from telegram.ext import Application, ContextTypes, TypeHandler

from bot.bootstrap import Runtime, bootstrap
from bot.sender import OutboxSender, RateLimiter
from bot.settings import Settings
from bot.telegram.app import build_application, on_started
from domain.callbacks import pack, unpack
from services.people import onboarding
from standins.telegram.inprocess import InProcessRequest
from standins.telegram.keyboards import buttons
from standins.telegram.server import BotApiStandIn, FakeUser
from tests.conftest import FakeClock

COMPANY = "浙江某科技有限公司"
"""The company the printed sheets are titled with."""
TOKEN = "123456:TESTTOKEN-abcdef"
STALE = "此按钮已失效，请重新打开。"  # the alert for a button the callback codec refuses (garbled, forged, old format)


def repack(data: str, **changes: int | str) -> str:
    """A button's callback data with some fields changed: well-formed, so only the handler can refuse it."""
    pressed = unpack(data)
    assert pressed is not None, f"not codec data: {data!r}"
    return pack(pressed.kind, **{**pressed.values, **changes})



class VirtualPace:
    """The sender's monotonic clock, moved only by its own waits: pacing costs a test no real time."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)
        await asyncio.sleep(0)

    def install(self, sender: OutboxSender) -> None:
        """Pace `sender` and every channel's limiter (their rates unchanged) on this clock."""
        for limiter in sender.limiters.values():
            limiter.monotonic = self.monotonic
        sender.monotonic = self.monotonic
        sender.sleep = self.sleep


class BotHarness:
    """The stand-in, one running Application and helpers to talk to it as people."""

    def __init__(self, standin: BotApiStandIn, database_url: str, clock: FakeClock, *, over_http: bool = True) -> None:
        self.standin = standin
        self.over_http = over_http
        self.database_url = database_url
        self.clock = clock
        self.runtime: Runtime | None = None
        self.application: Application[Any, Any, Any, Any, Any, Any] | None = None
        self._done: set[int] = set()
        self._done_queries: set[str] = set()
        self._done_event = asyncio.Event()
        self._next_user = 5000
        self.pace = VirtualPace()
        self.replayed = 0

    @property
    def app(self) -> Any:
        """The running AppContext (its uow, clock, configuration)."""
        assert self.runtime is not None
        return self.runtime.app

    async def start(self) -> None:
        """Build and start a fresh Application on the same database (also used to 'restart')."""
        settings = Settings(
            TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=self.standin.base_url,
            DATABASE_URL=self.database_url, OFFICEBOT_SCHEDULER=False, OFFICEBOT_COMPANY_NAME=COMPANY,
        )
        self.runtime = bootstrap(settings, clock=self.clock)
        self.application = build_application(
            self.runtime, transport=None if self.over_http else lambda: InProcessRequest(self.standin))

        async def mark_done(update: object, _context: ContextTypes.DEFAULT_TYPE) -> None:
            if isinstance(update, Update):
                self._done.add(update.update_id)
                if update.callback_query is not None:
                    self._done_queries.add(update.callback_query.id)
                self._done_event.set()

        self.application.add_handler(TypeHandler(Update, mark_done), group=1)
        assert self.runtime.sender is not None  # paced on virtual time: tests/services/test_sender.py tests the pace
        self.runtime.sender.limiters["telegram"] = RateLimiter()  # Telegram's own rates, as in production
        self.pace.install(self.runtime.sender)
        await self.application.initialize()
        self.replayed = await on_started(self.application, self.runtime, background=False)
        await self.application.start()
        assert self.application.updater is not None
        await self.application.updater.start_polling(poll_interval=0.0, timeout=1, drop_pending_updates=False)

    async def stop(self) -> None:
        """Stop polling and the Application, as a crash-free shutdown would."""
        if self.application is None:
            return
        assert self.application.updater is not None
        await self.application.updater.stop()
        await self.application.stop()
        await self.application.shutdown()
        assert self.runtime is not None
        self.runtime.dispose()
        self.application = None

    async def restart(self) -> None:
        """A new Application and runtime on the same database: nothing in memory survives."""
        await self.stop()
        self._done.clear()
        self._done_queries.clear()
        await self.start()

    # --- people -------------------------------------------------------------------------------
    def add_office(self, name: str, *, timezone: str = "Asia/Shanghai", **kwargs: Any) -> int:
        """Create an office directly through the service."""
        return onboarding.create_office(self.app.uow(), name=name, timezone=timezone, now=self.clock(), **kwargs)

    async def register(self, name: str, *, office: str, roles: list[str], manager: str | None = None,
                       locale: str = "zh_CN") -> FakeUser:
        """Invite a person and redeem the code through the chat, as they would."""
        code = onboarding.invite(self.app.uow(), office_name=office, roles=roles, name=name,
                                 manager_name=manager, now=self.clock(), locale=locale)
        user = self.new_user(name)
        replies = await self.send(user, f"/start {code}")
        assert replies, f"no reply to /start for {name}"
        return user

    def new_user(self, name: str = "陌生人", language_code: str | None = "zh-hans") -> FakeUser:
        """A Telegram account not yet known to the bot."""
        self._next_user += 1
        return FakeUser(id=self._next_user, first_name=name, language_code=language_code)

    # --- talking ------------------------------------------------------------------------------
    async def _settle(self, update: dict[str, Any], before: int, chat_id: int) -> list[dict[str, Any]]:
        """Wait until the update went through every handler, flush the outbox, return new messages."""
        await self._wait(lambda: update["update_id"] in self._done)
        await self.flush()
        return self.standin.messages(chat_id, before)

    async def handled(self, update_id: int, *, flush: bool = True) -> None:
        """Wait until update `update_id` went through every handler, then (unless told not to) deliver."""
        await self._wait(lambda: update_id in self._done)
        if flush:
            await self.flush()

    async def _wait(self, done: Callable[[], bool]) -> None:
        """Wait (10 s at most) until `done()` after handlers finished an update."""
        async with asyncio.timeout(10):
            while not done():
                self._done_event.clear()
                await self._done_event.wait()

    async def flush(self) -> None:
        """Deliver what was handed to the sender, then everything else queued in the outbox (one poll)."""
        assert self.runtime is not None and self.runtime.sender is not None
        while await self.runtime.sender.drain_once(poll=False):
            pass
        while await self.runtime.sender.drain_once():
            pass

    async def send(self, user: FakeUser, text: str) -> list[dict[str, Any]]:
        """The user types `text` (a command when it starts with /); the bot's new messages."""
        before = self.standin.message_count(user.id)
        if text.startswith("/"):
            command, _, rest = text.partition(" ")
            update = await self.standin.send_command(user, command, rest or None)
        else:
            update = await self.standin.send_text(user, text)
        return await self._settle(update, before, user.id)

    async def press(self, user: FakeUser, message: dict[str, Any], label: str) -> list[dict[str, Any]]:
        """The user taps the inline button labelled `label` (substring) on `message`."""
        found = buttons(message)
        matches = [data for text, data in found if label in text]
        assert matches, f"no button {label!r} in {found}"
        return await self.press_data(user, message, matches[0])

    async def press_data(self, user: FakeUser, message: dict[str, Any], data: str) -> list[dict[str, Any]]:
        """The user's client sends callback data `data` from `message` (forged data included)."""
        before = self.standin.message_count(user.id)
        query_id = await self.standin.press(user, message["message_id"], data, check=False)
        await self._wait(lambda: query_id in self._done_queries)
        await self.flush()
        return self.standin.messages(user.id, before)

    async def share_location(self, user: FakeUser, lat: float, lon: float, **kwargs: Any) -> list[dict[str, Any]]:
        """The user shares a location (optionally stale: date=..., or forwarded_from=...)."""
        before = self.standin.message_count(user.id)
        update = await self.standin.send_location(user, lat, lon, **kwargs)
        return await self._settle(update, before, user.id)

    async def send_photo(self, user: FakeUser, data: bytes = b"\x89PNG fake") -> list[dict[str, Any]]:
        """The user sends a photo."""
        before = self.standin.message_count(user.id)
        update = await self.standin.send_photo(user, data)
        return await self._settle(update, before, user.id)

    def last(self, user: FakeUser) -> dict[str, Any]:
        """The latest message the bot sent to the user (edits applied)."""
        message = self.standin.last_message(user.id)
        assert message is not None, f"the bot has not written to {user.first_name}"
        return message

    def texts(self, user: FakeUser) -> list[str]:
        """Everything the bot said to the user, in order."""
        return [m.get("text") or m.get("caption") or "" for m in self.standin.messages(user.id)]
