"""The outbox sender against a fake channel: flood control, network errors and blocked people lose
nothing, the blocked person's manager is told exactly once, and the pace respects Telegram's limits."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.sender import OutboxSender, RateLimiter
from services.messaging import delivery, media, outbox
from services.messaging.messages import OutMessage
from services.messaging.ports import RecipientBlocked, RetryLater, TransientError
from storage.models import OutboxMessage, Staff
from tests.conftest import FakeClock
from tests.services.reports_support import UowFactory, add_office, add_person, queued

pytestmark = pytest.mark.both_databases  # storage and claims: on PostgreSQL too (tests/conftest.py)

BLOCKED_NOTICE = "丁 已屏蔽机器人或注销了账号，消息无法送达。"


class Time:
    """A monotonic clock and a wall clock that only move when the sender sleeps (or the test says)."""

    def __init__(self) -> None:
        self.mono = 1000.0
        self.wall = FakeClock(datetime(2026, 11, 24, 2, tzinfo=UTC))
        self.slept = 0.0

    def monotonic(self) -> float:
        return self.mono

    async def sleep(self, seconds: float) -> None:
        self.pass_(max(seconds, 0.0))

    def pass_(self, seconds: float) -> None:
        self.mono += seconds
        self.slept += seconds
        self.wall.advance(seconds=seconds)


class FakeChannel:
    """Records every send with its monotonic time; chosen chats fail as scripted."""

    name = "telegram"

    def __init__(self, time: Time, script: dict[int, list[Exception]] | None = None,
                 blocked: set[int] | None = None) -> None:
        self.time, self.script, self.blocked = time, defaultdict(list, script or {}), blocked or set()
        self.sent: list[tuple[int, str, float]] = []
        self.attempts: list[int] = []

    async def send(self, chat: str, message: OutMessage) -> int:
        chat_id = int(chat)
        self.attempts.append(chat_id)
        if chat_id in self.blocked:
            raise RecipientBlocked("Forbidden: bot was blocked by the user")
        if self.script[chat_id]:
            raise self.script[chat_id].pop(0)
        self.sent.append((chat_id, message.text, self.time.mono))
        return len(self.sent)

    async def edit(self, chat: str, message_id: str, message: OutMessage) -> None:
        raise NotImplementedError

    async def answer(self, chat: str, callback_id: str, text: str | None = None, *, alert: bool = False) -> None:
        raise NotImplementedError

    async def download(self, file_id: str) -> bytes:
        raise NotImplementedError


def chat_of(uow_factory: UowFactory, staff_id: int) -> int:
    with uow_factory() as uow:
        staff = uow.session.get(Staff, staff_id)
        assert staff is not None and staff.telegram_user_id is not None
        return staff.telegram_user_id


def enqueue(uow_factory: UowFactory, staff_id: int, texts: list[str], now: datetime) -> None:
    with uow_factory() as uow:
        for text in texts:
            outbox.enqueue(uow.session, staff_id=staff_id, message=OutMessage(text), now=now)
        uow.commit()


def make_sender(uow_factory: UowFactory, time: Time, channel: FakeChannel) -> OutboxSender:
    limiter = RateLimiter(monotonic=time.monotonic)
    return OutboxSender(uow=uow_factory, channel=channel, clock=time.wall, instance="test", limiter=limiter,
                        sleep=time.sleep)


async def drain_until_quiet(sender: OutboxSender, time: Time, *, rounds: int = 200) -> None:
    """Drain; when nothing is due, let a second pass (retries come due), until nothing is left."""
    for _ in range(rounds):
        if not await sender.drain_once():
            time.pass_(1.0)
        if not statuses(sender.uow) & {"pending", "sending"}:
            return
    raise AssertionError(f"outbox not drained: {statuses(sender.uow)}")


def within_per_chat_pace(times: list[float], *, burst: int, interval: float = 1.0) -> bool:
    """In every stretch of time, at most `burst` messages plus one per `interval` elapsed."""
    return all(j - i + 1 <= burst + (times[j] - times[i]) / interval + 1e-9
               for i in range(len(times)) for j in range(i, len(times)))


def statuses(uow_factory: UowFactory) -> set[str]:
    with uow_factory() as uow:
        return set(uow.session.scalars(select(OutboxMessage.status)))


async def test_nothing_is_lost_and_the_blocked_persons_manager_is_told_once(uow_factory: UowFactory) -> None:
    time = Time()
    office = add_office(uow_factory(), "上海办事处")
    head = add_person(uow_factory(), "张伟", office_id=office, roles=["office_head"])
    flood, flaky, fine, blocked = (add_person(uow_factory(), name, office_id=office, roles=["sales"])
                                   for name in ("甲", "乙", "丙", "丁"))
    chats = {who: chat_of(uow_factory, who) for who in (head, flood, flaky, fine, blocked)}
    channel = FakeChannel(time, script={chats[flood]: [RetryLater(7)],
                                        chats[flaky]: [TransientError("timed out"), TransientError("reset")]},
                          blocked={chats[blocked]})
    sent_texts = {flood: ["f1", "f2", "f3"], flaky: ["x1", "x2"], fine: [f"ok{i}" for i in range(5)],
                  blocked: ["b1", "b2"]}
    for who, texts in sent_texts.items():
        enqueue(uow_factory, who, texts, time.wall())
    sender = make_sender(uow_factory, time, channel)

    await drain_until_quiet(sender, time)
    enqueue(uow_factory, blocked, ["b3"], time.wall())  # a later message to the blocked person
    await drain_until_quiet(sender, time)

    delivered = defaultdict(list)
    for chat, text, _at in channel.sent:
        delivered[chat].append(text)
    assert {who: delivered[chats[who]] for who in (flood, flaky, fine)} == \
        {who: sent_texts[who] for who in (flood, flaky, fine)}  # every message, once, in order
    assert delivered[chats[head]] == [BLOCKED_NOTICE]
    assert channel.attempts.count(chats[blocked]) == 1  # after the first refusal nothing more is tried
    with uow_factory() as uow:
        rows = uow.session.execute(select(OutboxMessage.staff_id, OutboxMessage.status)).all()
        reachable = uow.session.get(Staff, blocked).reachable  # type: ignore[union-attr]
    assert {status for staff, status in rows if staff == blocked} == {"unreachable"}
    assert {status for staff, status in rows if staff != blocked} == {"sent"}
    assert reachable is False


async def test_pacing_one_per_second_per_chat_thirty_overall_and_no_head_of_line_blocking(
        uow_factory: UowFactory) -> None:
    time = Time()
    office = add_office(uow_factory(), "上海办事处")
    busy = add_person(uow_factory(), "经理", office_id=office, roles=["office_head"])
    others = [add_person(uow_factory(), f"员工{i}", office_id=office, roles=["sales"]) for i in range(60)]
    enqueue(uow_factory, busy, [f"notice {i}" for i in range(20)], time.wall())  # queued first
    for who in others:
        enqueue(uow_factory, who, ["reminder"], time.wall())
    channel = FakeChannel(time)
    sender = make_sender(uow_factory, time, channel)
    start = time.mono

    await drain_until_quiet(sender, time)

    assert len(channel.sent) == 80
    times = [at for _chat, _text, at in channel.sent]
    assert within_per_chat_pace(times, burst=3, interval=1 / 30)  # ≤ 30 a second overall, a burst of 3
    busy_times = [at for chat, _text, at in channel.sent if chat == chat_of(uow_factory, busy)]
    assert within_per_chat_pace(busy_times, burst=3)
    assert busy_times[2] - busy_times[0] < 0.5  # a small burst goes at once: a reply never waits behind the last
    others_done = max(at for chat, _text, at in channel.sent if chat != chat_of(uow_factory, busy))
    assert others_done - start < 4.0  # 60 reminders did not wait behind the manager's 20 notices
    assert busy_times[-1] - start >= 17.0


def test_flood_on_two_chats_pauses_everything() -> None:
    time = Time()
    limiter = RateLimiter(monotonic=time.monotonic)
    limiter.flood("1", 10)
    assert (limiter.delay_for("1"), limiter.delay_for("2")) == (10.0, 0.0)
    limiter.flood("2", 10)
    assert limiter.delay_for("3") == 10.0


def test_someone_never_registered_is_undeliverable_without_alarming_anyone(uow_factory: UowFactory) -> None:
    time = Time()
    office = add_office(uow_factory(), "上海办事处")
    head = add_person(uow_factory(), "张伟", office_id=office, roles=["office_head"])
    invited = add_person(uow_factory(), "新人", office_id=office, roles=["sales"], registered=False)
    enqueue(uow_factory, invited, ["hello"], time.wall())
    (item,) = delivery.claim_batch(uow_factory(), instance="a", now=time.wall())
    assert (item.chat_id, item.registered) == (None, False)
    delivery.mark_undeliverable(uow_factory(), outbox_id=item.id, instance="a")
    assert statuses(uow_factory) == {"undeliverable"}
    assert [to for _id, to, _m in queued(uow_factory())] == [invited]
    assert head


def test_unreachable_is_recorded_once_when_two_instances_race(uow_factory: UowFactory) -> None:
    time = Time()
    office = add_office(uow_factory(), "上海办事处")
    head = add_person(uow_factory(), "张伟", office_id=office, roles=["office_head"])
    gone = add_person(uow_factory(), "丁", office_id=office, roles=["sales"])
    enqueue(uow_factory, gone, ["a", "b"], time.wall())
    first, second = delivery.claim_batch(uow_factory(), instance="a", now=time.wall())
    assert delivery.claim_batch(uow_factory(), instance="b", now=time.wall()) == []  # claimed once
    delivery.mark_unreachable(uow_factory(), outbox_id=first.id, instance="a", staff_id=gone, now=time.wall())
    delivery.mark_unreachable(uow_factory(), outbox_id=second.id, instance="a", staff_id=gone, now=time.wall())
    to_head = [m.text for _id, to, m in queued(uow_factory()) if to == head]
    assert to_head == [BLOCKED_NOTICE]


async def test_a_claim_taken_over_while_the_sender_waits_is_not_sent_twice(uow_factory: UowFactory) -> None:
    time = Time()
    office = add_office(uow_factory(), "上海办事处")
    who = add_person(uow_factory(), "甲", office_id=office, roles=["sales"])
    chat = chat_of(uow_factory, who)
    enqueue(uow_factory, who, ["hello"], time.wall())
    channel = FakeChannel(time)  # both instances send through it: it records every send
    b = OutboxSender(uow=uow_factory, channel=channel, clock=time.wall, instance="b",
                     limiter=RateLimiter(monotonic=time.monotonic), sleep=time.sleep)
    b_sent: list[int] = []

    async def a_waits(seconds: float) -> None:  # A waits out a long pause; meanwhile its claim goes stale
        time.pass_(seconds + (delivery.STALE_CLAIM + timedelta(seconds=1)).total_seconds())
        if not b_sent:
            b_sent.append(await b.drain_once())  # B takes the row over and sends it

    a_limiter = RateLimiter(monotonic=time.monotonic)
    a_limiter.flood(str(chat), 30)  # A must wait before this chat (Telegram said "retry after")
    a = OutboxSender(uow=uow_factory, channel=channel, clock=time.wall, instance="a", limiter=a_limiter,
                     sleep=a_waits)

    assert await a.drain_once() == 1
    assert b_sent == [1]
    assert [(to, text) for to, text, _at in channel.sent] == [(chat, "hello")]  # once, by B; A skipped it
    assert channel.attempts == [chat]
    with uow_factory() as uow:
        row = uow.session.scalars(select(OutboxMessage)).one()
        assert (row.status, row.claimed_by, row.attempts) == ("sent", "b", 1)


class PhotoChannel(FakeChannel):
    """Records the photos each send carried and the bytes the sender resolved for them."""

    def __init__(self, time: Time, name: str, files: dict[str, bytes] | None = None) -> None:
        super().__init__(time)
        self.name, self.files = name, files or {}
        self.photos: list[tuple[str, str, bytes | None]] = []
        self.downloads: list[str] = []

    async def send(self, chat: str, message: OutMessage) -> int:
        self.photos.extend((chat, ref, message.photo_data.get(ref)) for ref in message.photos)
        return 1

    async def download(self, file_id: str) -> bytes:
        self.downloads.append(file_id)
        return self.files[file_id]


async def test_photos_kept_by_us_are_sent_as_bytes_and_telegram_photos_are_fetched_for_wecom(
        uow_factory: UowFactory) -> None:
    time = Time()
    office = add_office(uow_factory(), "上海办事处")
    on_telegram = add_person(uow_factory(), "张伟", office_id=office, roles=["office_head"])
    on_wecom = add_person(uow_factory(), "李娜", office_id=office, roles=["sales"])
    with uow_factory() as uow:
        staff = uow.session.get(Staff, on_wecom)
        assert staff is not None
        staff.wecom_user_id, staff.last_channel = "lina", "wecom"
        uow.commit()
    kept = media.keep(uow_factory(), channel="wecom", source_id="m-1", data=b"receipt bytes", now=time.wall())
    assert media.keep(uow_factory(), channel="wecom", source_id="m-1", data=b"receipt bytes",
                      now=time.wall()) == kept  # a redelivered callback keeps one copy
    with uow_factory() as uow:
        for who in (on_telegram, on_wecom):
            outbox.enqueue(uow.session, staff_id=who, message=OutMessage("", photos=(kept,)), now=time.wall())
            outbox.enqueue(uow.session, staff_id=who, message=OutMessage("", photos=("AgAC-telegram-id",)),
                           now=time.wall())
        uow.commit()
    telegram = PhotoChannel(time, "telegram", files={"AgAC-telegram-id": b"telegram photo"})
    wecom = PhotoChannel(time, "wecom")
    sender = make_sender(uow_factory, time, telegram)
    sender.add_channel(wecom, RateLimiter(monotonic=time.monotonic))

    await drain_until_quiet(sender, time)

    tg_chat = str(chat_of(uow_factory, on_telegram))
    assert telegram.photos == [(tg_chat, kept, b"receipt bytes"), (tg_chat, "AgAC-telegram-id", None)]
    assert wecom.photos == [("lina", kept, b"receipt bytes"), ("lina", "AgAC-telegram-id", b"telegram photo")]
    assert telegram.downloads == ["AgAC-telegram-id"]  # fetched only to show it on WeCom


async def test_a_dead_predecessors_claims_are_taken_over_at_start_and_a_live_instances_never(
        uow_factory: UowFactory) -> None:
    time = Time()
    office = add_office(uow_factory(), "上海办事处")
    who = add_person(uow_factory(), "张伟", office_id=office, roles=["office_head"])
    enqueue(uow_factory, who, ["from the dead one", "from the live one", "from another host"], time.wall())
    dead_pid = _exited_pid()
    claimers = [f"vm-a:{dead_pid}", f"vm-a:{os.getppid()}", f"vm-b:{dead_pid}"]
    with uow_factory() as uow:
        rows = uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        for row, claimer in zip(rows, claimers, strict=True):
            row.status, row.claimed_by, row.claimed_at = "sending", claimer, time.wall()
        uow.commit()
    sender = OutboxSender(uow=uow_factory, channel=FakeChannel(time), clock=time.wall,
                          instance=f"vm-a:{os.getpid()}", limiter=RateLimiter(monotonic=time.monotonic),
                          sleep=time.sleep)

    await sender._take_over_dead_predecessors()
    batch = delivery.claim_batch(uow_factory(), instance=sender.instance, now=time.wall())

    assert [(p.message.text, p.resend) for p in batch] == [("from the dead one", True)]


def _exited_pid() -> int:
    """The pid of a child that has exited and been reaped."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


