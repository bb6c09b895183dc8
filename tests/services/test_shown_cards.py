"""Cards with buttons are remembered where they were delivered and edited when their thing is decided —
also a copy that was still queued or in flight at the moment of the decision (real databases)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from domain.callbacks import APPROVAL_STEP, pack
from services.messaging import cards, delivery, outbox
from services.messaging.messages import Button, OutMessage
from storage.models import OutboxMessage, ShownCard
from tests.services.reports_support import UowFactory, add_office, add_person

pytestmark = pytest.mark.both_databases  # storage and claims: on PostgreSQL too (tests/conftest.py)

T0 = datetime(2026, 11, 24, 2, tzinfo=UTC)
APPROVE = Button("✅", pack(APPROVAL_STEP, request=1, step=0, action="a"))
CARD = OutMessage("决定吧", buttons=((APPROVE,),), card="apv:1:0")


def _deliver(uow_factory: UowFactory, who: int, message_id: int) -> None:
    """Queue the card for `who`, claim it and record it delivered as message `message_id`."""
    with uow_factory() as uow:
        outbox.enqueue(uow.session, staff_id=who, message=CARD, now=T0)
        uow.commit()
    (item,) = delivery.claim_batch(uow_factory(), instance="a", now=T0)
    assert item.message.card == "apv:1:0" and item.chat_id is not None
    shown = [delivery.Shown("apv:1:0", who, item.channel, item.chat_id, str(message_id))]
    assert delivery.mark_sent_many(uow_factory(), sent=[(item.id, message_id)], instance="a", now=T0,
                                   shown=shown) == 1


def _edits(uow_factory: UowFactory) -> list[tuple[str | None, str]]:
    with uow_factory() as uow:
        rows = uow.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "edit")).all()
        return [(row.target, row.payload["text"]) for row in rows if not row.payload["buttons"]]


def _retire(uow_factory: UowFactory) -> int:
    with uow_factory() as uow:
        count = cards.retire(uow.session, card="apv:1:0", render=lambda _v: OutMessage("已同意"), now=T0)
        uow.commit()
        return count


def test_a_delivered_card_is_edited_once_when_decided(uow_factory: UowFactory) -> None:
    office = add_office(uow_factory(), "上海办事处")
    who = add_person(uow_factory(), "甲", office_id=office, roles=["office_head"])
    _deliver(uow_factory, who, 41)

    assert _retire(uow_factory) == 1
    assert _edits(uow_factory) == [("41", "已同意")]
    assert _retire(uow_factory) == 0, "a second decision edits nothing twice"
    with uow_factory() as uow:
        assert uow.session.scalars(select(ShownCard)).all() == []


def test_a_copy_delivered_after_the_decision_is_edited_at_once(uow_factory: UowFactory) -> None:
    office = add_office(uow_factory(), "上海办事处")
    who = add_person(uow_factory(), "甲", office_id=office, roles=["office_head"])
    assert _retire(uow_factory) == 0  # decided while the copy was still in the outbox

    _deliver(uow_factory, who, 42)

    assert _edits(uow_factory) == [("42", "已同意")]
    with uow_factory() as uow:
        assert uow.session.scalars(select(ShownCard)).all() == [], "a retired card is never remembered as live"
