"""Shared fixtures: a migrated database on SQLite or the real PostgreSQL, and a controllable clock."""

from __future__ import annotations

import asyncio
import functools
import os
import shutil
import sqlite3
import ssl
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from bot import collector
from storage.db import make_engine, make_session_factory
from storage.migrate import upgrade
from storage.models import Base
from storage.uow import UnitOfWork

PG_ADMIN_URL = os.environ.get("OFFICEBOT_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


_load_trust_store = ssl.create_default_context


@functools.cache
def _trust_store(cafile: Any) -> ssl.SSLContext:
    """certifi's CA bundle, parsed once per worker."""
    return _load_trust_store(cafile=cafile)


def _create_default_context(purpose: ssl.Purpose = ssl.Purpose.SERVER_AUTH, *, cafile: Any = None,
                            capath: Any = None, cadata: Any = None) -> ssl.SSLContext:
    """`ssl.create_default_context`, sharing the context when only a CA file is named (what httpx does).

    Every httpx client parses certifi's 150 certificates (40 ms), and every PTB Application builds two
    clients: that was a fifth of an e2e test's CPU. The stand-ins speak plain HTTP, so no test ever
    uses these contexts for a handshake; sharing one changes nothing but the time.
    """
    if purpose is ssl.Purpose.SERVER_AUTH and cafile is not None and capath is None and cadata is None:
        return _trust_store(cafile)
    return _load_trust_store(purpose, cafile=cafile, capath=capath, cadata=cadata)


ssl.create_default_context = _create_default_context


class _StuckTaskReporter:
    """After `faulthandler_timeout` seconds in one test, print every pending asyncio task's stack.

    faulthandler shows threads only: a test stuck in an await shows just the event loop's select(),
    which is how the parallel hang of issue #13 stayed unexplained. The tasks say what is awaited.
    """

    def __init__(self, after: float) -> None:
        self.after, self.current, self.started = after, "", 0.0
        threading.Thread(target=self._watch, name="stuck-task-reporter", daemon=True).start()

    def _watch(self) -> None:
        reported = ""
        while True:
            time.sleep(1.0)
            current = self.current
            if current and current != reported and time.monotonic() - self.started > self.after:
                reported = current
                self._report(current)

    def _report(self, test: str) -> None:
        out = sys.__stderr__
        assert out is not None
        print(f"\n=== {test} still running after {self.after:.0f} s; pending asyncio tasks:", file=out)
        for task in list(getattr(asyncio.tasks, "_all_tasks", ())):  # every loop's tasks (Python 3.11)
            if not task.done():
                print(f"--- {task!r}", file=out)
                task.print_stack(file=out)
        out.flush()


def pytest_configure(config: pytest.Config) -> None:
    """Start the stuck-task reporter when a stuck test dumps stacks (faulthandler_timeout)."""
    after = float(config.getini("faulthandler_timeout") or 0)
    if after > 0:
        config.stash[_REPORTER] = _StuckTaskReporter(after)


_REPORTER = pytest.StashKey[_StuckTaskReporter]()


def pytest_collection_finish(session: pytest.Session) -> None:
    """The collector tuned as a bot process tunes it after start-up (bot/collector.py): what collection
    built (every module, class and test item) is frozen, else every young-generation pass walked it too,
    a tenth of an e2e script's time."""
    collector.tune()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Iterator[None]:
    """Tell the reporter which test runs since when."""
    reporter = item.config.stash.get(_REPORTER, None)
    if reporter is not None:
        reporter.current, reporter.started = item.nodeid, time.monotonic()
    try:
        return (yield)
    finally:
        if reporter is not None:
            reporter.current = ""


class FakeClock:
    """A clock tests move by hand; always aware UTC."""

    def __init__(self, start: datetime) -> None:
        self.current = start.astimezone(UTC)

    def __call__(self) -> datetime:
        """Now, as the code under test sees it."""
        return self.current

    def set(self, moment: datetime) -> None:
        """Jump to `moment`."""
        self.current = moment.astimezone(UTC)

    def advance(self, **delta: float) -> None:
        """Move forward by a timedelta's keyword arguments."""
        self.current += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    """Tuesday 2026-11-24 10:00 in Shanghai (02:00 UTC)."""
    return FakeClock(datetime(2026, 11, 24, 2, 0, tzinfo=UTC))


def _pg_available() -> bool:
    """Whether the PostgreSQL server answers (CI starts it; .ci/run fails loudly if it cannot)."""
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL.replace("+psycopg", ""), connect_timeout=3):
            return True
    except Exception:
        return False


