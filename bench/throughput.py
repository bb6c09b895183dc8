"""Benchmark: updates per second of officebot against a bare python-telegram-bot echo bot, same stand-in.

Both bots poll the Bot API stand-in (standins.telegram.server) in this process. officebot is built as in
production: `bootstrap(settings)` + `build_application(runtime)` + `on_started(...)` with its outbox
sender running and the scheduler off; the echo bot is one `Application` with one MessageHandler that
replies with the text (and the message id, so its order can be checked), `concurrent_updates(64)`.
Per scenario (database × added latency on every Bot API call) the rounds interleave echo, officebot,
echo, officebot… and each round measures two phases, all updates enqueued at once:

  /help   every person sends /help `--helps` times (300 × 2 = 600 updates);
  answers officebot: every person opened the customer form (/customer, not timed), then sends
          `--answers` free-text answers (name, address, contact: 900 updates); echo gets the same texts.

updates/s = updates / (first enqueue → the last reply accepted by the stand-in), counting the bot's
sendMessage calls per chat (one reply per update). Also printed: p50/p95 reply latency of a person's
message under the load (their update's enqueue → its reply), per-person order (echo: the echoed
message ids rise per chat; officebot: per chat, replies arrived in the order their transactions
queued them (outbox id vs Telegram message id), and each form draft holds answer k in field k),
SQL statements and commits per update (SQLAlchemy `before_cursor_execute` / `commit` events, split
by the thread that ran them: update workers, the sender's database thread, the event loop) and RSS.

The stand-in has no flood control (it never answers 429), so neither bot is slowed or penalised by
it: the echo bot sends as fast as it can, far above what Telegram allows, while officebot paces
itself (1 message/s per chat with a burst of 3, 30 messages/s overall) — that pacing, not the stand-in,
bounds officebot's replies per second. The stand-in shares this process and event loop with the bot
under test, for both bots alike. Run on demand, not in the test suite (from the worktree):

    .venv/bin/python bench/throughput.py [--db sqlite|postgres|both] [--rounds 3] [--people 300]
        [--helps 2] [--answers 3] [--latencies 0,50] [--global-rate 30]

`--global-rate` is a diagnostic: it lifts officebot's overall cap to show what the pipeline itself
does (the per-chat bucket stays); the targets are judged on the production default only.

PostgreSQL: a scratch database on OFFICEBOT_TEST_PG's server (default
postgresql+psycopg://postgres@127.0.0.1:5432/test), dropped afterwards; SQLite: a file in a temp dir.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import delete, func, select
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from bench.common import (
    TOKEN,
    SqlCounter,
    TimedStandIn,
    database,
    databases,
    percentile,
    rss_line,
    spread,
    verdict,
)
from bot import collector
from bot.bootstrap import Runtime, bootstrap
from bot.sender import RateLimiter
from bot.settings import Settings
from bot.telegram.app import build_application, on_started
from services.people import onboarding
from standins.telegram.users import FakeUser
from storage.db import make_engine, make_session_factory
from storage.models import Draft, OutboxMessage, Staff
from storage.uow import UnitOfWork

ECHO_CONCURRENCY = 64
PRODUCTION_RATE = 30.0  # bot.sender.RateLimiter's default: messages a second overall
FORM_FIELDS = ("name", "address", "contact")  # the customer form's first free-text questions
FIRST_USER = 700_000
PTBApp = Application[Any, Any, Any, Any, Any, Any]


@dataclass
class Phase:
    """One timed phase of one round."""

    updates: int
    seconds: float
    latencies: list[float]
    complete: bool
    cpu: float = 0.0  # the process's CPU seconds meanwhile (every thread: the bot, the stand-in, the database)

    @property
    def rate(self) -> float:
        return self.updates / self.seconds if self.seconds > 0 else 0.0


@dataclass
class Tally:
    """A bot's results in one phase over all rounds of a scenario."""

    rates: list[float] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    incomplete: int = 0
    order_broken: int = 0
    sql: SqlCounter = field(default_factory=SqlCounter)
    updates: int = 0
    busy: list[float] = field(default_factory=list)  # CPU seconds per wall second, per round

    def add(self, phase: Phase) -> None:
        self.rates.append(phase.rate)
        self.busy.append(phase.cpu / phase.seconds if phase.seconds > 0 else 0.0)
        self.latencies += phase.latencies
        self.incomplete += not phase.complete
        self.updates += phase.updates


