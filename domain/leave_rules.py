"""Leave as HR runs it: the leave types, half days, outing hours, and how long a request is.

Pure rules, no I/O. The length of a leave counts working days only, through `domain.workdays` (the one
working-day rule: Chinese public holidays and 调休 make-up working days included), so a request over
National Day shows the days actually missed. A single day may be taken as a morning (上午) or an
afternoon (下午) half; a longer leave may start in the afternoon of its first day or end at noon of its
last. An outing (外出) is a time range on one day, counted in hours.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from enum import StrEnum
from typing import Any

from domain.workdays import is_working_day, working_days

HALF = Decimal("0.5")


class LeaveType(StrEnum):
    """The kinds of leave HR keeps apart (请假类型)."""

    PERSONAL = "personal"  # 事假
    SICK = "sick"  # 病假
    ANNUAL = "annual"  # 年假
    COMP = "comp"  # 调休
    MARRIAGE = "marriage"  # 婚假
    MATERNITY = "maternity"  # 产假
    PATERNITY = "paternity"  # 陪产假
    BEREAVEMENT = "bereavement"  # 丧假


class DayPart(StrEnum):
    """Which part of a day a leave covers at its ends."""

    FULL = "full"
    MORNING = "am"  # 上午
    AFTERNOON = "pm"  # 下午


BALANCED_TYPES = (LeaveType.ANNUAL, LeaveType.COMP)  # the types a person has a balance of


class OverBalance(StrEnum):
    """What a request over the balance gets: refused, or submitted with a flag for the approver."""

    REFUSE = "refuse"
    FLAG = "flag"


@dataclass(frozen=True)
class LeavePolicy:
    """HR's settings for leave (config/leave.yaml): when a sick note is due, the annual allowance, over-balance."""

    sick_note_after_days: Decimal = Decimal(2)
    annual_days: Decimal = Decimal(5)
    over_balance: OverBalance = OverBalance.REFUSE


@dataclass(frozen=True)
class Balance:
    """One type's balance for a year: allowance plus adjustments, less what requests (pending or approved) take."""

    leave_type: LeaveType
    allowance: Decimal
    adjusted: Decimal
    taken: Decimal

    @property
    def left(self) -> Decimal:
        """What may still be requested."""
        return self.allowance + self.adjusted - self.taken


def balance_of(leave_type: LeaveType, *, allowance: Decimal, adjustments: list[Decimal],
               taken: list[Decimal]) -> Balance:
    """A balance from its parts: 年假 starts from the allowance, 调休 from nothing (it is earned)."""
    start = allowance if leave_type == LeaveType.ANNUAL else Decimal(0)
    return Balance(leave_type, start, sum(adjustments, Decimal(0)), sum(taken, Decimal(0)))


def exceeds_balance(leave_type: LeaveType | str | None, days: Decimal, balances: dict[LeaveType, Balance]) -> bool:
    """Whether a request of `days` of a balanced type takes more than is left."""
    balance = balances.get(LeaveType(leave_type)) if leave_type in set(BALANCED_TYPES) else None
    return balance is not None and days > balance.left


def parse_leave_policy(data: Mapping[str, Any]) -> LeavePolicy:
    """config/leave.yaml as a policy; ValueError naming the key that is wrong."""
    unknown = set(data) - {"sick_note_after_days", "annual_days", "over_balance"}
    if unknown:
        raise ValueError(f"leave: unknown keys {sorted(unknown)}")
    if str(data.get("over_balance", "refuse")) not in set(OverBalance):
        raise ValueError("leave: over_balance must be refuse or flag")
    values: dict[str, Decimal] = {}
    for key in ("sick_note_after_days", "annual_days"):
        if key in data:
            try:
                values[key] = Decimal(str(data[key]))
            except ArithmeticError as exc:
                raise ValueError(f"leave: {key} must be a number of days") from exc
            if not values[key].is_finite() or values[key] < 0:
                raise ValueError(f"leave: {key} must be a number of days")
    return LeavePolicy(**values, over_balance=OverBalance(str(data.get("over_balance", "refuse"))))


def day_part(value: object) -> DayPart:
    """A stored or answered day part; anything else (missing, unknown) is the whole day."""
    try:
        return DayPart(str(value))
    except ValueError:
        return DayPart.FULL


def leave_parts(first: date, last: date, *, one_day: object = None, starts: object = None,
                ends: object = None) -> tuple[DayPart, DayPart]:
    """The parts of its first and last day a leave takes, from the answers (`day_part`, `first_part`,
    `last_part`): one day is the whole, 上午 or 下午; a longer leave may start 下午 and end 上午, any other
    part at an end is the whole day."""
    if first == last:
        part = day_part(one_day)
        return part, part
    start = DayPart.AFTERNOON if day_part(starts) == DayPart.AFTERNOON else DayPart.FULL
    end = DayPart.MORNING if day_part(ends) == DayPart.MORNING else DayPart.FULL
    return start, end


def part_on(day: date, *, first: date, last: date, parts: tuple[DayPart, DayPart]) -> DayPart:
    """Which part of `day` (within first..last) a leave taken in `parts` (`leave_parts`) covers."""
    if day == first:
        return parts[0]
    return parts[1] if day == last else DayPart.FULL


def leave_days(first: date, last: date, *, first_part: DayPart = DayPart.FULL,
               last_part: DayPart = DayPart.FULL) -> Decimal:
    """Working days a leave takes: whole working days, less a half where it starts at noon or ends at noon.

    One day taken as 上午 or 下午 is half a day; a non-working day at either end takes nothing off.
    """
    days = Decimal(len(working_days(first, last)))
    if first == last:
        return days * HALF if first_part != DayPart.FULL and days else days
    if first_part == DayPart.AFTERNOON and is_working_day(first):
        days -= HALF
    if last_part == DayPart.MORNING and is_working_day(last):
        days -= HALF
    return days


def outing_hours(starts: time, ends: time) -> Decimal | None:
    """Hours of an outing from its start to its end on one day (to the quarter hour); None if it ends first."""
    start_minutes, end_minutes = starts.hour * 60 + starts.minute, ends.hour * 60 + ends.minute
    if end_minutes <= start_minutes:
        return None
    quarters = Decimal(end_minutes - start_minutes) / 15
    return (quarters.to_integral_value() * 15 / 60).quantize(Decimal("0.01"))


def needs_sick_note(leave_type: LeaveType | str | None, days: Decimal, policy: LeavePolicy) -> bool:
    """Sick leave over the policy's number of working days needs a photo of the sick note."""
    return leave_type == LeaveType.SICK and days > policy.sick_note_after_days
