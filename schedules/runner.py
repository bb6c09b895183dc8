"""One APScheduler per process, jobs declared in code; sweeps decide what is due and record it.

APScheduler 3 cannot share a job store between processes, so every instance runs every job. Sweeps
(`every_minutes`) run at start-up and then every N minutes in UTC; each works out in every office's
own time zone what is due and claims it in the database (insert-or-ignore), so a second instance, a
restart or a missed run never sends anything twice. Cron jobs (`cron=...`) get an explicit ZoneInfo.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from services.platform.context import AppContext

log = logging.getLogger(__name__)

JobFunc = Callable[[AppContext], Awaitable[str]]
MISFIRE_GRACE_SECONDS = 3600  # a late run still runs (the sweep itself judges what is still useful)
FIRST_RUN_DELAY = timedelta(seconds=10)  # catch up soon after a start, once the bot is up


@dataclass(frozen=True)
class Job:
    """A named, re-runnable sweep and when it runs: every N minutes, or on a cron spec in `timezone`."""

    name: str
    func: JobFunc
    every_minutes: int | None = None
    cron: dict[str, str] = field(default_factory=dict)
    timezone: str = "UTC"

    def trigger(self) -> BaseTrigger:
        """The APScheduler trigger, always with an explicit ZoneInfo."""
        if self.every_minutes is not None:
            return IntervalTrigger(minutes=self.every_minutes, timezone=ZoneInfo("UTC"))
        return CronTrigger(timezone=ZoneInfo(self.timezone), **self.cron)


JOBS: dict[str, Job] = {}


def job(name: str, *, every_minutes: int | None = None, timezone: str = "UTC", **cron: str
        ) -> Callable[[JobFunc], JobFunc]:
    """Declare a sweep under `name`: every N minutes (UTC), or on the cron fields given."""
    if (every_minutes is None) == (not cron):
        raise ValueError(f"job {name}: give every_minutes or cron fields, not both")

    def wrap(func: JobFunc) -> JobFunc:
        JOBS[name] = Job(name, func, every_minutes, dict(cron), timezone)
        return func

    return wrap


async def sweep(app: AppContext, func: Callable[..., int], **kwargs: Any) -> int:
    """Run `func(uow, now=..., **kwargs)` in a worker thread (a sweep reads and writes the database), then
    wake the sender for what it queued; how many it queued. The one way a job runs a sweep."""
    queued = await asyncio.to_thread(func, app.uow(), now=app.now(), **kwargs)
    app.kick_sender()
    return queued


def start_scheduler(app: AppContext, *, now: datetime | None = None) -> AsyncIOScheduler:
    """Start the scheduler inside the running loop (call from post_init); sweeps run soon after start."""
    _load_job_modules()
    scheduler = AsyncIOScheduler(timezone=ZoneInfo("UTC"))
    first = (now or app.now()) + FIRST_RUN_DELAY
    for spec in JOBS.values():
        extra: dict[str, Any] = {"next_run_time": first} if spec.every_minutes is not None else {}
        scheduler.add_job(
            _guarded(app, spec), spec.trigger(), id=spec.name, name=spec.name,
            misfire_grace_time=MISFIRE_GRACE_SECONDS, coalesce=True, max_instances=1, **extra,
        )
    scheduler.start()
    return scheduler


def _guarded(app: AppContext, spec: Job) -> Callable[[], Awaitable[None]]:
    """Run a sweep; its failure is logged and never kills the scheduler."""

    async def run() -> None:
        try:
            summary = await spec.func(app)
            log.info("job %s: %s", spec.name, summary)
        except Exception:
            log.exception("job %s failed", spec.name)
        finally:
            app.kick_sender()

    return run


async def run_job_now(app: AppContext, name: str) -> str:
    """Run one sweep immediately (the CLI's `officebot jobs NAME`)."""
    _load_job_modules()
    if name not in JOBS:
        raise LookupError(f"no such job: {name} (known: {', '.join(sorted(JOBS))})")
    try:
        return await JOBS[name].func(app)
    finally:
        app.kick_sender()


def _load_job_modules() -> None:
    """Import the modules that declare jobs (they register themselves with @job)."""
    import schedules.jobs  # noqa: F401


# `officebot jobs` lists JOBS right after importing this module: fill it now. The job modules import
# `job` from here, which is defined above, so this late import is safe.
_load_job_modules()
