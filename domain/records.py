"""Record schemas (pydantic v2) for what staff enter: customers, repairs, visits, leave and expenses.

Field labels are the seeds' Chinese column names (`field_labels(CustomerIn)`), kept for prompts and
exports. Errors carry codes (see `domain.validation.ErrorCode`). Models cannot read the clock: pass
`today` through `parse_record(Model, data, today=...)` so that "not in the future" checks run.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PositiveInt,
    ValidationInfo,
    field_validator,
    model_validator,
)

from domain.approvals import PROJECT_EXPENSE_CATEGORIES, ExpenseCategory
from domain.validation import (
    DateWindow,
    ErrorCode,
    LongText,
    Phone,
    Text,
    context_today,
    domain_error,
    not_future_in_context,
)

MAX_QUANTITY = 9999
"""The most of one product installed, or of one part replaced, in a single record."""

MAX_EXPENSE_AMOUNT = Decimal(99_999_999)
"""The largest expense claim, in yuan."""

_RECORD = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


def _field(label: str, default: Any = ..., **constraints: Any) -> Any:
    """A pydantic Field carrying its Chinese label as metadata."""
    return Field(default, json_schema_extra={"label": label}, **constraints)


def warranty_end(accepted_on: date | None, warranty_years: int | None) -> date | None:
    """The last day of warranty: the same day `warranty_years` later (29 Feb → 28 Feb)."""
    if accepted_on is None or warranty_years is None:
        return None
    year = accepted_on.year + warranty_years
    try:
        return accepted_on.replace(year=year)
    except ValueError:
        return accepted_on.replace(year=year, day=28)


def in_warranty(accepted_on: date | None, warranty_years: int | None, on: date) -> bool:
    """True from acceptance through the warranty's last day (inclusive); no warranty with 0 years."""
    end = warranty_end(accepted_on, warranty_years)
    if accepted_on is None or end is None or not warranty_years:
        return False
    return accepted_on <= on <= end


class CustomerIn(BaseModel):
    """A customer archive entry (客户档案表) with the products installed there."""

    model_config = _RECORD

    name: Text = _field("客户名称")
    address: Text = _field("地址")
    contact: Text = _field("联系人")
    phone: Phone = _field("联络电话")
    route: Text | None = _field("乘车路线", None)
    products: dict[Text, int] = _field("安装产品及数量", default_factory=dict)
    accepted_on: date | None = _field("验收日期", None)
    warranty_years: int | None = _field("质保年限", None, ge=0, le=20)

    @field_validator("products")
    @classmethod
    def _quantities_not_negative(cls, products: dict[str, int]) -> dict[str, int]:
        for product, quantity in products.items():
            if quantity < 0:
                raise domain_error(ErrorCode.QUANTITY_NEGATIVE, product=product)
            if quantity > MAX_QUANTITY:
                raise domain_error(ErrorCode.OUT_OF_RANGE, product=product)
        return products

    @field_validator("accepted_on")
    @classmethod
    def _accepted_not_future(cls, value: date | None, info: ValidationInfo) -> date | None:
        return not_future_in_context(value, info)

    @property
    def warranty_ends_on(self) -> date | None:
        """The last day of warranty, when both acceptance date and warranty years are known."""
        return warranty_end(self.accepted_on, self.warranty_years)

    def in_warranty(self, on: date) -> bool:
        """True from acceptance through the warranty's last day (inclusive); no warranty with 0 years."""
        return in_warranty(self.accepted_on, self.warranty_years, on)


