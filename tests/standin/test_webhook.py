"""Webhook mode: updates are POSTed with the secret header instead of waiting for getUpdates."""

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import Conflict

from standins.telegram import BotApiStandIn, FakeUser


@dataclass
class Receiver:
    """A tiny webhook endpoint that records what it gets and fails the first `failures` times."""

    url: str = ""
    failures: int = 0
    received: list[tuple[str | None, dict[str, Any]]] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        """Record the update and its secret header."""
        if self.failures > 0:
            self.failures -= 1
            return web.Response(status=500)
        self.received.append((request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json()))
        return web.Response()


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    """A running receiver on a free port."""
    target = Receiver()
    app = web.Application()
    app.router.add_post("/hook", target.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    target.url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    yield target
    await runner.cleanup()


async def test_updates_go_to_the_webhook_with_the_secret(
    standin: BotApiStandIn, bot: Bot, receiver: Receiver, alice: FakeUser
) -> None:
    assert await bot.set_webhook(receiver.url, secret_token="s3cret")
    update = await standin.send_text(alice, "hello hook")
    await standin.wait_idle()
    assert receiver.received == [("s3cret", update)]
    assert (await bot.get_webhook_info()).url == receiver.url
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates(timeout=0)


async def test_delete_webhook_switches_back_to_polling(
    standin: BotApiStandIn, bot: Bot, receiver: Receiver, alice: FakeUser
) -> None:
    await bot.set_webhook(receiver.url)
    await bot.delete_webhook()
    await standin.send_text(alice, "polled")
    [update] = await bot.get_updates(timeout=0)
    assert update.message is not None and update.message.text == "polled"
    assert receiver.received == []
    assert (await bot.get_webhook_info()).url == ""


async def test_failed_deliveries_are_retried_and_reported(
    standin: BotApiStandIn, bot: Bot, receiver: Receiver, alice: FakeUser
) -> None:
    receiver.failures = 2
    await bot.set_webhook(receiver.url)
    await standin.send_text(alice, "retry me")
    await standin.wait_idle()
    assert [u["message"]["text"] for _, u in receiver.received] == ["retry me"]
    info = await bot.get_webhook_info()
    assert info.last_error_message is not None and "500" in info.last_error_message
