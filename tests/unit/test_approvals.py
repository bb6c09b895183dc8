from decimal import Decimal
from typing import Any

import pytest

from domain.approvals import (
    DAILY_EXPENSE_CATEGORIES,
    ApprovalConfigError,
    ApprovalStateError,
    Decision,
    ExpenseCategory,
    RequestKind,
    RequestStatus,
    can_copy,
    can_resubmit,
    can_withdraw,
    chain_for,
    next_state,
    parse_approval_config,
)
from domain.roles import HQ_ROLES, MANAGER_ROLES, Role
from services.platform.config import load_approval_config, shipped_data

CONFIG = load_approval_config()
HEAD_ONLY = (Role.OFFICE_HEAD,)
DAILY_BIG = (Role.OFFICE_HEAD, Role.FINANCE_DIRECTOR, Role.VP, Role.PRESIDENT)
PROJECT_BIG = (Role.OFFICE_HEAD, Role.GM, Role.FINANCE_DIRECTOR, Role.VP)


def test_role_groups() -> None:
    expected = {Role.GM, Role.COMMERCE, Role.FINANCE, Role.HR, Role.FINANCE_DIRECTOR, Role.VP, Role.PRESIDENT}
    assert set(HQ_ROLES) == expected
    assert Role.OFFICE_HEAD in MANAGER_ROLES and Role.SALES not in MANAGER_ROLES


def test_daily_categories() -> None:
    assert ExpenseCategory.OTHER in DAILY_EXPENSE_CATEGORIES
    assert ExpenseCategory.INTERMEDIARY_FEE not in DAILY_EXPENSE_CATEGORIES


@pytest.mark.parametrize(
    ("kind", "amount", "category", "expected"),
    [
        ("leave", None, None, HEAD_ONLY),
        ("outing", None, None, HEAD_ONLY),
        ("trip", None, None, HEAD_ONLY),
        ("expense", "5000", "rent", HEAD_ONLY),
        ("expense", "5000.01", "rent", DAILY_BIG),
        ("expense", "12000", "other", DAILY_BIG),
        ("expense", "0.50", "phone", HEAD_ONLY),
        ("expense", "4999.99", "project", HEAD_ONLY),
        ("expense", "5000", "project", PROJECT_BIG),
        ("expense", "80000", "intermediary_fee", PROJECT_BIG),
    ],
)
def test_default_chains(
    kind: str, amount: str | None, category: str | None, expected: tuple[Role, ...]
) -> None:
    actual = chain_for(CONFIG, kind=kind, amount=Decimal(amount) if amount else None, category=category)
    assert actual == expected


def test_unknown_category_is_refused() -> None:
    with pytest.raises(ValueError):
        chain_for(CONFIG, kind=RequestKind.EXPENSE, amount=Decimal(1), category="yacht")


def test_no_matching_rule_is_a_lookup_error() -> None:
    data = shipped_data("approvals.yaml")
    data["expense"] = [{"when": {"amount_lt": 100}, "chain": ["office_head"]}]
    with pytest.raises(LookupError):
        chain_for(parse_approval_config(data), kind="expense", amount=Decimal(100), category="rent")


def test_an_amount_rule_never_matches_a_missing_amount() -> None:
    data = shipped_data("approvals.yaml")
    data["expense"] = [{"when": {"amount_lte": 100}, "chain": ["vp"]}, {"chain": ["office_head"]}]
    assert chain_for(parse_approval_config(data), kind="expense", amount=None, category=None) == HEAD_ONLY


def broken(**changes: Any) -> str:
    data = shipped_data("approvals.yaml") | changes
    with pytest.raises(ApprovalConfigError) as caught:
        parse_approval_config(data)
    return str(caught.value)


def test_unknown_role_names_the_place() -> None:
    message = broken(leave=[{"chain": ["office_head", "boss"]}])
    assert "leave.0.chain.1" in message and "boss" in message


def test_unknown_kind_is_refused() -> None:
    assert "bonus" in broken(bonus=[{"chain": ["gm"]}])


