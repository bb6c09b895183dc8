"""Issue #10: a half-day leave or an outing of some hours excuses only its part of the day (one rule)."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal

import pytest

from domain.attendance import (
    DEFAULT_LUNCH,
    DEFAULT_WORKING_HOURS,
    Away,
    AwayKind,
    DayStatus,
    LocalPunch,
    WorkingHours,
    day_labels,
    day_status,
    expected_hours,
    month_summary,
    request_away,
)
from domain.leave_rules import DayPart, leave_parts, part_on

HOURS = DEFAULT_WORKING_HOURS
DAY = date(2026, 11, 25)  # a Wednesday
MORNING_OFF = Away(AwayKind.LEAVE, None, time(12))  # 上午假
AFTERNOON_OFF = Away(AwayKind.LEAVE, time(13), None)  # 下午假


def judge(check_in: time | None, check_out: time | None, *away: Away, today: date = DAY + timedelta(days=1),
          grace: int = 0) -> tuple[tuple[DayStatus, ...], int, int, Decimal]:
    day = day_status(day=DAY, check_in=LocalPunch(check_in) if check_in else None,
                     check_out=LocalPunch(check_out) if check_out else None, is_working_day=True, today=today,
                     grace=timedelta(minutes=grace), away=away)
    return day_labels(day), day.minutes_late, day.minutes_early, day.share


def test_the_lunch_break_splits_the_day() -> None:
    assert HOURS.noon == DEFAULT_LUNCH == (time(12), time(13))
    assert WorkingHours(time(9), time(18)).noon == DEFAULT_LUNCH  # an office's own hours, the default break
    assert WorkingHours(time(13), time(21)).noon == (time(17), time(17))  # no break inside: the midpoint
    assert WorkingHours(time(8), time(17), (time(11, 30), time(13))).noon == (time(11, 30), time(13))
    with pytest.raises(ValueError):
        WorkingHours(time(9), time(18), (time(19), time(20)))


def test_what_is_still_expected_at_work() -> None:
    assert expected_hours(HOURS) == WorkingHours(time(8, 30), time(17, 30))
    assert expected_hours(HOURS, [AFTERNOON_OFF]) == WorkingHours(time(8, 30), time(12))
    assert expected_hours(HOURS, [MORNING_OFF]) == WorkingHours(time(13), time(17, 30))
    assert expected_hours(HOURS, [MORNING_OFF, AFTERNOON_OFF]) is None
    assert expected_hours(HOURS, [Away(AwayKind.OUT, time(10), time(16))]) == WorkingHours(time(8, 30), time(17, 30))
    assert expected_hours(HOURS, [Away(AwayKind.OUT, time(15), time(18))]) == WorkingHours(time(8, 30), time(15))
    assert expected_hours(HOURS, [Away(AwayKind.OUT, time(8), time(10))]) == WorkingHours(time(10), time(17, 30))
    assert expected_hours(HOURS, [Away(AwayKind.OUT, time(13), time(17, 30))]) == WorkingHours(time(8, 30), time(12))
    assert expected_hours(HOURS, [Away(AwayKind.OUT, time(8), time(18))]) is None


def test_an_afternoon_off_is_judged_on_the_morning() -> None:
    assert judge(time(8, 30), time(12), AFTERNOON_OFF) == ((DayStatus.PRESENT, DayStatus.HALF_LEAVE), 0, 0,
                                                           Decimal("0.5"))
    assert judge(time(8, 40), time(11, 45), AFTERNOON_OFF) == (
        (DayStatus.LATE, DayStatus.EARLY_LEAVE, DayStatus.HALF_LEAVE), 10, 15, Decimal("0.5"))


def test_a_morning_off_is_judged_from_the_afternoon_start() -> None:
    assert judge(time(13), time(17, 30), MORNING_OFF)[:3] == ((DayStatus.PRESENT, DayStatus.HALF_LEAVE), 0, 0)
    assert judge(time(13, 10), time(17, 30), MORNING_OFF, grace=5)[:2] == ((DayStatus.LATE, DayStatus.HALF_LEAVE), 10)
    assert judge(None, None, MORNING_OFF)[0] == (DayStatus.ABSENT, DayStatus.HALF_LEAVE)
    assert judge(None, None, MORNING_OFF, today=DAY)[0] == (DayStatus.PENDING, DayStatus.HALF_LEAVE)


def test_an_outing_excuses_only_its_hours() -> None:
    out = Away(AwayKind.OUT, time(15), time(17, 30))
    assert judge(time(8, 50), time(15), out)[:3] == ((DayStatus.LATE, DayStatus.OUT_ON_BUSINESS), 20, 0)
    assert judge(None, None, Away(AwayKind.OUT, time(8), time(18)))[0] == (DayStatus.OUT_ON_BUSINESS,)
    assert judge(None, None, MORNING_OFF, Away(AwayKind.OUT, time(13), time(17, 30)))[0] == (
        DayStatus.HALF_LEAVE, DayStatus.OUT_ON_BUSINESS)


def test_whole_days_and_rest_days_are_as_before() -> None:
    assert judge(None, None, Away(AwayKind.LEAVE))[0] == (DayStatus.LEAVE,)
    rest = day_status(day=date(2026, 11, 28), check_in=None, check_out=None, is_working_day=False,
                      today=DAY + timedelta(days=5), away=[MORNING_OFF])
    assert rest.primary == DayStatus.REST


def test_the_month_counts_half_days_as_half() -> None:
    days = [day_status(day=DAY, check_in=LocalPunch(time(8, 20)), check_out=LocalPunch(time(12, 1)),
                       is_working_day=True, today=DAY + timedelta(days=1), away=[AFTERNOON_OFF]),
            day_status(day=DAY, check_in=None, check_out=None, is_working_day=True, today=DAY + timedelta(days=1),
                       away=[MORNING_OFF]),
            day_status(day=DAY, check_in=None, check_out=None, is_working_day=True, today=DAY + timedelta(days=1),
                       away=[Away(AwayKind.LEAVE)])]
    counts = month_summary(days)
    assert (counts[DayStatus.PRESENT], counts[DayStatus.ABSENT], counts[DayStatus.LEAVE],
            counts[DayStatus.HALF_LEAVE]) == (Decimal("0.5"), Decimal("0.5"), Decimal(2), Decimal(2))


def test_a_request_excuses_its_part_of_each_day() -> None:
    wed, thu, fri = date(2026, 12, 2), date(2026, 12, 3), date(2026, 12, 4)
    parts = leave_parts(wed, fri, one_day="am", starts="pm", ends="am")
    assert parts == (DayPart.AFTERNOON, DayPart.MORNING)
    assert [part_on(d, first=wed, last=fri, parts=parts) for d in (wed, thu, fri)] == [
        DayPart.AFTERNOON, DayPart.FULL, DayPart.MORNING]
    assert leave_parts(wed, fri, starts="am", ends="pm") == (DayPart.FULL, DayPart.FULL)  # no 上午 start to halve
    assert leave_parts(wed, wed, one_day="bogus") == (DayPart.FULL, DayPart.FULL)

    def away(kind: str, day: date, window: tuple[time, time] | None = None) -> Away | None:
        return request_away(kind=kind, day=day, first=wed, last=fri, parts=parts, window=window, hours=HOURS)

    assert [away("leave", d) for d in (wed, thu, fri)] == [AFTERNOON_OFF, Away(AwayKind.LEAVE), MORNING_OFF]
    assert away("leave", date(2026, 12, 7)) is None
    assert away("trip", wed) == Away(AwayKind.OUT)
    assert away("outing", wed, (time(10), time(11))) == Away(AwayKind.OUT, time(10), time(11))
