"""The one sender of queued messages: respects Telegram's limits and retries what can be retried.

About 30 messages a second overall and one a second per chat; RetryAfter pauses everything for
the time Telegram asks, network errors back off exponentially, a blocked recipient is marked.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from services import delivery
from services.ports import Channel, RecipientBlocked, RetryLater, TransientError
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


class RateLimiter:
    """Spacing for sends: a global minimum interval and a per-chat minimum interval."""

    def __init__(self, *, per_second: float = 30.0, per_chat_interval: float = 1.0,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.global_interval = 1.0 / per_second
        self.per_chat_interval = per_chat_interval
        self._monotonic = monotonic
        self._next_global = 0.0
        self._next_chat: dict[int, float] = {}

    def delay_for(self, chat_id: int) -> float:
        """Seconds to wait before sending to `chat_id`, and reserve that slot."""
        now = self._monotonic()
        start = max(now, self._next_global, self._next_chat.get(chat_id, 0.0))
        self._next_global = start + self.global_interval
        self._next_chat[chat_id] = start + self.per_chat_interval
        return start - now

    def pause(self, seconds: float) -> None:
        """Flood control hit: nothing goes out for `seconds`."""
        self._next_global = max(self._next_global, self._monotonic() + seconds)


class OutboxSender:
    """Drains the outbox in the background; `kick()` wakes it right after a handler commits."""

    def __init__(self, *, uow: Callable[[], UnitOfWork], channel: Channel, clock: Callable[[], datetime],
                 instance: str, limiter: RateLimiter | None = None) -> None:
        self.uow, self.channel, self.clock, self.instance = uow, channel, clock, instance
        self.limiter = limiter or RateLimiter()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def kick(self) -> None:
        """Something was queued: look now instead of at the next tick."""
        self._wake.set()

    def start(self) -> None:
        """Run the drain loop as a task of the running event loop."""
        self._task = asyncio.create_task(self._run(), name="outbox-sender")

    async def stop(self) -> None:
        """Stop the loop (what is queued stays queued for the next start)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        """Drain, then sleep until kicked or a second has passed."""
        while True:
            try:
                while await self.drain_once():
                    pass
            except Exception:
                log.exception("outbox drain failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=1.0)
            self._wake.clear()

    async def drain_once(self) -> int:
        """Send one claimed batch; returns how many rows it handled."""
        batch = delivery.claim_batch(self.uow(), instance=self.instance, now=self.clock())
        for item in batch:
            await self._send_one(item)
        return len(batch)

    async def _send_one(self, item: delivery.Pending) -> None:
        """Send one message, recording the outcome; failures never stop the batch."""
        if item.chat_id is None:
            delivery.mark_unreachable(self.uow(), outbox_id=item.id, staff_id=item.staff_id, now=self.clock())
            return
        await asyncio.sleep(self.limiter.delay_for(item.chat_id))
        try:
            message_id = await self.channel.send(item.chat_id, item.message)
        except RecipientBlocked:
            delivery.mark_unreachable(self.uow(), outbox_id=item.id, staff_id=item.staff_id, now=self.clock())
        except RetryLater as exc:
            self.limiter.pause(exc.seconds)
            self._retry(item, f"retry after {exc.seconds}", exc.seconds)
        except TransientError as exc:
            self._retry(item, str(exc), min(2.0 ** item.attempts, 300.0))
        except Exception as exc:
            log.exception("sending outbox %s failed", item.id)
            self._retry(item, repr(exc), min(2.0 ** item.attempts * 10, 3600.0))
        else:
            delivery.mark_sent(self.uow(), outbox_id=item.id, message_id=message_id, now=self.clock())

    def _retry(self, item: delivery.Pending, error: str, seconds: float) -> None:
        """Put the row back for a later attempt."""
        delivery.mark_retry(self.uow(), outbox_id=item.id, error=error, attempts=item.attempts,
                            not_before=self.clock() + timedelta(seconds=seconds))
