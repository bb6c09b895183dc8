"""`officebot sandbox`: the Bot API stand-in, a demo company and the real bot, in one process.

A person opens the printed address, picks who they are (office head, salesperson, technician, GM…)
and chats with the bot exactly as on a phone — no Telegram, no token, no setup.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from typing import Any

from bot.bootstrap import Runtime, bootstrap
from bot.settings import Settings
from bot.standin.server import BotApiStandIn, FakeUser
from bot.telegram.app import build_application, on_started
from bot.telegram.convert import CHANNEL
from services.demo import seed_demo
from services.updates import last_update_id
from storage.migrate import upgrade

SANDBOX_TOKEN = "100000:SANDBOX-local-only"


class Sandbox:
    """The running pieces; `start()` then `stop()` (the CLI waits for Ctrl+C in between)."""

    def __init__(self, settings: Settings, *, port: int) -> None:
        self.settings, self.port = settings, port
        self.standin = BotApiStandIn(token=SANDBOX_TOKEN)
        self.runtime: Runtime | None = None
        self.application: Any = None

    async def start(self) -> str:
        """Start the stand-in, seed the demo company, start the bot; return the page's address."""
        await self.standin.start(port=self.port)
        settings = self.settings.model_copy(update={
            "telegram_bot_token": SANDBOX_TOKEN, "telegram_api_base_url": self.standin.base_url,
        })
        upgrade(settings.database_url)
        self.runtime = bootstrap(settings)
        self.standin.feed.continue_after(last_update_id(self.runtime.app.uow(), channel=CHANNEL))
        people = seed_demo(self.runtime.app.uow, now=self.runtime.app.now(), default_timezone=settings.timezone)
        for person in people:
            user = FakeUser(id=person.telegram_id, first_name=person.name, language_code="zh-hans")
            self.standin.add_sandbox_user(user, person.label, phone=f"1380000{person.telegram_id:04d}",
                                          location=person.office_location)
        self.application = build_application(self.runtime)
        await self.application.initialize()
        await on_started(self.application, self.runtime)
        await self.application.start()
        await self.application.updater.start_polling(poll_interval=0.0, timeout=10)
        return f"http://127.0.0.1:{self.standin.port}/"

    async def stop(self) -> None:
        """Stop the bot, then the stand-in."""
        if self.application is not None:
            await self.application.updater.stop()
            if self.runtime is not None:
                await self.runtime.stop_background()
            await self.application.stop()
            await self.application.shutdown()
        await self.standin.stop()
        if self.runtime is not None:
            self.runtime.dispose()


async def run_sandbox(settings: Settings, *, port: int) -> None:
    """Serve the sandbox until interrupted."""
    sandbox = Sandbox(settings, port=port)
    address = await sandbox.start()
    print(f"officebot sandbox: open {address} in a browser "
          f"(database {settings.database_url}); Ctrl+C stops it.", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await sandbox.stop()
