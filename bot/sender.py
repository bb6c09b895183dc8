"""The one sender of queued messages: respects Telegram's limits and retries what can be retried.

About 30 messages a second overall and one a second per chat. Within a claimed batch the oldest
message whose chat is free goes next, so one busy chat (a manager getting many notices) does not hold
up everyone else. Flood control (RetryLater) pauses that chat — and everything, when several chats
are hit at once; network errors back off exponentially; a blocked recipient is marked unreachable and
their manager told once. Nothing is dropped: a failed send goes back to the outbox for later.

A batch can take long (pacing, flood pauses) and another instance takes over claims older than
delivery.STALE_CLAIM, so each row's claim is renewed right before its send and the row skipped when it
was taken over; outcomes are recorded only while this instance holds the claim.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from services import delivery
from services.ports import Channel, RecipientBlocked, RetryLater, TransientError
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
MAX_BACKOFF_SECONDS = 300.0


class RateLimiter:
    """Pacing state: the next free instant overall and per chat, on an injectable monotonic clock."""

    def __init__(self, *, per_second: float = 30.0, per_chat_interval: float = 1.0,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.global_interval = 1.0 / per_second
        self.per_chat_interval = per_chat_interval
        self.monotonic = monotonic
        self._next_global = 0.0
        self._next_chat: dict[int, float] = {}
        self._last_flood: tuple[int, float] | None = None

    def chat_free_at(self, chat_id: int) -> float:
        """The monotonic instant from which `chat_id` may receive again."""
        return self._next_chat.get(chat_id, 0.0)

    def global_delay(self) -> float:
        """Seconds until the next send is allowed overall."""
        return max(0.0, self._next_global - self.monotonic())

    def note_send(self, chat_id: int) -> None:
        """A send to `chat_id` starts now: reserve the spacing after it."""
        now = self.monotonic()
        self._next_global = max(self._next_global, now) + self.global_interval
        self._next_chat[chat_id] = max(self._next_chat.get(chat_id, 0.0), now + self.per_chat_interval)

    def delay_for(self, chat_id: int) -> float:
        """Seconds to wait before sending to `chat_id` now (both limits), without reserving."""
        return max(0.0, max(self._next_global, self.chat_free_at(chat_id)) - self.monotonic())

    def flood(self, chat_id: int, seconds: float) -> None:
        """Telegram said wait: pause the chat; a second chat flooded within the pause pauses all."""
        now = self.monotonic()
        self._next_chat[chat_id] = max(self.chat_free_at(chat_id), now + seconds)
        if self._last_flood is not None and self._last_flood[0] != chat_id and self._last_flood[1] > now:
            self._next_global = max(self._next_global, now + seconds)
        self._last_flood = (chat_id, now + seconds)


class OutboxSender:
    """Drains the outbox in the background; `kick()` wakes it right after a handler commits."""

    def __init__(self, *, uow: Callable[[], UnitOfWork], channel: Channel, clock: Callable[[], datetime],
                 instance: str, limiter: RateLimiter | None = None, sleep: Sleep = asyncio.sleep) -> None:
        self.uow, self.channel, self.clock, self.instance = uow, channel, clock, instance
        self.limiter = limiter or RateLimiter()
        self.sleep = sleep
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
        queues: dict[int, deque[delivery.Pending]] = {}
        for item in batch:
            if item.chat_id is None:
                self._unreachable(item)
            else:
                queues.setdefault(item.chat_id, deque()).append(item)
        while queues:
            chat_id = await self._next_chat(queues)
            item = queues[chat_id].popleft()
            if not queues[chat_id]:
                del queues[chat_id]
            held_until = await self._send_one(item)
            if held_until is not None:  # keep the chat's order: its later messages wait as long
                rest = queues.pop(chat_id, deque())
                delivery.release(self.uow(), outbox_ids=[i.id for i in rest], instance=self.instance,
                                 not_before=held_until)
        return len(batch)

    async def _next_chat(self, queues: dict[int, deque[delivery.Pending]]) -> int:
        """Wait until a chat is free and the overall pace allows; the oldest waiting message goes first."""
        while True:
            now = self.limiter.monotonic()
            free = [c for c in queues if self.limiter.chat_free_at(c) <= now]
            if free:
                chat_id = min(free, key=lambda c: queues[c][0].id)
                delay = self.limiter.delay_for(chat_id)
                if delay <= 0:
                    return chat_id
            else:
                delay = min(self.limiter.chat_free_at(c) for c in queues) - now
            await self.sleep(delay)

    async def _send_one(self, item: delivery.Pending) -> datetime | None:
        """Send one message and record the outcome; on failure, until when its chat must wait."""
        assert item.chat_id is not None
        if not delivery.renew_claim(self.uow(), outbox_id=item.id, instance=self.instance, now=self.clock()):
            log.info("outbox %s was taken over by another instance; not sent here", item.id)
            return None
        self.limiter.note_send(item.chat_id)
        try:
            message_id = await self.channel.send(item.chat_id, item.message)
        except RecipientBlocked:
            self._unreachable(item)
            return self.clock()
        except RetryLater as exc:
            self.limiter.flood(item.chat_id, exc.seconds)
            return self._retry(item, f"retry after {exc.seconds}", exc.seconds, counts=False)
        except TransientError as exc:
            return self._retry(item, str(exc), min(2.0 ** item.attempts, MAX_BACKOFF_SECONDS), counts=False)
        except Exception as exc:
            log.exception("sending outbox %s failed", item.id)
            return self._retry(item, repr(exc), min(2.0 ** item.attempts * 10, 3600.0), counts=True)
        if not delivery.mark_sent(self.uow(), outbox_id=item.id, instance=self.instance, message_id=message_id,
                                  now=self.clock()):
            log.warning("outbox %s was sent but its claim had been taken over meanwhile", item.id)
        return None

    def _unreachable(self, item: delivery.Pending) -> None:
        """A blocked (or never registered) recipient: record it, tell the manager once."""
        if not item.registered:
            delivery.mark_undeliverable(self.uow(), outbox_id=item.id, instance=self.instance)
            return
        delivery.mark_unreachable(self.uow(), outbox_id=item.id, instance=self.instance, staff_id=item.staff_id,
                                  now=self.clock())

    def _retry(self, item: delivery.Pending, error: str, seconds: float, *, counts: bool) -> datetime:
        """Put the row back for a later attempt; returns when it is due again."""
        not_before = self.clock() + timedelta(seconds=seconds)
        delivery.mark_retry(self.uow(), outbox_id=item.id, instance=self.instance, error=error,
                            attempts=item.attempts, counts=counts, not_before=not_before)
        return not_before
