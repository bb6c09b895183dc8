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
import os
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial
from typing import Any, TypeVar

from services.messaging import delivery, media
from services.messaging.messages import OutMessage
from services.messaging.outbox import REPLY
from services.messaging.ports import Channel, ChannelError, RecipientBlocked, RetryLater, TransientError
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
T = TypeVar("T")
MAX_BACKOFF_SECONDS = 300.0
RENEW_AFTER = 30.0  # seconds a claim is trusted without renewal (well under delivery.STALE_CLAIM)
REFILL_BELOW = 50  # claim more from the database when fewer rows than this wait in memory
CLAIM_BATCH = 100
POLL_SECONDS = 1.0  # the outbox is polled this often (and when kicked) for rows nobody handed to this sender
STOP_GRACE_SECONDS = 5.0
UNPACED = frozenset({"answer", "alert"})
IN_FLIGHT = 16  # sends at once: enough to keep 30 a second at 200 ms latency, one per chat
PHOTO_FILE_IDS = "telegram"  # a bare photo reference is a Telegram file id; WeCom pictures are kept (media:<id>)


Chat = tuple[str, str]  # (channel, chat id): the unit of per-chat pacing and order


class RateLimiter:
    """Pacing state on an injectable monotonic clock: a token bucket per chat, and one for bulk overall.

    Both are the generic cell rate algorithm: a theoretical arrival time (TAT) per bucket; a send is
    allowed while the TAT is at most `burst - 1` intervals ahead of now, so a late wake-up catches up
    instead of losing its slot. Telegram's 30 a second is its limit for bulk notifications: replies to
    someone who just wrote are paced per chat only, or 30 a second would cap the whole bot at 30
    updates a second. Flood control (RetryLater) on two chats at once pauses everything, replies too.
    """

    def __init__(self, *, per_second: float = 30.0, per_chat_interval: float = 1.0, burst: int = 3,
                 global_burst: int = 3, also_per_chat: tuple[tuple[float, int], ...] = (),
                 also_overall: tuple[tuple[float, int], ...] = (),
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.global_interval = 1.0 / per_second
        self.global_slack = (global_burst - 1) * self.global_interval
        # overall, for every send (replies too): (interval, slack); WeCom's per-app daily cap is one
        self.overall = [(interval, (b - 1) * interval) for interval, b in also_overall]
        self._overall_tat = [0.0] * len(self.overall)
        # per chat: (interval, slack) of each bucket; WeCom adds an hourly one to its per-minute one
        self.buckets = [(interval, (b - 1) * interval) for interval, b in ((per_chat_interval, burst), *also_per_chat)]
        self.monotonic = monotonic
        self._global_tat = 0.0
        self._paused_until = 0.0
        self._tat: dict[str, list[float]] = {}
        self._last_flood: tuple[str, float] | None = None

    def chat_free_at(self, chat_id: str) -> float:
        """The monotonic instant from which `chat_id` may receive again (every bucket has a token)."""
        tats = self._tat.get(chat_id)
        if tats is None:
            return 0.0
        return max(tat - slack for tat, (_interval, slack) in zip(tats, self.buckets, strict=True))

    def global_delay(self, *, bulk: bool = True) -> float:
        """Seconds until the next send is allowed overall (a reply only waits out a flood pause)."""
        free_at = max(self._paused_until, self._global_tat - self.global_slack) if bulk else self._paused_until
        for tat, (_interval, slack) in zip(self._overall_tat, self.overall, strict=True):
            free_at = max(free_at, tat - slack)
        return max(0.0, free_at - self.monotonic())

    def note_send(self, chat_id: str, *, bulk: bool = True) -> None:
        """A send to `chat_id` starts now: take its chat's token (and, for bulk, the overall one)."""
        now = self.monotonic()
        if bulk:
            self._global_tat = max(self._global_tat, now) + self.global_interval
        self._overall_tat = [max(tat, now) + interval for tat, (interval, _s) in zip(self._overall_tat, self.overall,
                                                                                      strict=True)]
        tats = self._tat.get(chat_id) or [0.0] * len(self.buckets)
        self._tat[chat_id] = [max(tat, now) + interval for tat, (interval, _s) in zip(tats, self.buckets, strict=True)]

    def delay_for(self, chat_id: str, *, bulk: bool = True) -> float:
        """Seconds to wait before sending to `chat_id` now (all limits), without reserving."""
        return max(self.global_delay(bulk=bulk), self.chat_free_at(chat_id) - self.monotonic())

    def flood(self, chat_id: str, seconds: float) -> None:
        """Telegram said wait: pause the chat; a second chat flooded within the pause pauses all."""
        now = self.monotonic()
        tats = self._tat.get(chat_id) or [0.0] * len(self.buckets)
        self._tat[chat_id] = [max(tat, now + seconds + slack)
                              for tat, (_interval, slack) in zip(tats, self.buckets, strict=True)]
        if self._last_flood is not None and self._last_flood[0] != chat_id and self._last_flood[1] > now:
            self._paused_until = max(self._paused_until, now + seconds)
        self._last_flood = (chat_id, now + seconds)

    def forget_idle(self) -> None:
        """Drop buckets that are full again (keeps memory flat over thousands of chats)."""
        now = self.monotonic()
        self._tat = {chat: tats for chat, tats in self._tat.items() if max(tats) > now}


class OutboxSender:
    """Sends what is handed to it or claimed from the outbox; `kick()` wakes it when jobs queued rows."""

    def __init__(self, *, uow: Callable[[], UnitOfWork], channel: Channel, clock: Callable[[], datetime],
                 instance: str, limiter: RateLimiter | None = None, sleep: Sleep = asyncio.sleep,
                 in_flight: int = IN_FLIGHT) -> None:
        self.uow, self.clock, self.instance = uow, clock, instance
        self.channels: dict[str, Channel] = {channel.name: channel}
        self.limiters: dict[str, RateLimiter] = {channel.name: limiter or RateLimiter()}
        self.monotonic = self.limiters[channel.name].monotonic
        self.sleep = sleep
        self._slots = in_flight
        self._queues: dict[Chat, deque[delivery.Pending]] = {}
        self._unreachable: list[delivery.Pending] = []
        self._since: dict[int, float] = {}  # outbox id -> monotonic instant its claim was taken or renewed
        self._busy: set[Chat] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._sent: list[tuple[int, int | None]] = []
        self._shown: list[delivery.Shown] = []
        self._wake = asyncio.Event()
        self._poll_asked = True  # kicked (or just started): the next drain asks the database
        self._polled_at = float("-inf")
        self._task: asyncio.Task[None] | None = None
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="outbox-db")

    # --- entry points --------------------------------------------------------------------------
    def add_channel(self, channel: Channel, limiter: RateLimiter) -> None:
        """Send `channel.name` rows through `channel`, paced by its own limits."""
        self.channels[channel.name] = channel
        self.limiters[channel.name] = limiter

    def kick(self) -> None:
        """Something was queued in the database: look now instead of at the next tick."""
        self._poll_asked = True
        self._wake.set()

    def hand(self, items: Iterable[delivery.Pending]) -> None:
        """Rows this instance committed and claimed a moment ago: sent without a database poll (waking the loop
        for them does not ask the database; a kick or POLL_SECONDS without a poll does)."""
        if self._add(items):
            self._wake.set()

    def start(self) -> None:
        """Run the send loop as a task of the running event loop."""
        self._task = asyncio.create_task(self._run(), name="outbox-sender")

    async def stop(self) -> None:
        """Stop the loop (what is queued stays in the outbox, claimed, for a takeover or the next start)."""
        if self._task is not None:
            task, self._task = self._task, None
            task.cancel()
            # asyncio.wait, not `await task` under suppress(CancelledError): that also swallowed a cancel of
            # the caller itself (a timeout around stop()), which then returned as if the loop had ended.
            await asyncio.wait({task})
            if not task.cancelled():
                task.result()  # the loop died of an error: say so
        if self._tasks:  # sends in flight finish (their outcome is recorded), within a few seconds
            _done, late = await asyncio.wait(set(self._tasks), timeout=STOP_GRACE_SECONDS)
            for task in late:
                task.cancel()
        with contextlib.suppress(Exception):
            await self._flush_sent()
        self._db.shutdown(wait=False)

    async def _run(self) -> None:
        """Take over what a dead predecessor on this host held, then: drain, sleep until handed rows, kicked,
        or a second has passed. The database is polled when kicked or a second after the last poll, not
        for rows handed over (every update's replies): those are claimed already."""
        try:
            await self._take_over_dead_predecessors()
        except Exception:
            log.exception("could not check for a dead predecessor's claims; they are taken over when stale")
        while True:
            poll = self._poll_asked or self.monotonic() - self._polled_at >= POLL_SECONDS
            self._poll_asked = False
            try:
                while await self.drain_once(poll=poll):
                    poll = False  # a full batch is refilled inside drain_once; a kick meanwhile asks again
            except Exception:
                log.exception("outbox drain failed")
            # asyncio.timeout, not wait_for: on Python 3.11, wait_for returns when the wake-up and stop()'s
            # cancel arrive together and the cancel is lost; the loop then ran on and stop() never returned
            # (the shutdown, and the test teardown, hung).
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(1.0):
                    await self._wake.wait()
            self._wake.clear()
            for limiter in self.limiters.values():
                limiter.forget_idle()

    async def _take_over_dead_predecessors(self) -> None:
        """A process of this host killed a moment ago (kill -9, OOM) and restarted: its claimed rows are sent now,
        not after delivery.STALE_CLAIM. Only instances named ``host:pid`` of this host whose pid is gone count:
        a live instance's claims are never taken, and other hosts are left to the stale-claim rule."""
        host, _, pid = self.instance.rpartition(":")
        if not host or not pid.isdigit():
            return
        claimers = await self._in_db(delivery.claimers_on, self.uow(), host=host)
        dead = [c for c in claimers if c != self.instance and c.rpartition(":")[2].isdigit()
                and not _pid_alive(int(c.rpartition(":")[2]))]
        if dead and (count := await self._in_db(delivery.expire_claims_of, self.uow(), instances=dead,
                                                now=self.clock())):
            log.warning("taking over %d outbox row(s) left by %s", count, ", ".join(dead))

    async def drain_once(self, *, poll: bool = True) -> int:
        """Claim due rows (unless not to `poll`), then send until nothing is waiting or in flight; how many rows
        it handled.

        The database is asked again only while its last answer was a full batch (more may be due):
        rows waiting for their chat's pace never make the sender poll.
        """
        more = self._add_claimed(await self._claim()) if poll else False
        handled = 0
        refill: asyncio.Future[list[delivery.Pending]] | None = None
        while True:
            handled += await self._settle_unreachable()
            if refill is not None and refill.done():
                more = self._add_claimed(refill.result())
                refill = None
            if refill is None and more and self._waiting() < REFILL_BELOW:
                refill = asyncio.ensure_future(self._claim())
            item = self._take_ready()
            if item is not None:
                self._start(item)
                handled += 1
                continue
            if not self._queues and not self._tasks and not self._unreachable:
                if refill is None:
                    break
                more = self._add_claimed(await refill)
                refill = None
                continue
            await self._pause(refill)
        await self._flush_sent()
        return handled

    async def _claim(self) -> list[delivery.Pending]:
        """Claim a batch of due rows on the sender's database thread."""
        self._polled_at = self.monotonic()
        return await self._in_db(delivery.claim_batch, self.uow(), instance=self.instance, now=self.clock(),
                                 limit=CLAIM_BATCH)

    def _add_claimed(self, batch: list[delivery.Pending]) -> bool:
        """Queue a claimed batch; whether it was full (the database may hold more that is due)."""
        self._add(batch)
        return len(batch) >= CLAIM_BATCH

    # --- choosing what goes next ----------------------------------------------------------------
    def _add(self, items: Iterable[delivery.Pending]) -> int:
        """Queue rows per chat in id order; a row without a chat is settled as unreachable."""
        count = 0
        now = self.monotonic()
        for item in items:
            count += 1
            self._since[item.id] = now
            if item.chat_id is None or item.channel not in self.channels:
                self._unreachable.append(item)
            else:
                self._queues.setdefault((item.channel, item.chat_id), deque()).append(item)
        return count

    def _waiting(self) -> int:
        """Rows waiting in memory."""
        return sum(len(q) for q in self._queues.values())

    def _take_ready(self) -> delivery.Pending | None:
        """The best row that may go now: a free chat with nothing in flight, replies first, then oldest."""
        if len(self._tasks) >= self._slots:
            return None
        now = {name: limiter.monotonic() for name, limiter in self.limiters.items()}
        free = {(name, bulk): limiter.global_delay(bulk=bulk) <= 0
                for name, limiter in self.limiters.items() for bulk in (False, True)}
        best: tuple[int, int, Chat] | None = None
        for chat, queue in self._queues.items():
            head = queue[0]
            if chat in self._busy:
                continue
            limiter = self.limiters[chat[0]]
            if head.kind not in UNPACED and not (free[chat[0], head.priority != REPLY]
                                                 and limiter.chat_free_at(chat[1]) <= now[chat[0]]):
                continue
            key = (0 if head.kind in UNPACED else head.priority, head.id, chat)
            if best is None or key < best:
                best = key
        if best is None:
            return None
        queue = self._queues[best[2]]
        item = self._fold(queue.popleft(), queue)
        if not queue:
            del self._queues[best[2]]
        return item

    def _fold(self, item: delivery.Pending, queue: deque[delivery.Pending]) -> delivery.Pending:
        """Notices waiting for the same chat go as one digest on a channel whose every message counts against
        a small budget (WeCom: 30 a minute per member, excess silently dropped): `digest_bytes` on the
        channel is the most one digest may hold. Replies, buttons, files and photos are never folded."""
        limit = int(getattr(self.channels[item.channel], "digest_bytes", 0))
        if not limit or not _foldable(item):
            return item
        texts, ids, size = [item.message.text], [], len(item.message.text.encode())
        while queue and _foldable(queue[0]) and size + len(queue[0].message.text.encode()) + 2 <= limit:
            folded = queue.popleft()
            texts.append(folded.message.text)
            ids.append(folded.id)
            size += len(folded.message.text.encode()) + 2
        if not ids:
            return item
        return replace(item, message=replace(item.message, text="\n\n".join(texts)), merged=tuple(ids))

    def _next_delay(self) -> float | None:
        """Seconds until a waiting chat with nothing in flight may receive; None when all are busy."""
        free = [c for c in self._queues if c not in self._busy]
        if not free or len(self._tasks) >= self._slots:
            return None
        return min(self.limiters[c[0]].delay_for(c[1], bulk=self._queues[c][0].priority != REPLY) for c in free)

    async def _pause(self, refill: asyncio.Future[Any] | None) -> None:
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
            self.limiters[item.channel].note_send(item.chat_id, bulk=item.priority != REPLY)
        self._busy.add((item.channel, item.chat_id))
        task = asyncio.ensure_future(self._deliver(item))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver(self, item: delivery.Pending) -> None:
        """Send one row and record the outcome; on failure its chat's later rows wait as long."""
        assert item.chat_id is not None
        chat_id = (item.channel, item.chat_id)
        try:
            if not await self._still_mine(item):
                log.info("outbox %s was taken over by another instance; not sent here", item.id)
                return
            held_until = await self._send_one(item)
            if held_until is not None:  # keep the chat's order: its later messages (and a digest's) wait as long
                rest = self._queues.pop(chat_id, deque())
                await self._in_db(delivery.release, self.uow(), outbox_ids=[*item.merged, *(i.id for i in rest)],
                                  instance=self.instance, not_before=held_until)
        except Exception:
            log.exception("outbox %s: recording the outcome failed", item.id)
        finally:
            for row_id in (item.id, *item.merged):
                self._since.pop(row_id, None)
            self._busy.discard(chat_id)
            self._wake.set()

    async def _still_mine(self, item: delivery.Pending) -> bool:
        """A claim older than RENEW_AFTER is renewed first; False when another instance took it over."""
        if self.monotonic() - self._since.get(item.id, 0.0) < RENEW_AFTER:
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
            self.limiters[item.channel].flood(item.chat_id, exc.seconds)
            return await self._retry(item, f"retry after {exc.seconds}", exc.seconds, counts=False)
        except TransientError as exc:
            return await self._retry(item, str(exc), min(2.0 ** item.attempts, MAX_BACKOFF_SECONDS), counts=False)
        except Exception as exc:
            log.exception("sending outbox %s failed", item.id)
            return await self._retry(item, repr(exc), min(2.0 ** item.attempts * 10, 3600.0), counts=True)
        number = message_id if isinstance(message_id, int) else None  # a WeCom response code is no message number
        self._sent.extend((row_id, number) for row_id in (item.id, *item.merged))
        if item.kind == "send" and item.message.card and message_id is not None:
            self._shown.append(delivery.Shown(item.message.card, item.staff_id, item.channel, item.chat_id,
                                              str(message_id)))
        if len(self._sent) >= 50:
            await self._flush_sent()
        return None

    async def _call(self, item: delivery.Pending) -> int | str | None:
        """The channel call this row stands for; the message id when there is one."""
        assert item.chat_id is not None
        channel = self.channels[item.channel]
        if item.kind == "send":
            message = await self._with_photos(item.channel, item.message)
            return await channel.send(item.chat_id, replace(message, resend=True) if item.resend else message)
        assert item.target is not None, f"outbox {item.id}: {item.kind} without a target"
        if item.kind == "edit":
            await channel.edit(item.chat_id, item.target, item.message)
            return None
        await channel.answer(item.chat_id, item.target, item.message.text or None, alert=item.kind == "alert")
        return None

    async def _with_photos(self, channel: str, message: OutMessage) -> OutMessage:
        """The photos as `channel` can show them: ours loaded from the database (services/messaging/media.py), and a
        Telegram file id shown on another channel fetched from Telegram first; other references go as they are."""
        data: dict[str, bytes] = {}
        for ref in message.photos:
            blob: bytes | None = None
            if media.stored_id(ref) is not None:
                blob = await self._in_db(media.load, self.uow(), ref)
            elif channel != PHOTO_FILE_IDS and PHOTO_FILE_IDS in self.channels:
                try:
                    blob = await self.channels[PHOTO_FILE_IDS].download(ref)
                except ChannelError as exc:
                    log.warning("photo %s could not be fetched from %s for %s: %s", ref[:16], PHOTO_FILE_IDS,
                                channel, exc)
            if blob is not None:
                data[ref] = blob
        return replace(message, photo_data=data) if data else message

    async def _flush_sent(self) -> None:
        """Record the accepted sends in one statement."""
        sent, self._sent = self._sent, []
        shown, self._shown = self._shown, []
        if sent and await self._in_db(delivery.mark_sent_many, self.uow(), sent=sent, instance=self.instance,
                                      now=self.clock(), shown=shown) != len(sent):
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


def _pid_alive(pid: int) -> bool:
    """Whether a process with this pid runs on this host (signal 0 checks without sending anything)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _foldable(item: delivery.Pending) -> bool:
    """A plain-text notice: what may be folded into a digest."""
    m = item.message
    return (item.kind == "send" and item.priority != REPLY and bool(m.text)
            and not (m.buttons or m.keyboard or m.remove_keyboard or m.file or m.photos))
