"""Incoming payments (来款汇票登记): what a logged payment must hold, and when a draft is reminded.

A bank acceptance draft (承兑汇票) has a number (汇票号码), an issue date (汇票日期) and a maturity
(承兑汇票到期时间); its term (承兑期, days) follows from the two dates, or the maturity from the issue
date and the term. A transfer (转账/电汇) is money already in the account: no draft fields.
Models cannot read the clock: validate with `parse_record(PaymentIn, data, today=...)`.
"""

from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PositiveInt,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from domain.validation import ErrorCode, LongText, domain_error, not_future_in_context

MAX_AMOUNT = 999_999_999_999
"""The largest payment, in yuan: what `amount`'s 14 digits with 2 decimals hold."""

MAX_ACCEPTANCE_DAYS = 366
"""The longest term of a commercial draft (电子商业汇票: one year)."""

DRAFT_REMINDER_DAYS = 7
"""A draft is reminded once when it matures within this many days, and again on the day."""

OVERDUE_GRACE_DAYS = 10
"""A maturity missed over a weekend or a long holiday is still reminded on the next working day."""

DraftNo = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]


class PaymentKind(StrEnum):
    """How the money came in."""

    DRAFT = "draft"  # 承兑汇票
    TRANSFER = "transfer"  # 转账 / 电汇


class ReminderStage(StrEnum):
    """Which maturity reminder is due: a week before, or on (or just after) the day."""

    WEEK = "7d"
    DUE = "due"


def _field(label: str, default: Any = ..., **constraints: Any) -> Any:
    """A pydantic Field carrying its Chinese label as metadata."""
    return Field(default, json_schema_extra={"label": label}, **constraints)


def maturity(draft_date: date, days: int) -> date:
    """The maturity of a draft issued on `draft_date` with a term of `days` days."""
    return draft_date + timedelta(days=days)


def term_days(draft_date: date, matures_on: date) -> int:
    """The term (承兑期) in days between issue and maturity."""
    return (matures_on - draft_date).days


class PaymentIn(BaseModel):
    """An incoming payment as staff enter it; a draft needs its number, issue date and maturity (or term)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    kind: PaymentKind = _field("款项类型")
    customer_id: PositiveInt | None = _field("客户", None)
    received_on: date = _field("投款日期")
    amount: Decimal = _field("金额", gt=0, max_digits=14, decimal_places=2)
    draft_no: DraftNo | None = _field("汇票号码", None)
    draft_date: date | None = _field("汇票日期", None)
    matures_on: date | None = _field("承兑汇票到期时间", None)
    acceptance_days: int | None = _field("承兑期", None, ge=1, le=MAX_ACCEPTANCE_DAYS)
    note: LongText | None = _field("备注", None)

    @field_validator("received_on", "draft_date")
    @classmethod
    def _not_future(cls, value: date | None, info: ValidationInfo) -> date | None:
        return not_future_in_context(value, info)

    @model_validator(mode="after")
    def _draft_fields(self) -> Self:
        if self.kind == PaymentKind.TRANSFER:
            for name in ("draft_no", "draft_date", "matures_on", "acceptance_days"):
                if getattr(self, name) is not None:
                    raise domain_error(ErrorCode.INVALID, field=name)
            return self
        if self.draft_no is None:
            raise domain_error(ErrorCode.REQUIRED, field="draft_no")
        if self.draft_date is None:
            raise domain_error(ErrorCode.REQUIRED, field="draft_date")
        if self.matures_on is None and self.acceptance_days is None:
            raise domain_error(ErrorCode.REQUIRED, field="matures_on")
        if self.matures_on is not None and self.matures_on <= self.draft_date:
            raise domain_error(ErrorCode.ENDS_BEFORE_START, field="matures_on")
        if self.matures_on is not None and term_days(self.draft_date, self.matures_on) > MAX_ACCEPTANCE_DAYS:
            raise domain_error(ErrorCode.OUT_OF_RANGE, field="matures_on")
        if (self.matures_on is not None and self.acceptance_days is not None
                and term_days(self.draft_date, self.matures_on) != self.acceptance_days):
            raise domain_error(ErrorCode.OUT_OF_RANGE, field="acceptance_days")
        return self

    @property
    def due_on(self) -> date | None:
        """The maturity, given or worked out from the issue date and the term (None for transfers)."""
        if self.matures_on is not None:
            return self.matures_on
        if self.draft_date is not None and self.acceptance_days is not None:
            return maturity(self.draft_date, self.acceptance_days)
        return None

    @property
    def term(self) -> int | None:
        """The term in days, given or worked out from the two dates (None for transfers)."""
        if self.acceptance_days is not None:
            return self.acceptance_days
        if self.draft_date is not None and self.matures_on is not None:
            return term_days(self.draft_date, self.matures_on)
        return None


def reminder_stage(*, matures_on: date, today: date, days_before: int = DRAFT_REMINDER_DAYS,
                   grace_days: int = OVERDUE_GRACE_DAYS) -> ReminderStage | None:
    """The reminder due for a draft on `today`: on (or shortly after) maturity, within the week before, or none."""
    if matures_on <= today:
        return ReminderStage.DUE if (today - matures_on).days <= grace_days else None
    return ReminderStage.WEEK if matures_on <= today + timedelta(days=days_before) else None


def reminder_key(payment_id: int, stage: ReminderStage) -> str:
    """The once-only key of a draft's reminder stage, e.g. 'draft:12:7d'."""
    return f"draft:{payment_id}:{stage.value}"
