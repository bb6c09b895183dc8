"""Webhook mode on our own listener: the secret checked, an update stored before the 200, duplicates one effect."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from bot.bootstrap import Runtime, bootstrap
from bot.settings import Settings
from bot.telegram.app import build_application
from bot.telegram.webhook import SECRET_HEADER, WEBHOOK_PATH, start_webhook, stop_webhook
from bot.web import Listener
from services.messaging import inbox
from services.people import onboarding
from standins.telegram.server import BotApiStandIn
from standins.telegram.users import FakeUser
from storage.models import InboxUpdate, ProcessedUpdate
from tests.conftest import FakeClock
from tests.e2e.harness import TOKEN

pytestmark = pytest.mark.wire  # over HTTP, on both databases (tests/conftest.py)


SECRET = "webhook-secret-0123456789"


@dataclass
class Served:
    standin: BotApiStandIn
    runtime: Runtime
    listener: Listener
    code: str

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.listener.port}/{WEBHOOK_PATH}"

    def count(self, model: Any) -> int:
        with self.runtime.app.uow() as uow:
            return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
async def served(migrated_url: str, clock: FakeClock) -> AsyncIterator[Served]:
    async with BotApiStandIn(token=TOKEN) as standin:
        settings = Settings(
            TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=standin.base_url, DATABASE_URL=migrated_url,
            OFFICEBOT_SCHEDULER=False, OFFICEBOT_WEBHOOK_URL="https://bot.example.com",
            OFFICEBOT_WEBHOOK_SECRET=SECRET, OFFICEBOT_WEBHOOK_PORT=8443,
        )  # type: ignore[call-arg]
        runtime = bootstrap(settings, clock=clock)
        onboarding.create_office(runtime.app.uow(), name="上海办事处", timezone="Asia/Shanghai", now=clock())
        code = onboarding.invite(runtime.app.uow(), office_name="上海办事处", roles=["sales"], name="李娜",
                                 now=clock())
        application = build_application(runtime)
        # Telegram would call the public URL; the stand-in calls our listener on loopback directly.
        listener = Listener(listen="127.0.0.1", port=0)
        await listener.start()
        port = listener.port
        await listener.stop()
        listener = await start_webhook(application, runtime, public_url=f"http://127.0.0.1:{port}", port=port)
        try:
            yield Served(standin, runtime, listener, code)
        finally:
            await stop_webhook(application, runtime, listener)
            runtime.dispose()


def start_update(update_id: int, user: FakeUser, text: str) -> dict[str, Any]:
    command = text.split()[0]
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": 1_764_000_000, "text": text,
        "chat": {"id": user.id, "type": "private", "first_name": user.first_name},
        "from": {"id": user.id, "is_bot": False, "first_name": user.first_name},
        "entities": [{"type": "bot_command", "offset": 0, "length": len(command)}]}}


async def test_updates_posted_with_the_secret_are_handled_and_forged_ones_refused(served: Served) -> None:
    user = FakeUser(id=4242, first_name="李娜")
    await served.standin.send_command(user, "/start", served.code)
    reply = await served.standin.wait_for_text(user.id, "欢迎，李娜")
    assert "上海办事处" in reply["text"]
    stored = served.count(InboxUpdate)
    async with httpx.AsyncClient() as client:
        forged = await client.post(served.url, json={"update_id": 999, "message": {}},
                                   headers={SECRET_HEADER: "wrong-secret-000000"})
        missing = await client.post(served.url, json={"update_id": 998, "message": {}})
        not_json = await client.post(served.url, content=b"{", headers={SECRET_HEADER: SECRET})
        probe = await client.get(f"http://127.0.0.1:{served.listener.port}/healthz")
    assert (forged.status_code, missing.status_code, not_json.status_code) == (403, 403, 400)
    assert served.count(InboxUpdate) == stored  # nothing forged was stored
    assert probe.text == "ok"


async def test_an_update_is_stored_before_the_200_and_a_failed_store_is_redelivered(
        served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    user = FakeUser(id=4243, first_name="李娜")
    await served.standin.send_command(user, "/help")  # the chat exists; a stranger is refused
    await served.standin.wait_for_text(user.id, "邀请码")
    update = start_update(700_001, user, f"/start {served.code}")

    def broken(*_args: object, **_kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(inbox, "store", broken)
    async with httpx.AsyncClient() as client:
        failed = await client.post(served.url, json=update, headers={SECRET_HEADER: SECRET})
        monkeypatch.undo()
        assert failed.status_code == 500  # Telegram keeps it and delivers again
        assert served.count(ProcessedUpdate) == 1  # only the /help before it
        for _ in range(3):  # the redelivery, then two duplicates
            ok = await client.post(served.url, json=update, headers={SECRET_HEADER: SECRET})
            assert ok.status_code == 200
    await served.standin.wait_for_text(user.id, "欢迎，李娜")
    assert served.count(InboxUpdate) == 2
    with served.runtime.app.uow() as uow:
        assert 700_001 in list(uow.session.scalars(select(ProcessedUpdate.update_id)))
    assert served.count(ProcessedUpdate) == 2
    assert sum("欢迎" in (m.get("text") or "") for m in served.standin.messages(user.id)) == 1
