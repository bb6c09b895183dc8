"""Draft-maturity reminders: hourly, during each office's working hours."""

from __future__ import annotations

import asyncio

from schedules.runner import job
from services.payments.incoming import sweep_draft_reminders
from services.platform.context import AppContext


@job("draft-reminders", every_minutes=60)
async def draft_reminders(app: AppContext) -> str:
    """Remind the logger, the office head and finance of drafts maturing within 7 days and on the day."""
    sent = await asyncio.to_thread(sweep_draft_reminders, app.uow(), now=app.now())
    app.kick_sender()
    return f"{sent} draft reminder(s) queued"
