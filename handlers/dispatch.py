"""From a channel's event to a handler: one transaction that claims the update, runs it and queues every reply.

Channel adapters call `handle_inbound` (through `bot/pipeline.py`, in a worker thread); it is the same
for Telegram and WeCom. The update id, the handler's effect and every message it causes commit
together: a crash before the commit leaves nothing (the update is replayed), after it the messages go
out even if the process dies. A handler that fails has its own writes undone (a savepoint) while the
claim and the apology commit, so the person is told and the update is not retried forever.
"""

from __future__ import annotations

import logging
import zlib

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handlers.context import Ctx
from handlers.inbound import Inbound
from handlers.router import UNKNOWN_ERROR, Router
from services import delivery, outbox, updates
from services.context import AppContext
from services.delivery import Pending, claimed_in
from services.i18n import normalize_locale
from services.messages import Outgoing, OutMessage
from services.staff import find_by_account

log = logging.getLogger(__name__)


def handle_inbound(inbound: Inbound, *, app: AppContext, router: Router) -> list[Pending]:
    """Handle one event exactly once; the committed messages, claimed by this instance, to hand to the sender."""
    now = app.now()
    with app.uow() as uow:
        session = uow.session
        if not updates.claim_update(session, channel=inbound.channel, update_id=inbound.update_id, now=now):
            log.info("update %s delivered again; ignored", inbound.update_id)
            return []
        _one_at_a_time(session, inbound)
        outbox.claim_as(session, instance=app.instance_id)
        ctx = Ctx(inbound=inbound, app=app, router=router, locale=normalize_locale(inbound.user_language))
        try:
            with app.uow() as work:  # a savepoint: a failing handler leaves no half-done writes
                _identify(ctx, work.session)
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


def _one_at_a_time(session: Session, inbound: Inbound) -> None:
    """On PostgreSQL, a person's updates on different instances wait for each other (a transaction lock).

    One instance already runs a person's updates in order; behind a load balancer two of them may land
    on two instances, and without this lock both would edit the same draft at once.
    """
    if session.get_bind().dialect.name == "postgresql":
        key = zlib.crc32(f"{inbound.channel}:{inbound.user_id}".encode())
        session.execute(select(func.pg_advisory_xact_lock(key)))


def _identify(ctx: Ctx, session: Session) -> None:
    """Who wrote: their staff view and language; a person who writes has unblocked the bot and is here now."""
    ctx.staff = find_by_account(session, channel=ctx.inbound.channel, account=ctx.inbound.user_id,
                                default_timezone=ctx.app.default_timezone)
    if ctx.staff is not None:
        ctx.locale = ctx.staff.locale
        if not ctx.staff.reachable or ctx.staff.last_channel != ctx.inbound.channel:  # notices follow them here
            delivery.mark_reachable(session, staff_id=ctx.staff.id, channel=ctx.inbound.channel)


def _apology(ctx: Ctx) -> Outgoing:
    """Tell the person, in their language, that it failed on our side."""
    text = ctx._(UNKNOWN_ERROR)
    if ctx.inbound.is_callback:
        return Outgoing("alert", OutMessage(text), ctx.inbound.callback_id)
    return Outgoing("send", OutMessage(text))
