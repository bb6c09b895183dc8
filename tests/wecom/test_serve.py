"""`officebot run` with Telegram and WeCom configured at once: one runtime, one sender, both channels answer."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from bot.bootstrap import Runtime, bootstrap
from bot.serve import serve
from bot.settings import Settings
from bot.wecom.app import CALLBACK_PATH
from bot.wecom.crypto import WeComCrypto
from services.people import onboarding
from services.wecom.directory import sync_directory
from standins.telegram.server import BotApiStandIn
from standins.telegram.users import FakeUser
from standins.wecom.server import WeComStandIn
from tests.conftest import FakeClock
from tests.e2e.harness import TOKEN as TELEGRAM_TOKEN
from tests.wecom.test_conversations import AES_KEY, AGENT, CORP, SECRET, TOKEN, shown

pytestmark = pytest.mark.both_databases  # both channels through one pipeline, on PostgreSQL too


@dataclass
class Both:
    telegram: BotApiStandIn
    wecom: WeComStandIn
    runtime: Runtime

    def invite(self, name: str) -> str:
        return onboarding.invite(self.runtime.app.uow(), office_name="上海办事处", roles=["sales"], name=name,
                                 now=self.runtime.app.now())


@pytest.fixture
async def both(migrated_url: str, clock: FakeClock) -> AsyncIterator[Both]:
    """`serve()` running with both channels, each against its stand-in."""
    crypto = WeComCrypto(TOKEN, AES_KEY, CORP)
    async with BotApiStandIn(token=TELEGRAM_TOKEN) as telegram, \
            WeComStandIn(crypto=crypto, corp_id=CORP, corp_secret=SECRET, agent_id=AGENT) as wecom:
        settings = Settings(
            DATABASE_URL=migrated_url, OFFICEBOT_SCHEDULER=False, OFFICEBOT_WEBHOOK_PORT=0,
            TELEGRAM_BOT_TOKEN=TELEGRAM_TOKEN, TELEGRAM_API_BASE_URL=telegram.base_url,
            WECOM_CORP_ID=CORP, WECOM_AGENT_ID=AGENT, WECOM_SECRET=SECRET, WECOM_TOKEN=TOKEN,
            WECOM_ENCODING_AES_KEY=AES_KEY, WECOM_API_BASE_URL=wecom.url,
        )  # type: ignore[call-arg]
        runtime = bootstrap(settings, clock=clock)
        onboarding.create_office(runtime.app.uow(), name="上海办事处", timezone="Asia/Shanghai", now=clock())
        stop = asyncio.Event()
        listening: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        running = asyncio.create_task(serve(runtime, stop, listening=listening))
        await asyncio.wait({listening, running}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        if not listening.done():  # serve() failed (or hung) before it listened: say why instead of waiting forever
            running.cancel()
            await asyncio.gather(running, return_exceptions=False)
            pytest.fail("serve() did not report its port within 10 s")
        wecom.callback_url = f"http://127.0.0.1:{listening.result()}{CALLBACK_PATH}"
        try:
            yield Both(telegram, wecom, runtime)
        finally:
            stop.set()
            await running
            runtime.dispose()


async def wecom_says(both: Both, userid: str, text: str, expected: str) -> None:
    """The member sends `text`; wait until the bot's answer contains `expected`."""
    assert await both.wecom.post_text(userid, text) == 200
    async with asyncio.timeout(10):
        while not any(expected in shown(m) for m in both.wecom.messages(userid)):
            await asyncio.sleep(0.05)


async def test_both_channels_at_once(both: Both) -> None:
    user = FakeUser(id=4242, first_name="李娜")
    await both.telegram.send_command(user, "/start", both.invite("李娜"))
    assert "欢迎，李娜" in (await both.telegram.wait_for_text(user.id, "欢迎", timeout=10))["text"]
    await wecom_says(both, "wangqiang", f"绑定 {both.invite('王强')}", "欢迎，王强")


async def test_a_person_on_both_channels_is_one_person_with_one_draft(both: Both) -> None:
    user = FakeUser(id=4343, first_name="李娜")
    await both.telegram.send_command(user, "/start", both.invite("李娜"))
    await both.telegram.wait_for_text(user.id, "欢迎", timeout=10)
    summary = sync_directory(both.runtime.app.uow(), departments=[{"id": 2, "name": "上海办事处", "parentid": 1}],
                             members=[{"userid": "lina", "name": "李娜", "department": [2], "status": 1}],
                             now=both.runtime.app.now())
    assert summary.bound == ["李娜 (lina) in 上海办事处"]
    await both.telegram.send_command(user, "/expense")
    await both.telegram.wait_for_text(user.id, "金额", timeout=10)  # the expense form is open on Telegram
    await wecom_says(both, "lina", "/leave", "未填完的表单")  # on WeCom the same person is asked about it
