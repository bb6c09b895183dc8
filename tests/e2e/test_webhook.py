"""Webhook mode: updates POSTed with the secret header are handled; forged POSTs are refused."""

from __future__ import annotations

import socket

import httpx

from bot.bootstrap import bootstrap
from bot.settings import Settings
from bot.standin.server import BotApiStandIn
from bot.standin.users import FakeUser
from bot.telegram.app import WEBHOOK_PATH, build_application, webhook_params
from services import onboarding
from tests.conftest import FakeClock
from tests.e2e.harness import TOKEN

SECRET = "webhook-secret-0123456789"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_webhook_mode_checks_the_secret(migrated_url: str, clock: FakeClock) -> None:
    port = _free_port()
    async with BotApiStandIn(token=TOKEN) as standin:
        settings = Settings(
            TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=standin.base_url, DATABASE_URL=migrated_url,
            OFFICEBOT_SCHEDULER=False, OFFICEBOT_WEBHOOK_URL="https://bot.example.com",
            OFFICEBOT_WEBHOOK_SECRET=SECRET, OFFICEBOT_WEBHOOK_PORT=port,
        )  # type: ignore[call-arg]
        runtime = bootstrap(settings, clock=clock)
        onboarding.create_office(runtime.app.uow(), name="上海办事处", timezone="Asia/Shanghai", now=clock())
        code = onboarding.invite(runtime.app.uow(), office_name="上海办事处", roles=["sales"], name="李娜",
                                 now=clock())
        application = build_application(runtime)
        params = webhook_params(settings)
        assert params["secret_token"] == SECRET
        assert params["webhook_url"] == "https://bot.example.com/telegram"
        # Telegram would call the public URL; the stand-in calls our listener directly.
        params["webhook_url"] = f"http://127.0.0.1:{port}/{WEBHOOK_PATH}"
        await application.initialize()
        await application.start()
        assert application.updater is not None
        await application.updater.start_webhook(**params)
        runtime.start_background()  # the sender: every reply leaves through it
        try:
            user = FakeUser(id=4242, first_name="李娜")
            await standin.send_command(user, "/start", code)
            reply = await standin.wait_for_text(user.id, "欢迎，李娜")
            assert "上海办事处" in reply["text"]
            async with httpx.AsyncClient() as client:
                forged = await client.post(f"http://127.0.0.1:{port}/{WEBHOOK_PATH}",
                                           json={"update_id": 999, "message": {}},
                                           headers={"X-Telegram-Bot-Api-Secret-Token": "wrong-secret-000000"})
                missing = await client.post(f"http://127.0.0.1:{port}/{WEBHOOK_PATH}",
                                            json={"update_id": 998, "message": {}})
            assert forged.status_code == 403
            assert missing.status_code == 403
        finally:
            await application.updater.stop()
            await application.stop()
            await application.shutdown()
            runtime.dispose()
