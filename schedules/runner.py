"""One APScheduler per process, jobs declared in code; each run claims its slot in the database.

APScheduler 3 cannot share a job store between processes, so two instances each run every job and
the `job_runs` claim (insert-or-ignore) lets exactly one of them do the work of a slot.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

if TYPE_CHECKING:
    from bot.bootstrap import Runtime

log = logging.getLogger(__name__)

JobFunc = Callable[["Runtime"], Awaitable[str]]


@dataclass(frozen=True)
class Job:
    """A named, re-runnable sweep and when it runs (a cron spec in UTC; sweeps look at office time)."""

    name: str
    func: JobFunc
    cron: dict[str, str]


JOBS: dict[str, Job] = {}


def job(name: str, **cron: str) -> Callable[[JobFunc], JobFunc]:
    """Declare a sweep under `name`, run on the cron fields given (UTC)."""

    def wrap(func: JobFunc) -> JobFunc:
        JOBS[name] = Job(name, func, cron)
        return func

    return wrap


def start_scheduler(runtime: Runtime) -> AsyncIOScheduler:
    """Start the scheduler inside the running loop (call from post_init)."""
    _load_job_modules()
    scheduler = AsyncIOScheduler(timezone="UTC")
    for spec in JOBS.values():
        scheduler.add_job(
            _guarded(runtime, spec), CronTrigger(timezone="UTC", **spec.cron), id=spec.name,
            name=spec.name, misfire_grace_time=600, coalesce=True, max_instances=1,
        )
    scheduler.start()
    return scheduler


def _guarded(runtime: Runtime, spec: Job) -> Callable[[], Awaitable[None]]:
    """Run a sweep; its failure is logged and never kills the scheduler."""

    async def run() -> None:
        try:
            summary = await spec.func(runtime)
            log.info("job %s: %s", spec.name, summary)
        except Exception:
            log.exception("job %s failed", spec.name)
        finally:
            runtime.app.kick_sender()

    return run


async def run_job_now(runtime: Runtime, name: str) -> str:
    """Run one sweep immediately (the CLI's `officebot jobs NAME`)."""
    _load_job_modules()
    if name not in JOBS:
        raise LookupError(f"no such job: {name} (known: {', '.join(sorted(JOBS))})")
    return await JOBS[name].func(runtime)


def _load_job_modules() -> None:
    """Import the modules that declare jobs (they register themselves with @job)."""
    import schedules.jobs  # noqa: F401, PLC0415
