"""Builds the real `telegram.ext.Application`: one handler that hands every update to the router."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from telegram import BotCommand, Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler
from telegram.request import BaseRequest, HTTPXRequest

from bot.bootstrap import Runtime
from bot.sender import IN_FLIGHT
from bot.telegram.channel import TelegramChannel
from bot.telegram.convert import CHANNEL, to_inbound
from bot.telegram.inbox_bot import InboxBot
from bot.telegram.ordering import PerPersonProcessor
from domain.roles import OFFICE_ROLES
from handlers.router import STALE_BUTTON
from services.i18n.catalogs import normalize_locale, translator
from services.messaging import inbox

log = logging.getLogger(__name__)


AnyApplication = Application[Any, Any, Any, Any, Any, Any]


def build_application(runtime: Runtime, *, transport: Callable[[], BaseRequest] | None = None) -> AnyApplication:
    """The PTB application wired to our router and sender (background work starts in `on_started`).

    `transport` makes the Bot API connections (one for sends, one for the long poll); by default httpx
    to `TELEGRAM_API_BASE_URL`. The handler tests hand the stand-in's in-process one.
    """
    settings = runtime.settings
    assert settings.telegram_bot_token, "TELEGRAM_BOT_TOKEN is required to talk to Telegram"
    telegram_bot = InboxBot(
        settings.telegram_bot_token,
        base_url=settings.telegram_api_base_url,
        base_file_url=settings.telegram_file_base_url,
        # the sender has at most IN_FLIGHT sends at once; httpcore checks every pooled connection on each
        # request, so a pool much larger than that costs CPU on every message (bench/throughput.py)
        request=transport() if transport else HTTPXRequest(connection_pool_size=IN_FLIGHT + 4),
        get_updates_request=transport() if transport else HTTPXRequest(),
        store=lambda updates: inbox.store(runtime.app.uow(), channel=CHANNEL, updates=updates,
                                          now=runtime.app.now()),
    )
    application = (
        ApplicationBuilder()
        .bot(telegram_bot)
        .concurrent_updates(PerPersonProcessor())
        .build()
    )
    pipeline = runtime.attach_channel(TelegramChannel(application.bot))

    async def on_update(update: object, _context: ContextTypes.DEFAULT_TYPE) -> None:
        """Every update: convert, then the channel-neutral dispatcher does the rest."""
        if not isinstance(update, Update):
            return
        inbound = to_inbound(update, now=runtime.app.now())
        if inbound is not None:
            await pipeline.handle(inbound)
        elif update.callback_query is not None:  # no message to act on (too old, inline): stop the spinner
            query = update.callback_query
            text = translator(normalize_locale(query.from_user.language_code))(STALE_BUTTON)
            await pipeline.answer_orphan(channel=CHANNEL, user_id=str(query.from_user.id), callback_id=query.id,
                                         text=text)

    application.add_handler(TypeHandler(Update, on_update))
    application.add_error_handler(_log_error)
    return application


async def _log_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Last resort: our dispatcher catches handler errors, so this logs what escaped PTB itself."""
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("unhandled error for update %s", update_id, exc_info=context.error)


async def on_started(
    application: AnyApplication, runtime: Runtime, *, background: bool = True
) -> int:
    """After initialize(): publish the menu, replay stored-but-unprocessed updates, start the sender.

    Whoever starts the Application (bot/serve.py, the sandbox, tests) calls it after `initialize()`.
    Returns how many updates were replayed.
    """
    _ = translator(runtime.settings.locale)
    commands = [BotCommand(c.name, _(c.description)[:256]) for c in runtime.router.allowed_commands(OFFICE_ROLES)]
    try:
        await application.bot.set_my_commands(commands)
    except Exception:
        log.warning("could not publish the command menu", exc_info=True)
    replayed = await replay_inbox(application, runtime)
    if background:
        runtime.start_background()
        runtime.keep(asyncio.create_task(_replay_periodically(application, runtime), name="inbox-replay"))
    return replayed


REPLAY_EVERY = timedelta(seconds=30)
REPLAY_AFTER = timedelta(seconds=30)
"""A stored update still unhandled after this long was left by an instance that died (kill -9, lost power)."""


async def replay_inbox(application: AnyApplication, runtime: Runtime, *, after: timedelta = timedelta(0)) -> int:
    """Queue stored updates that were never handled (stored at least `after` ago); how many.

    Handling one twice is harmless: the update's claim in its own transaction lets only one through.
    """
    now = runtime.app.now() - after
    pending = await asyncio.to_thread(inbox.unprocessed, runtime.app.uow(), channel=CHANNEL, now=now)
    for payload in pending:
        update = Update.de_json(payload, application.bot)
        if update is not None:
            await application.update_queue.put(update)
    if pending:
        log.warning("replaying %d stored update(s) never handled (a crash, or another instance died)", len(pending))
    return len(pending)


async def _replay_periodically(application: AnyApplication, runtime: Runtime) -> None:
    """With several instances, the living ones pick up what a dead one had stored but not handled."""
    while True:
        await asyncio.sleep(REPLAY_EVERY.total_seconds())
        try:
            await replay_inbox(application, runtime, after=REPLAY_AFTER)
        except Exception:
            log.exception("inbox replay failed; tried again in %s", REPLAY_EVERY)