def _pg_admin(sql: str) -> None:
    """Run one statement on the admin database (CREATE/DROP DATABASE cannot run in a transaction)."""
    import psycopg

    with psycopg.connect(PG_ADMIN_URL.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(sql)


def _pg_url(name: str) -> str:
    """The URL of database `name` on the test server."""
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def _create_pg_database() -> str:
    """A new empty database on the real server, named for this run and xdist worker (runs may overlap).

    Commits do not wait for the WAL flush there: a test database need not survive a power cut, and
    the flush is most of what a commit costs on this machine. Visibility and locking are unchanged.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"officebot_t_{worker}_{uuid.uuid4().hex[:12]}"
    _pg_admin(f'CREATE DATABASE "{name}"')
    _pg_admin(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    return _pg_url(name)


def _drop_pg_database(url: str) -> None:
    """Drop a test database, closing whatever still holds it."""
    _pg_admin(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


@functools.cache
def _pg_reachable() -> bool:
    """Asked once per worker: a down server stays down for the run."""
    return _pg_available()


def _require_pg() -> None:
    """Skip (locally) or fail (in CI) when the server is not there."""
    if not _pg_reachable():
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not reachable on 127.0.0.1:5432; .ci/run should have started it")
        pytest.skip("PostgreSQL is not running")


BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]

STORAGE = Path(__file__).parent / "storage"


def pytest_addoption(parser: pytest.Parser) -> None:
    """`--all-backends`: every database test on PostgreSQL too (CI runs it so)."""
    parser.addoption("--all-backends", action="store_true",
                     help="run every database test on PostgreSQL as well as on SQLite (CI does)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Database tests run on SQLite; on PostgreSQL too the storage, claim and concurrency tests (tests/storage
    and those marked `both_databases`) and the e2e scripts marked `wire` (or all: --all-backends, as CI does).

    What differs between the databases lies in storage and the pipeline (claims, locks, one writer,
    dialect statements): those tests run on both, and so does one e2e script per feature, end to end over
    HTTP, with the pipeline, crash, delivery and webhook scripts. The other e2e scripts hand the Bot API
    calls to the stand-in in process (tests/e2e/harness.py): the same Application, handlers, pipeline and
    sender, a fraction of the time (a `wire` script's SQLite run too: HTTP is PostgreSQL's run's job,
    tests/e2e/conftest.py). Before landing, `scripts/test --all-backends` runs every one on both.

    Tests marked `long` (seconds each: processes of their own, whole months walked) go first, so that
    no worker is left running one alone while the others have finished.
    """
    items.sort(key=lambda item: item.get_closest_marker("long") is None)  # stable: the rest keep their order
    if config.getoption("--all-backends"):
        return
    kept: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        params = getattr(item, "callspec", None)
        on_postgres = params is not None and "postgres" in (params.params.get("migrated_url"),
                                                            params.params.get("database_url"))
        both = (STORAGE in Path(str(item.path)).parents or item.get_closest_marker("wire") is not None
                or item.get_closest_marker("both_databases") is not None)
        (dropped if on_postgres and not both else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database URL: a SQLite file, or a new database on the real PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/officebot.sqlite3"
        return
    _require_pg()
    url = _create_pg_database()
    yield url
    _drop_pg_database(url)


class MigratedPostgres:
    """One migrated database per worker, emptied after each test instead of created and dropped.

    CREATE DATABASE and DROP DATABASE cost a checkpoint and about a quarter of a second each; emptying
    the tables costs one round trip. After a test, whoever is still connected is disconnected (as
    DROP ... WITH (FORCE) did), every table is emptied child-first and every sequence restarted, so the
    next test sees what a fresh copy of the migrated schema would show, ids from 1 included.
    """

    def __init__(self) -> None:
        self.url = _create_pg_database()
        upgrade(self.url)
        self._reset_sql = self._build_reset_sql()
        self._keeper: Any = None

    def _build_reset_sql(self) -> str:
        """DELETE every table (children before parents) and restart every sequence, as one script."""
        engine = make_engine(self.url)
        try:
            tables = [t for t in Base.metadata.sorted_tables if t.name != "alembic_version"]
            with engine.connect() as conn:
                sequences = conn.exec_driver_sql(
                    "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'").scalars().all()
                present = set(conn.exec_driver_sql(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'").scalars().all())
        finally:
            engine.dispose()
        assert present - {"alembic_version"} == {t.name for t in tables}, "models and migration disagree"
        statements = [
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()",
            *(f'DELETE FROM "{t.name}"' for t in reversed(tables)),
            # setval, not ALTER SEQUENCE ... RESTART: the same next value without a DDL statement's lock and
            # catalogue work per sequence (35 of the reset's 45 ms)
            "SELECT " + ", ".join(f"setval('public.\"{name}\"', 1, false)" for name in sequences),
        ]  # sent as one simple query: PostgreSQL runs it as one transaction
        return ";\n".join(statements)

    def reset(self) -> None:
        """Disconnect the test's leftovers and empty the database for the next test."""
        import psycopg

        if self._keeper is None or self._keeper.closed:  # one connection for the worker's resets
            self._keeper = psycopg.connect(self.url.replace("+psycopg", ""), autocommit=True)
        self._keeper.execute(self._reset_sql)

    def drop(self) -> None:
        """Gone at the end of the run."""
        if self._keeper is not None:
            self._keeper.close()
        _drop_pg_database(self.url)


class WorkerEngines:
    """One engine per database URL for the whole worker, as production has one per process.

    SQLAlchemy caches compiled statements per engine: when every test's bootstrap built a new engine,
    every statement was compiled again in every test (a tenth of an e2e script's time). `bootstrap`
    gets the worker's engine for the URL instead; before a database is emptied its engine's pool is
    closed (`dispose` keeps the engine and its cache), so no connection outlives the rows it saw. A
    restarted bot (`BotHarness.restart`) gets the same engine with its pool closed by the first one's
    `Runtime.dispose`: every connection and everything else in memory is new. Two instances at once in one
    test take their own engines (the `engines` fixture, or processes of their own).
    """

    def __init__(self, make: Any) -> None:
        self._make = make
        self._engines: dict[str, Engine] = {}

    def get(self, url: str, **kwargs: Any) -> Engine:
        """The worker's engine for `url` (built on first use with `kwargs`)."""
        if url not in self._engines:
            self._engines[url] = self._make(url, **kwargs)
        return self._engines[url]

    def close(self, url: str) -> None:
        """Close the pooled connections to `url` (the engine stays, its statement cache too)."""
        engine = self._engines.get(url)
        if engine is not None:
            engine.dispose()


class MigratedSqlite:
    """One migrated SQLite file per worker, emptied after each test (as MigratedPostgres is).

    A stable file lets the worker keep one engine for it (WorkerEngines); emptying the tables costs less
    than copying a file. Whatever else a test left in the folder (the sandbox's history) is removed.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.file = folder / "officebot.sqlite3"
        self.url = f"sqlite:///{self.file}"
        upgrade(self.url)
        tables = [t.name for t in reversed(Base.metadata.sorted_tables) if t.name != "alembic_version"]
        # no AUTOINCREMENT table, so no sqlite_sequence: an emptied table numbers its rows from 1 again
        self._reset_sql = ";\n".join(["BEGIN", *(f'DELETE FROM "{t}"' for t in tables), "COMMIT"])
        # Held open for the worker's life, outside any transaction: when a test's engine closes its
        # connections this one is left, so SQLite does not checkpoint the WAL into the file and delete it
        # on every last close (most of what emptying cost); the WAL checkpoints itself as it grows.
        self._keeper = sqlite3.connect(self.file, isolation_level=None, check_same_thread=False)
        self._keeper.execute("PRAGMA foreign_keys=OFF")

    def reset(self) -> None:
        """Empty every table, restart the ids and clear the folder for the next test."""
        for extra in self.folder.iterdir():
            if not extra.name.startswith(self.file.name):
                shutil.rmtree(extra) if extra.is_dir() else extra.unlink()
        self._keeper.executescript(self._reset_sql)


@pytest.fixture(scope="session")
def worker_engines() -> Iterator[WorkerEngines]:
    """`bootstrap` takes the worker's engine per URL (see WorkerEngines)."""
    import bot.bootstrap

    shared = WorkerEngines(bot.bootstrap.make_engine)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bot.bootstrap, "make_engine", shared.get)
        yield shared


@pytest.fixture(scope="session")
def migrated_databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Migrations applied once per worker: the SQLite file and (on first use) the PostgreSQL database."""
    databases: dict[str, Any] = {"sqlite": MigratedSqlite(tmp_path_factory.mktemp("sqlite"))}
    yield databases
    if "postgres" in databases:
        databases["postgres"].drop()


@pytest.fixture(params=BACKENDS)
def migrated_url(request: pytest.FixtureRequest, migrated_databases: dict[str, Any],
                 worker_engines: WorkerEngines) -> Iterator[str]:
    """A database with every migration applied and no rows: the worker's SQLite file or PostgreSQL database."""
    if request.param == "postgres":
        _require_pg()
        if "postgres" not in migrated_databases:
            migrated_databases["postgres"] = MigratedPostgres()
    database: MigratedSqlite | MigratedPostgres = migrated_databases[request.param]
    yield database.url
    worker_engines.close(database.url)
    database.reset()


@pytest.fixture
def uow_factory(migrated_url: str) -> Iterator[object]:
    """A factory of units of work on the migrated database."""
    engine = make_engine(migrated_url)
    factory = make_session_factory(engine)
    yield lambda: UnitOfWork(factory)
    engine.dispose()


@pytest.fixture
def engines(migrated_url: str) -> Iterator[list[Engine]]:
    """Two engines on one database, as two bot instances would have."""
    pair = [make_engine(migrated_url), make_engine(migrated_url)]
    yield pair
    for engine in pair:
        engine.dispose()
