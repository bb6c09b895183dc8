"""Rules of a repair job in the field: its due time, when it is overdue, and the map link to the customer.

A head assigning a job may give it a due time: the end of the office's working day, today or a
number of working days ahead (DUE_CHOICES). A job still assigned (not repaired) when its due time
has passed is overdue, and is chased once per due time (a new due time is chased again).
The map link opens 高德地图 (AMap), the map Chinese technicians use: at the customer's coordinates
when the archive knows them (stored in WGS-84, so the link says `coordinate=wgs84`), otherwise a
search for the address.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

from domain.records import RepairStatus

DUE_CHOICES = (0, 1, 3)
"""Working days from today the due-time buttons offer: today, the next working day, three working days."""


def due_day(today: date, working_days: int, *, is_working_day: Callable[[date], bool]) -> date:
    """The day `working_days` working days after today (0: today itself, even if today is off)."""
    day = today
    left = working_days
    while left > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def due_time(day: date, *, work_end: time, tz: ZoneInfo) -> datetime:
    """The end of the office's working day on `day`, as an aware datetime."""
    return datetime.combine(day, work_end, tzinfo=tz)


def is_overdue(*, status: RepairStatus, due_at: datetime | None, now: datetime) -> bool:
    """Assigned, not yet repaired, and past its due time."""
    return status == RepairStatus.ASSIGNED and due_at is not None and due_at <= now


def overdue_key(repair_id: int, due_at: datetime) -> str:
    """The exactly-once key of an overdue chase: once per job and due time."""
    return f"repair-overdue:{repair_id}:{due_at.astimezone(ZoneInfo('UTC')):%Y%m%dT%H%M}"


def map_link(*, name: str, address: str | None, lat: float | None, lon: float | None) -> str | None:
    """An AMap link to the customer: a marker at known coordinates, else an address search; None without either."""
    if lat is not None and lon is not None:
        return (f"https://uri.amap.com/marker?position={lon:.6f},{lat:.6f}&name={quote(name)}"
                "&coordinate=wgs84&callnative=1")
    if address:
        return f"https://uri.amap.com/search?keyword={quote(address)}&callnative=1"
    return None
