"""Pure rules around reports that `domain.reports` leaves to its callers.

Who writes which report, when a person counts as away, the keys that make reminders exactly-once,
the warranty window, and the "at a glance" counts. No I/O: dates, zones and calendars are arguments.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import TypeVar
from zoneinfo import ZoneInfo

from domain.periods import Period
from domain.reports import ReportConfig, ReportKind
from domain.roles import REGION_ROLES, Role

T = TypeVar("T")
MONTHLY_KINDS = (ReportKind.MONTHLY, ReportKind.REGIONAL_MONTHLY)
WARRANTY_DAYS_BEFORE = 30


class FigureScope(StrEnum):
    """Whose records prefill a report's figures (visits, new customers, payments)."""

    OWN = "own"
    OFFICE = "office"
    REGION = "region"


def figure_scope(kind: ReportKind | str, *, roles: Iterable[str], in_region: bool = False) -> FigureScope:
    """The office head's monthly report counts the whole office, the regional manager's the offices of his
    office's region; every other report (and a regional manager whose office is in no region) its
    writer's own records."""
    held = set(roles)
    if ReportKind(kind) == ReportKind.MONTHLY and str(Role.OFFICE_HEAD) in held:
        return FigureScope.OFFICE
    if ReportKind(kind) == ReportKind.REGIONAL_MONTHLY and in_region and held & {str(r) for r in REGION_ROLES}:
        return FigureScope.REGION
    return FigureScope.OWN


def writes(config: ReportConfig, *, roles: Iterable[str], full_time: bool) -> bool:
    """Whether a person must write this report type: full-time and holding one of its roles."""
    return full_time and not frozenset(config.roles).isdisjoint(roles)


def may_write(config: ReportConfig, *, roles: Iterable[str]) -> bool:
    """Whether a person may submit this report type at all (part-timers may, unasked)."""
    return bool(set(roles) & {str(r) for r in config.roles})


def reminder_key(report: str, period_key: str, slot: str, staff_id: int) -> str:
    """The exactly-once key of one reminder: report, period, kind:day slot and the person."""
    return f"rep:{report}:{period_key}:{slot}:{staff_id}"


def warranty_key(customer_id: int, warranty_end: date) -> str:
    """The exactly-once key of a warranty-end reminder: once per customer and end date."""
    return f"warranty:{customer_id}:{warranty_end.isoformat()}"


def local_day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The aware start of `day` and of the next day in `tz`."""
    start = datetime.combine(day, time(), tzinfo=tz)
    return start, datetime.combine(day + timedelta(days=1), time(), tzinfo=tz)


def period_bounds(period: Period, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The aware instants a period spans in `tz`: from its first day's start to after its last day."""
    return local_day_bounds(period.start, tz)[0], local_day_bounds(period.end, tz)[1]


def joined_in_time(*, joined_at: datetime, due: datetime) -> bool:
    """Only people who joined before a report's deadline owe it."""
    return joined_at < due


def warranty_reminder_due(*, warranty_end: date, today: date, days_before: int = WARRANTY_DAYS_BEFORE) -> bool:
    """Within `days_before` days of a warranty's end (and not yet ended)."""
    return today <= warranty_end <= today + timedelta(days=days_before)


def in_working_hours(
    local_now: datetime, *, start: time, end: time, is_working_day: Callable[[date], bool]
) -> bool:
    """A working day between the office's opening and closing: when a notice is polite to send."""
    return is_working_day(local_now.date()) and start <= local_now.time() < end


QUIET_FROM, QUIET_UNTIL = time(21, 0), time(8, 0)


def is_quiet_hour(local_now: datetime) -> bool:
    """Late evening and night on the recipient's clock: a caught-up reminder waits for the morning."""
    return local_now.time() >= QUIET_FROM or local_now.time() < QUIET_UNTIL


def capped(items: list[T], limit: int) -> tuple[list[T], int]:
    """At most `limit` items to show, and how many more there are (chat messages have a size limit)."""
    return items[:limit], max(len(items) - limit, 0)


def clip(text: str, limit: int) -> tuple[str, bool]:
    """`text` cut to `limit` characters with an ellipsis, and whether it was cut."""
    if len(text) <= limit:
        return text, False
    return text[: limit - 1] + "…", True


@dataclass(frozen=True)
class Tally:
    """One group's submission counts for one report and period."""

    expected: int
    submitted: int
    late: int
    away: int
    missing: tuple[str, ...]


def tally(
    *, writers: list[tuple[int, str]], submitted: dict[int, bool], away: set[int]
) -> Tally:
    """Count who submitted (and how many late), who is away, and name who is missing."""
    late = sum(1 for staff_id, _ in writers if submitted.get(staff_id))
    done = sum(1 for staff_id, _ in writers if staff_id in submitted)
    missing = tuple(name for staff_id, name in writers if staff_id not in submitted and staff_id not in away)
    gone = sum(1 for staff_id, _ in writers if staff_id not in submitted and staff_id in away)
    return Tally(expected=len(writers), submitted=done, late=late, away=gone, missing=missing)
