"""Cards with buttons, wherever they were shown, edited when their thing is decided (no old button looks live).

A card is named by a short key (`apv:12`: approval request 12). The sender records each delivered
message that carries a key (storage ShownCard); `retire` queues, through the outbox, an edit of every
one of them to the decided text without buttons, in the viewer's language, and forgets them. It also
leaves the decided text behind (RetiredCard): a copy still queued or in flight when the decision is
made is edited as soon as the sender reports it delivered (`late_edits`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from services.messaging import outbox
from services.messaging.messages import OutMessage
from storage.claims import insert_ignore
from storage.models import RetiredCard, ShownCard, Staff

Render = Callable[[Staff | None], OutMessage]
"""The decided card for one viewer (None: a viewer no longer on the staff list)."""


def late_edits(session: Session, shown: list[tuple[str, int | None, str, str, str]], *,
               now: datetime) -> list[tuple[str, int | None, str, str, str]]:
    """Of delivered card messages (card, staff, channel, chat, message id), those whose card was already
    retired get their edit queued now; the others are returned, to be remembered as shown."""
    retired = {r.card: r.payload for r in session.scalars(
        select(RetiredCard).where(RetiredCard.card.in_({v[0] for v in shown})))} if shown else {}
    live = []
    for view in shown:
        card, staff_id, channel, chat_id, message_id = view
        if card in retired:
            outbox.enqueue_edit(session, staff_id=staff_id, channel=channel, chat_id=chat_id, message_id=message_id,
                                message=OutMessage.from_dict(retired[card]), now=now)
        else:
            live.append(view)
    return live


def retire(session: Session, *, card: str, render: Render, now: datetime,
           skip: tuple[str, str] | None = None, final: bool = True) -> int:
    """Queue an edit of every shown copy of `card` (except `skip`: (chat, message id) edited by the caller).

    Returns how many edits were queued; the views are deleted, so a second decision edits nothing twice.
    `final=False` (the step was handed to others, who get the same card) leaves no decided text behind.
    """
    views = session.scalars(select(ShownCard).where(ShownCard.card == card).order_by(ShownCard.id)).all()
    people = {s.id: s for s in session.scalars(select(Staff).where(
        Staff.id.in_({v.staff_id for v in views if v.staff_id is not None})))} if views else {}
    rendered: dict[int | None, OutMessage] = {}
    queued = 0
    for view in views:
        if skip is not None and (view.chat_id, view.message_id) == skip:
            continue
        if view.staff_id not in rendered:
            rendered[view.staff_id] = render(people.get(view.staff_id or 0))
        outbox.enqueue_edit(session, staff_id=view.staff_id, channel=view.channel, chat_id=view.chat_id,
                            message_id=view.message_id, message=rendered[view.staff_id], now=now)
        queued += 1
    if final:
        insert_ignore(session, RetiredCard, {"card": card, "payload": render(None).to_dict(), "retired_at": now})
    if views:
        session.execute(delete(ShownCard).where(ShownCard.id.in_([v.id for v in views]))
                        .execution_options(synchronize_session=False))
    return queued
