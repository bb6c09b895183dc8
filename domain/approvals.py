"""Approval chains (审批) as configuration, and the pure state machine a request walks.

The chain for a request is chosen by rules read from `config/approvals.yaml` (the one home of the
seeds' chains and the 5,000 threshold; read by `services.platform.config` and handed to `parse_approval_config`
as a dict). Each request kind has an ordered list of rules; the
first rule whose `when` matches picks the chain of roles. Resolving a role to a person is storage's job.
"""

import operator
from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from domain.roles import Role
from domain.validation import describe_errors


class RequestKind(StrEnum):
    """What is being asked for: 请假, 外出, 出差, 费用报销, 加班 (earns 调休) or 办公资源申请 (a purchase)."""

    LEAVE = "leave"
    OUTING = "outing"
    TRIP = "trip"
    EXPENSE = "expense"
    OVERTIME = "overtime"
    PURCHASE = "purchase"


class ExpenseCategory(StrEnum):
    """Expense categories: daily office costs (日常费用) and project costs (项目费用, 居间服务费)."""

    RENT = "rent"
    UTILITIES = "utilities"
    OFFICE = "office"
    PHONE = "phone"
    TRANSPORT = "transport"
    TRAVEL = "travel"
    ENTERTAINMENT = "entertainment"
    GIFTS = "gifts"
    OTHER = "other"
    PROJECT = "project"
    INTERMEDIARY_FEE = "intermediary_fee"


PROJECT_EXPENSE_CATEGORIES: frozenset[ExpenseCategory] = frozenset(
    {ExpenseCategory.PROJECT, ExpenseCategory.INTERMEDIARY_FEE}
)
"""Non-daily expenses; the seeds call them "project or other expenses" and route them via the GM."""

DAILY_EXPENSE_CATEGORIES: frozenset[ExpenseCategory] = frozenset(ExpenseCategory) - PROJECT_EXPENSE_CATEGORIES
"""Daily running costs of an office (日常费用); `other` here means a miscellaneous daily cost."""

class PurchasePurpose(StrEnum):
    """What a purchase (办公资源申请) is for: consumable office supplies or equipment (硬件配置)."""

    SUPPLIES = "supplies"
    EQUIPMENT = "equipment"


AMOUNT_KINDS = frozenset({RequestKind.EXPENSE, RequestKind.PURCHASE})
"""Request kinds whose rules may test the amount."""


class ApprovalConfigError(ValueError):
    """The approval configuration is invalid; the message lists every problem with its location."""


class RuleCondition(BaseModel):
    """The `when` of a rule: every given condition must hold; an empty condition always matches."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    amount_gt: Decimal | None = None
    amount_gte: Decimal | None = None
    amount_lt: Decimal | None = None
    amount_lte: Decimal | None = None
    category_in: frozenset[ExpenseCategory] | None = None
    purpose_in: frozenset[PurchasePurpose] | None = None

    @property
    def is_empty(self) -> bool:
        """True when the rule applies to every request of its kind."""
        return all(value is None for _, value in self)

    def matches(self, *, amount: Decimal | None, category: ExpenseCategory | None,
                purpose: PurchasePurpose | None = None) -> bool:
        """Whether a request with this amount, category and purpose satisfies every condition."""
        if self.category_in is not None and category not in self.category_in:
            return False
        if self.purpose_in is not None and purpose not in self.purpose_in:
            return False
        bounds = (
            (self.amount_gt, operator.gt),
            (self.amount_gte, operator.ge),
            (self.amount_lt, operator.lt),
            (self.amount_lte, operator.le),
        )
        return not any(
            bound is not None and (amount is None or not holds(amount, bound)) for bound, holds in bounds
        )


class ApprovalRule(BaseModel):
    """One rule: when the condition matches, the request walks `chain`, one role per step."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    when: RuleCondition = RuleCondition()
    chain: tuple[Role, ...]

    @field_validator("chain")
    @classmethod
    def _chain_is_sane(cls, chain: tuple[Role, ...]) -> tuple[Role, ...]:
        if not chain:
            raise ValueError("chain must name at least one role")
        if len(set(chain)) != len(chain):
            raise ValueError(f"chain names a role twice: {[r.value for r in chain]}")
        return chain


