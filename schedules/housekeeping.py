"""Housekeeping: forget old update ids and stored updates, so the dedupe tables stay small."""

from __future__ import annotations

import asyncio

from schedules.runner import job
from services.messaging import inbox, updates
from services.platform.context import AppContext


@job("prune-updates", every_minutes=360)
async def prune_updates(app: AppContext) -> str:
    """Delete processed-update ids older than 7 days and inbox rows older than 2 days (idempotent)."""
    ids = await asyncio.to_thread(updates.prune, app.uow(), now=app.now())
    stored = await asyncio.to_thread(inbox.prune, app.uow(), now=app.now())
    return f"{ids} update id(s) and {stored} stored update(s) pruned"
