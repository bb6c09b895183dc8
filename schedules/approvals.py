"""Chasing pending approvals (催办): remind the current approvers, escalate a step that waits too long.

Every 15 minutes; waiting time counts office working hours only. The policy (remind every 4 working
hours, at most 6 times; escalate after one working day) is `services.approvals.reminders.DEFAULT_POLICY`.
Each reminder is claimed once (`apv:<id>:<step>:remind:<n>`, `apv:<id>:<step>:escalate`).
"""

from __future__ import annotations

import asyncio

from schedules.runner import job
from services.approvals import reminders as approval_reminders
from services.platform.context import AppContext


@job("approval-reminders", minute="*/15")
async def chase_approvals(app: AppContext) -> str:
    """Re-send waiting requests to their approvers and escalate the ones waiting a working day."""
    summary = await asyncio.to_thread(
        approval_reminders.chase_pending, app.uow, now=app.now()
    )
    return summary.describe()
