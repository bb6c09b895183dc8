from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from domain.records import (
    CustomerIn,
    ExpenseIn,
    LeaveIn,
    RepairAction,
    RepairIn,
    RepairStatus,
    RepairTransitionError,
    VisitIn,
    advance_repair,
    warranty_end,
)
from domain.validation import (
    FieldError,
    field_errors,
    field_labels,
    normalize_phone,
    parse_record,
    validate_not_future,
)

TODAY = date(2026, 11, 27)
CUSTOMER: dict[str, Any] = {
    "name": "某市公安局",
    "address": "人民路 1 号",
    "contact": "王科长",
    "phone": "13812345678",
    "products": {"枪柜": 4, "弹柜": 2},
    "accepted_on": "2024-02-29",
    "warranty_years": 2,
}
REPAIR: dict[str, Any] = {
    "customer_id": 7,
    "reporter": "王科长",
    "phone": "0571-88886666",
    "reported_on": "2026-11-20",
    "fault": "柜门锁打不开",
}
VISIT: dict[str, Any] = {
    "customer_id": 7,
    "visited_at": "2026-11-26T10:00:00+08:00",
    "purpose": "follow_up",
    "people_met": "王科长",
    "outcome": "同意下月试用",
}
LEAVE: dict[str, Any] = {
    "kind": "leave",
    "starts_at": "2026-12-01T08:30:00+08:00",
    "ends_at": "2026-12-01T17:30:00+08:00",
    "reason": "看病",
}
EXPENSE: dict[str, Any] = {
    "amount": "320.50",
    "category": "transport",
    "spent_on": "2026-11-26",
    "reason": "打车",
}


def errors(model: type[Any], data: dict[str, Any]) -> list[FieldError]:
    with pytest.raises(ValidationError) as caught:
        parse_record(model, data, today=TODAY)
    return field_errors(caught.value)


def codes(model: type[Any], data: dict[str, Any]) -> list[tuple[str, str]]:
    return [(e.field, e.code) for e in errors(model, data)]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 19912345678", "19912345678"),
        ("010-62345678", "010-62345678"),
        ("0571-8888666", "0571-8888666"),
        ("0571-88886666-123", "0571-88886666-123"),
        ("88886666", "88886666"),
        ("400-800-1234", "400-800-1234"),
    ],
)
def test_valid_phones(raw: str, expected: str) -> None:
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    "raw", ["12812345678", "1381234567", "phone", "", "010-123", "138123456789", "010-12345678"]
)
def test_invalid_phones(raw: str) -> None:
    actual = codes(CustomerIn, CUSTOMER | {"phone": raw})
    assert actual == [("phone", "phone_invalid")]


def test_customer_is_cleaned_up() -> None:
    customer = parse_record(
        CustomerIn, CUSTOMER | {"name": "  某市公安局 ", "phone": "138-1234-5678"}, today=TODAY
    )
    assert (customer.name, customer.phone, customer.route) == ("某市公安局", "13812345678", None)


def test_customer_labels_are_the_seed_columns() -> None:
    expected = {
        "name": "客户名称",
        "address": "地址",
        "contact": "联系人",
        "phone": "联络电话",
        "route": "乘车路线",
        "products": "安装产品及数量",
        "accepted_on": "验收日期",
        "warranty_years": "质保年限",
    }
    assert field_labels(CustomerIn) == expected


def test_customer_errors_are_codes() -> None:
    data = CUSTOMER | {
        "name": " ",
        "products": {"枪柜": -1},
        "accepted_on": "2026-12-01",
        "warranty_years": 30,
    }
    expected = [
        FieldError("name", "required", {"min_length": 1}),
        FieldError("products", "quantity_negative", {"product": "枪柜"}),
        FieldError("accepted_on", "date_in_future", {"today": "2026-11-27"}),
        FieldError("warranty_years", "out_of_range", {"le": 20}),
    ]
    assert errors(CustomerIn, data) == expected


def test_missing_and_unknown_fields() -> None:
    actual = codes(CustomerIn, {k: v for k, v in CUSTOMER.items() if k != "contact"} | {"fax": "1"})
    assert actual == [("contact", "required"), ("fax", "unknown_field")]