async def test_notices_folded_into_a_digest_are_all_retried_when_the_digest_fails(uow_factory: UowFactory) -> None:
    time = Time()
    office = add_office(uow_factory(), "上海办事处")
    who = add_person(uow_factory(), "张伟", office_id=office, roles=["office_head"])
    enqueue(uow_factory, who, ["r1", "r2", "r3"], time.wall())
    chat = chat_of(uow_factory, who)
    channel = FakeChannel(time, script={chat: [TransientError("timed out")]})
    channel.digest_bytes = 2048  # type: ignore[attr-defined]  # a channel that folds notices, like WeCom
    sender = make_sender(uow_factory, time, channel)

    await drain_until_quiet(sender, time)

    assert [text for _chat, text, _at in channel.sent] == ["r1\n\nr2\n\nr3"]  # failed once, then sent once
    assert channel.attempts == [chat, chat]
    assert statuses(uow_factory) == {"sent"}


async def test_stop_ends_the_loop_even_when_rows_are_handed_as_it_stops(uow_factory: UowFactory) -> None:
    """The loop's idle wait must let the cancel through when a wake-up arrives in the same moment.

    Python 3.11's `asyncio.wait_for` returns the awaited result when it completes as the cancel comes in,
    and the cancel is lost: the loop went on forever and `stop()` (shutdown, a test's teardown) hung.
    """
    for turns in range(8):  # where in the wake-up's few loop turns the cancel lands
        time = Time()
        sender = make_sender(uow_factory, time, FakeChannel(time))
        sender.start()
        async with asyncio.timeout(10):
            while not sender._wake._waiters:  # idle: waiting to be woken
                await asyncio.sleep(0.01)
        loop = sender._task
        assert loop is not None
        sender.kick()
        for _ in range(turns):
            await asyncio.sleep(0)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(5) as within:
                await sender.stop()
        assert (within.expired(), loop.done()) == (False, True), f"stop() hung (cancel {turns} turns after the wake)"