class ApprovalConfig(BaseModel):
    """Rules per request kind; each kind must be configured, and only expense rules test amount/category.

    `cc` names, per kind, the roles told of the outcome (抄送: expenses to finance, leave to HR) —
    without buttons, once the request is decided.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    leave: tuple[ApprovalRule, ...]
    outing: tuple[ApprovalRule, ...]
    trip: tuple[ApprovalRule, ...]
    expense: tuple[ApprovalRule, ...]
    overtime: tuple[ApprovalRule, ...] = ()  # 加班; a file without it routes overtime like leave
    cc: dict[RequestKind, tuple[Role, ...]] = {}

    def cc_roles(self, kind: RequestKind | str) -> tuple[Role, ...]:
        """The roles copied on the outcome of a request of `kind` (none when not configured)."""
        return self.cc.get(RequestKind(kind), ())
    purchase: tuple[ApprovalRule, ...] = (
        ApprovalRule(when=RuleCondition(purpose_in=frozenset({PurchasePurpose.EQUIPMENT})),
                     chain=(Role.OFFICE_HEAD, Role.GM)),
        ApprovalRule(when=RuleCondition(amount_gt=Decimal(2000)), chain=(Role.OFFICE_HEAD, Role.GM)),
        ApprovalRule(chain=(Role.OFFICE_HEAD,)),
    )
    """Office supplies and equipment (办公资源申请): the seeds send 硬件配置 to headquarters; a file written
    before purchases existed keeps working with this default."""

    @model_validator(mode="after")
    def _conditions_fit_kinds(self) -> "ApprovalConfig":
        for kind in RequestKind:
            rules = self.rules_for(kind)
            if not rules:
                raise ValueError(f"{kind}: at least one rule is needed")
            if kind not in AMOUNT_KINDS and any(not r.when.is_empty for r in rules):
                raise ValueError(f"{kind}: only expense rules may have conditions (amount/category), "
                                 "purchase rules an amount or a purpose")
            if kind == RequestKind.PURCHASE and any(r.when.category_in is not None for r in rules):
                raise ValueError(f"{kind}: purchase rules test the amount and the purpose only")
            if kind != RequestKind.PURCHASE and any(r.when.purpose_in is not None for r in rules):
                raise ValueError(f"{kind}: only purchase rules may test the purpose")
        return self

    def rules_for(self, kind: RequestKind) -> tuple[ApprovalRule, ...]:
        """The ordered rules for one request kind."""
        rules: tuple[ApprovalRule, ...] = getattr(self, RequestKind(kind).value)
        if kind == RequestKind.OVERTIME and not rules:
            return self.leave
        return rules


def parse_approval_config(data: Mapping[str, Any]) -> ApprovalConfig:
    """Validate the approvals configuration, turning pydantic errors into one readable message."""
    try:
        return ApprovalConfig.model_validate(data)
    except ValidationError as exc:
        raise ApprovalConfigError("invalid approval configuration:\n  " + describe_errors(exc)) from exc


def chain_for(
    config: ApprovalConfig,
    *,
    kind: RequestKind | str,
    amount: Decimal | None,
    category: ExpenseCategory | str | None,
    purpose: PurchasePurpose | str | None = None,
) -> tuple[Role, ...]:
    """The roles that must approve a request, in order, from the first matching rule."""
    request_kind = RequestKind(kind)
    expense_category = ExpenseCategory(category) if category is not None else None
    purchase_purpose = PurchasePurpose(purpose) if purpose is not None else None
    for rule in config.rules_for(request_kind):
        if rule.when.matches(amount=amount, category=expense_category, purpose=purchase_purpose):
            return rule.chain
    raise LookupError(f"no approval rule matches {request_kind} amount={amount} category={category}")


class RequestStatus(StrEnum):
    """Where a request stands; only `pending` can change."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    RETURNED = "returned"  # 退回修改: back with the requester, who may change it and resubmit


class Decision(StrEnum):
    """An approver's answer at the current step."""

    APPROVE = "approve"
    REJECT = "reject"
    SEND_BACK = "send_back"


class ApprovalStateError(ValueError):
    """A decision was made on a request that cannot take it (already decided, or a bad step)."""


def next_state(
    *, chain_len: int, step_index: int, status: RequestStatus, decision: Decision
) -> tuple[RequestStatus, int]:
    """Apply one approver's decision; returns the new status and the step now waiting.

    Approve moves to the next step, and after the last step the request is approved with
    `step_index == chain_len`. Reject ends the request at once and keeps the rejecting step's index;
    send back (退回修改) keeps it too, so the resubmitted request comes back to the same step.
    """
    if status != RequestStatus.PENDING:
        raise ApprovalStateError(f"request is {status}, not pending")
    if not 0 <= step_index < chain_len:
        raise ApprovalStateError(f"step {step_index} is outside a chain of {chain_len}")
    if decision == Decision.REJECT:
        return RequestStatus.REJECTED, step_index
    if decision == Decision.SEND_BACK:
        return RequestStatus.RETURNED, step_index
    next_step = step_index + 1
    return (RequestStatus.APPROVED if next_step == chain_len else RequestStatus.PENDING), next_step


def can_resubmit(status: RequestStatus) -> bool:
    """Only a request sent back for changes goes back into its chain."""
    return status == RequestStatus.RETURNED


def can_copy(status: RequestStatus) -> bool:
    """A rejected (or withdrawn) request may be copied into a new one."""
    return status in (RequestStatus.REJECTED, RequestStatus.WITHDRAWN)

NOT_WITHDRAWABLE = frozenset({"confirmation"})
"""Kinds the requester may not take back: a 转正 request is opened for the probationer, not by them."""


def can_withdraw(status: RequestStatus, step_index: int) -> bool:
    """A requester may withdraw a pending request no approver of this round has acted on yet (its first
    step waits), or one sent back for changes (撤回 instead of 修改)."""
    return (status == RequestStatus.PENDING and step_index == 0) or status == RequestStatus.RETURNED
