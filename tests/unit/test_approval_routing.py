"""Who approves: roles resolved to people, self-approval skipped, empty steps escalated; chase timing."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from domain.approval_routing import (
    ChainStep,
    ChasePolicy,
    delegate,
    escalation_due,
    reminder_number,
    resolve_chain,
    working_minutes_between,
)

HOLDERS = {"office_head": [10], "finance_director": [20], "vp": [30], "president": [40], "gm": [50]}
BIG = ["office_head", "finance_director", "vp", "president"]
SHANGHAI = ZoneInfo("Asia/Shanghai")


def holders(role: str) -> list[int]:
    return HOLDERS.get(role, [])


def test_a_sales_reps_big_expense_walks_every_role() -> None:
    steps = resolve_chain(BIG, requester_id=1, holders=holders, manager_id=None)
    assert [(s.role, s.approvers) for s in steps] == [
        ("office_head", (10,)), ("finance_director", (20,)), ("vp", (30,)), ("president", (40,))]


def test_the_requesters_own_step_is_skipped() -> None:
    steps = resolve_chain(BIG, requester_id=10, holders=holders, manager_id=None)
    assert [s.role for s in steps] == ["finance_director", "vp", "president"]


def test_an_office_heads_own_leave_goes_to_the_manager_else_the_gm() -> None:
    assert resolve_chain(["office_head"], requester_id=10, holders=holders, manager_id=77) == (
        ChainStep("manager", (77,), instead_of="office_head"),)
    assert resolve_chain(["office_head"], requester_id=10, holders=holders, manager_id=None) == (
        ChainStep("gm", (50,), instead_of="office_head"),)


def test_a_missing_role_climbs_to_the_next_level_without_repeating_a_step() -> None:
    lonely = {"gm": [50], "finance_director": [20], "vp": [30]}
    steps = resolve_chain(["office_head", "gm", "finance_director", "vp"], requester_id=1,
                          holders=lambda r: lonely.get(r, []), manager_id=None)
    assert [(s.role, s.instead_of) for s in steps] == [("gm", "office_head"), ("finance_director", None),
                                                       ("vp", None)]


def test_nobody_at_all_gives_an_empty_chain() -> None:
    assert resolve_chain(["office_head"], requester_id=1, holders=lambda r: [], manager_id=None) == ()


def test_two_office_heads_share_a_step_but_never_the_requester() -> None:
    steps = resolve_chain(["office_head"], requester_id=11, holders=lambda r: [10, 11], manager_id=None)
    assert steps == (ChainStep("office_head", (10,)),)


def test_steps_survive_json() -> None:
    step = ChainStep("gm", (50, 51), instead_of="office_head")
    assert ChainStep.from_json(step.to_json()) == step
    assert ChainStep.from_json({"role": "vp", "approvers": "junk"}).approvers == ()


def test_working_minutes_count_office_hours_of_working_days_only() -> None:
    def minutes(start: datetime, end: datetime) -> int:
        return working_minutes_between(start, end, tz=SHANGHAI, work_start=time(8, 30), work_end=time(17, 30),
                                       is_working_day=lambda d: d.weekday() < 5 and d != date(2026, 11, 26))

    tuesday_10 = datetime(2026, 11, 24, 10, tzinfo=SHANGHAI)
    assert minutes(tuesday_10, datetime(2026, 11, 24, 14, tzinfo=SHANGHAI)) == 240
    assert minutes(tuesday_10, datetime(2026, 11, 25, 9, tzinfo=SHANGHAI)) == 450 + 30
    assert minutes(tuesday_10, datetime(2026, 11, 27, 9, tzinfo=SHANGHAI)) == 450 + 540 + 30  # Thursday off
    assert minutes(tuesday_10, tuesday_10.astimezone(UTC)) == 0


def test_reminders_every_four_hours_and_one_escalation_after_a_day() -> None:
    policy = ChasePolicy()
    assert [reminder_number(m, policy) for m in (0, 239, 240, 480, 10_000)] == [0, 0, 1, 2, 6]
    assert (escalation_due(539, policy), escalation_due(540, policy)) == (False, True)


DELEGATION_CASES = [
    # approvers, away, substitutes by absent person, expected approvers, expected role, delegated from
    ((1,), set(), {1: [(9, "manager")]}, (1,), "office_head", ()),
    ((1,), {1}, {1: [(9, "manager")]}, (9,), "manager", (1,)),
    ((1, 2), {1}, {1: [(9, "manager")]}, (1, 2), "office_head", ()),  # one still at work: they decide
    ((1,), {1, 9}, {1: [(9, "manager"), (7, "gm")]}, (7,), "gm", (1,)),  # the manager is away too
    ((1,), {1}, {1: [(5, "manager"), (7, "gm")]}, (7,), "gm", (1,)),  # never the requester (5)
    ((1,), {1}, {1: []}, (1,), "office_head", ()),  # nobody to stand in: the step waits
    ((1, 2), {1, 2}, {1: [(7, "gm")], 2: [(7, "gm")]}, (7,), "gm", (1, 2)),
]


@pytest.mark.parametrize(("approvers", "away", "subs", "expected", "role", "delegated"), DELEGATION_CASES)
def test_delegation_while_away(approvers: tuple[int, ...], away: set[int], subs: dict[int, list[tuple[int, str]]],
                               expected: tuple[int, ...], role: str, delegated: tuple[int, ...]) -> None:
    step = delegate(ChainStep("office_head", approvers), away=away, substitutes=lambda a: subs.get(a, []),
                    requester_id=5)
    assert (step.approvers, step.role, step.delegated_from) == (expected, role, delegated)
    assert ChainStep.from_json(step.to_json()) == step
