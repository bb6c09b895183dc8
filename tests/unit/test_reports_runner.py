"""The scheduler: sweeps run soon after start and every N minutes in UTC; cron jobs get a ZoneInfo."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from schedules.runner import FIRST_RUN_DELAY, JOBS, job, run_job_now, start_scheduler


def test_every_job_module_is_registered() -> None:
    assert set(JOBS) == {"report-reminders", "approval-reminders", "warranty-reminders", "draft-reminders",
                         "attendance-sheet", "prune-updates", "holiday-calendar", "overdue-repairs",
                         "collection-chasing", "receivables-digest", "expense-ceiling", "receipts-reminders",
                         "probation", "monthly-scores", "stocktake", "meetings"}


def test_a_job_needs_exactly_one_schedule() -> None:
    with pytest.raises(ValueError, match="not both"):
        job("bad")
    with pytest.raises(ValueError, match="not both"):
        job("bad", every_minutes=5, minute="*/5")


async def test_sweeps_start_soon_and_repeat_in_utc() -> None:
    app: Any = SimpleNamespace(kick_sender=lambda: None)
    now = datetime(2026, 11, 27, 7, tzinfo=UTC)
    scheduler = start_scheduler(app, now=now)
    try:
        sweep = scheduler.get_job("report-reminders")
        assert isinstance(sweep.trigger, IntervalTrigger)
        assert sweep.trigger.interval == timedelta(minutes=15)
        assert sweep.next_run_time == now + FIRST_RUN_DELAY
        assert sweep.misfire_grace_time == 3600 and sweep.coalesce
        for other in scheduler.get_jobs():
            if isinstance(other.trigger, CronTrigger):
                assert isinstance(other.trigger.timezone, ZoneInfo)
    finally:
        scheduler.shutdown(wait=False)


async def test_unknown_job_is_refused() -> None:
    app: Any = SimpleNamespace(kick_sender=lambda: None)
    with pytest.raises(LookupError, match="report-reminders"):
        await run_job_now(app, "nope")
