"""Approval chains end to end at the service level, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from domain.approval_callbacks import RequestAction
from domain.approvals import Decision
from services.approvals import queries as approval_queries
from services.approvals import requests as approvals
from services.approvals.requests import Outcome
from storage.models import ApprovalRequest
from tests.services.approval_support import (
    CONFIG,
    NOW,
    UowFactory,
    buttons_of,
    count_steps,
    decision_audits,
    office,
    person,
    queued,
    step_button,
)


@pytest.fixture
def org(uow_factory: UowFactory) -> dict[str, int]:
    """An office with a sales rep and its head, and the HQ approvers."""
    office(uow_factory)
    office(uow_factory, "总部", geofence=None, is_hq=True)
    ids = {"head": person(uow_factory, "张伟", ["office_head"]),
           "sales": person(uow_factory, "李娜", ["sales"])}
    for key, name, role in (("fd", "王芳", "finance_director"), ("vp", "赵强", "vp"),
                            ("president", "钱总", "president"), ("gm", "孙经理", "gm")):
        ids[key] = person(uow_factory, name, [role], office_name="总部")
    return ids


def expense(uow_factory: UowFactory, requester: int, amount: str, **extra: Any) -> int:
    """Submit an expense claim; its id."""
    data = {"amount": amount, "category": "travel", "spent_on": "2026-11-20", "reason": "客户拜访差旅",
            "photos": ["photo-1"], **extra}
    result = approvals.submit_expense(uow_factory(), requester_id=requester, data=data, config=CONFIG, now=NOW)
    assert result.outcome == Outcome.DONE and result.request_id is not None
    return result.request_id


def decide(uow_factory: UowFactory, request_id: int, step: int, who: int, decision: Decision = Decision.APPROVE,
           comment: str | None = None, minutes: int = 5) -> approvals.Decided:
    """One approver's decision a few minutes after submission."""
    return approvals.decide(uow_factory(), request_id=request_id, step=step, approver_id=who, decision=decision,
                            comment=comment, now=NOW + timedelta(minutes=minutes))


def status_of(uow_factory: UowFactory, request_id: int) -> tuple[str, int]:
    """The stored status and step index."""
    with uow_factory() as uow:
        req = uow.session.get(ApprovalRequest, request_id)
        assert req is not None
        return req.status, req.step_index


def test_expense_of_4800_needs_only_the_office_head(uow_factory: UowFactory, org: dict[str, int]) -> None:
    request_id = expense(uow_factory, org["sales"], "4800")
    card = queued(uow_factory, org["head"])[0]
    assert buttons_of(card) == [step_button(request_id, 0, a) for a in ("a", "c", "r", "b")]
    assert "¥4,800.00" in card["text"] and "李娜" in card["text"]
    assert [p["photos"] for p in queued(uow_factory, org["head"])[1:]] == [[], ["photo-1"]]  # "Receipts for", photo

    result = decide(uow_factory, request_id, 0, org["head"])

    assert (result.outcome, result.status) == (Outcome.DONE, "approved")
    assert status_of(uow_factory, request_id) == ("approved", 1)
    assert "已全部审批通过" in queued(uow_factory, org["sales"])[-1]["text"]
    assert queued(uow_factory, org["fd"]) == []


def test_expense_of_6000_walks_head_finance_vp_president(uow_factory: UowFactory, org: dict[str, int]) -> None:
    request_id = expense(uow_factory, org["sales"], "6000")
    chain = ("head", "fd", "vp", "president")
    for step, key in enumerate(chain):
        card = queued(uow_factory, org[key])[0]
        assert step_button(request_id, step) in buttons_of(card)
        assert f"第 {step + 1}/4 步" in card["text"]
        assert decide(uow_factory, request_id, step, org[key], minutes=step + 1).outcome == Outcome.DONE
    assert status_of(uow_factory, request_id) == ("approved", 4)
    told = [p["text"] for p in queued(uow_factory, org["sales"])]
    assert len(told) == 4
    assert "现等待 王芳（财务总监）审批" in told[0]
    assert "现等待 赵强（分管副总裁）审批" in told[1]
    assert "现等待 钱总（总裁）审批" in told[2]
    assert "已全部审批通过" in told[3]
    assert decision_audits(uow_factory, request_id) == ["approval.approve"] * 4


