"""`officebot run`: every configured channel on one runtime, one sender and one HTTP listener.

Telegram when TELEGRAM_BOT_TOKEN is set (polling, or webhook with OFFICEBOT_WEBHOOK_URL), WeCom when
the WECOM_* settings are (its callback at /wecom/callback), both at once when both are. The listener
runs when something needs it (a webhook or WeCom); the scheduler and the sender run once for all.
"""

from __future__ import annotations

import asyncio

from bot.bootstrap import Runtime
from bot.telegram.app import AnyApplication, build_application, on_started
from bot.telegram.webhook import WEBHOOK_PATH, point_telegram_here, telegram_route
from bot.web import Listener
from bot.wecom.app import WeComApp


async def serve(runtime: Runtime, stop: asyncio.Event, *, listening: asyncio.Future[int] | None = None) -> None:
    """Run until `stop` is set, then shut down in reverse order (running updates finish).

    `listening`, when given, gets the listener's port once it accepts (with OFFICEBOT_WEBHOOK_PORT=0,
    the one the system chose).
    """
    settings = runtime.settings
    listener = Listener(listen=settings.webhook_listen, port=settings.webhook_port)
    application: AnyApplication | None = None
    if settings.telegram_bot_token:
        application = build_application(runtime)
        if settings.webhook_url and settings.webhook_secret:
            listener.post(f"/{WEBHOOK_PATH}", telegram_route(application, runtime, secret=settings.webhook_secret))
    wecom = WeComApp.from_settings(runtime) if settings.wecom_configured else None
    if wecom is not None:
        wecom.mount(listener)
    serving = bool(settings.webhook_url) or wecom is not None
    polling = application is not None and not settings.webhook_url
    if application is not None:
        await application.initialize()
        await application.start()
        await on_started(application, runtime)
    else:
        runtime.start_background()
    if wecom is not None:
        await wecom.start()
    if serving:
        await listener.start()
    if listening is not None:
        listening.set_result(listener.port)
    if application is not None and settings.webhook_url:
        await point_telegram_here(application, runtime)
    if polling and application is not None and application.updater is not None:
        await application.updater.start_polling()
    try:
        await stop.wait()
    finally:
        if serving:
            await listener.stop()
        if polling and application is not None and application.updater is not None:
            await application.updater.stop()
        if application is not None:
            await application.stop()
        await runtime.stop_background()
        if wecom is not None:
            await wecom.stop()
        if application is not None:
            await application.shutdown()
