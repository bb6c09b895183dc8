"""A blocked person's manager is told once per episode: blocking again after writing to the bot again
tells the manager again, and two instances meeting the same block still tell them only once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from services.messaging import delivery
from storage.models import Staff
from tests.services.reports_support import UowFactory, add_office, add_person, queued
from tests.services.test_sender import (
    BLOCKED_NOTICE,
    FakeChannel,
    Time,
    chat_of,
    drain_until_quiet,
    enqueue,
    make_sender,
)

pytestmark = pytest.mark.both_databases  # storage and claims: on PostgreSQL too (tests/conftest.py)


def _told(uow_factory: UowFactory, manager: int) -> list[str]:
    return [m.text for _id, to, m in queued(uow_factory()) if to == manager and m.text == BLOCKED_NOTICE]


def _claim_for(uow_factory: UowFactory, staff_id: int, *, instance: str, time: Time) -> list[delivery.Pending]:
    """What `instance` claims now for `staff_id` (the manager's queued notices are claimed too, unused)."""
    return [item for item in delivery.claim_batch(uow_factory(), instance=instance, now=time.wall())
            if item.staff_id == staff_id]


def _reachable(uow_factory: UowFactory, staff_id: int) -> bool:
    with uow_factory() as uow:
        return bool(uow.session.scalars(select(Staff.reachable).where(Staff.id == staff_id)).one())


async def test_blocking_again_after_coming_back_tells_the_manager_again(uow_factory: UowFactory) -> None:
    time = Time()
    office = add_office(uow_factory(), "上海办事处")
    head = add_person(uow_factory(), "张伟", office_id=office, roles=["office_head"])
    gone = add_person(uow_factory(), "丁", office_id=office, roles=["sales"], manager_id=head)
    channel = FakeChannel(time, blocked={chat_of(uow_factory, gone)})
    sender = make_sender(uow_factory, time, channel)

    enqueue(uow_factory, gone, ["a", "b"], time.wall())
    await drain_until_quiet(sender, time)
    assert _told(uow_factory, head) == [BLOCKED_NOTICE]

    with uow_factory() as uow:  # they wrote to the bot again…
        delivery.mark_reachable(uow.session, staff_id=gone, channel="telegram")
        uow.commit()
    assert _reachable(uow_factory, gone)
    time.pass_(3600)
    enqueue(uow_factory, gone, ["c", "d"], time.wall())  # …and blocked it once more
    await drain_until_quiet(sender, time)

    assert _told(uow_factory, head) == [BLOCKED_NOTICE, BLOCKED_NOTICE]  # once for each episode
    assert not _reachable(uow_factory, gone)
    assert channel.attempts.count(chat_of(uow_factory, gone)) == 2  # one refused try per episode


def test_two_instances_meeting_the_second_block_tell_the_manager_once(uow_factory: UowFactory) -> None:
    time = Time()
    office = add_office(uow_factory(), "上海办事处")
    head = add_person(uow_factory(), "张伟", office_id=office, roles=["office_head"])
    gone = add_person(uow_factory(), "丁", office_id=office, roles=["sales"], manager_id=head)
    enqueue(uow_factory, gone, ["a"], time.wall())
    (first,) = delivery.claim_batch(uow_factory(), instance="a", now=time.wall())
    assert delivery.mark_unreachable(uow_factory(), outbox_id=first.id, instance="a", staff_id=gone, now=time.wall())
    with uow_factory() as uow:
        delivery.mark_reachable(uow.session, staff_id=gone, channel="telegram")
        uow.commit()

    enqueue(uow_factory, gone, ["b"], time.wall())
    (on_a,) = _claim_for(uow_factory, gone, instance="a", time=time)
    enqueue(uow_factory, gone, ["c"], time.wall())
    (on_b,) = _claim_for(uow_factory, gone, instance="b", time=time)
    assert on_b.chat_id is not None  # both instances are sending while the person still counts as reachable
    assert delivery.mark_unreachable(uow_factory(), outbox_id=on_a.id, instance="a", staff_id=gone, now=time.wall())
    assert delivery.mark_unreachable(uow_factory(), outbox_id=on_b.id, instance="b", staff_id=gone, now=time.wall())

    assert _told(uow_factory, head) == [BLOCKED_NOTICE, BLOCKED_NOTICE]  # episode 1 once, episode 2 once
