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

# every job and when it runs: minutes between sweeps (UTC, first run soon after start), or a cron spec
SCHEDULES: dict[str, int | tuple[dict[str, str], str]] = {
    "report-reminders": 15, "approval-reminders": ({"minute": "*/15"}, "UTC"), "warranty-reminders": 60,
    "draft-reminders": 60, "attendance-sheet": 60, "prune-updates": 360, "holiday-calendar": 360,
    "overdue-repairs": 60, "collection-chasing": 60, "receivables-digest": 60, "expense-ceiling": 60,
    "receipts-reminders": 60, "expense-kpi-monthly": 60, "probation": 60, "evaluation-chasing": 60,
    "monthly-scores": 60, "stocktake": 60, "meetings": 15,
}


def test_every_job_module_is_registered_with_its_schedule() -> None:
    actual = {name: spec.every_minutes or (spec.cron, spec.timezone) for name, spec in JOBS.items()}
    assert actual == SCHEDULES


def test_a_job_needs_exactly_one_schedule() -> None:
    with pytest.raises(ValueError, match="not both"):
        job("bad")
    with pytest.raises(ValueError, match="not both"):
        job("bad", every_minutes=5, minute="*/5")


async def test_sweeps_start_soon_and_repeat_in_utc_and_cron_jobs_keep_their_zone() -> None:
    app: Any = SimpleNamespace(kick_sender=lambda: None)
    now = datetime(2026, 11, 27, 7, tzinfo=UTC)
    scheduler = start_scheduler(app, now=now)
    try:
        scheduled = {job.id: job for job in scheduler.get_jobs()}
        assert set(scheduled) == set(SCHEDULES)
        for name, when in SCHEDULES.items():
            planned = scheduled[name]
            assert (planned.misfire_grace_time, planned.coalesce, planned.max_instances) == (3600, True, 1)
            if isinstance(when, int):
                assert isinstance(planned.trigger, IntervalTrigger)
                assert (planned.trigger.interval, planned.next_run_time) == (timedelta(minutes=when),
                                                                             now + FIRST_RUN_DELAY)
                assert planned.trigger.timezone == ZoneInfo("UTC")
            else:
                cron, zone = when
                assert isinstance(planned.trigger, CronTrigger)
                assert planned.trigger.timezone == ZoneInfo(zone)
                fields = {f.name: str(f) for f in planned.trigger.fields if not f.is_default}
                assert fields == cron
    finally:
        scheduler.shutdown(wait=False)


async def test_unknown_job_is_refused() -> None:
    app: Any = SimpleNamespace(kick_sender=lambda: None)
    with pytest.raises(LookupError, match="report-reminders"):
        await run_job_now(app, "nope")