@pytest.mark.parametrize(
    ("accepted_on", "years", "expected"),
    [
        (date(2024, 2, 29), 2, date(2026, 2, 28)),
        (date(2024, 2, 29), 4, date(2028, 2, 29)),
        (date(2025, 6, 15), 3, date(2028, 6, 15)),
        (None, 3, None),
        (date(2025, 6, 15), None, None),
    ],
)
def test_warranty_end(accepted_on: date | None, years: int | None, expected: date | None) -> None:
    assert warranty_end(accepted_on, years) == expected


def test_in_warranty_is_inclusive_of_both_ends() -> None:
    customer = parse_record(CustomerIn, CUSTOMER, today=TODAY)
    days = [date(2024, 2, 28), date(2024, 2, 29), date(2026, 2, 28), date(2026, 3, 1)]
    assert [customer.in_warranty(d) for d in days] == [False, True, True, False]


def test_no_warranty_without_years() -> None:
    customer = parse_record(CustomerIn, CUSTOMER | {"warranty_years": 0}, today=TODAY)
    assert customer.in_warranty(date(2024, 2, 29)) is False


def test_future_check_needs_today() -> None:
    assert CustomerIn.model_validate(CUSTOMER | {"accepted_on": "2030-01-01"}).accepted_on == date(2030, 1, 1)


def test_validate_not_future() -> None:
    assert validate_not_future(TODAY, today=TODAY) == TODAY
    with pytest.raises(ValueError):
        validate_not_future(date(2026, 11, 28), today=TODAY)


def test_repair_with_parts() -> None:
    data = REPAIR | {"repaired_on": "2026-11-21", "labour_hours": "1.5", "parts": [["锁芯", 1], ["合页", 2]]}
    repair = parse_record(RepairIn, data, today=TODAY)
    assert (repair.labour_hours, repair.parts) == (Decimal("1.5"), (("锁芯", 1), ("合页", 2)))


def test_repair_rules() -> None:
    assert codes(RepairIn, REPAIR | {"reported_on": "2026-11-28"}) == [("reported_on", "date_in_future")]
    assert codes(RepairIn, REPAIR | {"repaired_on": "2026-11-19"}) == [
        ("repaired_on", "repaired_before_reported")
    ]
    assert codes(RepairIn, REPAIR | {"accepted_by": "王科长"}) == [("accepted_by", "repair_not_done")]
    assert codes(RepairIn, REPAIR | {"labour_hours": "-1"}) == [("labour_hours", "out_of_range")]
    assert codes(RepairIn, REPAIR | {"parts": [["锁芯", 0]]}) == [("parts", "out_of_range")]


def test_repair_lifecycle() -> None:
    status = RepairStatus.REPORTED
    seen = []
    for action in (
        RepairAction.ASSIGN,
        RepairAction.COMPLETE,
        RepairAction.REOPEN,
        RepairAction.COMPLETE,
        RepairAction.ACCEPT,
    ):
        status = advance_repair(status, action)
        seen.append(status)
    expected = [
        RepairStatus.ASSIGNED,
        RepairStatus.REPAIRED,
        RepairStatus.ASSIGNED,
        RepairStatus.REPAIRED,
        RepairStatus.ACCEPTED,
    ]
    assert seen == expected


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (RepairStatus.REPORTED, RepairAction.COMPLETE),
        (RepairStatus.REPORTED, RepairAction.ACCEPT),
        (RepairStatus.ASSIGNED, RepairAction.ACCEPT),
        (RepairStatus.ACCEPTED, RepairAction.REOPEN),
        (RepairStatus.ACCEPTED, RepairAction.ASSIGN),
    ],
)
def test_illegal_repair_transitions(status: RepairStatus, action: RepairAction) -> None:
    with pytest.raises(RepairTransitionError):
        advance_repair(status, action)


