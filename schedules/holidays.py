"""The holiday calendar's end: warn admins and HR 30 days before the known years run out."""

from __future__ import annotations

from schedules.runner import job, sweep
from services.attendance.holiday_calendar import warn_calendar_ending
from services.platform.context import AppContext


@job("holiday-calendar", every_minutes=360)
async def holiday_calendar(app: AppContext) -> str:
    """Log a WARNING and tell each admin and HR person once when the calendar ends within 30 days."""
    told = await sweep(app, warn_calendar_ending)
    return f"{told} holiday-calendar warning(s) queued"