class RepairIn(BaseModel):
    """A repair log entry (售后维修记录表); the later fields are filled in as the job progresses."""

    model_config = _RECORD

    customer_id: PositiveInt = _field("客户名称")
    reporter: Text = _field("报修人")
    phone: Phone = _field("联络电话")
    reported_on: date = _field("报修日期")
    fault: LongText = _field("报修内容")
    technician: Text | None = _field("接单维修人", None)
    repaired_on: date | None = _field("维修日期", None)
    labour_hours: Decimal | None = _field("维修工时", None, ge=0, le=1000, decimal_places=2)
    parts: tuple[tuple[Text, Annotated[int, Field(ge=1, le=MAX_QUANTITY)]], ...] = _field("更换配件", ())
    accepted_by: Text | None = _field("客户验收人", None)
    cause: LongText | None = _field("故障原因", None)
    resolution: LongText | None = _field("维修结果", None)

    @field_validator("reported_on", "repaired_on")
    @classmethod
    def _not_future(cls, value: date | None, info: ValidationInfo) -> date | None:
        return not_future_in_context(value, info)

    @model_validator(mode="after")
    def _dates_in_order(self) -> Self:
        if self.repaired_on is not None and self.repaired_on < self.reported_on:
            raise domain_error(ErrorCode.REPAIRED_BEFORE_REPORTED, field="repaired_on")
        if self.accepted_by is not None and self.repaired_on is None:
            raise domain_error(ErrorCode.REPAIR_NOT_DONE, field="accepted_by")
        return self


class RepairStatus(StrEnum):
    """A repair job's lifecycle: reported → assigned → repaired → accepted (by the customer)."""

    REPORTED = "reported"
    ASSIGNED = "assigned"
    REPAIRED = "repaired"
    ACCEPTED = "accepted"


class RepairAction(StrEnum):
    """What someone does to a repair job."""

    ASSIGN = "assign"
    COMPLETE = "complete"
    ACCEPT = "accept"
    REOPEN = "reopen"


_REPAIR_TRANSITIONS: dict[tuple[RepairStatus, RepairAction], RepairStatus] = {
    (RepairStatus.REPORTED, RepairAction.ASSIGN): RepairStatus.ASSIGNED,
    (RepairStatus.ASSIGNED, RepairAction.ASSIGN): RepairStatus.ASSIGNED,  # hand over to another technician
    (RepairStatus.ASSIGNED, RepairAction.COMPLETE): RepairStatus.REPAIRED,
    (RepairStatus.REPAIRED, RepairAction.ACCEPT): RepairStatus.ACCEPTED,
    (RepairStatus.REPAIRED, RepairAction.REOPEN): RepairStatus.ASSIGNED,  # the customer is not satisfied
}


class RepairTransitionError(ValueError):
    """An action that the repair job's current status does not allow."""

    code = ErrorCode.REPAIR_TRANSITION_INVALID


def advance_repair(status: RepairStatus, action: RepairAction) -> RepairStatus:
    """The status after `action`, or RepairTransitionError when the action makes no sense now."""
    try:
        return _REPAIR_TRANSITIONS[(RepairStatus(status), RepairAction(action))]
    except KeyError:
        raise RepairTransitionError(f"cannot {action} a repair that is {status}") from None


class VisitPurpose(StrEnum):
    """Why a customer was visited: 新客户开发, 跟进, 回访 (satisfaction check) or 投诉处理."""

    DEVELOPMENT = "development"
    FOLLOW_UP = "follow_up"
    REVISIT = "revisit"
    COMPLAINT = "complaint"


