"""Probation sweep: evaluations asked and reminded, the 转正 request opened, HR told in the last days."""

from __future__ import annotations

import asyncio

from schedules.runner import job
from services.context import AppContext
from services.probation import sweep_probation


@job("probation", every_minutes=60)
async def probation_sweep(app: AppContext) -> str:
    """Send what is due for every open probation during its office's working hours, each once."""
    sent = await asyncio.to_thread(sweep_probation, app.uow(), now=app.now(), config=app.people_config,
                                   default_timezone=app.default_timezone)
    app.kick_sender()
    return f"{sent} probation message(s) queued"
