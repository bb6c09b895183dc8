"""The dashboard's month rules: attendance rate and report compliance, table-driven on both sides."""

from datetime import UTC, date, datetime
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest

from domain.attendance import DayStatus
from domain.office_figures import Compliance, attendance_rate, period_compliance, periods_due_in
from domain.periods import parse_period_key
from services.platform.config import load_report_config

CONFIG = load_report_config()
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(("present", "absent", "leave", "rate"), [
    (20, 0, 2, D("100.0")), (19, 1, 0, D("95.0")), (2, 1, 0, D("66.7")), (0, 3, 0, D("0.0")),
    (0, 0, 5, None),  # a month on leave: nothing due
])
def test_the_attendance_rate_counts_attended_over_due_days(present: int, absent: int, leave: int,
                                                            rate: D | None) -> None:
    summary = {DayStatus.PRESENT: present, DayStatus.ABSENT: absent, DayStatus.LEAVE: leave, DayStatus.LATE: 3}
    assert attendance_rate(summary) == rate


DUE = datetime(2026, 11, 27, 10, tzinfo=UTC)
WEEK = parse_period_key("2026-W48")  # 11-23 … 11-29
WRITERS = {1: date(2026, 1, 5), 2: date(2026, 11, 29), 3: date(2026, 11, 23)}


@pytest.mark.parametrize(("now", "submitted", "writers", "expected"), [
    (datetime(2026, 11, 27, 10, tzinfo=UTC), {}, WRITERS, Compliance(0, 0, 0)),  # at the deadline: not yet missing
    (datetime(2026, 11, 27, 10, 1, tzinfo=UTC), {}, WRITERS, Compliance(0, 0, 3)),
    (datetime(2026, 11, 26, tzinfo=UTC), {1: False}, WRITERS, Compliance(1, 0, 0)),  # early: counted on time
    (datetime(2026, 11, 30, tzinfo=UTC), {1: False, 2: True}, WRITERS, Compliance(1, 1, 1)),
    (datetime(2026, 11, 30, tzinfo=UTC), {}, {4: date(2026, 11, 30)}, Compliance(0, 0, 0)),  # joined after the week
    (datetime(2026, 11, 30, tzinfo=UTC), {4: False}, {4: date(2026, 11, 30)}, Compliance(1, 0, 0)),
])
def test_each_writer_counts_once_per_period(now: datetime, submitted: dict[int, bool], writers: dict[int, date],
                                            expected: Compliance) -> None:
    assert period_compliance(period=WEEK, due=DUE, now=now, writers=writers, submitted=submitted) == expected


def test_compliance_adds_up() -> None:
    assert Compliance(1, 2, 3) + Compliance(1, 0, 1) == Compliance(2, 2, 4)


@pytest.mark.parametrize(("kind", "month", "keys"), [
    ("weekly", "2026-11", ["2026-W45", "2026-W46", "2026-W47", "2026-W48"]),  # Fridays the 6th … the 27th
    ("weekly", "2026-10", ["2026-W40", "2026-W41", "2026-W42", "2026-W43", "2026-W44"]),  # W44 ends on Nov 1
    ("monthly", "2026-12", ["2026-11"]),  # due before the 3rd of December
    ("monthly", "2026-11", ["2026-10"]),
])
def test_the_periods_due_in_a_month(kind: str, month: str, keys: list[str]) -> None:
    found = periods_due_in(CONFIG.get(kind), month=parse_period_key(month), tz=SHANGHAI)
    assert [period.key for period, _due in found] == keys
