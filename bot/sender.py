"""The one way out: every reply, notice, edit, button answer, photo and file is an outbox row sent here.

Pacing (Telegram: about 30 messages a second overall, about one a second per chat): each chat has a
token bucket (GCRA) of one a second with a small burst, so a person's reply is never held behind
their previous one, and sends start at most 30 a second overall. Several sends are in flight at once
(one per chat, to keep each chat's order), so the cap holds at 50-200 ms network latency. Replies to
someone who just wrote (priority 0) go before bulk reminders. Button answers are not messages: they
skip the pacing but still leave here.

Rows arrive two ways: handed in memory by the update pipeline right after its transaction commits
(already claimed by this instance), or claimed from the database (what jobs queued, what other
instances or a crash left). Flood control (RetryLater) pauses that chat — and everything when several
chats are hit at once; network errors back off exponentially; a blocked recipient is marked
unreachable and their manager told once. Nothing is dropped: a failed send goes back to the outbox.
Another instance takes over claims older than delivery.STALE_CLAIM, so a row held longer than
RENEW_AFTER is re-claimed right before its send and skipped when it was taken over; outcomes are
recorded only while this instance holds the claim. Sent rows are recorded in batches, off the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from functools import partial
from typing import Any, TypeVar

from services import delivery
from services.ports import Channel, RecipientBlocked, RetryLater, TransientError
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
T = TypeVar("T")
MAX_BACKOFF_SECONDS = 300.0
RENEW_AFTER = 30.0  # seconds a claim is trusted without renewal (well under delivery.STALE_CLAIM)
REFILL_BELOW = 50  # claim more from the database when fewer rows than this wait in memory
UNPACED = frozenset({"answer", "alert"})


class RateLimiter:
    """Pacing state on an injectable monotonic clock: a token bucket per chat and strict spacing overall.

    Per chat it is the generic cell rate algorithm: `_tat[chat]` is the theoretical arrival time of
    the next message; a send is allowed while it is at most `burst - 1` intervals ahead of now.
    """

    def __init__(self, *, per_second: float = 30.0, per_chat_interval: float = 1.0, burst: int = 3,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.global_interval = 1.0 / per_second
        self.per_chat_interval = per_chat_interval
        self.slack = (burst - 1) * per_chat_interval
        self.monotonic = monotonic
        self._next_global = 0.0
        self._tat: dict[int, float] = {}
        self._last_flood: tuple[int, float] | None = None

    def chat_free_at(self, chat_id: int) -> float:
        """The monotonic instant from which `chat_id` may receive again."""
        return self._tat.get(chat_id, 0.0) - self.slack

    def global_delay(self) -> float:
        """Seconds until the next send is allowed overall."""
        return max(0.0, self._next_global - self.monotonic())

    def note_send(self, chat_id: int) -> None:
        """A send to `chat_id` starts now: take its token and the overall slot."""
        now = self.monotonic()
        self._next_global = max(self._next_global, now) + self.global_interval
        self._tat[chat_id] = max(self._tat.get(chat_id, 0.0), now) + self.per_chat_interval

    def delay_for(self, chat_id: int) -> float:
        """Seconds to wait before sending to `chat_id` now (both limits), without reserving."""
        return max(0.0, max(self._next_global, self.chat_free_at(chat_id)) - self.monotonic())

    def flood(self, chat_id: int, seconds: float) -> None:
        """Telegram said wait: pause the chat; a second chat flooded within the pause pauses all."""
        now = self.monotonic()
        self._tat[chat_id] = max(self._tat.get(chat_id, 0.0), now + seconds + self.slack)
        if self._last_flood is not None and self._last_flood[0] != chat_id and self._last_flood[1] > now:
            self._next_global = max(self._next_global, now + seconds)
        self._last_flood = (chat_id, now + seconds)

    def forget_idle(self) -> None:
        """Drop buckets that are full again (keeps memory flat over thousands of chats)."""
        now = self.monotonic()
        self._tat = {chat: tat for chat, tat in self._tat.items() if tat > now}


class OutboxSender:
    """Sends what is handed to it or claimed from the outbox; `kick()` wakes it when jobs queued rows."""

    def __init__(self, *, uow: Callable[[], UnitOfWork], channel: Channel, clock: Callable[[], datetime],
                 instance: str, limiter: RateLimiter | None = None, sleep: Sleep = asyncio.sleep,
                 in_flight: int = 16) -> None:
        self.uow, self.channel, self.clock, self.instance = uow, channel, clock, instance
        self.limiter = limiter or RateLimiter()
        self.sleep = sleep
        self._slots = in_flight
        self._queues: dict[int, deque[delivery.Pending]] = {}
        self._unreachable: list[delivery.Pending] = []
        self._since: dict[int, float] = {}  # outbox id -> monotonic instant its claim was taken or renewed
        self._busy: set[int] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._sent: list[tuple[int, int | None]] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="outbox-db")

    # --- entry points --------------------------------------------------------------------------
    def kick(self) -> None:
        """Something was queued in the database: look now instead of at the next tick."""
        self._wake.set()

    def hand(self, items: Iterable[delivery.Pending]) -> None:
        """Rows this instance committed and claimed a moment ago: send them without a database poll."""
        if self._add(items):
            self._wake.set()

    def start(self) -> None:
        """Run the send loop as a task of the running event loop."""
        self._task = asyncio.create_task(self._run(), name="outbox-sender")

    async def stop(self) -> None:
        """Stop the loop (what is queued stays in the outbox, claimed, for a takeover or the next start)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        with contextlib.suppress(Exception):
            await self._flush_sent()
        self._db.shutdown(wait=False)

    async def _run(self) -> None:
        """Drain, then sleep until handed rows, kicked, or a second has passed."""
        while True:
            try:
                while await self.drain_once():
                    pass
            except Exception:
                log.exception("outbox drain failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=1.0)
            self._wake.clear()
            self.limiter.forget_idle()

    async def drain_once(self) -> int:
        """Claim due rows, then send until nothing is waiting or in flight; how many rows it handled."""
        self._add(await self._in_db(delivery.claim_batch, self.uow(), instance=self.instance, now=self.clock()))
        handled = 0
        refill: asyncio.Task[list[delivery.Pending]] | None = None
        while True:
            handled += await self._settle_unreachable()
            if refill is not None and refill.done():
                self._add(refill.result())
                refill = None
            if refill is None and self._waiting() < REFILL_BELOW and handled:
                refill = asyncio.ensure_future(self._in_db(delivery.claim_batch, self.uow(), instance=self.instance,
                                                           now=self.clock()))
            item = self._take_ready()
            if item is not None:
                self._start(item)
                handled += 1
                continue
            if not self._queues and not self._tasks and not self._unreachable:
                if refill is None:
                    break
                self._add(await refill)
                refill = None
                if not self._queues and not self._unreachable:
                    break
                continue
            await self._pause(refill)
        await self._flush_sent()
        return handled

    # --- choosing what goes next ----------------------------------------------------------------
    def _add(self, items: Iterable[delivery.Pending]) -> int:
        """Queue rows per chat in id order; a row without a chat is settled as unreachable."""
        count = 0
        now = self.limiter.monotonic()
        for item in items:
            count += 1
            self._since[item.id] = now
            if item.chat_id is None:
                self._unreachable.append(item)
            else:
                self._queues.setdefault(item.chat_id, deque()).append(item)
        return count

    def _waiting(self) -> int:
        """Rows waiting in memory."""
        return sum(len(q) for q in self._queues.values())

    def _take_ready(self) -> delivery.Pending | None:
        """The best row that may go now: a free chat with nothing in flight, replies first, then oldest."""
        if len(self._tasks) >= self._slots:
            return None
        now = self.limiter.monotonic()
        global_free = self.limiter.global_delay() <= 0
        best: tuple[int, int, int] | None = None
        for chat, queue in self._queues.items():
            head = queue[0]
            if chat in self._busy:
                continue
            if head.kind not in UNPACED and not (global_free and self.limiter.chat_free_at(chat) <= now):
                continue
            key = (0 if head.kind in UNPACED else head.priority, head.id, chat)
            if best is None or key < best:
                best = key
        if best is None:
            return None
        queue = self._queues[best[2]]
        item = queue.popleft()
        if not queue:
            del self._queues[best[2]]
        return item

    def _next_delay(self) -> float | None:
        """Seconds until a waiting chat with nothing in flight may receive; None when all are busy."""
        free = [c for c in self._queues if c not in self._busy]
        if not free or len(self._tasks) >= self._slots:
            return None
        return min(self.limiter.delay_for(c) for c in free)

    async def _pause(self, refill: asyncio.Task[Any] | None) -> None:
        """Wait for whichever comes first: a send finishing, a chat coming free, new rows, a refill."""
        self._wake.clear()
        delay = self._next_delay()
        waiters: set[asyncio.Future[Any]] = set(self._tasks)
        timer = asyncio.ensure_future(self.sleep(delay)) if delay is not None else None
        woken = asyncio.ensure_future(self._wake.wait())
        extra = [f for f in (timer, woken, refill) if f is not None]
        try:
            await asyncio.wait(waiters | set(extra), return_when=asyncio.FIRST_COMPLETED)
        finally:
            for future in (timer, woken):
                if future is not None and not future.done():
                    future.cancel()

    # --- sending ---------------------------------------------------------------------------------
    def _start(self, item: delivery.Pending) -> None:
        """Take the pacing tokens now and send in a task of its own."""
        assert item.chat_id is not None
        if item.kind not in UNPACED:
            self.limiter.note_send(item.chat_id)
        self._busy.add(item.chat_id)
        task = asyncio.ensure_future(self._deliver(item))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver(self, item: delivery.Pending) -> None:
        """Send one row and record the outcome; on failure its chat's later rows wait as long."""
        assert item.chat_id is not None
        chat_id = item.chat_id
        try:
            if not await self._still_mine(item):
                log.info("outbox %s was taken over by another instance; not sent here", item.id)
                return
            held_until = await self._send_one(item)
            if held_until is not None:  # keep the chat's order: its later messages wait as long
                rest = self._queues.pop(chat_id, deque())
                await self._in_db(delivery.release, self.uow(), outbox_ids=[i.id for i in rest],
                                  instance=self.instance, not_before=held_until)
        except Exception:
            log.exception("outbox %s: recording the outcome failed", item.id)
        finally:
            self._since.pop(item.id, None)
            self._busy.discard(chat_id)
            self._wake.set()

    async def _still_mine(self, item: delivery.Pending) -> bool:
        """A claim older than RENEW_AFTER is renewed first; False when another instance took it over."""
        if self.limiter.monotonic() - self._since.get(item.id, 0.0) < RENEW_AFTER:
            return True
        return bool(await self._in_db(delivery.renew_claim, self.uow(), outbox_id=item.id, instance=self.instance,
                                      now=self.clock()))

    async def _send_one(self, item: delivery.Pending) -> datetime | None:
        """Call the channel; on failure, until when the row's chat must wait."""
        assert item.chat_id is not None
        try:
            message_id = await self._call(item)
        except RecipientBlocked:
            await self._in_db(self._settle, item)
            return self.clock()
        except RetryLater as exc:
            self.limiter.flood(item.chat_id, exc.seconds)
            return await self._retry(item, f"retry after {exc.seconds}", exc.seconds, counts=False)
        except TransientError as exc:
            return await self._retry(item, str(exc), min(2.0 ** item.attempts, MAX_BACKOFF_SECONDS), counts=False)
        except Exception as exc:
            log.exception("sending outbox %s failed", item.id)
            return await self._retry(item, repr(exc), min(2.0 ** item.attempts * 10, 3600.0), counts=True)
        self._sent.append((item.id, message_id))
        if len(self._sent) >= 50:
            await self._flush_sent()
        return None

    async def _call(self, item: delivery.Pending) -> int | None:
        """The channel call this row stands for; the message id when there is one."""
        assert item.chat_id is not None
        if item.kind == "send":
            return await self.channel.send(item.chat_id, item.message)
        assert item.target is not None, f"outbox {item.id}: {item.kind} without a target"
        if item.kind == "edit":
            await self.channel.edit(item.chat_id, int(item.target), item.message)
            return int(item.target)
        await self.channel.answer(item.target, item.message.text or None, alert=item.kind == "alert")
        return None

    async def _flush_sent(self) -> None:
        """Record the accepted sends in one statement."""
        sent, self._sent = self._sent, []
        if sent and await self._in_db(delivery.mark_sent_many, self.uow(), sent=sent, instance=self.instance,
                                      now=self.clock()) != len(sent):
            log.warning("some outbox rows were sent but their claims had been taken over meanwhile")

    async def _settle_unreachable(self) -> int:
        """Record the rows whose person cannot be reached; how many."""
        items, self._unreachable = self._unreachable, []
        for item in items:
            await self._in_db(self._settle, item)
        return len(items)

    def _settle(self, item: delivery.Pending) -> None:
        """A blocked (or never registered) recipient: record it, tell the manager once."""
        if item.staff_id is None or not item.registered:
            delivery.mark_undeliverable(self.uow(), outbox_id=item.id, instance=self.instance)
            return
        delivery.mark_unreachable(self.uow(), outbox_id=item.id, instance=self.instance, staff_id=item.staff_id,
                                  now=self.clock())

    async def _retry(self, item: delivery.Pending, error: str, seconds: float, *, counts: bool) -> datetime:
        """Put the row back for a later attempt; returns when it is due again."""
        not_before = self.clock() + timedelta(seconds=seconds)
        await self._in_db(delivery.mark_retry, self.uow(), outbox_id=item.id, instance=self.instance, error=error,
                          attempts=item.attempts, counts=counts, not_before=not_before)
        return not_before

    async def _in_db(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run outbox bookkeeping on the sender's own database thread, never on the event loop."""
        return await asyncio.get_running_loop().run_in_executor(self._db, partial(func, *args, **kwargs))
