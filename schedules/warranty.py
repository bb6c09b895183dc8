"""Warranty-end reminders: hourly, during each office's working hours."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from schedules.runner import job
from services.warranty import sweep_warranty

if TYPE_CHECKING:
    from bot.bootstrap import Runtime


@job("warranty-reminders", every_minutes=60)
async def warranty_reminders(runtime: Runtime) -> str:
    """Remind office heads and creators of warranties ending within 30 days, once each."""
    app = runtime.app
    sent = await asyncio.to_thread(sweep_warranty, app.uow(), now=app.now(), default_timezone=app.default_timezone)
    app.kick_sender()
    return f"{sent} warranty reminder(s) queued"
