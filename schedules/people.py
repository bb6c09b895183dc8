"""People sweeps: probation (evaluations, the 转正 request, HR told), overdue evaluations chased, the score sheet."""

from __future__ import annotations

from schedules.runner import job, sweep
from services.people.probation import sweep_overdue_evaluations, sweep_probation
from services.people.scoring import sweep_scores
from services.platform.context import AppContext


@job("probation", every_minutes=60)
async def probation_sweep(app: AppContext) -> str:
    """Send what is due for every open probation during its office's working hours, each once."""
    sent = await sweep(app, sweep_probation, config=app.people_config)
    return f"{sent} probation message(s) queued"


@job("evaluation-chasing", every_minutes=60)
async def evaluation_chasing(app: AppContext) -> str:
    """Probation evaluations past their deadline: the manager chased, then the level above told, each once."""
    sent = await sweep(app, sweep_overdue_evaluations, config=app.people_config)
    return f"{sent} overdue evaluation message(s) queued"


@job("monthly-scores", every_minutes=60)
async def monthly_scores(app: AppContext) -> str:
    """The past month's 月度评分表: heads asked on the 1st, chased, GM told, HR/GM get the sheet, each once."""
    sent = await sweep(app, sweep_scores, config=app.people_config)
    return f"{sent} score-sheet step(s) queued"