def test_rejection_midway_stops_the_chain(uow_factory: UowFactory, org: dict[str, int]) -> None:
    request_id = expense(uow_factory, org["sales"], "6000")
    decide(uow_factory, request_id, 0, org["head"])
    result = decide(uow_factory, request_id, 1, org["fd"], Decision.REJECT, comment="超出预算", minutes=10)

    assert (result.outcome, result.status) == (Outcome.DONE, "rejected")
    assert status_of(uow_factory, request_id) == ("rejected", 1)
    assert queued(uow_factory, org["vp"]) == []
    last = queued(uow_factory, org["sales"])[-1]["text"]
    assert "被 王芳（财务总监）驳回" in last and "理由：超出预算" in last
    late = decide(uow_factory, request_id, 2, org["vp"], minutes=20)
    assert late.outcome in (Outcome.NOT_ALLOWED, Outcome.ALREADY_DECIDED)
    assert status_of(uow_factory, request_id) == ("rejected", 1)
    assert count_steps(uow_factory, request_id) == 2


def test_a_stale_tap_learns_who_decided_and_when(uow_factory: UowFactory, org: dict[str, int]) -> None:
    second_head = person(uow_factory, "周主任", ["office_head"])
    request_id = expense(uow_factory, org["sales"], "300")
    assert decide(uow_factory, request_id, 0, org["head"], Decision.REJECT).outcome == Outcome.DONE

    again = decide(uow_factory, request_id, 0, second_head, minutes=30)

    assert (again.outcome, again.by, again.decision) == (Outcome.ALREADY_DECIDED, "张伟", "reject")
    assert again.at == NOW + timedelta(minutes=5)
    assert status_of(uow_factory, request_id) == ("rejected", 0)


def test_forged_and_foreign_decisions_change_nothing(uow_factory: UowFactory, org: dict[str, int]) -> None:
    request_id = expense(uow_factory, org["sales"], "6000")
    assert decide(uow_factory, request_id, 0, org["sales"]).outcome == Outcome.NOT_ALLOWED
    assert decide(uow_factory, request_id, 0, org["fd"]).outcome == Outcome.NOT_ALLOWED
    assert decide(uow_factory, request_id, 1, org["fd"]).outcome == Outcome.NOT_YOUR_TURN
    assert decide(uow_factory, request_id, 9, org["head"]).outcome == Outcome.NOT_FOUND
    assert decide(uow_factory, request_id + 999, 0, org["head"]).outcome == Outcome.NOT_FOUND
    assert status_of(uow_factory, request_id) == ("pending", 0)
    assert count_steps(uow_factory, request_id) == 0
    assert decision_audits(uow_factory, request_id) == []


def test_withdraw_before_anyone_decides(uow_factory: UowFactory, org: dict[str, int]) -> None:
    request_id = expense(uow_factory, org["sales"], "800")
    assert approvals.withdraw(uow_factory(), request_id=request_id, requester_id=org["head"],
                              now=NOW).outcome == Outcome.NOT_FOUND
    result = approvals.withdraw(uow_factory(), request_id=request_id, requester_id=org["sales"],
                                now=NOW)

    assert (result.outcome, result.status) == (Outcome.DONE, "withdrawn")
    assert "李娜 已撤回" in queued(uow_factory, org["head"])[-1]["text"]
    assert decide(uow_factory, request_id, 0, org["head"]).outcome == Outcome.WITHDRAWN
    assert decision_audits(uow_factory, request_id) == ["approval.withdraw"]


def test_withdraw_after_a_decision_is_refused(uow_factory: UowFactory, org: dict[str, int]) -> None:
    request_id = expense(uow_factory, org["sales"], "6000")
    decide(uow_factory, request_id, 0, org["head"])
    result = approvals.withdraw(uow_factory(), request_id=request_id, requester_id=org["sales"],
                                now=NOW)
    assert (result.outcome, result.by) == (Outcome.ALREADY_DECIDED, "张伟")
    assert status_of(uow_factory, request_id) == ("pending", 1)


def test_office_heads_own_leave_goes_to_the_gm(uow_factory: UowFactory, org: dict[str, int]) -> None:
    data = {"kind": "leave", "first_day": "2026-11-26", "last_day": "2026-11-27", "reason": "家中有事"}
    result = approvals.submit_leave(uow_factory(), requester_id=org["head"], data=data, config=CONFIG, now=NOW)
    assert (result.outcome, result.role, result.approvers) == (Outcome.DONE, "gm", "孙经理")
    assert "2026-11-26 – 2026-11-27" in queued(uow_factory, org["gm"])[0]["text"]


