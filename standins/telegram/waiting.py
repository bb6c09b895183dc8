"""A tiny change notification that many coroutines can wait on."""

import asyncio
import contextlib
import time
from collections.abc import Callable


class Signal:
    """Wakes every waiter whenever `notify` is called (no lost wake-ups, no payload)."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        """Wake everyone waiting right now."""
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, timeout: float) -> None:
        """Wait for the next `notify`, at most `timeout` seconds."""
        if timeout <= 0:
            return
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):  # not wait_for: on 3.11 it can lose a cancel (bot/sender.py)
                await self._event.wait()

    async def wait_until(self, predicate: Callable[[], bool], timeout: float) -> bool:
        """Wait until `predicate()` holds (checked on each notify); False when time ran out."""
        deadline = time.monotonic() + timeout
        while not predicate():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            await self.wait(remaining)
        return True
