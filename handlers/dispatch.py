"""From a channel's event to a handler: de-duplicate, identify the sender, route, report failures.

Channel adapters call `handle_inbound`; it is the same for Telegram and WeCom.
"""

from __future__ import annotations

import logging

from handlers.context import Ctx
from handlers.inbound import Inbound
from handlers.router import UNKNOWN_ERROR, Router
from services import delivery, updates
from services.context import AppContext
from services.i18n import normalize_locale
from services.ports import Channel
from services.staff import find_by_telegram

log = logging.getLogger(__name__)


async def handle_inbound(inbound: Inbound, *, app: AppContext, channel: Channel, router: Router) -> None:
    """Handle one event exactly once; a failure is logged and the person told, never silence."""
    if not updates.claim_update(app.uow(), channel=inbound.channel, update_id=inbound.update_id, now=app.now()):
        log.info("update %s delivered again; ignored", inbound.update_id)
        return
    ctx = Ctx(inbound=inbound, app=app, channel=channel, router=router,
              locale=normalize_locale(inbound.user_language))
    try:
        with app.uow() as uow:
            ctx.staff = find_by_telegram(
                uow.session, telegram_user_id=inbound.user_id, default_timezone=app.default_timezone
            )
        if ctx.staff is not None:
            ctx.locale = ctx.staff.locale
            if not ctx.staff.reachable:  # they wrote to us, so they unblocked the bot
                delivery.mark_reachable(app.uow(), staff_id=ctx.staff.id)
        await router.dispatch(ctx)
    except Exception:
        # ids and kinds only: the person's text, name or phone never go into the log
        log.exception("update %s (%s from user %s) failed", inbound.update_id, inbound.kind, inbound.user_id)
        await _apologize(ctx)
    finally:
        updates.finish_update(app.uow(), channel=inbound.channel, update_id=inbound.update_id, now=app.now())
        app.kick_sender()


async def _apologize(ctx: Ctx) -> None:
    """Tell the person, in their language, that it failed on our side."""
    try:
        if ctx.inbound.is_callback and not ctx.answered:
            await ctx.answer(ctx._(UNKNOWN_ERROR), alert=True)
        else:
            await ctx.reply(ctx._(UNKNOWN_ERROR))
    except Exception:
        log.exception("could not tell the user about the failure")