async def test_handed_rows_go_without_a_poll_and_a_kick_or_a_second_polls(
        uow_factory: UowFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every update's replies are handed over claimed: asking the database for them again was a write
    transaction per update. The loop polls when kicked (a job queued rows) or a second after its last poll."""
    time = Time()
    office = add_office(uow_factory(), "上海办事处")
    who = add_person(uow_factory(), "甲", office_id=office, roles=["sales"])
    channel = FakeChannel(time)
    sender = make_sender(uow_factory, time, channel)
    polls: list[int] = []
    claim = delivery.claim_batch

    def counted(*args: object, **kwargs: object) -> list[delivery.Pending]:
        found = claim(*args, **kwargs)  # type: ignore[arg-type]
        polls.append(len(found))
        return found

    def handed(text: str) -> None:
        enqueue(uow_factory, who, [text], time.wall())
        sender.hand(claim(uow_factory(), instance="test", now=time.wall()))  # as the pipeline does at commit

    async def until(check: Callable[[], bool]) -> None:
        async with asyncio.timeout(10):
            while not check():
                await asyncio.sleep(0.01)

    monkeypatch.setattr(delivery, "claim_batch", counted)
    sender.start()
    try:
        await until(lambda: polls == [0] and bool(sender._wake._waiters))  # the first drain polls once
        handed("a")
        handed("b")
        await until(lambda: len(channel.sent) == 2)
        assert polls == [0]
        enqueue(uow_factory, who, ["from a job"], time.wall())
        sender.kick()
        await until(lambda: len(channel.sent) == 3)
        assert polls == [0, 1] and channel.sent[-1][1] == "from a job"
        await until(lambda: bool(sender._wake._waiters))  # that drain is over (else "c" would join it, unpolled)
        time.pass_(1.0)  # a second since the last poll: the next wake-up asks too
        handed("c")
        await until(lambda: len(channel.sent) == 4)
        assert polls == [0, 1, 0]
    finally:
        await sender.stop()
