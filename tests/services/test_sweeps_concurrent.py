"""The approval-reminder and warranty sweeps run by two instances at the same moment send once."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import date

import pytest
from sqlalchemy import Engine, func, select

from services import approval_reminders, approvals
from services.warranty import sweep_warranty
from storage.db import make_engine, make_session_factory
from storage.models import OutboxMessage, ReminderSent
from storage.uow import UnitOfWork
from tests.services.approval_support import CONFIG, NOW, TZ, office, person
from tests.services.test_approvals_reminders import at
from tests.services.test_reminders_warranty import add_customer, cst

Sweep = Callable[[Callable[[], UnitOfWork]], object]


@pytest.fixture
def engines(migrated_url: str) -> Iterator[list[Engine]]:
    """Two engines on one database, as two bot instances would have."""
    pair = [make_engine(migrated_url), make_engine(migrated_url)]
    yield pair
    for engine in pair:
        engine.dispose()


def run_twice_at_once(engines: list[Engine], sweep: Sweep, rounds: int = 3) -> None:
    """Both instances run `sweep` together, `rounds` times, released by a barrier each time."""
    barrier, errors = threading.Barrier(len(engines)), []

    def instance(engine: Engine) -> None:
        factory = make_session_factory(engine)
        try:
            for _ in range(rounds):
                barrier.wait()
                sweep(lambda: UnitOfWork(factory))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=instance, args=(engine,)) for engine in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []


def counts(uow_factory: Callable[[], UnitOfWork]) -> tuple[int, int]:
    """(outbox rows, reminder keys)."""
    with uow_factory() as uow:
        return (uow.session.scalar(select(func.count(OutboxMessage.id))) or 0,
                uow.session.scalar(select(func.count()).select_from(ReminderSent)) or 0)


def test_approval_chasing_on_two_instances_sends_each_reminder_once(
    uow_factory: Callable[[], UnitOfWork], engines: list[Engine]
) -> None:
    office(uow_factory)
    office(uow_factory, "总部", geofence=None, is_hq=True)
    person(uow_factory, "张伟", ["office_head"])
    sales = person(uow_factory, "李娜", ["sales"])
    person(uow_factory, "孙经理", ["gm"], office_name="总部")
    for amount in ("300", "450"):
        approvals.submit_expense(uow_factory(), requester_id=sales, config=CONFIG, now=NOW, default_timezone=TZ,
                                 data={"amount": amount, "category": "office", "spent_on": "2026-11-20",
                                       "reason": "打印纸"})
    before, _ = counts(uow_factory)
    run_twice_at_once(engines, lambda f: approval_reminders.chase_pending(f, now=at(25, 10, 30), default_timezone=TZ))
    outbox, keys = counts(uow_factory)
    assert keys == 4  # per request: one reminder and one escalation
    assert outbox - before == 4


def test_warranty_reminders_on_two_instances_send_once(
    uow_factory: Callable[[], UnitOfWork], engines: list[Engine]
) -> None:
    office_id = office(uow_factory)
    head = person(uow_factory, "张伟", ["office_head"])
    sales = person(uow_factory, "李娜", ["sales"])
    add_customer(uow_factory, office_id, "某市公安局", date(2026, 12, 20), sales)
    add_customer(uow_factory, office_id, "看守所", date(2026, 12, 1), head)
    run_twice_at_once(engines, lambda f: sweep_warranty(f(), now=cst(11, 24, 10), default_timezone=TZ))
    assert counts(uow_factory) == (3, 2)  # 某市公安局 → head and creator; 看守所 → head (its creator)