def test_explicit_manager_takes_an_office_heads_small_expense(uow_factory: UowFactory, org: dict[str, int]) -> None:
    regional = person(uow_factory, "吴区域", ["regional_manager"])
    head2 = person(uow_factory, "郑主任", ["office_head"], office_name="总部", manager="吴区域")
    result = approvals.submit_expense(uow_factory(), requester_id=head2, config=CONFIG, now=NOW,
                                      data={"amount": "100", "category": "phone",
                                                                 "spent_on": "2026-11-20", "reason": "话费"})
    assert (result.outcome, result.role) == (Outcome.DONE, "manager")
    assert queued(uow_factory, regional)


def test_office_head_big_expense_skips_their_own_step(uow_factory: UowFactory, org: dict[str, int]) -> None:
    request_id = expense(uow_factory, org["head"], "8000")
    assert queued(uow_factory, org["head"]) == []
    assert "第 1/3 步" in queued(uow_factory, org["fd"])[0]["text"]
    assert request_id


def test_invalid_requests_are_refused_with_coded_errors(uow_factory: UowFactory, org: dict[str, int]) -> None:
    with pytest.raises(approvals.RequestInvalid) as caught:
        approvals.submit_leave(uow_factory(), requester_id=org["sales"], config=CONFIG, now=NOW,
                               data={"kind": "trip", "first_day": "2026-11-26", "last_day": "2026-11-27"})
    assert {e.code for e in caught.value.errors} == {"destination_required"}
    with pytest.raises(approvals.RequestInvalid) as caught:
        approvals.submit_expense(uow_factory(), requester_id=org["sales"], config=CONFIG, now=NOW,
                                 data={"amount": "10", "category": "project", "spent_on": "2026-11-20", "reason": "x"})
    assert caught.value.errors[0].code == "project_required"


def test_people_on_leave_counts_approved_leave_only(uow_factory: UowFactory, org: dict[str, int]) -> None:
    other = person(uow_factory, "陈静", ["sales"])
    ids = []
    for who, kind in ((org["sales"], "leave"), (other, "outing")):
        data = {"kind": kind, "first_day": "2026-11-25", "last_day": "2026-11-26", "reason": "事假",
                "destination": "苏州", "purpose": "客户"}
        result = approvals.submit_leave(uow_factory(), requester_id=who, data=data, config=CONFIG, now=NOW)
        assert result.request_id is not None
        ids.append(result.request_id)
    with uow_factory() as uow:
        assert approvals.people_on_leave(uow.session, office_ids=None, day=date(2026, 11, 25)) == set()
    for request_id in ids:
        decide(uow_factory, request_id, 0, org["head"])
    with uow_factory() as uow:
        session = uow.session
        assert approvals.people_on_leave(session, office_ids=None, day=date(2026, 11, 25)) == {org["sales"]}
        assert approvals.people_on_leave(session, office_ids=None, day=date(2026, 11, 27)) == set()
        assert approvals.people_on_leave(session, office_ids=[999], day=date(2026, 11, 26)) == set()
        away = approvals.people_on_leave(session, office_ids=None, day=date(2026, 11, 26),
                                         kinds=("leave", "outing", "trip"))
        assert away == {org["sales"], other}


def test_pending_and_my_requests_views(uow_factory: UowFactory, org: dict[str, int]) -> None:
    first = expense(uow_factory, org["sales"], "6000")
    second = expense(uow_factory, org["sales"], "200")
    decide(uow_factory, first, 0, org["head"])
    cards = approval_queries.pending_cards(uow_factory(), approver_id=org["head"], locale="zh_CN")
    assert [buttons_of(c.to_dict())[0] for c in cards] == [step_button(second, 0)]
    lines = approval_queries.my_requests(uow_factory(), requester_id=org["sales"], locale="zh_CN")
    assert [(line.request_id, line.actions) for line in lines] == [
        (second, (RequestAction.WITHDRAW, RequestAction.NUDGE)), (first, (RequestAction.NUDGE,))]
    assert "等待 王芳（财务总监）审批，第 2/4 步" in lines[1].text