# --- the two bots -----------------------------------------------------------------------------
class EchoBot:
    """A bare PTB Application: one MessageHandler replying with the text and the message id."""

    def __init__(self, standin: TimedStandIn) -> None:
        self.app: PTBApp = (ApplicationBuilder().token(TOKEN).base_url(standin.base_url)
                            .concurrent_updates(ECHO_CONCURRENCY).build())

        async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
            assert update.message is not None and update.message.text is not None
            await update.message.reply_text(f"{update.message.text} #{update.message.message_id}")

        self.app.add_handler(MessageHandler(filters.TEXT, echo))

    async def start(self) -> None:
        await self.app.initialize()
        await self.app.start()
        assert self.app.updater is not None
        await self.app.updater.start_polling(poll_interval=0.0, timeout=1)

    async def stop(self) -> None:
        assert self.app.updater is not None
        await self.app.updater.stop()
        await self.app.stop()
        await self.app.shutdown()


class OfficeBot:
    """officebot as production builds it, polling the stand-in; the scheduler off."""

    def __init__(self, standin: TimedStandIn, url: str, *, global_rate: float) -> None:
        settings = Settings(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=standin.base_url, DATABASE_URL=url,
                            OFFICEBOT_SCHEDULER=False, OFFICEBOT_LOG_LEVEL="WARNING")
        self.runtime: Runtime = bootstrap(settings)
        if global_rate != PRODUCTION_RATE:  # a diagnostic only: what the pipeline does without the overall cap
            self.runtime.limiter = RateLimiter(per_second=global_rate)
        self.app: PTBApp = build_application(self.runtime)

    async def start(self) -> None:
        await self.app.initialize()
        await on_started(self.app, self.runtime)
        await self.app.start()
        assert self.app.updater is not None
        await self.app.updater.start_polling(poll_interval=0.0, timeout=1)

    async def stop(self) -> None:
        assert self.app.updater is not None
        await self.app.updater.stop()
        await self.app.stop()
        await self.app.shutdown()
        await self.runtime.stop_background()  # post_shutdown runs only under run_polling/run_webhook
        self.runtime.dispose()


# --- people and phases ------------------------------------------------------------------------
def register_people(url: str, count: int) -> list[FakeUser]:
    """One office and `count` sales staff, each invited and bound to a Telegram id through the services."""
    engine = make_engine(url)
    factory = make_session_factory(engine)
    now = datetime.now(UTC)
    onboarding.create_office(UnitOfWork(factory), name="基准办事处", timezone="Asia/Shanghai", now=now)
    people = []
    for i in range(count):
        user = FakeUser(id=FIRST_USER + i, first_name=f"员工{i}")
        code = onboarding.invite(UnitOfWork(factory), office_name="基准办事处", roles="sales", name=user.first_name,
                                 now=now)
        result = onboarding.redeem(UnitOfWork(factory), code=code, channel="telegram", account=str(user.id), now=now)
        assert result.outcome == onboarding.RedeemOutcome.registered, result
        people.append(user)
    engine.dispose()
    return people


def answer_text(person: int, step: int, round_no: int) -> str:
    """A distinct, valid answer to the customer form's question `step` (the name must be unused)."""
    return (f"客户{round_no}-{person}", f"北京市朝阳区{person}号{round_no}", f"联系人{person}-{round_no}")[step]


async def run_phase(standin: TimedStandIn, script: list[tuple[FakeUser, str]], *, timeout: float) -> Phase:
    """Enqueue every update at once; wait until as many replies arrived (or time ran out)."""
    standin.expect(len(script))
    sent_at: dict[int, list[float]] = defaultdict(list)
    start, cpu = time.perf_counter(), time.process_time()
    for user, text in script:
        sent_at[user.id].append(time.perf_counter())
        await standin.send_text(user, text)
    try:
        await asyncio.wait_for(standin.done.wait(), timeout)
        complete = True
    except TimeoutError:
        complete = False
    arrivals = [a for chat in standin.arrived.values() for a in chat]
    last = max((a.at for a in arrivals), default=time.perf_counter())
    latencies = [arrival.at - sent for chat, times in sent_at.items()
                 for sent, arrival in zip(times, standin.arrived.get(chat, []), strict=False)]
    return Phase(len(script), last - start, latencies, complete and len(arrivals) == len(script),
                 cpu=time.process_time() - cpu)


def help_script(people: list[FakeUser], helps: int) -> list[tuple[FakeUser, str]]:
    """/help from everyone, `helps` times, interleaved (everyone's first, then everyone's second…)."""
    return [(user, "/help") for _ in range(helps) for user in people]


def answers_script(people: list[FakeUser], answers: int, round_no: int) -> list[tuple[FakeUser, str]]:
    """Everyone's form answers, interleaved by step."""
    return [(user, answer_text(i, step, round_no)) for step in range(answers) for i, user in enumerate(people)]


