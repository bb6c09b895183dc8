"""Telegram webhook mode with a durable inbox: an update is stored before Telegram hears 200.

PTB's own webhook server answers 200 as soon as the update is queued in memory, so a crash before
the handlers ran loses it for good (Telegram does not send it again). Ours checks the secret header,
stores the update in the inbox (services/messaging/inbox.py) and only then answers; a failure to store answers
500 and Telegram redelivers. The stored update goes through the same pipeline as a polled one, and
the processed-update claim gives a duplicate delivery one effect.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from typing import Any

from aiohttp import web
from telegram import Update

from bot.bootstrap import Runtime
from bot.telegram.app import AnyApplication, on_started
from bot.telegram.convert import CHANNEL
from bot.web import Listener
from services.messaging import inbox

log = logging.getLogger(__name__)

WEBHOOK_PATH = "telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def telegram_route(application: AnyApplication, runtime: Runtime, *, secret: str) -> Any:
    """The POST handler: secret check, store, then hand the update to PTB's queue, then 200."""
    expected = secret.encode()

    async def receive(request: web.Request) -> web.Response:
        if not hmac.compare_digest(request.headers.get(SECRET_HEADER, "").encode(), expected):
            return web.Response(status=403)
        try:
            payload = await request.json()
        except ValueError:
            return web.Response(status=400)
        if not isinstance(payload, dict) or not isinstance(payload.get("update_id"), int):
            return web.Response(status=400)
        try:
            await asyncio.to_thread(inbox.store, runtime.app.uow(), channel=CHANNEL, updates=[payload],
                                    now=runtime.app.now())
        except Exception:
            log.exception("update %s could not be stored; Telegram will deliver it again", payload["update_id"])
            return web.Response(status=500)
        update = Update.de_json(payload, application.bot)
        if update is not None:
            await application.update_queue.put(update)
        return web.Response()

    return receive


async def point_telegram_here(application: AnyApplication, runtime: Runtime, *, public_url: str | None = None) -> None:
    """setWebhook to our public URL with the secret Telegram must send back (every instance sets the same)."""
    settings = runtime.settings
    base = public_url or settings.webhook_url
    assert base and settings.webhook_secret, "webhook mode needs OFFICEBOT_WEBHOOK_URL and OFFICEBOT_WEBHOOK_SECRET"
    await application.bot.set_webhook(base.rstrip("/") + "/" + WEBHOOK_PATH, secret_token=settings.webhook_secret,
                                      allowed_updates=Update.ALL_TYPES)


async def start_webhook(application: AnyApplication, runtime: Runtime, *, public_url: str | None = None,
                        port: int | None = None) -> Listener:
    """Telegram alone in webhook mode: the Application, our listener and the background work, then setWebhook."""
    settings = runtime.settings
    assert settings.webhook_secret, "webhook mode needs OFFICEBOT_WEBHOOK_SECRET"
    listener = Listener(listen=settings.webhook_listen, port=settings.webhook_port if port is None else port)
    listener.post(f"/{WEBHOOK_PATH}", telegram_route(application, runtime, secret=settings.webhook_secret))
    await application.initialize()
    await application.start()
    await on_started(application, runtime)
    await listener.start()
    await point_telegram_here(application, runtime, public_url=public_url)
    return listener


async def stop_webhook(application: AnyApplication, runtime: Runtime, listener: Listener) -> None:
    """Stop taking updates, let the running ones finish, stop the background work."""
    await listener.stop()
    await application.stop()
    await runtime.stop_background()
    await application.shutdown()
