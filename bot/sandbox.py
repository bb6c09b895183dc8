"""`officebot sandbox`: the Bot API stand-in, a demo company and the real bot, in one process.

A person opens the printed address, picks who they are (office head, salesperson, technician, GM…)
and chats with the bot exactly as on a phone — no Telegram, no token, no setup.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal

from bot.bootstrap import bootstrap
from bot.settings import Settings
from bot.standin.server import BotApiStandIn, FakeUser
from bot.telegram.app import build_application
from services.demo import seed_demo
from storage.migrate import upgrade

SANDBOX_TOKEN = "100000:SANDBOX-local-only"


async def run_sandbox(settings: Settings, *, port: int) -> None:
    """Serve the sandbox until interrupted."""
    standin = BotApiStandIn(token=SANDBOX_TOKEN)
    await standin.start(port=port)
    settings = settings.model_copy(update={
        "telegram_bot_token": SANDBOX_TOKEN, "telegram_api_base_url": standin.base_url,
    })
    upgrade(settings.database_url)
    runtime = bootstrap(settings)
    people = seed_demo(runtime.app.uow, now=runtime.app.now(), default_timezone=settings.timezone)
    for person in people:
        user = FakeUser(id=person.telegram_id, first_name=person.name, language_code="zh-hans")
        standin.add_sandbox_user(user, person.label, phone=f"1380000{person.telegram_id:04d}",
                                 location=person.office_location)
    application = build_application(runtime)
    await application.initialize()
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0.0, timeout=10)
    print(f"officebot sandbox: open http://127.0.0.1:{standin.port}/ in a browser "
          f"(database {settings.database_url}); Ctrl+C stops it.", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
        await standin.stop()
        runtime.dispose()
