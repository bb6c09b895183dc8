"""Issue #10: leave requests submitted at the same moment cannot together take more than the balance.

The check at submission reserves the days under the person's row lock (real SQLite and PostgreSQL).
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from domain import workdays
from domain.approvals import Decision
from domain.leave_rules import LeavePolicy, OverBalance
from services.approvals import changes as approval_changes
from services.approvals import requests as approvals
from services.approvals.requests import Outcome
from services.leave import balances as leave_balances
from storage.models import ApprovalRequest
from tests.services.approval_support import CONFIG, NOW, UowFactory, office, person

pytestmark = pytest.mark.both_databases  # storage and claims: on PostgreSQL too (tests/conftest.py)

THREADS = 20
POLICY = LeavePolicy(annual_days=Decimal(5))


def _days(count: int) -> list[date]:
    """The first `count` working days of December 2026, one per request."""
    found, day = [], date(2026, 12, 1)
    while len(found) < count:
        if workdays.is_working_day(day):
            found.append(day)
        day += timedelta(days=1)
    return found


def _submit(uow_factory: UowFactory, staff_id: int, day: date, policy: LeavePolicy) -> object:
    """A one-day 年假 through the approval service: Submitted, or the refusal."""
    data = {"kind": "leave", "leave_type": "annual", "first_day": day.isoformat(), "last_day": day.isoformat(),
            "reason": "休假"}
    try:
        return approvals.submit_leave(uow_factory(), requester_id=staff_id, data=data, config=CONFIG, now=NOW,
                                      policy=policy)
    except leave_balances.OverBalanceRefused as refused:
        return refused


def _race(uow_factory: UowFactory, staff_id: int, policy: LeavePolicy) -> list[object]:
    """Twenty one-day requests released together by a barrier; what each got."""
    barrier = threading.Barrier(THREADS)
    results: list[object] = []
    lock = threading.Lock()

    def run(day: date) -> None:
        barrier.wait()
        result = _submit(uow_factory, staff_id, day, policy)
        with lock:
            results.append(result)

    threads = [threading.Thread(target=run, args=(d,)) for d in _days(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(results) == THREADS
    return results


def _held(uow_factory: UowFactory, staff_id: int) -> list[ApprovalRequest]:
    """The person's pending 年假 requests."""
    with uow_factory() as uow:
        rows = list(uow.session.scalars(select(ApprovalRequest).where(
            ApprovalRequest.requester_id == staff_id, ApprovalRequest.status == "pending")))
        uow.session.expunge_all()
    return rows


def _setup(uow_factory: UowFactory) -> int:
    office(uow_factory)
    person(uow_factory, "张伟", ["office_head"])
    return person(uow_factory, "李娜", ["sales"])


def test_twenty_simultaneous_requests_take_exactly_the_balance(uow_factory: UowFactory) -> None:
    li = _setup(uow_factory)

    results = _race(uow_factory, li, POLICY)

    kinds = Counter(type(r).__name__ for r in results)
    assert kinds == {"Submitted": 5, "OverBalanceRefused": THREADS - 5}
    assert {r.balance.left for r in results if isinstance(r, leave_balances.OverBalanceRefused)} == {Decimal(0)}
    assert len(_held(uow_factory, li)) == 5
    left = leave_balances.balances(uow_factory(), staff_id=li, year=2026, policy=POLICY)
    assert [b.left for b in left.values()] == [Decimal(0), Decimal(0)]

    first = _held(uow_factory, li)[0]
    withdrawn = approvals.withdraw(uow_factory(), request_id=first.id, requester_id=li, now=NOW)
    assert withdrawn.outcome == Outcome.DONE  # gives its day back
    again = _submit(uow_factory, li, date(2026, 12, 31), POLICY)
    assert isinstance(again, approvals.Submitted) and again.outcome == Outcome.DONE
    assert isinstance(_submit(uow_factory, li, date(2026, 12, 30), POLICY), leave_balances.OverBalanceRefused)


def test_twenty_simultaneous_requests_flag_all_but_the_balance(uow_factory: UowFactory) -> None:
    li = _setup(uow_factory)

    results = _race(uow_factory, li, replace(POLICY, over_balance=OverBalance.FLAG))

    assert Counter(getattr(r, "over_balance", None) for r in results) == {False: 5, True: THREADS - 5}
    flagged = [r for r in _held(uow_factory, li) if (r.payload or {}).get("over_balance")]
    assert (len(_held(uow_factory, li)), len(flagged)) == (THREADS, THREADS - 5)


def test_a_request_sent_back_and_made_longer_is_checked_again(uow_factory: UowFactory) -> None:
    office(uow_factory)
    head = person(uow_factory, "张伟", ["office_head"])
    li = person(uow_factory, "李娜", ["sales"])
    submitted = _submit(uow_factory, li, date(2026, 12, 1), POLICY)
    assert isinstance(submitted, approvals.Submitted) and submitted.request_id is not None
    approvals.decide(uow_factory(), request_id=submitted.request_id, step=0, approver_id=head,
                     decision=Decision.SEND_BACK, comment="写清楚", now=NOW)
    longer = {"kind": "leave", "leave_type": "annual", "first_day": "2026-12-01", "last_day": "2026-12-08",
              "first_part": "pm", "reason": "休假"}  # 6 working days less the first morning: 5.5

    def resubmit(data: dict[str, str]) -> approval_changes.Changed:
        return approval_changes.resubmit(uow_factory(), request_id=submitted.request_id or 0, requester_id=li,
                                         data=data, config=CONFIG, now=NOW, policy=POLICY)

    with pytest.raises(leave_balances.OverBalanceRefused) as refused:
        resubmit(longer)
    assert (refused.value.days, refused.value.balance.left) == (Decimal("5.5"), Decimal(5))
    assert resubmit({**longer, "last_day": "2026-12-07"}).outcome == Outcome.DONE  # 4.5 days fit
    [held] = _held(uow_factory, li)
    assert (held.payload["days"], held.payload["first_part"], held.payload["last_part"]) == ("4.5", "pm", "full")
