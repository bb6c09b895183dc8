"""Housekeeping: forget old update ids and stored updates, so the dedupe tables stay small."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from schedules.runner import job
from services import inbox, updates

if TYPE_CHECKING:
    from bot.bootstrap import Runtime


@job("prune-updates", every_minutes=360)
async def prune_updates(runtime: Runtime) -> str:
    """Delete processed-update ids older than 7 days and inbox rows older than 2 days (idempotent)."""
    app = runtime.app
    ids = await asyncio.to_thread(updates.prune, app.uow(), now=app.now())
    stored = await asyncio.to_thread(inbox.prune, app.uow(), now=app.now())
    return f"{ids} update id(s) and {stored} stored update(s) pruned"
