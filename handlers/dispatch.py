"""From a channel's event to a handler: one transaction that claims the update, runs it and queues every reply.

Channel adapters call `handle_inbound` (through `bot/pipeline.py`, in a worker thread); it is the same
for Telegram and WeCom. The update id, the handler's effect and every message it causes commit
together: a crash before the commit leaves nothing (the update is replayed), after it the messages go
out even if the process dies. A handler that fails has its own writes undone (a savepoint) while the
claim and the apology commit, so the person is told and the update is not retried forever.
"""

from __future__ import annotations

import logging
from typing import Any

from handlers.context import Ctx
from handlers.inbound import Inbound
from handlers.router import UNKNOWN_ERROR, Router
from services.i18n.catalogs import normalize_locale
from services.messaging import delivery, updates
from services.messaging.delivery import Pending
from services.messaging.messages import Outgoing, OutMessage
from services.platform.context import AppContext

log = logging.getLogger(__name__)


def handle_inbound(inbound: Inbound, *, app: AppContext, router: Router) -> list[Pending]:
    """Handle one event exactly once; the committed messages, claimed by this instance, to hand to the sender.

    The handler runs in the update's transaction without a savepoint of its own (two statements saved
    on every update): when it fails, that transaction is rolled back whole and a second one claims the
    update and queues only the apology, so nothing the handler half-did survives. A failure outside the
    handler (the claim, the outbox, the commit) propagates: nothing is committed and the update is
    replayed from the inbox.
    """
    ctx = Ctx(inbound=inbound, app=app, router=router, locale=normalize_locale(inbound.user_language))
    with app.uow() as uow:
        if not _claim(uow, inbound, app=app):
            log.info("update %s delivered again; ignored", inbound.update_id)
            return []
        if _run_handler(uow, ctx, router):
            handed = _queue(uow, ctx, ctx.outgoing, app=app)
            uow.commit()
            return handed
    with app.uow() as uow:  # the handler failed: its transaction was rolled back on leaving the block above
        if not _claim(uow, inbound, app=app):  # another instance handled it meanwhile
            return []
        handed = _queue(uow, ctx, [_apology(ctx)], app=app)
        uow.commit()
    return handed


def _run_handler(uow: Any, ctx: Ctx, router: Router) -> bool:
    """Identify the sender and run the handler; False when it raised (logged by ids and kinds only)."""
    inbound = ctx.inbound
    try:
        ctx.staff = delivery.identify_sender(uow.session, channel=inbound.channel, account=inbound.user_id)
        ctx.locale = ctx.staff.locale if ctx.staff is not None else ctx.locale
        router.dispatch(ctx)
        return True
    except Exception:
        # ids and kinds only: the person's text, name or phone never go into the log
        log.exception("update %s (%s from user %s) failed", inbound.update_id, inbound.kind, inbound.user_id)
        return False


def _claim(uow: Any, inbound: Inbound, *, app: AppContext) -> bool:
    """Take the update id in `uow`'s transaction (False: handled already); notices queued from now on are ours."""
    return updates.take(uow.session, channel=inbound.channel, update_id=inbound.update_id,
                        account=inbound.user_id, instance=app.instance_id, now=app.now())


def _queue(uow: Any, ctx: Ctx, replies: list[Outgoing], *, app: AppContext) -> list[Pending]:
    """Write the replies into the outbox, claimed by this instance; with the queued notices, for the sender."""
    inbound = ctx.inbound
    return delivery.queue_and_hand(uow.session, channel=inbound.channel, chat_id=inbound.chat_id,
                                   staff_id=ctx.staff.id if ctx.staff else None, replies=replies,
                                   instance=app.instance_id, now=app.now())


def _apology(ctx: Ctx) -> Outgoing:
    """Tell the person, in their language, that it failed on our side."""
    text = ctx._(UNKNOWN_ERROR)
    if ctx.inbound.is_callback:
        return Outgoing("alert", OutMessage(text), ctx.inbound.callback_id)
    return Outgoing("send", OutMessage(text))