def echo_order_broken(standin: TimedStandIn) -> int:
    """Chats whose echoed message ids do not rise (a reply overtook an earlier one)."""
    broken = 0
    for chat in standin.arrived.values():
        ids = [int(a.text.rsplit("#", 1)[1]) for a in chat]
        broken += ids != sorted(ids)
    return broken


def outbox_order_broken(runtime: Runtime, *, after_id: int, up_to: int | None = None) -> int:
    """Chats where a later-queued reply reached Telegram before an earlier one (message ids per chat)."""
    query = select(OutboxMessage.chat_id, OutboxMessage.sent_message_id).where(
        OutboxMessage.id > after_id, OutboxMessage.kind == "send")
    if up_to is not None:
        query = query.where(OutboxMessage.id <= up_to)
    with runtime.app.uow() as uow:
        rows = uow.session.execute(query.order_by(OutboxMessage.id)).all()
    per_chat: dict[int, list[int]] = defaultdict(list)
    for chat, message_id in rows:
        per_chat[chat].append(message_id or 0)
    return sum(ids != sorted(ids) or 0 in ids for ids in per_chat.values())


def drafts_out_of_order(runtime: Runtime, people: list[FakeUser], answers: int, round_no: int) -> int:
    """People whose draft does not hold answer k in field k (an answer handled out of turn)."""
    with runtime.app.uow() as uow:
        drafts = {d.staff_id: d.answers for d in uow.session.scalars(select(Draft))}
        ids = dict(uow.session.execute(select(Staff.telegram_user_id, Staff.id)).all())
    wrong = 0
    for i, user in enumerate(people):
        got = drafts.get(ids.get(user.id, -1), {})
        wrong += any(got.get(FORM_FIELDS[s]) != answer_text(i, s, round_no) for s in range(answers))
    return wrong


def last_outbox_id(runtime: Runtime) -> int:
    """The newest outbox row's id (0 when empty)."""
    with runtime.app.uow() as uow:
        return int(uow.session.scalar(select(func.max(OutboxMessage.id))) or 0)


def clear_drafts(runtime: Runtime) -> None:
    """Set-up, not timed: nobody has a form open."""
    with runtime.app.uow() as uow:
        uow.session.execute(delete(Draft))
        uow.commit()


# --- rounds -----------------------------------------------------------------------------------
@dataclass
class Scenario:
    """Tallies per bot and phase for one database and latency."""

    results: dict[tuple[str, str], Tally] = field(default_factory=lambda: defaultdict(Tally))


async def echo_round(standin: TimedStandIn, people: list[FakeUser], args: argparse.Namespace, round_no: int,
                     scenario: Scenario) -> None:
    """One echo round: both phases."""
    bot = EchoBot(standin)
    await bot.start()
    try:
        for phase, script in (("help", help_script(people, args.helps)),
                              ("answers", answers_script(people, args.answers, round_no))):
            tally = scenario.results["echo", phase]
            tally.add(await run_phase(standin, script, timeout=args.timeout))
            tally.order_broken += echo_order_broken(standin)
    finally:
        await bot.stop()


async def office_round(standin: TimedStandIn, url: str, people: list[FakeUser], args: argparse.Namespace,
                       round_no: int, scenario: Scenario) -> None:
    """One officebot round: /help timed, /customer untimed, answers timed; order checked afterwards."""
    bot = OfficeBot(standin, url, global_rate=args.global_rate)
    await bot.start()
    runtime = bot.runtime
    marks: dict[str, int] = {}
    try:
        marks["help"] = last_outbox_id(runtime)
        with scenario.results["officebot", "help"].sql.attached(runtime.engine):
            scenario.results["officebot", "help"].add(
                await run_phase(standin, help_script(people, args.helps), timeout=args.timeout))
        clear_drafts(runtime)
        opened = await run_phase(standin, [(u, "/customer") for u in people], timeout=args.timeout)
        assert opened.complete, "not every /customer was answered"
        marks["answers"] = last_outbox_id(runtime)
        with scenario.results["officebot", "answers"].sql.attached(runtime.engine):
            scenario.results["officebot", "answers"].add(
                await run_phase(standin, answers_script(people, args.answers, round_no), timeout=args.timeout))
    finally:
        await bot.stop()
    help_tally, answers = scenario.results["officebot", "help"], scenario.results["officebot", "answers"]
    help_tally.order_broken += outbox_order_broken(runtime, after_id=marks["help"], up_to=marks["answers"])
    answers.order_broken += outbox_order_broken(runtime, after_id=marks["answers"])
    answers.order_broken += drafts_out_of_order(runtime, people, args.answers, round_no)


