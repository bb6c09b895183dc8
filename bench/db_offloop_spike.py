"""Spike (issue #8, item 2): database work off the event loop — a thread pool or SQLAlchemy's asyncio extension?

One unit of work is modelled on `handlers.dispatch.handle_inbound` answering a form question:
BEGIN; INSERT … ON CONFLICT DO NOTHING RETURNING into a processed-updates table; SAVEPOINT (the
handler's); SELECT the staff row by its indexed chat id joined to its office; SELECT the draft and
UPDATE its JSON answers; RELEASE; INSERT one outbox row; COMMIT — through the ORM, as the services do.
Its own small schema (200 offices, 10,000 staff, one draft each) lives in a scratch database.

Variants, each running `--units` units from C concurrent people (C = 1, 16, 64) on one asyncio loop
while a ticker sleeps 5 ms again and again and records how late it wakes (event-loop lag):
  threads W   sync SQLAlchemy (pysqlite / psycopg 3) via `loop.run_in_executor` on a ThreadPoolExecutor
              of W workers (W = 1 on SQLite, 8 and 16 on PostgreSQL) — what bot/pipeline.py does;
  asyncio W   AsyncSession on `sqlite+aiosqlite` / `postgresql+psycopg_async`, pool of W, no overflow;
  on-loop     the sync unit called directly on the loop (the old behaviour), yielding between units,
              for reference.
Rounds interleave the variants (threads, asyncio, on-loop, threads, …); each figure is printed as
median [min–max] over the rounds. Latency is per unit, from the person's call to the commit (queueing
for a worker or a connection included). Run on demand, not in the test suite (needs aiosqlite, which
is a spike-only extra, not a project dependency):

    .venv/bin/python bench/db_offloop_spike.py [--db sqlite|postgres|both] [--units 5000] [--rounds 3]
        [--people 1,16,64]

PostgreSQL: a scratch database is created on OFFICEBOT_TEST_PG's server (default
postgresql+psycopg://postgres@127.0.0.1:5432/test) and dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import JSON, BigInteger, Engine, ForeignKey, String, UniqueConstraint, event, insert, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.pool import AsyncAdaptedQueuePool

from bench.common import scratch_postgres
from storage.db import SQLITE_BUSY_TIMEOUT_MS, make_engine

ROOT = Path(__file__).resolve().parents[1]
STAFF, OFFICES = 10_000, 200
CHAT_BASE = 500_000
TICK = 0.005
WARMUP_UNITS = 200
NOW = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


class Base(DeclarativeBase):
    pass


class Office(Base):
    __tablename__ = "spike_offices"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    timezone: Mapped[str] = mapped_column(String(64))


class Staff(Base):
    __tablename__ = "spike_staff"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    office_id: Mapped[int] = mapped_column(ForeignKey("spike_offices.id"))
    chat_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    locale: Mapped[str] = mapped_column(String(16))
    reachable: Mapped[bool] = mapped_column(default=True)


class Processed(Base):
    __tablename__ = "spike_processed"
    __table_args__ = (UniqueConstraint("channel", "update_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    update_id: Mapped[int] = mapped_column(BigInteger)
    processed_at: Mapped[datetime]


class Draft(Base):
    __tablename__ = "spike_drafts"
    staff_id: Mapped[int] = mapped_column(ForeignKey("spike_staff.id"), primary_key=True)
    form: Mapped[str] = mapped_column(String(32))
    step: Mapped[str | None] = mapped_column(String(64))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime]


class Outbox(Base):
    __tablename__ = "spike_outbox"
    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("spike_staff.id"), index=True)
    chat_id: Mapped[int]
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]


STEPS = ("customer", "contact", "visit_date", "summary", "next_step", "figures")


@dataclass(frozen=True)
class Unit:
    update_id: int
    chat_id: int
    answer: str


# --- the unit of work, twice: sync (threads, on-loop) and async (AsyncSession) -------------------------


def _claim(dialect: str, unit: Unit) -> Any:
    module: Any = postgresql if dialect == "postgresql" else sqlite
    return (module.insert(Processed).values(channel="telegram", update_id=unit.update_id, processed_at=NOW)
            .on_conflict_do_nothing().returning(Processed.id))


def _who(unit: Unit) -> Any:
    return (select(Staff.id, Staff.name, Staff.locale, Office.id, Office.timezone)
            .join(Office, Staff.office_id == Office.id).where(Staff.chat_id == unit.chat_id))


def _answer(draft: Draft, unit: Unit) -> None:
    step = draft.step or STEPS[0]
    draft.answers = {**draft.answers, step: unit.answer}
    draft.step = STEPS[(STEPS.index(step) + 1) % len(STEPS)]
    draft.updated_at = NOW


def _reply(staff_id: int, unit: Unit) -> Outbox:
    return Outbox(staff_id=staff_id, chat_id=unit.chat_id, status="sending", created_at=NOW,
                  payload={"text": f"Noted: {unit.answer}. Next question?", "buttons": [["Back", "frm:back"]]})


def unit_sync(factory: sessionmaker[Session], unit: Unit) -> None:
    """One update, one transaction, on a sync session."""
    with factory() as session, session.begin():
        if session.execute(_claim(session.get_bind().dialect.name, unit)).first() is None:
            return
        with session.begin_nested():
            staff_id = session.execute(_who(unit)).one()[0]
            draft = session.get(Draft, staff_id)
            assert draft is not None
            _answer(draft, unit)
        session.add(_reply(staff_id, unit))
        session.flush()


async def unit_async(factory: async_sessionmaker[AsyncSession], unit: Unit) -> None:
    """The same unit on an AsyncSession: every statement awaited."""
    async with factory() as session, session.begin():
        if (await session.execute(_claim(session.bind.dialect.name, unit))).first() is None:
            return
        async with session.begin_nested():
            staff_id = (await session.execute(_who(unit))).one()[0]
            draft = await session.get(Draft, staff_id)
            assert draft is not None
            _answer(draft, unit)
        session.add(_reply(staff_id, unit))
        await session.flush()


# --- variants ---------------------------------------------------------------------------------------------

Call = Callable[[Unit], Awaitable[None]]


@dataclass
class Variant:
    name: str
    call: Call
    close: Callable[[], Awaitable[None]]


def threads_variant(engine: Engine, workers: int) -> Variant:
    factory = sessionmaker(engine, expire_on_commit=False)
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="unit")

    async def call(unit: Unit) -> None:
        await asyncio.get_running_loop().run_in_executor(pool, partial(unit_sync, factory, unit))

    async def close() -> None:
        pool.shutdown(wait=True)
        engine.dispose()

    return Variant(f"threads W={workers}", call, close)


def asyncio_variant(engine: AsyncEngine, workers: int) -> Variant:
    factory = async_sessionmaker(engine, expire_on_commit=False)

    async def call(unit: Unit) -> None:
        await unit_async(factory, unit)

    async def close() -> None:
        await engine.dispose()

    return Variant(f"asyncio W={workers}", call, close)


def on_loop_variant(engine: Engine) -> Variant:
    factory = sessionmaker(engine, expire_on_commit=False)

    async def call(unit: Unit) -> None:
        unit_sync(factory, unit)
        await asyncio.sleep(0)  # as if each update were its own task: the loop gets a turn between units

    async def close() -> None:
        engine.dispose()

    return Variant("on-loop", call, close)


def async_sqlite_engine(path: str) -> AsyncEngine:
    """aiosqlite with the product's SQLite tuning (WAL, busy timeout, BEGIN IMMEDIATE), one connection."""
    engine = create_async_engine(f"sqlite+aiosqlite:///{path}", poolclass=AsyncAdaptedQueuePool,
                                 pool_size=1, max_overflow=0, connect_args={"timeout": 10})

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        for pragma in ("journal_mode=WAL", f"busy_timeout={SQLITE_BUSY_TIMEOUT_MS}", "foreign_keys=ON",
                       "synchronous=NORMAL"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def sqlite_variants(path: str) -> list[list[Variant]]:
    """Groups run in this order each round: threads, asyncio, on-loop."""
    url = f"sqlite:///{path}"
    return [[threads_variant(make_engine(url), 1)], [asyncio_variant(async_sqlite_engine(path), 1)],
            [on_loop_variant(make_engine(url))]]


def postgres_variants(url: str) -> list[list[Variant]]:
    async_url = url.replace("+psycopg:", "+psycopg_async:")
    return [[threads_variant(make_engine(url, pool_size=w), w) for w in (8, 16)],
            [asyncio_variant(create_async_engine(async_url, pool_size=w, max_overflow=0), w) for w in (8, 16)],
            [on_loop_variant(make_engine(url, pool_size=1))]]


# --- schema, data, driver ---------------------------------------------------------------------------------


def populate(engine: Engine) -> None:
    Base.metadata.create_all(engine)
    per_office = STAFF // OFFICES
    with engine.begin() as conn:
        conn.execute(insert(Office), [{"id": o + 1, "name": f"办事处{o + 1:03d}",
                                       "timezone": "Asia/Urumqi" if o % 10 == 9 else "Asia/Shanghai"}
                                      for o in range(OFFICES)])
        conn.execute(insert(Staff), [{"id": s, "name": f"员工{s}", "office_id": (s - 1) // per_office + 1,
                                      "chat_id": CHAT_BASE + s, "locale": "zh_CN"} for s in range(1, STAFF + 1)])
        conn.execute(insert(Draft), [{"staff_id": s, "form": "visit", "step": None, "answers": {},
                                      "updated_at": NOW} for s in range(1, STAFF + 1)])
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")


def reset(engine: Engine) -> None:
    """Empty the tables a run fills, so every run starts from the same state."""
    with engine.begin() as conn:
        for table in (Processed.__tablename__, Outbox.__tablename__):
            if engine.dialect.name == "postgresql":
                conn.execute(text(f"TRUNCATE {table}"))
            else:
                conn.execute(text(f"DELETE FROM {table}"))


@dataclass
class Result:
    units_per_s: float
    p50_ms: float
    p95_ms: float
    lag_p50_ms: float
    lag_p99_ms: float
    lag_max_ms: float
    cpu_ms_per_unit: float


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


_next_update = iter(range(1, 10**12))


async def drive(call: Call, *, units: int, people: int) -> Result:
    """`people` tasks take units from one queue until `units` are done; a ticker measures the loop's lag."""
    lags: list[float] = []
    latencies: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        while not done.is_set():
            start = time.perf_counter()
            await asyncio.sleep(TICK)
            lags.append(time.perf_counter() - start - TICK)

    todo = iter(range(units))

    async def person(p: int) -> None:
        rng = random.Random(p)
        mine = range(p + 1, STAFF + 1, people)  # one person's updates never run concurrently (bot/ordering.py)
        for i in todo:
            unit = Unit(next(_next_update), CHAT_BASE + rng.choice(mine), f"answer {i}")
            start = time.perf_counter()
            await call(unit)
            latencies.append(time.perf_counter() - start)

    tick = asyncio.create_task(ticker())
    await asyncio.sleep(TICK * 2)
    cpu, start = time.process_time(), time.perf_counter()
    await asyncio.gather(*(person(p) for p in range(people)))
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    done.set()
    await tick
    return Result(units / wall, pct(latencies, 0.5) * 1000, pct(latencies, 0.95) * 1000, pct(lags, 0.5) * 1000,
                  pct(lags, 0.99) * 1000, max(lags) * 1000, cpu / units * 1000)


@dataclass
class Table:
    results: dict[tuple[int, str], list[Result]] = field(default_factory=dict)

    def add(self, people: int, variant: str, result: Result) -> None:
        self.results.setdefault((people, variant), []).append(result)

    def print(self, label: str) -> None:
        print(f"\n{label}: median [min–max] over {len(next(iter(self.results.values())))} rounds")
        print(f"  {'C':>3} {'variant':<12} {'units/s':>20} {'p50 ms':>18} {'p95 ms':>18} "
              f"{'lag p50 ms':>16} {'lag p99 ms':>18} {'lag max ms':>18} {'cpu ms/unit':>17}")
        for (people, variant), runs in self.results.items():
            cells = [fmt([getattr(r, name) for r in runs], width, digits) for name, width, digits in
                     (("units_per_s", 20, 0), ("p50_ms", 18, 1), ("p95_ms", 18, 1), ("lag_p50_ms", 16, 2),
                      ("lag_p99_ms", 18, 1), ("lag_max_ms", 18, 1), ("cpu_ms_per_unit", 17, 2))]
            print(f"  {people:>3} {variant:<12} " + " ".join(cells))


def fmt(values: list[float], width: int, digits: int) -> str:
    return f"{statistics.median(values):.{digits}f} [{min(values):.{digits}f}–{max(values):.{digits}f}]".rjust(width)


async def bench(label: str, admin: Engine, groups: list[list[Variant]], *, units: int, rounds: int,
                people: list[int]) -> None:
    table = Table()
    try:
        for variant in (v for group in groups for v in group):  # connections opened, threads started, plans cached
            reset(admin)
            await drive(variant.call, units=WARMUP_UNITS, people=16)
        for round_no in range(rounds):
            for c in people:
                # interleave threads, asyncio, on-loop so drift in the machine's load hits them alike
                for variant in (v for group in groups for v in group):
                    reset(admin)
                    result = await drive(variant.call, units=units, people=c)
                    table.add(c, variant.name, result)
                    print(f"  [{label} round {round_no + 1} C={c:>2} {variant.name:<12}] {result.units_per_s:6.0f}"
                          f" units/s, p50 {result.p50_ms:6.1f} ms, lag p99 {result.lag_p99_ms:5.1f} ms", flush=True)
    finally:
        for variant in (v for group in groups for v in group):
            await variant.close()
    table.print(label)


def code_shape() -> None:
    """What the asyncio extension would touch: every unit-of-work block and every function taking one."""
    services = sorted((ROOT / "services").rglob("*.py"))
    blocks = sum(len(re.findall(r"^\s*with uow\b.*:", f.read_text(), re.M)) for f in services)
    takers = sum(len(re.findall(r"^def \w+\(\s*uow: UnitOfWork", f.read_text(), re.M)) for f in services)
    calls = sum(len(re.findall(r"\b(session\.(execute|scalars?|get|flush)|\.flush\(\))", f.read_text()))
                for f in [*services, *(ROOT / "storage").rglob("*.py")])
    print(f"\nCode shape: services/ has {blocks} `with uow:` blocks in {takers} functions taking a UnitOfWork; "
          f"services/ + storage/ make {calls} session calls that would each need an `await`.")




def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--units", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--people", default="1,16,64", help="comma-separated concurrency levels")
    args = parser.parse_args()
    people = [int(c) for c in args.people.split(",")]
    print(f"{args.units:,} units per run, C = {people}, {args.rounds} rounds, {os.cpu_count()} cores, "
          f"Python {sys.version.split()[0]}")
    if args.db in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as folder:
            path = f"{folder}/spike.sqlite3"
            admin = make_engine(f"sqlite:///{path}")
            populate(admin)
            asyncio.run(bench("SQLite", admin, sqlite_variants(path), units=args.units, rounds=args.rounds,
                              people=people))
            admin.dispose()
    if args.db in ("postgres", "both"):
        with scratch_postgres() as url:
            admin = make_engine(url, pool_size=1)
            populate(admin)
            asyncio.run(bench("PostgreSQL", admin, postgres_variants(url), units=args.units, rounds=args.rounds,
                              people=people))
            admin.dispose()
    code_shape()


if __name__ == "__main__":
    main()
