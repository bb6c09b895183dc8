"""Expense reminders: the head warned at 80 % of the monthly ceiling; unfinished claims before the 25th; the past
month's KPI a and 4.5 % cap standing early each month."""

from __future__ import annotations

from schedules.runner import job, sweep
from services.expenses.reminders import sweep_ceiling_warnings, sweep_kpi_reports, sweep_receipts_reminders
from services.platform.context import AppContext


@job("expense-ceiling", every_minutes=60)
async def expense_ceiling(app: AppContext) -> str:
    """Warn office heads once a month when daily expenses reach 80 % and 100 % of the ceiling."""
    sent = await sweep(app, sweep_ceiling_warnings)
    return f"{sent} ceiling warning(s) queued"


@job("receipts-reminders", every_minutes=60)
async def receipts_reminders(app: AppContext) -> str:
    """Remind people with an unfinished expense claim in the days up to the 25th."""
    sent = await sweep(app, sweep_receipts_reminders)
    return f"{sent} receipts reminder(s) queued"


@job("expense-kpi-monthly", every_minutes=60)
async def expense_kpi_monthly(app: AppContext) -> str:
    """Push each branch office's past-month KPI a and yearly-cap standing to its head and HQ finance, once."""
    sent = await sweep(app, sweep_kpi_reports)
    return f"{sent} KPI report(s) queued"