def test_missing_kind_is_refused() -> None:
    data = shipped_data("approvals.yaml")
    del data["trip"]
    with pytest.raises(ApprovalConfigError, match="trip"):
        parse_approval_config(data)


def test_empty_or_repeating_chains_are_refused() -> None:
    assert "at least one role" in broken(outing=[{"chain": []}])
    assert "twice" in broken(outing=[{"chain": ["office_head", "office_head"]}])


def test_conditions_only_on_expense_rules() -> None:
    assert "only expense rules" in broken(leave=[{"when": {"amount_gt": 1}, "chain": ["office_head"]}])


def test_unknown_condition_is_refused() -> None:
    assert "days_gt" in broken(expense=[{"when": {"days_gt": 3}, "chain": ["office_head"]}])


def test_approving_walks_the_chain() -> None:
    state = (RequestStatus.PENDING, 0)
    history = []
    for _ in range(3):
        state = next_state(chain_len=3, step_index=state[1], status=state[0], decision=Decision.APPROVE)
        history.append(state)
    expected = [(RequestStatus.PENDING, 1), (RequestStatus.PENDING, 2), (RequestStatus.APPROVED, 3)]
    assert history == expected


def test_reject_ends_at_the_rejecting_step() -> None:
    actual = next_state(chain_len=4, step_index=1, status=RequestStatus.PENDING, decision=Decision.REJECT)
    assert actual == (RequestStatus.REJECTED, 1)


@pytest.mark.parametrize("status", [RequestStatus.APPROVED, RequestStatus.REJECTED, RequestStatus.WITHDRAWN])
def test_a_decided_request_takes_no_more_decisions(status: RequestStatus) -> None:
    with pytest.raises(ApprovalStateError):
        next_state(chain_len=2, step_index=0, status=status, decision=Decision.APPROVE)


def test_step_outside_the_chain_is_refused() -> None:
    with pytest.raises(ApprovalStateError):
        next_state(chain_len=2, step_index=2, status=RequestStatus.PENDING, decision=Decision.APPROVE)


def test_can_withdraw_only_before_anyone_decided_or_when_sent_back() -> None:
    actual = [
        can_withdraw(RequestStatus.PENDING, 0),
        can_withdraw(RequestStatus.PENDING, 1),
        can_withdraw(RequestStatus.APPROVED, 0),
        can_withdraw(RequestStatus.WITHDRAWN, 0),
        can_withdraw(RequestStatus.RETURNED, 1),
        can_withdraw(RequestStatus.REJECTED, 0),
    ]
    assert actual == [True, False, False, False, True, False]


@pytest.mark.parametrize(("decision", "expected"), [
    (Decision.APPROVE, (RequestStatus.PENDING, 2)),
    (Decision.REJECT, (RequestStatus.REJECTED, 1)),
    (Decision.SEND_BACK, (RequestStatus.RETURNED, 1)),
])
def test_a_middle_step_decision(decision: Decision, expected: tuple[RequestStatus, int]) -> None:
    assert next_state(chain_len=3, step_index=1, status=RequestStatus.PENDING, decision=decision) == expected


@pytest.mark.parametrize("status", list(RequestStatus))
def test_only_a_returned_request_is_resubmitted_and_only_an_ended_one_copied(status: RequestStatus) -> None:
    assert can_resubmit(status) == (status == RequestStatus.RETURNED)
    assert can_copy(status) == (status in (RequestStatus.REJECTED, RequestStatus.WITHDRAWN))


def test_cc_roles_per_kind() -> None:
    assert CONFIG.cc_roles(RequestKind.EXPENSE) == (Role.FINANCE,)
    assert CONFIG.cc_roles(RequestKind.LEAVE) == (Role.HR,)
    assert CONFIG.cc_roles(RequestKind.OUTING) == ()
    with pytest.raises(ApprovalConfigError):
        parse_approval_config({**shipped_data("approvals.yaml"), "cc": {"expense": ["nobody"]}})
