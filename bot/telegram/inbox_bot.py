"""An ExtBot that stores every fetched update before PTB confirms it to Telegram.

PTB acknowledges updates on its next getUpdates call, whether or not our handlers ran; storing them
first (services/messaging/inbox.py) lets a restart replay what a crash would otherwise lose.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any

from telegram import Update
from telegram.ext import ExtBot


class InboxBot(ExtBot[None]):
    """`get_updates` hands the raw updates to `store` before returning them."""

    def __init__(self, *args: Any, store: Callable[[list[dict[str, Any]]], None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._store_updates = store

    async def get_updates(self, *args: Any, **kwargs: Any) -> tuple[Update, ...]:
        """Fetch, store, then return (a storage failure fails the poll: nothing is confirmed unstored).

        The store runs in a thread: on SQLite it may wait for the write lock an update holds.
        """
        updates: Sequence[Update] = await super().get_updates(*args, **kwargs)
        if updates:
            await asyncio.to_thread(self._store_updates, [update.to_dict() for update in updates])
        return tuple(updates)
