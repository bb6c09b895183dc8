"""`officebot sandbox`: the Bot API and WeCom stand-ins, a demo company and the real bot, in one process.

A person opens the printed address, picks who they are (office head, salesperson, technician, GM…)
and chats with the bot exactly as on a phone — no Telegram, no token, no setup. A second address is
the same company in WeCom (企业微信): the bot serves both channels at once, as `officebot run` does
with both configured, and every demo person is bound on both (by the contacts sync, `sync-wecom`'s
path), so a request filed on one is approved on the other. The Telegram chats are kept in a JSON
file beside a SQLite database (`<db>.chats.json`), written a moment after each change and at stop,
so a restarted sandbox shows the conversation where it was.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from bot import collector
from bot.bootstrap import Runtime, bootstrap
from bot.settings import Settings
from bot.telegram.app import build_application, on_started
from bot.telegram.convert import CHANNEL
from bot.web import Listener
from bot.wecom.app import CALLBACK_PATH, WeComApp
from bot.wecom.crypto import WeComCrypto
from bot.wecom.menu import menu_body
from services.messaging.updates import last_update_id
from services.people.demo import DemoPerson, seed_demo
from services.wecom.directory import sync_directory
from standins.telegram.server import BotApiStandIn, FakeUser
from standins.wecom.directory import Department, Member
from standins.wecom.server import WeComStandIn
from standins.wecom.web import SandboxMember, WeComSandbox
from storage.migrate import upgrade

SANDBOX_TOKEN = "100000:SANDBOX-local-only"
# the sandbox's own WeCom app (local only: the stand-in is the only WeCom it ever talks to)
WECOM_CORP, WECOM_AGENT, WECOM_SECRET = "wwsandbox0000local", 1000002, "sandbox-secret-local-only"
WECOM_TOKEN, WECOM_AES_KEY = "sandbox-wecom-token", "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
SAVE_DELAY = 0.5  # seconds after a change before the chats are written (a burst of replies is one write)
log = logging.getLogger(__name__)


def history_file(database_url: str) -> Path | None:
    """Where the chats are kept: beside a SQLite database file; None for an in-memory or server database."""
    url = make_url(database_url)
    if not url.drivername.startswith("sqlite") or not url.database or url.database == ":memory:":
        return None
    return Path(url.database).with_suffix(".chats.json")


class Sandbox:
    """The running pieces; `start()` then `stop()` (the CLI waits for Ctrl+C in between)."""

    def __init__(self, settings: Settings, *, port: int) -> None:
        self.settings, self.port = settings, port
        self.standin = BotApiStandIn(token=SANDBOX_TOKEN)
        self.wecom_standin = WeComStandIn(crypto=WeComCrypto(WECOM_TOKEN, WECOM_AES_KEY, WECOM_CORP),
                                          corp_id=WECOM_CORP, corp_secret=WECOM_SECRET, agent_id=WECOM_AGENT)
        self.wecom_standin.sandbox = WeComSandbox(self.wecom_standin)
        self.listener = Listener(listen="127.0.0.1", port=0)
        self.runtime: Runtime | None = None
        self.application: Any = None
        self.wecom: WeComApp | None = None
        self.wecom_address = ""
        self.history = history_file(settings.database_url)
        self._saver: asyncio.Task[None] | None = None

    async def start(self) -> str:
        """Start the stand-in, seed the demo company, start the bot; return the page's address."""
        self._load_history()
        await self.standin.start(port=self.port)
        await self.wecom_standin.start(port=self.port + 1 if self.port else 0)
        settings = self.settings.model_copy(update={
            "telegram_bot_token": SANDBOX_TOKEN, "telegram_api_base_url": self.standin.base_url,
            "wecom_corp_id": WECOM_CORP, "wecom_agent_id": WECOM_AGENT, "wecom_secret": WECOM_SECRET,
            "wecom_token": WECOM_TOKEN, "wecom_encoding_aes_key": WECOM_AES_KEY,
            "wecom_api_base_url": self.wecom_standin.url,
        })
        upgrade(settings.database_url)
        self.runtime = bootstrap(settings)
        self.standin.feed.continue_after(last_update_id(self.runtime.app.uow(), channel=CHANNEL))
        people = seed_demo(self.runtime.app.uow, now=self.runtime.app.now())
        for person in people:
            user = FakeUser(id=person.telegram_id, first_name=person.name, language_code="zh-hans")
            self.standin.add_sandbox_user(user, person.label, phone=f"1380000{person.telegram_id:04d}",
                                          location=person.office_location)
        self._bind_on_wecom(people)
        self.application = build_application(self.runtime)
        await self.application.initialize()
        await on_started(self.application, self.runtime)
        await self.application.start()
        await self.application.updater.start_polling(poll_interval=0.0, timeout=10)
        self.wecom = WeComApp.from_settings(self.runtime)
        self.wecom.mount(self.listener)
        await self.listener.start()
        self.wecom_standin.callback_url = f"http://127.0.0.1:{self.listener.port}{CALLBACK_PATH}"
        await self.wecom.start()
        await self.wecom.api.create_menu(menu_body())  # what `officebot admin wecom-menu` publishes
        self.wecom_address = f"{self.wecom_standin.url}/"
        if self.history is not None:
            self._saver = asyncio.create_task(self._keep_saving())
        return f"http://127.0.0.1:{self.standin.port}/"

    def _bind_on_wecom(self, people: list[DemoPerson]) -> None:
        """Every demo person is a WeCom member too (userid ``demo<id>``), bound by the contacts sync."""
        assert self.runtime is not None and self.wecom_standin.sandbox is not None
        offices = sorted({person.label.split(" · ")[0] for person in people})
        departments = [Department(id=1, name="演示公司"),
                       *(Department(id=2 + i, name=name, parentid=1) for i, name in enumerate(offices))]
        department_of = {d.name: d.id for d in departments}
        members = [Member(userid=f"demo{p.telegram_id}", name=p.name,
                          department=(department_of[p.label.split(" · ")[0]],)) for p in people]
        self.wecom_standin.load_directory(departments, members)
        sync_directory(self.runtime.app.uow(), departments=[d.to_json() for d in departments],
                       members=[m.to_json() for m in members], now=self.runtime.app.now())
        for person, member in zip(people, members, strict=True):
            self.wecom_standin.sandbox.add_member(SandboxMember(member.userid, person.name, person.label,
                                                                person.office_location))


    def _load_history(self) -> None:
        """Put the chats of the last run back (an unreadable file is set aside, not fatal)."""
        if self.history is None or not self.history.exists():
            return
        try:
            self.standin.chats.restore(json.loads(self.history.read_text(encoding="utf-8")))
        except (ValueError, KeyError, TypeError, AttributeError):
            log.warning("sandbox chat history %s unreadable; starting with empty chats", self.history)

    def save_history(self) -> None:
        """Write the chats (to a temporary file first, so a crash mid-write keeps the old one)."""
        if self.history is None:
            return
        tmp = self.history.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.standin.chats.snapshot(), ensure_ascii=False), encoding="utf-8")
        tmp.replace(self.history)

    async def _keep_saving(self) -> None:
        """After each change (debounced), write the chats."""
        while True:
            await self.standin.chats.changed.wait(3600)
            await asyncio.sleep(SAVE_DELAY)
            self.save_history()

    async def stop(self) -> None:
        """Stop the bot, keep the chats, then stop the stand-ins."""
        if self._saver is not None:
            self._saver.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._saver
        await self.listener.stop()
        if self.wecom is not None:
            await self.wecom.stop()
        if self.application is not None:
            await self.application.updater.stop()
            if self.runtime is not None:
                await self.runtime.stop_background()
            await self.application.stop()
            await self.application.shutdown()
        self.save_history()
        await self.standin.stop()
        await self.wecom_standin.stop()
        if self.runtime is not None:
            self.runtime.dispose()


async def run_sandbox(settings: Settings, *, port: int) -> None:
    """Serve the sandbox until interrupted."""
    sandbox = Sandbox(settings, port=port)
    address = await sandbox.start()
    collector.tune()  # start-up is over (bot/collector.py)
    print(f"officebot sandbox: open {address} in a browser (企业微信 version: {sandbox.wecom_address}; "
          f"database {settings.database_url}); Ctrl+C stops it.", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await sandbox.stop()
