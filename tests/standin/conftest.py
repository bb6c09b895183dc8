"""Fixtures: a running stand-in, a PTB Bot pointed at it, and a PTB Application helper."""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from telegram import Bot
from telegram.ext import Application, ApplicationBuilder, BaseHandler

from standins.telegram import BotApiStandIn, FakeUser


@pytest.fixture
async def standin() -> AsyncIterator[BotApiStandIn]:
    """A stand-in on a free loopback port; after the test nothing may be left running."""
    server = BotApiStandIn()
    await server.start()
    yield server
    await server.stop()
    await asyncio.sleep(0)
    leftovers = [t for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done()]
    assert leftovers == []


@pytest.fixture
async def bot(standin: BotApiStandIn) -> AsyncIterator[Bot]:
    """A real telegram.Bot talking to the stand-in."""
    async with Bot(standin.token, base_url=standin.base_url, base_file_url=standin.base_file_url) as ptb_bot:
        yield ptb_bot


@pytest.fixture
def alice(standin: BotApiStandIn) -> FakeUser:
    """A user who has started the bot."""
    user = FakeUser(1001, "Alice", "alice")
    standin.add_user(user)
    return user


def build_application(standin: BotApiStandIn) -> Application:
    """A real PTB Application pointed at the stand-in."""
    builder = ApplicationBuilder().token(standin.token)
    return builder.base_url(standin.base_url).base_file_url(standin.base_file_url).build()


async def stop_application(app: Application) -> None:
    """Stop whatever of the Application is running, in PTB's order."""
    if app.updater is not None and app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    await app.shutdown()


@pytest.fixture
async def application(standin: BotApiStandIn) -> AsyncIterator[Application]:
    """A built (not started) Application; stopped after the test."""
    app = build_application(standin)
    yield app
    await stop_application(app)


@pytest.fixture
async def polling(standin: BotApiStandIn) -> AsyncIterator[Callable[..., Awaitable[Application]]]:
    """Start an Application with the given handlers, long polling with timeout=1; stopped after the test."""
    started: list[Application] = []

    async def start(*handlers: BaseHandler) -> Application:
        app = build_application(standin)
        app.add_handlers(handlers)
        started.append(app)
        await app.initialize()
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        return app

    yield start
    for app in started:
        await stop_application(app)
