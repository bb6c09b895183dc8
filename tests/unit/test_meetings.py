"""Meeting rules: task lines from the minutes, when attendees are reminded, when a task is chased."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.meetings import (
    MAX_OCCURRENCES,
    Repeat,
    TaskLine,
    TaskStep,
    monthly_meeting_missing,
    occurrences,
    parse_tasks,
    reminder_due,
    task_steps,
)


def test_parse_tasks_reads_owner_date_and_text_and_names_bad_lines() -> None:
    text = "李娜 2026-12-02 跟进公安局投标\n\n王强 2026-13-01 修柜门\n只有一句话\n王强  2026-12-05  准备 标书 "
    tasks, bad = parse_tasks(text)
    assert tasks == [TaskLine("李娜", date(2026, 12, 2), "跟进公安局投标"),
                     TaskLine("王强", date(2026, 12, 5), "准备 标书")]
    assert bad == [3, 4]


START = datetime(2026, 11, 30, 1, 0)


@pytest.mark.parametrize(("minutes_before", "due"), [(180, False), (120, True), (30, True), (0, False), (-10, False)])
def test_reminder_window(minutes_before: int, due: bool) -> None:
    assert reminder_due(START, START - timedelta(minutes=minutes_before)) is due


@pytest.mark.parametrize(("today", "steps"), [
    (date(2026, 11, 30), []),
    (date(2026, 12, 1), [TaskStep.DUE]),
    (date(2026, 12, 2), [TaskStep.DUE]),
    (date(2026, 12, 3), [TaskStep.DUE, TaskStep.OVERDUE]),
])
def test_task_steps(today: date, steps: list[TaskStep]) -> None:
    assert task_steps(date(2026, 12, 2), today) == steps


@pytest.mark.parametrize(("day", "held", "missing"), [(19, False, False), (20, False, True), (28, True, False)])
def test_a_month_without_its_monthly_meeting(day: int, held: bool, missing: bool) -> None:
    assert monthly_meeting_missing(date(2026, 12, day), held) is missing


def test_a_series_repeats_at_the_same_local_time_until_a_day_or_a_count() -> None:
    first = datetime(2026, 11, 30, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    weekly = occurrences(first, Repeat.WEEKLY, count=3)
    assert [d.isoformat() for d in weekly] == ["2026-11-30T09:00:00+08:00", "2026-12-07T09:00:00+08:00",
                                               "2026-12-14T09:00:00+08:00"]
    biweekly = occurrences(first, Repeat.BIWEEKLY, until=date(2026, 12, 28))
    assert [d.date() for d in biweekly] == [date(2026, 11, 30), date(2026, 12, 14), date(2026, 12, 28)]
    assert occurrences(first, Repeat.NONE, count=5) == [first]
    assert len(occurrences(first, Repeat.WEEKLY)) == MAX_OCCURRENCES
    assert occurrences(first, Repeat.WEEKLY, until=date(2026, 11, 29)) == []


def test_a_monthly_series_keeps_its_day_or_the_months_last() -> None:
    first = datetime(2027, 1, 31, 16, tzinfo=ZoneInfo("Asia/Shanghai"))
    days = [d.date() for d in occurrences(first, Repeat.MONTHLY, count=4)]
    assert days == [date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30)]
    crossing = occurrences(datetime(2026, 11, 15, 9, tzinfo=UTC), Repeat.MONTHLY, until=date(2027, 2, 15))
    assert [d.date() for d in crossing] == [date(2026, 11, 15), date(2026, 12, 15), date(2027, 1, 15),
                                            date(2027, 2, 15)]