class VisitIn(BaseModel):
    """A customer visit (拜访 / 回访); `visited_at` is on the office's wall clock."""

    model_config = _RECORD

    customer_id: PositiveInt = _field("客户名称")
    visited_at: datetime = _field("拜访时间")
    purpose: VisitPurpose = _field("拜访目的")
    people_met: Text = _field("接待人")
    outcome: LongText = _field("拜访结果")
    satisfaction: int | None = _field("满意度", None, ge=1, le=5)
    next_step: LongText | None = _field("下一步计划", None)
    next_step_on: date | None = _field("下次跟进日期", None)
    lat: float | None = _field("纬度", None, ge=-90, le=90)
    lon: float | None = _field("经度", None, ge=-180, le=180)

    @field_validator("visited_at")
    @classmethod
    def _visit_not_future(cls, value: datetime, info: ValidationInfo) -> datetime:
        not_future_in_context(value.date(), info)
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.purpose == VisitPurpose.REVISIT and self.satisfaction is None:
            raise domain_error(ErrorCode.SATISFACTION_REQUIRED, field="satisfaction")
        if self.purpose != VisitPurpose.REVISIT and self.satisfaction is not None:
            raise domain_error(ErrorCode.SATISFACTION_NOT_APPLICABLE, field="satisfaction")
        if self.next_step_on is not None and self.next_step is None:
            raise domain_error(ErrorCode.NEXT_STEP_REQUIRED, field="next_step")
        if self.next_step_on is not None and self.next_step_on < self.visited_at.date():
            raise domain_error(ErrorCode.DATE_BEFORE_VISIT, field="next_step_on")
        if (self.lat is None) != (self.lon is None):
            raise domain_error(ErrorCode.LOCATION_INCOMPLETE, field="lat")
        return self


class LeaveKind(StrEnum):
    """请假, 外出 or 出差; the values equal the matching `RequestKind` values."""

    LEAVE = "leave"
    OUTING = "outing"
    TRIP = "trip"


MAX_DAYS_AHEAD = 366
"""How far ahead a leave or trip may be requested."""

LEAVE_WINDOW = DateWindow(-31, MAX_DAYS_AHEAD)
"""The days a leave or trip may be on: from a month back (asked for afterwards) to a year ahead."""


class LeaveIn(BaseModel):
    """A request to be away: leave, an outing or a business trip; outings and trips say where and why."""

    model_config = _RECORD

    kind: LeaveKind = _field("类型")
    starts_at: datetime = _field("开始时间")
    ends_at: datetime = _field("结束时间")
    reason: LongText = _field("事由")
    destination: Text | None = _field("目的地", None)
    purpose: LongText | None = _field("出行目的", None)

    @field_validator("starts_at")
    @classmethod
    def _not_too_far(cls, value: datetime, info: ValidationInfo) -> datetime:
        today = context_today(info)
        if today is not None and value.date() > today + timedelta(days=MAX_DAYS_AHEAD):
            raise domain_error(ErrorCode.DATE_TOO_FAR, max_days=MAX_DAYS_AHEAD)
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if (self.starts_at.tzinfo is None) != (self.ends_at.tzinfo is None):
            raise domain_error(ErrorCode.DATETIME_INVALID, field="ends_at")
        if self.ends_at <= self.starts_at:
            raise domain_error(ErrorCode.ENDS_BEFORE_START, field="ends_at")
        if self.kind != LeaveKind.LEAVE and self.destination is None:
            raise domain_error(ErrorCode.DESTINATION_REQUIRED, field="destination")
        if self.kind != LeaveKind.LEAVE and self.purpose is None:
            raise domain_error(ErrorCode.PURPOSE_REQUIRED, field="purpose")
        return self


class ExpenseIn(BaseModel):
    """An expense claim (费用报销); project categories must name their project."""

    model_config = _RECORD

    amount: Decimal = _field("金额", gt=0, le=MAX_EXPENSE_AMOUNT, decimal_places=2)
    category: ExpenseCategory = _field("费用类别")
    spent_on: date = _field("发生日期")
    reason: LongText = _field("事由")
    customer_id: PositiveInt | None = _field("关联客户", None)
    project: Text | None = _field("项目", None)
    invoice: bool = _field("有无发票", True)  # without one, an intermediary fee counts ×1.1 (domain.expense_rules)

    @field_validator("spent_on")
    @classmethod
    def _spent_not_future(cls, value: date, info: ValidationInfo) -> date:
        not_future_in_context(value, info)
        return value

    @model_validator(mode="after")
    def _project_named(self) -> Self:
        if self.category in PROJECT_EXPENSE_CATEGORIES and self.project is None:
            raise domain_error(ErrorCode.PROJECT_REQUIRED, field="project")
        return self
