"""The repair job's field rules: due days and times, overdue, the exactly-once key, the map link."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.records import RepairStatus
from domain.repair_rules import due_day, due_time, is_overdue, map_link, overdue_key

SHANGHAI = ZoneInfo("Asia/Shanghai")
HOLIDAYS = {date(2026, 10, 1), date(2026, 10, 2)}


def weekdays_but_holidays(day: date) -> bool:
    """Mon–Fri except two public holidays (the real calendar is tested in test_workdays)."""
    return day.weekday() < 5 and day not in HOLIDAYS


@pytest.mark.parametrize(("today", "working_days", "expected"), [
    (date(2026, 11, 24), 0, date(2026, 11, 24)),  # Tuesday: today
    (date(2026, 11, 24), 1, date(2026, 11, 25)),
    (date(2026, 11, 27), 1, date(2026, 11, 30)),  # Friday → Monday
    (date(2026, 11, 27), 3, date(2026, 12, 2)),
    (date(2026, 11, 28), 0, date(2026, 11, 28)),  # a Saturday job due "today" stays today
    (date(2026, 9, 30), 1, date(2026, 10, 5)),  # over the holiday and the weekend
])
def test_due_day_counts_working_days(today: date, working_days: int, expected: date) -> None:
    assert due_day(today, working_days, is_working_day=weekdays_but_holidays) == expected


def test_due_time_is_the_end_of_the_offices_day() -> None:
    due = due_time(date(2026, 11, 24), work_end=time(17, 30), tz=SHANGHAI)
    assert due.astimezone(UTC) == datetime(2026, 11, 24, 9, 30, tzinfo=UTC)


DUE = datetime(2026, 11, 24, 17, 30, tzinfo=SHANGHAI)


@pytest.mark.parametrize(("status", "due_at", "now", "expected"), [
    (RepairStatus.ASSIGNED, DUE, DUE - timedelta(minutes=1), False),
    (RepairStatus.ASSIGNED, DUE, DUE, True),
    (RepairStatus.ASSIGNED, None, DUE + timedelta(days=9), False),
    (RepairStatus.REPAIRED, DUE, DUE + timedelta(days=1), False),
    (RepairStatus.REPORTED, DUE, DUE + timedelta(days=1), False),
])
def test_only_an_assigned_job_past_its_due_time_is_overdue(status: RepairStatus, due_at: datetime | None,
                                                           now: datetime, expected: bool) -> None:
    assert is_overdue(status=status, due_at=due_at, now=now) is expected


def test_the_overdue_key_changes_with_the_due_time_only() -> None:
    assert overdue_key(7, DUE) == overdue_key(7, DUE.astimezone(UTC)) == "repair-overdue:7:20261124T0930"
    assert overdue_key(7, DUE + timedelta(days=1)) != overdue_key(7, DUE)


@pytest.mark.parametrize(("address", "lat", "lon", "expected"), [
    ("人民路 1 号", 31.2304, 121.4737,
     "https://uri.amap.com/marker?position=121.473700,31.230400&name=%E7%94%B2&coordinate=wgs84&callnative=1"),
    ("人民路 1 号", None, None,
     "https://uri.amap.com/search?keyword=%E4%BA%BA%E6%B0%91%E8%B7%AF%201%20%E5%8F%B7&callnative=1"),
    (None, None, None, None),
])
def test_the_map_link_prefers_coordinates(address: str | None, lat: float | None, lon: float | None,
                                          expected: str | None) -> None:
    assert map_link(name="甲", address=address, lat=lat, lon=lon) == expected

