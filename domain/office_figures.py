"""Month figures an office is watched by on /dashboard: the attendance rate and report compliance.

- Attendance rate (出勤率): working days attended per 100 working days due. A day is due when the person
  was employed and it was a working day, not on approved leave or business, and already over (or
  attended today): attended = PRESENT (late, early, field and missing-punch days included), due =
  attended + ABSENT (旷工). No day due: no rate.
- Report compliance (周报/月报按时提交): every period of a report type whose deadline falls in the month
  (on the office's clock) counts each writer once: on time, late, or missing once the deadline has
  passed. A report not yet due and not yet written is not counted, so the month fills as it goes; nor
  is a period that ended before the writer joined.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from domain.attendance import DayStatus
from domain.periods import Period, PeriodUnit, period_for
from domain.reports import ReportConfig, deadline


def attendance_rate(summary: Mapping[DayStatus, Decimal | int]) -> Decimal | None:
    """Attended working days per 100 due (one decimal), from `domain.attendance.month_summary` counts."""
    attended, absent = summary.get(DayStatus.PRESENT, 0), summary.get(DayStatus.ABSENT, 0)
    if attended + absent == 0:
        return None
    return (Decimal(attended) * 100 / Decimal(attended + absent)).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class Compliance:
    """Reports counted for a month: on time, late, missing."""

    on_time: int = 0
    late: int = 0
    missing: int = 0

    def __add__(self, other: Compliance) -> Compliance:
        return Compliance(self.on_time + other.on_time, self.late + other.late, self.missing + other.missing)


def period_compliance(*, period: Period, due: datetime, now: datetime, writers: Mapping[int, date],
                      submitted: Mapping[int, bool]) -> Compliance:
    """One period: each writer (id → the day they joined) on time or late (`submitted` maps a writer to its
    late mark), or missing once `due` has passed; not counted: not yet due and not yet submitted, or joined
    after the period ended."""
    on_time = late = missing = 0
    for writer, joined in writers.items():
        if joined > period.end and writer not in submitted:
            continue
        if writer in submitted:
            late += submitted[writer]
            on_time += not submitted[writer]
        elif now > due:
            missing += 1
    return Compliance(on_time, late, missing)


def periods_due_in(config: ReportConfig, *, month: Period, tz: ZoneInfo) -> list[tuple[Period, datetime]]:
    """The report type's periods whose deadline falls in `month` on the office's clock, with the deadline."""
    candidates: dict[str, Period] = {}
    day = month.start - timedelta(days=40 if config.period == PeriodUnit.MONTH else 7)
    while day <= month.end:
        period = period_for(config.period, day)
        candidates[period.key] = period
        day += timedelta(days=1)
    found = []
    for period in candidates.values():
        due = deadline(config, period, tz)
        if month.start <= _due_day(due, tz) <= month.end:
            found.append((period, due))
    return sorted(found, key=lambda item: item[1])


def _due_day(due: datetime, tz: ZoneInfo) -> date:
    """The day a deadline belongs to: 24:00 (midnight) is the end of the day before."""
    return (due.astimezone(tz) - timedelta(microseconds=1)).date()
