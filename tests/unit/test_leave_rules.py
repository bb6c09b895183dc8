"""Leave as HR runs it (issue #10): working days over holidays and 调休, half days, outing hours, sick notes."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from typing import Any

import pytest

from domain.leave_rules import (
    DayPart,
    LeavePolicy,
    LeaveType,
    balance_of,
    exceeds_balance,
    leave_days,
    needs_sick_note,
    outing_hours,
    parse_leave_policy,
)

AM, PM, FULL = DayPart.MORNING, DayPart.AFTERNOON, DayPart.FULL


@pytest.mark.parametrize(("first", "last", "first_part", "last_part", "expected"), [
    (date(2026, 9, 28), date(2026, 10, 10), FULL, FULL, "6"),  # National Day off, Sat 10-10 is a 调休 working day
    (date(2026, 10, 1), date(2026, 10, 7), FULL, FULL, "0"),
    (date(2026, 9, 19), date(2026, 9, 20), FULL, FULL, "1"),  # Sat off, Sun 09-20 worked (调休)
    (date(2026, 9, 25), date(2026, 9, 25), FULL, FULL, "0"),  # Mid-Autumn Festival
    (date(2026, 11, 24), date(2026, 11, 24), AM, AM, "0.5"),
    (date(2026, 11, 24), date(2026, 11, 24), PM, PM, "0.5"),
    (date(2026, 11, 23), date(2026, 11, 27), PM, FULL, "4.5"),
    (date(2026, 11, 23), date(2026, 11, 27), FULL, AM, "4.5"),
    (date(2026, 11, 23), date(2026, 11, 27), PM, AM, "4"),
    (date(2026, 10, 1), date(2026, 10, 1), PM, PM, "0"),
    (date(2026, 11, 28), date(2026, 11, 30), PM, FULL, "1"),  # starts on a Saturday: nothing to halve
])
def test_leave_days(first: date, last: date, first_part: DayPart, last_part: DayPart, expected: str) -> None:
    assert leave_days(first, last, first_part=first_part, last_part=last_part) == Decimal(expected)


@pytest.mark.parametrize(("starts", "ends", "expected"), [
    (time(10, 0), time(15, 30), Decimal("5.5")), (time(9, 10), time(9, 20), Decimal("0.25")),
    (time(14, 0), time(14, 50), Decimal("0.75")), (time(15, 0), time(10, 0), None), (time(9, 0), time(9, 0), None),
])
def test_outing_hours(starts: time, ends: time, expected: Decimal | None) -> None:
    assert outing_hours(starts, ends) == expected


@pytest.mark.parametrize(("leave_type", "days", "expected"), [
    (LeaveType.SICK, "3", True), (LeaveType.SICK, "2", False), (LeaveType.SICK, "2.5", True),
    (LeaveType.PERSONAL, "10", False), ("sick", "3", True), (None, "3", False),
])
def test_a_sick_note_is_needed_over_the_policy_days(leave_type: Any, days: str, expected: bool) -> None:
    assert needs_sick_note(leave_type, Decimal(days), LeavePolicy(sick_note_after_days=Decimal(2))) is expected


def test_the_leave_policy_is_read_and_checked() -> None:
    assert parse_leave_policy({"sick_note_after_days": 3, "annual_days": 7.5}) == LeavePolicy(Decimal(3),
                                                                                          Decimal("7.5"))
    assert parse_leave_policy({}) == LeavePolicy()
    for bad in ({"sick_days": 3}, {"annual_days": "many"}, {"annual_days": -1}):
        with pytest.raises(ValueError):
            parse_leave_policy(bad)


@pytest.mark.parametrize(("leave_type", "days", "expected"), [
    (LeaveType.ANNUAL, "3", False), (LeaveType.ANNUAL, "3.5", True), (LeaveType.COMP, "1", False),
    (LeaveType.COMP, "1.5", True), (LeaveType.PERSONAL, "30", False), (None, "30", False), ("annual", "4", True),
])
def test_a_request_over_what_is_left(leave_type: Any, days: str, expected: bool) -> None:
    balances = {
        LeaveType.ANNUAL: balance_of(LeaveType.ANNUAL, allowance=Decimal(5), adjustments=[Decimal(-1)],
                                     taken=[Decimal("0.5"), Decimal("0.5")]),
        LeaveType.COMP: balance_of(LeaveType.COMP, allowance=Decimal(5), adjustments=[Decimal(1)], taken=[]),
    }
    assert (balances[LeaveType.ANNUAL].left, balances[LeaveType.COMP].left) == (Decimal(3), Decimal(1))
    assert exceeds_balance(leave_type, Decimal(days), balances) is expected
