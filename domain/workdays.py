"""The Chinese working-day calendar: public holidays and make-up working days (调休).

Backed by the `chinese_calendar` package, which knows each year only once the State Council has
published it. Outside that range every function falls back to a plain Monday–Friday week rather
than failing, so a stale package degrades to "weekends only" instead of stopping the bot.
"""

from datetime import date, timedelta

import chinese_calendar

_SATURDAY = 5


def is_working_day(d: date) -> bool:
    """True when staff are expected at work on `d` (counts 调休 weekends, skips public holidays)."""
    try:
        return bool(chinese_calendar.is_workday(d))
    except NotImplementedError:
        return d.weekday() < _SATURDAY


def holiday_name(d: date) -> str | None:
    """The English name of the public holiday (or its 调休 day) `d` belongs to, if any."""
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
