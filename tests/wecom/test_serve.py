"""`officebot run` with Telegram and WeCom configured at once: one runtime, one sender, both channels answer."""

from __future__ import annotations

import asyncio

import httpx

from bot.bootstrap import bootstrap
from bot.serve import serve
from bot.settings import Settings
from bot.standin.server import BotApiStandIn
from bot.standin.users import FakeUser
from bot.wecom.app import CALLBACK_PATH
from bot.wecom.crypto import WeComCrypto
from services import onboarding
from services.wecom_directory import sync_directory
from standins.wecom.server import WeComStandIn
from tests.conftest import FakeClock
from tests.e2e.harness import TOKEN as TELEGRAM_TOKEN
from tests.wecom.test_conversations import AES_KEY, AGENT, CORP, SECRET, TOKEN, shown


async def test_both_channels_at_once(migrated_url: str, clock: FakeClock) -> None:
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
        on_telegram = onboarding.invite(runtime.app.uow(), office_name="上海办事处", roles=["sales"], name="李娜",
                                        now=clock())
        on_wecom = onboarding.invite(runtime.app.uow(), office_name="上海办事处", roles=["sales"], name="王强",
                                     now=clock())
        stop = asyncio.Event()
        listening: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        running = asyncio.create_task(serve(runtime, stop, listening=listening))
        wecom.callback_url = f"http://127.0.0.1:{await listening}{CALLBACK_PATH}"
        try:
            user = FakeUser(id=4242, first_name="李娜")
            await telegram.send_command(user, "/start", on_telegram)
            assert "欢迎，李娜" in (await telegram.wait_for_text(user.id, "欢迎", timeout=10))["text"]
            for _ in range(50):  # the listener comes up with the rest
                try:
                    if await wecom.post_text("wangqiang", f"绑定 {on_wecom}") == 200:
                        break
                except (OSError, httpx.HTTPError):
                    pass
                await asyncio.sleep(0.1)
            async with asyncio.timeout(10):
                while not any("欢迎，王强" in t for t in wecom.texts("wangqiang")):
                    await asyncio.sleep(0.05)
        finally:
            stop.set()
            await running
            runtime.dispose()


async def test_a_person_on_both_channels_is_one_person_with_one_draft(migrated_url: str, clock: FakeClock) -> None:
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
        office = onboarding.create_office(runtime.app.uow(), name="上海办事处", timezone="Asia/Shanghai", now=clock())
        code = onboarding.invite(runtime.app.uow(), office_name="上海办事处", roles=["sales"], name="李娜", now=clock())
        stop = asyncio.Event()
        listening: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        running = asyncio.create_task(serve(runtime, stop, listening=listening))
        wecom.callback_url = f"http://127.0.0.1:{await listening}{CALLBACK_PATH}"
        try:
            user = FakeUser(id=4343, first_name="李娜")
            await telegram.send_command(user, "/start", code)
            await telegram.wait_for_text(user.id, "欢迎", timeout=10)
            summary = sync_directory(runtime.app.uow(), departments=[{"id": 2, "name": "上海办事处", "parentid": 1}],
                                     members=[{"userid": "lina", "name": "李娜", "department": [2], "status": 1}],
                                     now=clock())
            assert summary.bound == ["李娜 (lina) in 上海办事处"] and office
            await telegram.send_command(user, "/expense")
            await telegram.wait_for_text(user.id, "金额", timeout=10)  # the expense form is open on Telegram
            for _ in range(50):
                try:
                    if await wecom.post_text("lina", "/leave") == 200:
                        break
                except (OSError, httpx.HTTPError):
                    pass
                await asyncio.sleep(0.1)
            async with asyncio.timeout(10):  # on WeCom the same person is asked about the same open form
                while not any("未填完的表单" in shown(m) for m in wecom.messages("lina")):
                    await asyncio.sleep(0.05)
        finally:
            stop.set()
            await running
            runtime.dispose()
