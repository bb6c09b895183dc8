"""Office meetings (例会): seed 002 篇一 3.4.9 每周内部召开工作例会; 篇二 每月必须召开例会 … 布置工作任务，
各员工不得缺席 — the head schedules weekly and monthly meetings, everyone is reminded, absence is
counted, and the tasks given (owner, due date) are chased like reports.

Task lines in the minutes read "OWNER YYYY-MM-DD what to do", one per line.

A meeting may repeat (每周 / 每两周 / 每月) until a day or for a number of meetings; every occurrence is
its own meeting (its reminder, attendance, minutes), at the same local time. A monthly series keeps the
day of the month, on the month's last day when it is shorter (01-31 → 02-28). At most
`MAX_OCCURRENCES` are planned at once.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

REMIND_BEFORE = timedelta(hours=2)
MAX_OCCURRENCES = 52  # a year of weekly meetings
MONTHLY_CHECK_DAY = 20  # 每月必须召开例会: from this day a month without a monthly meeting is pointed out
TASK_LINE = re.compile(r"^\s*(\S+)\s+(\d{4}-\d{2}-\d{2})\s+(.+?)\s*$")


class MeetingKind(StrEnum):
    """Weekly work meeting (每周工作例会) or monthly business meeting (月度例会)."""

    WEEKLY = "weekly"
    MONTHLY = "monthly"


class Repeat(StrEnum):
    """How a meeting repeats: not at all, every week, every two weeks, every month."""

    NONE = "none"
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY = "monthly"


def occurrences(first: datetime, repeat: Repeat, *, until: date | None = None, count: int | None = None,
                limit: int = MAX_OCCURRENCES) -> list[datetime]:
    """The start of every meeting of a series (local, aware `first`): up to and including `until`'s day, or
    `count` meetings, never more than `limit`; a meeting that does not repeat is just `first`."""
    if repeat == Repeat.NONE:
        return [first]
    wanted = min(count, limit) if count is not None else limit
    starts: list[datetime] = []
    while len(starts) < wanted:
        start = _nth(first, repeat, len(starts))
        if until is not None and start.date() > until:
            break
        starts.append(start)
    return starts


def _nth(first: datetime, repeat: Repeat, n: int) -> datetime:
    """The n-th (0-based) start of a series, at the first one's local time."""
    if repeat == Repeat.MONTHLY:
        index = first.month - 1 + n
        year, month = first.year + index // 12, index % 12 + 1
        return first.replace(year=year, month=month, day=min(first.day, calendar.monthrange(year, month)[1]))
    return first + timedelta(weeks=n * (2 if repeat == Repeat.BIWEEKLY else 1))


@dataclass(frozen=True)
class TaskLine:
    """One task from the minutes: who, by when, what."""

    owner: str
    due_on: date
    text: str


def parse_tasks(text: str) -> tuple[list[TaskLine], list[int]]:
    """The task lines and the numbers (1-based) of lines that are not "OWNER YYYY-MM-DD what"."""
    tasks, bad = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        match = TASK_LINE.match(line)
        due = _date(match.group(2)) if match else None
        if match is None or due is None:
            bad.append(number)
            continue
        tasks.append(TaskLine(match.group(1), due, match.group(3)))
    return tasks, bad


def _date(text: str) -> date | None:
    """A real calendar date, or None."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def reminder_due(starts_at: datetime, now: datetime, before: timedelta = REMIND_BEFORE) -> bool:
    """Attendees are reminded in the last `before` before the start (not after it began)."""
    return starts_at - before <= now < starts_at


def monthly_meeting_missing(today: date, scheduled_this_month: bool) -> bool:
    """True from `MONTHLY_CHECK_DAY` on when the office has no monthly meeting in the month yet."""
    return today.day >= MONTHLY_CHECK_DAY and not scheduled_this_month


class TaskStep(StrEnum):
    """What a task's owner is sent: due tomorrow, or overdue (the head told too)."""

    DUE = "due"
    OVERDUE = "overdue"


def task_steps(due_on: date, today: date) -> list[TaskStep]:
    """The steps due on `today` for an open task (each sent once)."""
    steps = []
    if today >= due_on - timedelta(days=1):
        steps.append(TaskStep.DUE)
    if today > due_on:
        steps.append(TaskStep.OVERDUE)
    return steps
