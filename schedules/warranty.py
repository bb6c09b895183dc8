"""Warranty-end reminders: hourly, during each office's working hours."""

from __future__ import annotations

from schedules.runner import job, sweep
from services.platform.context import AppContext
from services.records.warranty import sweep_warranty


@job("warranty-reminders", every_minutes=60)
async def warranty_reminders(app: AppContext) -> str:
    """Remind office heads and creators of warranties ending within 30 days, once each."""
    sent = await sweep(app, sweep_warranty)
    return f"{sent} warranty reminder(s) queued"
