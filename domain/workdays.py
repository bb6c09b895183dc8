"""The Chinese working-day calendar: public holidays and make-up working days (调休).

One rule for every caller: the `chinese_calendar` package's data, with the configured
`config/holidays.yaml` merged over it (a date listed there wins). The package knows each year only
once the State Council has published it; the YAML adds newer years without waiting for a release.
Outside the known range every function falls back to a plain Monday–Friday week rather than
failing, so a stale calendar degrades to "weekends only" instead of stopping the bot; `known_until()`
says where that range ends, so a job can warn before it does.

The YAML is read at the I/O edge (`services.platform.config.load_holiday_calendar`), parsed here by
`parse_holiday_config` and registered once at start-up with `use_calendar`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import chinese_calendar
from chinese_calendar import constants as _package

_SATURDAY = 5
PACKAGE_LAST_YEAR = max(max(_package.holidays), max(_package.workdays)).year
"""The last year whose schedule the installed chinesecalendar package holds (2026 for 1.11)."""
CALENDAR_WARNING_DAYS = 30
"""Admins and HR are warned this many days before the known range ends."""


@dataclass(frozen=True)
class HolidayCalendar:
    """Dates configured over the package's data; `covers` lists the years whose schedule is complete."""

    holidays: Mapping[date, str] = field(default_factory=dict)
    workdays: Mapping[date, str] = field(default_factory=dict)
    covers: frozenset[int] = frozenset()


_active = HolidayCalendar()


def use_calendar(calendar: HolidayCalendar) -> HolidayCalendar:
    """Register the configured calendar (the composition root, once at start-up); returns the previous one."""
    global _active
    previous, _active = _active, calendar
    return previous


def active_calendar() -> HolidayCalendar:
    """The calendar registered with `use_calendar` (empty until then: the package's data alone)."""
    return _active


def parse_holiday_config(data: Mapping[str, Any]) -> HolidayCalendar:
    """Validate the plain dict of `config/holidays.yaml`: dated names, complete years; a clear error else."""
    unknown = set(data) - {"holidays", "workdays", "covers"}
    if unknown:
        raise ValueError(f"holidays: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
    holidays = _dated_names(data.get("holidays"), "holidays")
    workdays = _dated_names(data.get("workdays"), "workdays")
    both = sorted(set(holidays) & set(workdays))
    if both:
        raise ValueError(f"holidays: {both[0].isoformat()} is listed both as a holiday and as a working day")
    covers = data.get("covers") or []
    if not isinstance(covers, list) or not all(isinstance(y, int) and 2000 <= y <= 2100 for y in covers):
        raise ValueError("holidays: covers must be a list of years, e.g. [2027]")
    return HolidayCalendar(holidays=holidays, workdays=workdays, covers=frozenset(covers))


def _dated_names(section: Any, name: str) -> dict[date, str]:
    """`{2027-01-01: 元旦, ...}` (YAML dates or ISO strings) → {date: name}."""
    if section is None:
        return {}
    if not isinstance(section, Mapping):
        raise ValueError(f"holidays: {name} must map dates to names, e.g. {{2027-01-01: 元旦}}")
    parsed: dict[date, str] = {}
    for key, value in section.items():
        try:
            day = key if isinstance(key, date) else date.fromisoformat(str(key))
        except ValueError as exc:
            raise ValueError(f"holidays: {name}: {key!r} is not a date (YYYY-MM-DD)") from exc
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"holidays: {name}: {day.isoformat()} needs a name")
        parsed[day] = value.strip()
    return parsed


def known_until() -> date:
    """The last date the calendar is known for: the package's last year, extended by consecutive covered years."""
    year = PACKAGE_LAST_YEAR
    while year + 1 in _active.covers:
        year += 1
    return date(year, 12, 31)


def calendar_ends_soon(today: date, *, days_before: int = CALENDAR_WARNING_DAYS) -> bool:
    """True when the known range ends within `days_before` days of `today` (or has already ended)."""
    return known_until() - today <= timedelta(days=days_before)


def is_working_day(d: date) -> bool:
    """True when staff are expected at work on `d` (counts 调休 weekends, skips public holidays)."""
    if d in _active.workdays:
        return True
    if d in _active.holidays:
        return False
    try:
        return bool(chinese_calendar.is_workday(d))
    except NotImplementedError:
        return d.weekday() < _SATURDAY


def holiday_name(d: date) -> str | None:
    """The name of the public holiday (or its 调休 day) `d` belongs to, if any.

    The package's names are English ("National Day"); configured dates carry the name given in the YAML.
    """
    configured = _active.holidays.get(d) or _active.workdays.get(d)
    if configured:
        return configured
    try:
        _, name = chinese_calendar.get_holiday_detail(d)
    except NotImplementedError:
        return None
    return str(name) if name else None


def is_holiday(d: date) -> bool:
    """True on a public holiday (法定节假日) day off, including weekend days inside the break."""
    return not is_working_day(d) and holiday_name(d) is not None


def is_makeup_workday(d: date) -> bool:
    """True on a make-up working day (调休): a weekend day on which staff must work."""
    return is_working_day(d) and d.weekday() >= _SATURDAY


def next_working_day(d: date) -> date:
    """The first working day strictly after `d`, to schedule a follow-up on the next day at work."""
    candidate = d + timedelta(days=1)
    while not is_working_day(candidate):
        candidate += timedelta(days=1)
    return candidate


def last_working_day_of_month(year: int, month: int) -> date:
    """The last working day of a month, when monthly reports are first reminded."""
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    candidate = first_of_next - timedelta(days=1)
    while not is_working_day(candidate):
        candidate -= timedelta(days=1)
    return candidate


def working_days(start: date, end: date) -> list[date]:
    """Every working day from `start` to `end`, both inclusive, for attendance sheets."""
    count = (end - start).days + 1
    days = (start + timedelta(days=offset) for offset in range(max(count, 0)))
    return [d for d in days if is_working_day(d)]
