"""The composition root: settings → engine → app context → router, sender and scheduler.

Tests call `bootstrap()` with their own settings and clock; nothing else builds these objects.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from bot import redaction
from bot.pipeline import Pipeline
from bot.sender import OutboxSender, RateLimiter
from bot.settings import Settings
from domain import workdays
from handlers.registry import build_router
from handlers.router import Router
from services.messaging.ports import Channel
from services.platform import zones
from services.platform.config import (
    load_approval_config,
    load_holiday_calendar,
    load_leave_policy,
    load_people_config,
    load_report_config,
)
from services.platform.context import AppContext, system_clock
from storage.db import make_engine, make_session_factory
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    """Everything a running bot holds; `start_background()` must run inside the event loop."""

    settings: Settings
    engine: Engine
    app: AppContext
    router: Router
    sender: OutboxSender | None = None
    pipeline: Pipeline | None = None
    scheduler: Any = None
    limiter: RateLimiter = field(default_factory=RateLimiter)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def keep(self, task: asyncio.Task[None]) -> None:
        """Hold a channel's background task (inbox replay) until `stop_background` cancels it."""
        self.tasks.append(task)

    def attach_channel(self, channel: Channel, limiter: RateLimiter | None = None) -> Pipeline:
        """Add a channel to the one sender (Telegram and WeCom may both be attached); the one pipeline."""
        if self.sender is None:
            self.sender = OutboxSender(uow=self.app.uow, channel=channel, clock=self.app.clock,
                                       instance=self.app.instance_id, limiter=limiter or self.limiter)
            self.app.kick_sender = self.sender.kick
            self.pipeline = Pipeline(app=self.app, router=self.router, workers=self.workers, hand=self.sender.hand)
        else:
            self.sender.add_channel(channel, limiter or RateLimiter(per_second=self.settings.send_rate))
        assert self.pipeline is not None
        return self.pipeline

    @property
    def workers(self) -> int:
        """Threads handling updates: one on SQLite (one writer at a time), OFFICEBOT_WORKERS on PostgreSQL."""
        return 1 if self.engine.dialect.name == "sqlite" else self.settings.workers

    def start_background(self) -> None:
        """Start the outbox sender and (when enabled) the scheduler."""
        if self.sender is not None:
            self.sender.start()
        if self.settings.scheduler_enabled:
            from schedules.runner import start_scheduler

            self.scheduler = start_scheduler(self.app)

    async def stop_background(self) -> None:
        """Stop the scheduler, the channel's tasks and the sender."""
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.tasks.clear()
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
            self.scheduler = None
        if self.sender is not None:
            await self.sender.stop()
        if self.pipeline is not None:
            self.pipeline.shutdown()

    def dispose(self) -> None:
        """Close database connections."""
        self.engine.dispose()


def bootstrap(settings: Settings, *, clock: Callable[[], datetime] = system_clock) -> Runtime:
    """Build the runtime from settings; the clock is injectable for tests."""
    configure_logging(settings.log_level, secrets=(settings.telegram_bot_token, settings.webhook_secret,
                                                   settings.wecom_secret, settings.wecom_encoding_aes_key))
    workdays.use_calendar(load_holiday_calendar(settings.holidays_file))  # the one working-day rule, merged
    zones.configure(default_timezone=settings.timezone)  # the one time-zone rule: office's, else this
    engine = make_engine(settings.database_url, pool_size=settings.workers + 4)
    factory = make_session_factory(engine)
    app = AppContext(
        uow=lambda: UnitOfWork(factory),
        clock=clock,
        company_name=settings.company_name,
        default_locale=settings.locale,
        product_catalog=settings.product_catalog,
        checkin_grace_minutes=settings.checkin_grace_minutes,
        location_max_age_minutes=settings.location_max_age_minutes,
        instance_id=f"{socket.gethostname()}:{os.getpid()}",
        approval_config=load_approval_config(settings.approvals_file),
        report_config=load_report_config(settings.reports_file),
        people_config=load_people_config(settings.people_file),
        leave_policy=load_leave_policy(settings.leave_file),
    )
    return Runtime(settings=settings, engine=engine, app=app, router=build_router(),
                   limiter=RateLimiter(per_second=settings.send_rate, per_chat_interval=settings.chat_send_interval))


def configure_logging(level: str, *, secrets: tuple[str | None, ...] = ()) -> None:
    """Plain logs with secrets redacted at the root; httpx stays at WARNING (its lines are noise)."""
    redaction.install(secrets)
    logging.basicConfig(level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
