"""Outbox claims across instances: a claim taken over from a slow instance is the new holder's alone —
the old holder can neither renew it nor record an outcome over the new holder's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from services.messaging import delivery, outbox
from services.messaging.messages import OutMessage
from storage.models import OutboxMessage
from tests.services.reports_support import UowFactory, add_office, add_person

pytestmark = pytest.mark.both_databases  # storage and claims: on PostgreSQL too (tests/conftest.py)

T0 = datetime(2026, 11, 24, 2, tzinfo=UTC)
LATER = T0 + delivery.STALE_CLAIM + timedelta(seconds=1)


def _one_claimed_row_taken_over(uow_factory: UowFactory) -> int:
    """One message; A claims it at T0, B takes it over once A's claim is stale; its id."""
    office = add_office(uow_factory(), "上海办事处")
    who = add_person(uow_factory(), "甲", office_id=office, roles=["sales"])
    with uow_factory() as uow:
        outbox.enqueue(uow.session, staff_id=who, message=OutMessage("hello"), now=T0)
        uow.commit()
    (item,) = delivery.claim_batch(uow_factory(), instance="a", now=T0)
    assert delivery.claim_batch(uow_factory(), instance="b", now=T0) == []
    (taken,) = delivery.claim_batch(uow_factory(), instance="b", now=LATER)
    assert taken.id == item.id
    return item.id


def _row(uow_factory: UowFactory, outbox_id: int) -> tuple[str, str | None, int]:
    with uow_factory() as uow:
        row = uow.session.get(OutboxMessage, outbox_id)
        assert row is not None
        return row.status, row.claimed_by, row.attempts


def test_the_old_holder_cannot_renew_or_record_over_the_new_one(uow_factory: UowFactory) -> None:
    row = _one_claimed_row_taken_over(uow_factory)

    assert not delivery.renew_claim(uow_factory(), outbox_id=row, instance="a", now=LATER)
    assert not delivery.mark_retry(uow_factory(), outbox_id=row, instance="a", error="late", not_before=LATER,
                                   attempts=0)
    assert not delivery.mark_sent_many(uow_factory(), sent=[(row, 1)], instance="a", now=LATER)
    assert not delivery.mark_unreachable(uow_factory(), outbox_id=row, instance="a", staff_id=1, now=LATER)
    assert not delivery.mark_undeliverable(uow_factory(), outbox_id=row, instance="a")
    delivery.release(uow_factory(), outbox_ids=[row], instance="a", not_before=LATER)
    assert _row(uow_factory, row) == ("sending", "b", 0)  # still B's, untouched

    assert delivery.renew_claim(uow_factory(), outbox_id=row, instance="b", now=LATER)
    assert delivery.mark_sent_many(uow_factory(), sent=[(row, 7)], instance="b", now=LATER) == 1
    assert _row(uow_factory, row) == ("sent", "b", 1)
    assert not delivery.mark_sent_many(uow_factory(), sent=[(row, 7)], instance="b", now=LATER)


def test_a_renewed_claim_is_not_taken_over(uow_factory: UowFactory) -> None:
    office = add_office(uow_factory(), "上海办事处")
    who = add_person(uow_factory(), "甲", office_id=office, roles=["sales"])
    with uow_factory() as uow:
        outbox.enqueue(uow.session, staff_id=who, message=OutMessage("hello"), now=T0)
        uow.commit()
    (item,) = delivery.claim_batch(uow_factory(), instance="a", now=T0)
    assert delivery.renew_claim(uow_factory(), outbox_id=item.id, instance="a", now=LATER - timedelta(seconds=2))

    assert delivery.claim_batch(uow_factory(), instance="b", now=LATER) == []  # A renewed it just now
    with uow_factory() as uow:
        assert uow.session.scalars(select(OutboxMessage.claimed_by)).one() == "a"
