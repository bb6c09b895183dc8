"""The yearly inventory check (盘点): from 1 December, each office's asset checklist to its admins, once."""

from __future__ import annotations

from schedules.runner import job, sweep
from services.office.assets import sweep_stocktake
from services.platform.context import AppContext


@job("stocktake", every_minutes=60)
async def stocktake(app: AppContext) -> str:
    """Send each office's 盘点 checklist once a year during its working hours."""
    sent = await sweep(app, sweep_stocktake)
    return f"{sent} inventory checklist(s) queued"
