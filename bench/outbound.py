"""Benchmark: the outbox sender's pace against the Bot API stand-in, on SQLite and PostgreSQL.

Notices are queued with `services.messaging.outbox.enqueue_all` (one transaction), then the real `OutboxSender`
(built by `bootstrap(settings)` + `runtime.attach_channel`) sends them through the real
`TelegramChannel` (a PTB `Bot` on the stand-in) at each added latency per Bot API call. Scenarios:

  spread  1,000 chats (staff with Telegram ids), one notice each: msg/s, target ≥ 95 % of 30 msg/s;
  hol     one chat gets 20 notices (queued first) while 200 others get one each: the 200 must not wait
          behind the one chat's 1/s pace (no head-of-line blocking).

msg/s = messages / (sender start → last message accepted by the stand-in). Per-chat pace: Telegram
allows about one message a second per chat with short bursts; a violation is a message that makes
some stretch of a chat's arrivals hold more than 3 + (seconds the stretch spans), counted strictly and
with 50 ms of slack for the stand-in's timing jitter. Lost = queued but never arrived; doubled =
arrived more than once (each notice's text is unique); both also checked against the outbox rows'
status afterwards. SQL statements and commits per message are counted on the engine.

The stand-in has no flood control of its own (it never answers 429), so it cannot slow the sender or
hide a pace violation: the pace is measured on its arrival times instead. Run on demand (worktree):

    .venv/bin/python bench/outbound.py [--db sqlite|postgres|both] [--chats 1000] [--hol-others 200]
        [--hol-burst 20] [--latencies 0,50]

PostgreSQL: a scratch database on OFFICEBOT_TEST_PG's server, dropped afterwards; SQLite: a temp file.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import delete, func, insert, select
from telegram import Bot
from telegram.request import HTTPXRequest

from bench.common import TOKEN, Arrival, SqlCounter, TimedStandIn, database, databases, rss_line, verdict
from bot.bootstrap import bootstrap
from bot.settings import Settings
from bot.telegram.channel import TelegramChannel
from services.messaging import outbox
from services.messaging.messages import OutMessage
from standins.telegram.users import FakeUser
from storage.db import make_engine, make_session_factory
from storage.models import Office, OutboxMessage, Staff, StaffRole
from storage.uow import UnitOfWork

OVERALL = 30.0  # msg/s the sender allows itself (bot.sender.RateLimiter)
BURST = 3
SLACK = 0.05
FIRST_USER = 800_000
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Result:
    """One scenario's measurements."""

    messages: int
    seconds: float
    strict_violations: int
    violations: int
    lost: int
    doubled: int
    not_sent_rows: int
    sql: SqlCounter


