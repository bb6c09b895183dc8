"""What the Bot API benchmarks share: scratch databases, a timed stand-in, SQL counting, statistics.

Not a benchmark itself; bench/throughput.py and bench/outbound.py import it (run from the worktree).
"""

from __future__ import annotations

import asyncio
import os
import resource
import statistics
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

from standins.telegram.params import Params
from standins.telegram.server import BotApiStandIn
from standins.telegram.state import Handler

PG_ADMIN_URL = os.environ.get("OFFICEBOT_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TOKEN = "123456:BENCH-abcdefgh"


@dataclass(frozen=True)
class Arrival:
    """One sendMessage as the stand-in accepted it."""

    at: float  # time.perf_counter()
    text: str
    message_id: int


class TimedStandIn(BotApiStandIn):
    """The Bot API stand-in, noting when each sendMessage was accepted, per chat.

    The time is taken after the added latency and the stand-in's own handling, i.e. when the message
    would be in the chat. `expect(n)` arms `done`, set once n sendMessage calls arrived after it.
    """

    def __init__(self, *, latency: float = 0.0) -> None:
        super().__init__(token=TOKEN, latency=latency)
        self.arrived: dict[int, list[Arrival]] = defaultdict(list)
        self.count = 0
        self._target = 0
        self.done = asyncio.Event()

    def expect(self, count: int) -> None:
        """Forget earlier arrivals; `done` is set when `count` new sendMessage calls have arrived."""
        self.arrived = defaultdict(list)
        self.count, self._target = 0, count
        self.done.clear()
        if count == 0:
            self.done.set()

    async def _call(self, name: str, handler: Handler, params: Params) -> Any:
        result = await super()._call(name, handler, params)
        if name == "sendMessage":
            self.arrived[result["chat"]["id"]].append(Arrival(time.perf_counter(), result.get("text", ""),
                                                              result["message_id"]))
            self.count += 1
            if self.count >= self._target:
                self.done.set()
        return result


class SqlCounter:
    """Counts statements (per thread kind) and commits on an engine while attached."""

    def __init__(self) -> None:
        self.statements: Counter[str] = Counter()
        self.commits: Counter[str] = Counter()

    @staticmethod
    def _where() -> str:
        name = threading.current_thread().name
        if name.startswith("update"):
            return "update workers"
        if name.startswith("outbox-db"):
            return "sender"
        return "event loop" if name == "MainThread" else name

    def _statement(self, *_args: Any) -> None:
        self.statements[self._where()] += 1

    def _commit(self, *_args: Any) -> None:
        self.commits[self._where()] += 1

    @contextmanager
    def attached(self, engine: Engine) -> Iterator[SqlCounter]:
        """Count while inside the block."""
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._commit)
        try:
            yield self
        finally:
            event.remove(engine, "before_cursor_execute", self._statement)
            event.remove(engine, "commit", self._commit)

    def per(self, units: int) -> str:
        """Statements and commits per unit (update, message), split by the thread that ran them."""
        if units <= 0:
            return "n/a"
        total_s, total_c = sum(self.statements.values()), sum(self.commits.values())
        split = ", ".join(f"{where} {n / units:.2f}/{self.commits[where] / units:.2f}"
                          for where, n in sorted(self.statements.items()))
        return f"{total_s / units:.2f} statements, {total_c / units:.2f} commits ({split})"


@contextmanager
def scratch_postgres() -> Iterator[str]:
    """A fresh PostgreSQL database, dropped afterwards."""
    import psycopg

    admin = PG_ADMIN_URL.replace("+psycopg", "")
    name = f"officebot_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def database(kind: str) -> Iterator[str]:
    """A migrated scratch database URL: an SQLite file in a temp dir, or a PostgreSQL database."""
    from storage.migrate import upgrade

    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
            upgrade(url)
            yield url
        return
    with scratch_postgres() as url:
        upgrade(url)
        yield url


def databases(choice: str) -> list[tuple[str, str]]:
    """(kind, label) pairs for --db sqlite|postgres|both."""
    pairs = [("sqlite", "SQLite"), ("postgres", "PostgreSQL")]
    return [p for p in pairs if choice in (p[0], "both")]


def percentile(values: list[float], share: float) -> float:
    """The `share` quantile (0..1) by nearest rank; nan for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def spread(values: list[float]) -> str:
    """min / median / max."""
    if not values:
        return "n/a"
    return f"{min(values):.1f} / {statistics.median(values):.1f} / {max(values):.1f}"


def rss_line() -> str:
    """The process's resident memory now and its peak (resource.getrusage), in MB."""
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        now_mb = pages * os.sysconf("SC_PAGE_SIZE") / 2**20
        return f"RSS {now_mb:.0f} MB now, {peak_mb:.0f} MB peak (process)"
    except (OSError, ValueError):
        return f"RSS peak {peak_mb:.0f} MB (process)"


def verdict(ok: bool) -> str:
    """PASS or MISS."""
    return "PASS" if ok else "MISS"
