"""Per-person order under concurrency: work for one key runs strictly in arrival order, keys run side by side.

Written here because python-telegram-bot's concurrent mode gives no order at all and its default
processor none per chat; WeCom callbacks need the same. It relies on asyncio locks waking waiters
first-in, first-out, and on callers entering `turn` in arrival order (tasks start in creation order).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Hashable
from contextlib import asynccontextmanager


class KeyedOrder:
    """One FIFO lock per key, created on first use and dropped when nobody waits on it."""

    def __init__(self) -> None:
        self._locks: dict[Hashable, tuple[asyncio.Lock, list[int]]] = {}

    @asynccontextmanager
    async def turn(self, key: Hashable) -> AsyncIterator[None]:
        """Wait until every earlier holder of `key` is done, then hold it."""
        lock, users = self._locks.setdefault(key, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            async with lock:
                yield
        finally:
            users[0] -= 1
            if users[0] == 0:
                del self._locks[key]

    def __len__(self) -> int:
        """Keys with work running or waiting."""
        return len(self._locks)
