"""Meeting reminders (2 hours before) and meeting tasks chased (the day before due, and overdue)."""

from __future__ import annotations

import asyncio

from schedules.runner import job
from services.office.meetings import sweep_meetings
from services.platform.context import AppContext


@job("meetings", every_minutes=15)
async def meeting_reminders(app: AppContext) -> str:
    """Remind attendees and chase open tasks, each message once."""
    sent = await asyncio.to_thread(sweep_meetings, app.uow(), now=app.now())
    app.kick_sender()
    return f"{sent} meeting reminder(s) queued"
