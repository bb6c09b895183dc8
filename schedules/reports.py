"""Report reminders: every 15 minutes, each office's reminders, chases, escalations and digests."""

from __future__ import annotations

import asyncio

from schedules.runner import job
from services.platform.context import AppContext
from services.reports import reminders


@job("report-reminders", every_minutes=15)
async def report_reminders(app: AppContext) -> str:
    """Send the report reminders due now (in each office's time zone) that were not sent yet."""
    result = await asyncio.to_thread(
        reminders.sweep, app.uow(), configs=app.report_config, now=app.now()
    )
    app.kick_sender()
    return result.summary()