def populate(url: str, chats: int) -> list[int]:
    """One office and `chats` active sales staff bound to Telegram ids; their staff ids."""
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(insert(Office), [{"id": 1, "name": "基准办事处", "timezone": "Asia/Shanghai",
                                       "created_at": LONG_AGO}])
        conn.execute(insert(Staff), [{"id": i + 1, "name": f"员工{i}", "office_id": 1, "active": True,
                                      "locale": "zh_CN", "created_at": LONG_AGO, "telegram_user_id": FIRST_USER + i}
                                     for i in range(chats)])
        conn.execute(insert(StaffRole), [{"staff_id": i + 1, "role": "sales"} for i in range(chats)])
        if engine.dialect.name == "postgresql":
            for table in ("offices", "staff"):
                conn.exec_driver_sql(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")
    engine.dispose()
    return [i + 1 for i in range(chats)]


def queue(url: str, notices: list[tuple[int, str]]) -> None:
    """An empty outbox, then every notice queued in one transaction through `enqueue_all`."""
    engine = make_engine(url)
    with UnitOfWork(make_session_factory(engine)) as uow:
        uow.session.execute(delete(OutboxMessage))
        outbox.enqueue_all(uow.session, [(sid, OutMessage(text)) for sid, text in notices], now=datetime.now(UTC))
        uow.commit()
    engine.dispose()


def pace_violations(times: list[float], slack: float) -> int:
    """Messages that end a stretch holding more than BURST + its span in seconds (+ slack)."""
    bad = 0
    for j in range(len(times)):
        bad += any(j - i + 1 > BURST + (times[j] - times[i]) + slack for i in range(j))
    return bad


async def send_all(standin: TimedStandIn, url: str, notices: list[tuple[int, str]]) -> tuple[float, SqlCounter,
                                                                                              int]:
    """Start the production sender on the queued rows; until all arrived: seconds, SQL, rows not 'sent'."""
    settings = Settings(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=standin.base_url, DATABASE_URL=url,
                        OFFICEBOT_SCHEDULER=False, OFFICEBOT_LOG_LEVEL="WARNING")
    runtime = bootstrap(settings)
    bot = Bot(TOKEN, base_url=standin.base_url, request=HTTPXRequest(connection_pool_size=64))
    await bot.initialize()
    runtime.attach_channel(TelegramChannel(bot))
    assert runtime.sender is not None
    counter = SqlCounter()
    standin.expect(len(notices))
    with counter.attached(runtime.engine):
        start = time.perf_counter()
        runtime.sender.start()
        with contextlib.suppress(TimeoutError):  # a shortfall shows up as lost below
            await asyncio.wait_for(standin.done.wait(), timeout=len(notices) / OVERALL * 3 + 30)
        seconds = max((a.at for c in standin.arrived.values() for a in c), default=time.perf_counter()) - start
        await asyncio.sleep(1.5)  # room for a late double
        await runtime.stop_background()
    with runtime.app.uow() as uow:
        not_sent = int(uow.session.scalar(select(func.count()).select_from(OutboxMessage)
                                          .where(OutboxMessage.status != "sent")) or 0)
    await bot.shutdown()
    runtime.dispose()
    return seconds, counter, not_sent


def tally(standin: TimedStandIn, notices: list[tuple[int, str]], seconds: float, sql: SqlCounter,
          not_sent: int) -> Result:
    """Count lost, doubled and pace violations from what arrived."""
    arrived = Counter(a.text for chat in standin.arrived.values() for a in chat)
    queued = Counter(text for _, text in notices)
    lost = sum(1 for text in queued if arrived[text] == 0)
    doubled = sum(n - 1 for n in arrived.values() if n > 1)
    times = [[a.at for a in chat] for chat in standin.arrived.values()]
    return Result(len(notices), seconds, sum(pace_violations(t, 0.0) for t in times),
                  sum(pace_violations(t, SLACK) for t in times), lost, doubled, not_sent, sql)


def print_result(name: str, result: Result) -> float:
    """One scenario's line; returns msg/s."""
    rate = result.messages / result.seconds if result.seconds > 0 else 0.0
    print(f"  {name:6} {result.messages} messages in {result.seconds:.1f} s = {rate:.1f} msg/s; pace violations "
          f"{result.violations} (strict {result.strict_violations}); lost {result.lost}, doubled {result.doubled}, "
          f"rows not 'sent' {result.not_sent_rows}")
    print(f"         SQL per message: {result.sql.per(result.messages)}")
    return rate


def hol_line(standin: TimedStandIn, start_chat: int, others: int, burst: int) -> str:
    """Whether the one busy chat held the others back: when the others finished, against their ideal."""
    first = min(a.at for c in standin.arrived.values() for a in c)
    busy: list[Arrival] = standin.arrived.get(start_chat, [])
    rest = [c[-1].at for chat, c in standin.arrived.items() if chat != start_chat and c]
    others_done = max(rest, default=first) - first
    ideal = (others + BURST) / OVERALL
    ok = len(rest) == others and others_done <= ideal * 1.2 + 1.0
    busy_done = busy[-1].at - first if busy else float("nan")
    return (f"{verdict(ok)} no head-of-line blocking: the {others} others done {others_done:.1f} s after the first "
            f"arrival (ideal ≈ {ideal:.1f} s, allowed {ideal * 1.2 + 1.0:.1f} s); the busy chat's {len(busy)}/{burst} "
            f"done at {busy_done:.1f} s (pace floor {burst - BURST:.0f} s)")


async def run_database(kind: str, label: str, args: argparse.Namespace) -> None:
    """Both scenarios at every latency on one scratch database."""
    with database(kind) as url:
        staff = populate(url, max(args.chats, args.hol_others + 1))
        standin = TimedStandIn()
        await standin.start()
        for sid in staff:
            standin.add_user(FakeUser(id=FIRST_USER + sid - 1, first_name=f"员工{sid - 1}"))
        try:
            for latency_ms in args.latencies:
                standin.latency = latency_ms / 1000
                print(f"\n{label}, +{latency_ms} ms per Bot API call (sender: {OVERALL:g} msg/s overall, "
                      f"1/s per chat, burst {BURST}, 16 in flight)")
                spread = [(sid, f"通知 {latency_ms}-{sid}") for sid in staff[:args.chats]]
                queue(url, spread)
                rate = print_result("spread", tally(standin, spread, *await send_all(standin, url, spread)))
                print(f"    {verdict(rate >= 0.95 * OVERALL)} target: ≥ {0.95 * OVERALL:.1f} msg/s (got {rate:.1f})")
                hol = [(staff[0], f"连发 {latency_ms}-{n}") for n in range(args.hol_burst)]
                hol += [(sid, f"单条 {latency_ms}-{sid}") for sid in staff[1:args.hol_others + 1]]
                queue(url, hol)
                result = tally(standin, hol, *await send_all(standin, url, hol))
                print_result("hol", result)
                print(f"    {hol_line(standin, FIRST_USER, args.hol_others, args.hol_burst)}")
                clean = result.violations == result.lost == result.doubled == 0
                print(f"    {verdict(clean)} hol: no pace violation, nothing lost or doubled")
                print(f"  {rss_line()}")
        finally:
            await standin.stop()


def main() -> None:
    """Parse the arguments and run the chosen databases."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--chats", type=int, default=1000)
    parser.add_argument("--hol-others", type=int, default=200)
    parser.add_argument("--hol-burst", type=int, default=20)
    parser.add_argument("--latencies", type=lambda s: [int(x) for x in s.split(",")], default=[0, 50],
                        help="added milliseconds per Bot API call, comma-separated")
    args = parser.parse_args()
    for kind, label in databases(args.db):
        asyncio.run(run_database(kind, label, args))


if __name__ == "__main__":
    main()
