"""Draft-maturity reminders: hourly, during each office's working hours."""

from __future__ import annotations

from schedules.runner import job, sweep
from services.payments.incoming import sweep_draft_reminders
from services.platform.context import AppContext


@job("draft-reminders", every_minutes=60)
async def draft_reminders(app: AppContext) -> str:
    """Remind the logger, the office head and finance of drafts maturing within 7 days and on the day."""
    sent = await sweep(app, sweep_draft_reminders)
    return f"{sent} draft reminder(s) queued"