# --- reporting --------------------------------------------------------------------------------
def report(label: str, latency_ms: int, scenario: Scenario, *, updates: dict[str, int], rate: float) -> None:
    """Print one scenario's lines and its targets."""
    pace = "production" if rate == PRODUCTION_RATE else "DIAGNOSTIC, not production"
    print(f"\n{label}, +{latency_ms} ms per Bot API call (echo: concurrent_updates={ECHO_CONCURRENCY}; "
          f"officebot: overall pace {rate:g} msg/s, {pace})")
    for phase in ("help", "answers"):
        echo, office = scenario.results["echo", phase], scenario.results["officebot", phase]
        for name, tally in (("echo", echo), ("officebot", office)):
            lat = tally.latencies
            order = "kept" if tally.order_broken == 0 else f"BROKEN in {tally.order_broken} chats"
            print(f"  {phase:7} {name:9} updates/s min/med/max {spread(tally.rates)}; latency p50 "
                  f"{percentile(lat, 0.5) * 1000:.0f} ms p95 {percentile(lat, 0.95) * 1000:.0f} ms; order {order}; "
                  f"CPU {statistics.median(tally.busy) * 100:.0f} % of a core"
                  + (f"; {tally.incomplete} rounds INCOMPLETE" if tally.incomplete else ""))
        print(f"  {phase:7} officebot SQL per update: {office.sql.per(office.updates)}")
        ratio = statistics.median(office.rates) / statistics.median(echo.rates) if echo.rates and office.rates else 0
        print(f"  {phase:7} ratio officebot/echo (medians) {ratio:.2f} ({updates[phase]} updates a round)")
        for line in targets(label, latency_ms, phase, ratio, office):
            print(f"    {line}")
    print(f"  {rss_line()}")


def targets(label: str, latency_ms: int, phase: str, ratio: float, office: Tally) -> list[str]:
    """The issue's targets that apply to this line."""
    lines = []
    if latency_ms == 0:
        want = (0.8 if label == "SQLite" else 0.6) if phase == "help" else 0.6
        lines.append(f"{verdict(ratio >= want)} target: {phase} ≥ {want}× echo at 0 ms (got {ratio:.2f}×)")
    if latency_ms == 50:
        med = statistics.median(office.rates) if office.rates else 0.0
        ok = med >= 166 and office.order_broken == 0 and office.incomplete == 0
        lines.append(f"{verdict(ok)} target: ≥ 166 updates/s at 50 ms with per-person order kept "
                     f"(got {med:.1f}/s, order {'kept' if office.order_broken == 0 else 'broken'})")
    return lines


async def run_database(kind: str, label: str, args: argparse.Namespace) -> None:
    """All latencies and rounds on one scratch database."""
    with database(kind) as url:
        people = register_people(url, args.people)
        standin = TimedStandIn()
        await standin.start()
        for user in people:
            standin.add_user(user)
        try:
            for latency_ms in args.latencies:
                standin.latency = latency_ms / 1000
                scenario = Scenario()
                for round_no in range(args.rounds):
                    round_id = latency_ms * 100 + round_no  # keeps every round's answers distinct
                    await echo_round(standin, people, args, round_id, scenario)
                    await office_round(standin, url, people, args, round_id, scenario)
                report(label, latency_ms, scenario,
                       updates={"help": args.people * args.helps, "answers": args.people * args.answers},
                       rate=args.global_rate)
        finally:
            await standin.stop()


def main() -> None:
    """Parse the arguments and run the chosen databases."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--helps", type=int, default=2)
    parser.add_argument("--answers", type=int, default=3, choices=(1, 2, 3))
    parser.add_argument("--latencies", type=lambda s: [int(x) for x in s.split(",")], default=[0, 50],
                        help="added milliseconds per Bot API call, comma-separated")
    parser.add_argument("--global-rate", type=float, default=PRODUCTION_RATE,
                        help="diagnostic: officebot's overall messages/s cap (production: 30)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds a phase may take at most")
    parser.add_argument("--untuned-gc", action="store_true",
                        help="leave the garbage collector as CPython starts it (officebot tunes it: bot/collector.py)")
    args = parser.parse_args()
    if not args.untuned_gc:
        collector.tune()  # as `officebot run` does once it is up; the echo bot shares the process, so it too
    for kind, label in databases(args.db):
        asyncio.run(run_database(kind, label, args))


if __name__ == "__main__":
    main()
