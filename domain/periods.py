"""Reporting periods: ISO weeks ("2026-W48") and calendar months ("2026-11")."""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class PeriodUnit(StrEnum):
    """How long one reporting period is."""

    WEEK = "week"
    MONTH = "month"


@dataclass(frozen=True)
class Period:
    """One reporting period: an ISO week ("2026-W48") or a calendar month ("2026-11"), dates inclusive."""

    unit: PeriodUnit
    key: str
    start: date
    end: date


def period_for(unit: PeriodUnit, local_date: date) -> Period:
    """The week or month that contains `local_date`."""
    if unit == PeriodUnit.WEEK:
        start = local_date - timedelta(days=local_date.weekday())
        iso = local_date.isocalendar()
        return Period(PeriodUnit.WEEK, f"{iso.year}-W{iso.week:02d}", start, start + timedelta(days=6))
    start = local_date.replace(day=1)
    end = first_of_next_month(start) - timedelta(days=1)
    return Period(PeriodUnit.MONTH, f"{start.year}-{start.month:02d}", start, end)


def previous_period(period: Period) -> Period:
    """The period just before `period`."""
    return period_for(period.unit, period.start - timedelta(days=1))


def recent_periods(unit: PeriodUnit, local_date: date, *, count: int = 3) -> list[Period]:
    """The current period and the ones before it, oldest first: what a reminder sweep must look at.

    Three covers a chase pushed past a long holiday (a weekly deadline before the Spring Festival).
    """
    periods = [period_for(unit, local_date)]
    while len(periods) < count:
        periods.insert(0, previous_period(periods[0]))
    return periods


_WEEK_KEY = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH_KEY = re.compile(r"^(\d{4})-(\d{2})$")


def parse_period_key(key: str) -> Period:
    """Rebuild a period from its key, e.g. from a button's callback data."""
    if match := _WEEK_KEY.match(key):
        year, week = int(match[1]), int(match[2])
        return period_for(PeriodUnit.WEEK, date.fromisocalendar(year, week, 1))
    if match := _MONTH_KEY.match(key):
        return period_for(PeriodUnit.MONTH, date(int(match[1]), int(match[2]), 1))
    raise ValueError(f"not a period key: {key!r}")


def first_of_next_month(d: date) -> date:
    """The 1st of the month after the one containing `d`."""
    return date(d.year + d.month // 12, d.month % 12 + 1, 1)
