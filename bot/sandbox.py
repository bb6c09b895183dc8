"""`officebot sandbox`: the Bot API and WeCom stand-ins, a demo company and the real bot, in one process.

A person opens the printed address, picks who they are (office head, salesperson, technician, GM…)
and chats with the bot exactly as on a phone — no Telegram, no token, no setup. A second address is
the same company in WeCom (企业微信): the bot serves both channels at once, as `officebot run` does
with both configured, and every demo person is bound on both (by the contacts sync, `sync-wecom`'s
path), so a request filed on one is approved on the other.
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
from bot.web import Listener
from bot.wecom.app import CALLBACK_PATH, WeComApp
from bot.wecom.crypto import WeComCrypto
from bot.wecom.menu import menu_body
from services.demo import DemoPerson, seed_demo
from services.updates import last_update_id
from services.wecom_directory import sync_directory
from standins.wecom.directory import Department, Member
from standins.wecom.server import WeComStandIn
from standins.wecom.web import SandboxMember, WeComSandbox
from storage.migrate import upgrade

SANDBOX_TOKEN = "100000:SANDBOX-local-only"
# the sandbox's own WeCom app (local only: the stand-in is the only WeCom it ever talks to)
WECOM_CORP, WECOM_AGENT, WECOM_SECRET = "wwsandbox0000local", 1000002, "sandbox-secret-local-only"
WECOM_TOKEN, WECOM_AES_KEY = "sandbox-wecom-token", "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"


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

    async def start(self) -> str:
        """Start the stand-in, seed the demo company, start the bot; return the page's address."""
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
        people = seed_demo(self.runtime.app.uow, now=self.runtime.app.now(), default_timezone=settings.timezone)
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

    async def stop(self) -> None:
        """Stop the bot, then the stand-ins."""
        await self.listener.stop()
        if self.wecom is not None:
            await self.wecom.stop()
        if self.application is not None:
            await self.application.updater.stop()
            if self.runtime is not None:
                await self.runtime.stop_background()
            await self.application.stop()
            await self.application.shutdown()
        await self.standin.stop()
        await self.wecom_standin.stop()
        if self.runtime is not None:
            self.runtime.dispose()


async def run_sandbox(settings: Settings, *, port: int) -> None:
    """Serve the sandbox until interrupted."""
    sandbox = Sandbox(settings, port=port)
    address = await sandbox.start()
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
