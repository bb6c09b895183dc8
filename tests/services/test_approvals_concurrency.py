"""Many simultaneous taps on one request leave exactly one decision and one audit row (real databases)."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from sqlalchemy import select

from domain.approvals import Decision
from services.approvals import changes as approval_changes
from services.approvals import requests as approvals
from services.approvals.requests import Decided, Outcome
from storage.models import ApprovalRequest, AuditEntry
from tests.services.approval_support import (
    CONFIG,
    NOW,
    UowFactory,
    count_steps,
    decision_audits,
    office,
    person,
)

pytestmark = pytest.mark.both_databases  # storage and claims: on PostgreSQL too (tests/conftest.py)

THREADS = 20


def _race(calls: list[object]) -> list[Decided]:
    """Run the calls at once (a barrier releases them together); their results."""
    barrier = threading.Barrier(len(calls))
    results: list[Decided] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(call: object) -> None:
        barrier.wait()
        try:
            result = call()  # type: ignore[operator]
        except BaseException as exc:  # pragma: no cover - reported below
            with lock:
                errors.append(exc)
            return
        with lock:
            results.append(result)

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return results


def _setup(uow_factory: UowFactory) -> tuple[int, list[int]]:
    """A 300-yuan claim in an office with two heads; (request id, [head ids])."""
    office(uow_factory)
    heads = [person(uow_factory, "张伟", ["office_head"]), person(uow_factory, "周主任", ["office_head"])]
    sales = person(uow_factory, "李娜", ["sales"])
    result = approvals.submit_expense(uow_factory(), requester_id=sales, config=CONFIG, now=NOW,
                                      data={"amount": "300", "category": "office", "spent_on": "2026-11-20",
                                            "reason": "打印纸"})
    assert result.request_id is not None
    return result.request_id, heads


def test_twenty_simultaneous_decisions_leave_exactly_one(uow_factory: UowFactory) -> None:
    request_id, heads = _setup(uow_factory)

    def tap(i: int) -> object:
        decision = Decision.APPROVE if i % 2 == 0 else Decision.REJECT
        return lambda: approvals.decide(uow_factory(), request_id=request_id, step=0, approver_id=heads[i % 4 // 2],
                                        decision=decision, comment=None, now=NOW)

    results = _race([tap(i) for i in range(THREADS)])

    outcomes = Counter(r.outcome for r in results)
    assert outcomes == {Outcome.DONE: 1, Outcome.ALREADY_DECIDED: THREADS - 1}
    winner = next(r for r in results if r.outcome == Outcome.DONE)
    losers = [r for r in results if r.outcome != Outcome.DONE]
    assert {(r.by, r.decision) for r in losers} == {(winner.by, winner.decision)}
    assert count_steps(uow_factory, request_id) == 1
    assert len(decision_audits(uow_factory, request_id)) == 1


def test_withdraw_racing_approvals_has_one_winner(uow_factory: UowFactory) -> None:
    request_id, heads = _setup(uow_factory)
    with uow_factory() as uow:
        req = uow.session.get(ApprovalRequest, request_id)
        assert req is not None
        requester = req.requester_id
    calls: list[object] = [
        lambda: approvals.withdraw(uow_factory(), request_id=request_id, requester_id=requester,
                                   now=NOW)
        for _ in range(THREADS // 2)
    ]
    calls += [
        lambda: approvals.decide(uow_factory(), request_id=request_id, step=0, approver_id=heads[0],
                                 decision=Decision.APPROVE, comment=None, now=NOW)
        for _ in range(THREADS // 2)
    ]

    results = _race(calls)

    assert Counter(r.outcome for r in results)[Outcome.DONE] == 1
    assert len(decision_audits(uow_factory, request_id)) == 1


def _requester_of(uow_factory: UowFactory, request_id: int) -> int:
    with uow_factory() as uow:
        req = uow.session.get(ApprovalRequest, request_id)
        assert req is not None
        return req.requester_id


def test_simultaneous_nudges_remind_once(uow_factory: UowFactory) -> None:
    request_id, _heads = _setup(uow_factory)
    requester = _requester_of(uow_factory, request_id)
    results = _race([lambda: approval_changes.nudge(uow_factory(), request_id=request_id, actor_id=requester,
                                                    now=NOW) for _ in range(THREADS)])
    assert Counter(r.outcome for r in results) == {Outcome.DONE: 1, Outcome.NOT_ALLOWED: THREADS - 1}
    assert _audits(uow_factory, request_id, "approval.nudge") == 1


def test_simultaneous_resubmissions_resubmit_once(uow_factory: UowFactory) -> None:
    request_id, heads = _setup(uow_factory)
    requester = _requester_of(uow_factory, request_id)
    sent_back = approvals.decide(uow_factory(), request_id=request_id, step=0, approver_id=heads[0],
                                 decision=Decision.SEND_BACK, comment="写明用途", now=NOW)
    assert sent_back.status == "returned"
    data = {"amount": "320", "category": "office", "spent_on": "2026-11-20", "reason": "打印纸，用于合同"}
    results = _race([lambda: approval_changes.resubmit(uow_factory(), request_id=request_id, requester_id=requester,
                                                       data=data, config=CONFIG, now=NOW)
                     for _ in range(THREADS // 2)])
    assert Counter(r.outcome for r in results) == {Outcome.DONE: 1, Outcome.ALREADY_DECIDED: THREADS // 2 - 1}
    assert _audits(uow_factory, request_id, "approval.resubmit") == 1
    with uow_factory() as uow:
        req = uow.session.get(ApprovalRequest, request_id)
        assert req is not None and (req.status, req.round, str(req.amount)) == ("pending", 1, "320.00")


def _audits(uow_factory: UowFactory, request_id: int, action: str) -> int:
    with uow_factory() as uow:
        return len(uow.session.scalars(select(AuditEntry).where(AuditEntry.action == action,
                                                                AuditEntry.entity_id == str(request_id))).all())
