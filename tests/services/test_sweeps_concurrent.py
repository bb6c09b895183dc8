"""The approval-reminder, warranty and monthly KPI sweeps run by two instances at the same moment send once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine

from services.approvals import reminders as approval_reminders
from services.approvals import requests as approvals
from services.expenses.reminders import sweep_kpi_reports
from services.records.warranty import sweep_warranty
from storage.uow import UnitOfWork
from tests.services.approval_support import CONFIG, NOW, office, person
from tests.services.sweep_support import counts, run_twice_at_once
from tests.services.test_approvals_reminders import at
from tests.services.test_reminders_warranty import add_customer, cst

pytestmark = pytest.mark.both_databases  # storage and claims: on PostgreSQL too (tests/conftest.py)


def test_approval_chasing_on_two_instances_sends_each_reminder_once(
    uow_factory: Callable[[], UnitOfWork], engines: list[Engine]
) -> None:
    office(uow_factory)
    office(uow_factory, "总部", geofence=None, is_hq=True)
    person(uow_factory, "张伟", ["office_head"])
    sales = person(uow_factory, "李娜", ["sales"])
    person(uow_factory, "孙经理", ["gm"], office_name="总部")
    for amount in ("300", "450"):
        approvals.submit_expense(uow_factory(), requester_id=sales, config=CONFIG, now=NOW,
                                 data={"amount": amount, "category": "office", "spent_on": "2026-11-20",
                                       "reason": "打印纸"})
    before, _ = counts(uow_factory)
    run_twice_at_once(engines, lambda f: approval_reminders.chase_pending(f, now=at(25, 10, 30)))
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
    run_twice_at_once(engines, lambda f: sweep_warranty(f(), now=cst(11, 24, 10)))
    assert counts(uow_factory) == (3, 2)  # 某市公安局 → head and creator; 看守所 → head (its creator)


def test_the_monthly_kpi_push_on_two_instances_goes_once_per_office(
    uow_factory: Callable[[], UnitOfWork], engines: list[Engine]
) -> None:
    office(uow_factory)
    office(uow_factory, "北京办事处", geofence=None)
    office(uow_factory, "总部", geofence=None, is_hq=True)
    person(uow_factory, "张伟", ["office_head"])
    person(uow_factory, "李娜", ["sales"])
    person(uow_factory, "周敏", ["finance"], office_name="总部")
    first_of_december = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # Tuesday 10:00 in Shanghai and Beijing
    run_twice_at_once(engines, lambda f: sweep_kpi_reports(f(), now=first_of_december))
    assert counts(uow_factory) == (3, 2)  # 上海: head + finance; 北京 (no head): finance; 总部 is no branch
    assert sweep_kpi_reports(uow_factory(), now=first_of_december) == 0
