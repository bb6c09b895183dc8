"""Collection chasing (催款) hourly in each office's working hours, and finance's weekly receivables digest."""

from __future__ import annotations

from schedules.runner import job, sweep
from services.payments.collections import sweep_chasing, sweep_digest
from services.platform.context import AppContext


@job("collection-chasing", every_minutes=60)
async def collection_chasing(app: AppContext) -> str:
    """Remind the responsible person before and after an instalment's due date; escalate to the head once."""
    sent = await sweep(app, sweep_chasing)
    return f"{sent} collection reminder(s) queued"


@job("receivables-digest", every_minutes=60)
async def receivables_digest(app: AppContext) -> str:
    """Send finance the week's receivables by age and office, once a week from Monday 09:00."""
    sent = await sweep(app, sweep_digest)
    return "digest sent" if sent else "digest not due or already sent"
