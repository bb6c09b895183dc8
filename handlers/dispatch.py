"""From a channel's event to a handler: one transaction that claims the update, runs it and queues every reply.

Channel adapters call `handle_inbound` (through `bot/pipeline.py`, in a worker thread); it is the same
for Telegram and WeCom. The update id, the handler's effect and every message it causes commit
together: a crash before the commit leaves nothing (the update is replayed), after it the messages go
out even if the process dies. A handler that fails has its own writes undone (a savepoint) while the
claim and the apology commit, so the person is told and the update is not retried forever.
"""

from __future__ import annotations

import logging

from handlers.context import Ctx
from handlers.inbound import Inbound
from handlers.router import UNKNOWN_ERROR, Router
from services import delivery, outbox, updates
from services.context import AppContext
from services.delivery import Pending, claimed_in
from services.i18n import normalize_locale
from services.messages import Outgoing, OutMessage

log = logging.getLogger(__name__)


def handle_inbound(inbound: Inbound, *, app: AppContext, router: Router) -> list[Pending]:
    """Handle one event exactly once; the committed messages, claimed by this instance, to hand to the sender."""
    now = app.now()
    with app.uow() as uow:
        session = uow.session
        if not updates.claim_update(session, channel=inbound.channel, update_id=inbound.update_id, now=now):
            log.info("update %s delivered again; ignored", inbound.update_id)
            return []
        updates.one_at_a_time(session, channel=inbound.channel, account=inbound.user_id)
        outbox.claim_as(session, instance=app.instance_id)
        ctx = Ctx(inbound=inbound, app=app, router=router, locale=normalize_locale(inbound.user_language))
        try:
            with app.uow() as work:  # a savepoint: a failing handler leaves no half-done writes
                ctx.staff = delivery.identify_sender(work.session, channel=inbound.channel, account=inbound.user_id)
                ctx.locale = ctx.staff.locale if ctx.staff is not None else ctx.locale
                router.dispatch(ctx)
                work.commit()
        except Exception:
            # ids and kinds only: the person's text, name or phone never go into the log
            log.exception("update %s (%s from user %s) failed", inbound.update_id, inbound.kind, inbound.user_id)
            ctx.outgoing = [_apology(ctx)]
        replies = outbox.queue_replies(session, channel=inbound.channel, chat_id=inbound.chat_id,
                                       staff_id=ctx.staff.id if ctx.staff else None, replies=ctx.outgoing,
                                       instance=app.instance_id, now=now)
        handed = claimed_in(session, replies)
        uow.commit()
    return handed


def _apology(ctx: Ctx) -> Outgoing:
    """Tell the person, in their language, that it failed on our side."""
    text = ctx._(UNKNOWN_ERROR)
    if ctx.inbound.is_callback:
        return Outgoing("alert", OutMessage(text), ctx.inbound.callback_id)
    return Outgoing("send", OutMessage(text))