def test_visit_ok() -> None:
    data = VISIT | {"next_step": "送样品", "next_step_on": "2026-12-03", "lat": 31.2, "lon": 121.4}
    visit = parse_record(VisitIn, data, today=TODAY)
    assert (visit.next_step_on, visit.visited_at) == (
        date(2026, 12, 3),
        datetime.fromisoformat(VISIT["visited_at"]),
    )


def test_revisit_needs_satisfaction_and_only_revisits_have_it() -> None:
    assert codes(VisitIn, VISIT | {"purpose": "revisit"}) == [("satisfaction", "satisfaction_required")]
    assert (
        parse_record(VisitIn, VISIT | {"purpose": "revisit", "satisfaction": 5}, today=TODAY).satisfaction
        == 5
    )
    assert codes(VisitIn, VISIT | {"satisfaction": 4}) == [("satisfaction", "satisfaction_not_applicable")]
    assert codes(VisitIn, VISIT | {"purpose": "revisit", "satisfaction": 6}) == [
        ("satisfaction", "out_of_range")
    ]


def test_visit_rules() -> None:
    assert codes(VisitIn, VISIT | {"visited_at": "2026-11-28T09:00:00+08:00"}) == [
        ("visited_at", "date_in_future")
    ]
    assert codes(VisitIn, VISIT | {"next_step_on": "2026-12-01"}) == [("next_step", "next_step_required")]
    late = VISIT | {"next_step": "再访", "next_step_on": "2026-11-25"}
    assert codes(VisitIn, late) == [("next_step_on", "date_before_visit")]
    assert codes(VisitIn, VISIT | {"lat": 31.2}) == [("lat", "location_incomplete")]
    assert codes(VisitIn, VISIT | {"purpose": "sightseeing"}) == [("purpose", "choice_invalid")]


def test_leave_ok() -> None:
    assert parse_record(LeaveIn, LEAVE, today=TODAY).reason == "看病"


def test_leave_rules() -> None:
    assert codes(LeaveIn, LEAVE | {"ends_at": LEAVE["starts_at"]}) == [("ends_at", "ends_before_start")]
    far = {"starts_at": "2028-01-01T08:30:00+08:00", "ends_at": "2028-01-02T08:30:00+08:00"}
    assert codes(LeaveIn, LEAVE | far) == [("starts_at", "date_too_far")]
    assert codes(LeaveIn, LEAVE | {"ends_at": "2026-12-01T17:30:00"}) == [("ends_at", "datetime_invalid")]


def test_trips_say_where_and_why() -> None:
    assert codes(LeaveIn, LEAVE | {"kind": "trip"}) == [("destination", "destination_required")]
    assert codes(LeaveIn, LEAVE | {"kind": "outing", "destination": "客户现场"}) == [
        ("purpose", "purpose_required")
    ]
    trip = LEAVE | {"kind": "trip", "destination": "杭州", "purpose": "投标"}
    assert parse_record(LeaveIn, trip, today=TODAY).destination == "杭州"


def test_expense_ok() -> None:
    assert parse_record(ExpenseIn, EXPENSE, today=TODAY).amount == Decimal("320.50")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"amount": "0"}, [("amount", "out_of_range")]),
        ({"amount": "-5"}, [("amount", "out_of_range")]),
        ({"amount": "12.345"}, [("amount", "too_many_decimals")]),
        ({"amount": "一百"}, [("amount", "not_a_number")]),
        ({"spent_on": "2026-11-28"}, [("spent_on", "date_in_future")]),
        ({"spent_on": "2026-02-30"}, [("spent_on", "date_invalid")]),
        ({"category": "yacht"}, [("category", "choice_invalid")]),
        ({"category": "intermediary_fee"}, [("project", "project_required")]),
    ],
)
def test_expense_rules(changes: dict[str, Any], expected: list[tuple[str, str]]) -> None:
    assert codes(ExpenseIn, EXPENSE | changes) == expected


def test_project_expense_with_project() -> None:
    data = EXPENSE | {"category": "project", "project": "某局枪弹柜项目", "amount": "6000"}
    assert parse_record(ExpenseIn, data, today=TODAY).project == "某局枪弹柜项目"
