"""Meeting reminders (2 hours before) and meeting tasks chased (the day before due, and overdue)."""

from __future__ import annotations

from schedules.runner import job, sweep
from services.office.meetings import sweep_meetings
from services.platform.context import AppContext


@job("meetings", every_minutes=15)
async def meeting_reminders(app: AppContext) -> str:
    """Remind attendees and chase open tasks, each message once."""
    sent = await sweep(app, sweep_meetings)
    return f"{sent} meeting reminder(s) queued"
