"""The yearly inventory check (盘点): from 1 December, each office's asset checklist to its admins, once."""

from __future__ import annotations

import asyncio

from schedules.runner import job
from services.office.assets import sweep_stocktake
from services.platform.context import AppContext


@job("stocktake", every_minutes=60)
async def stocktake(app: AppContext) -> str:
    """Send each office's 盘点 checklist once a year during its working hours."""
    sent = await asyncio.to_thread(sweep_stocktake, app.uow(), now=app.now())
    app.kick_sender()
    return f"{sent} inventory checklist(s) queued"
