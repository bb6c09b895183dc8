"""Overdue repair jobs: hourly, during each office's working hours."""

from __future__ import annotations

from schedules.runner import job, sweep
from services.platform.context import AppContext
from services.records.repair_chasing import sweep_overdue_repairs


@job("overdue-repairs", every_minutes=60)
async def overdue_repairs(app: AppContext) -> str:
    """Chase technicians and office heads about jobs past their due time, once per due time."""
    sent = await sweep(app, sweep_overdue_repairs)
    return f"{sent} overdue repair job(s) chased"
