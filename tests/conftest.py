"""Shared fixtures: a migrated database on SQLite or the real PostgreSQL, and a controllable clock."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from storage.db import make_engine, make_session_factory
from storage.migrate import upgrade
from storage.uow import UnitOfWork

PG_ADMIN_URL = os.environ.get("OFFICEBOT_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


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


def _create_pg_database() -> str:
    """A fresh, empty database for one test, on the real server."""
    import psycopg

    name = f"officebot_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def _drop_pg_database(url: str) -> None:
    """Drop a test database, closing whatever still holds it."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN_URL.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[str]:
    """An empty database URL: a SQLite file, or a new database on the real PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/officebot.sqlite3"
        return
    if not _pg_available():
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not reachable on 127.0.0.1:5432; .ci/run should have started it")
        pytest.skip("PostgreSQL is not running")
    url = _create_pg_database()
    yield url
    _drop_pg_database(url)


@pytest.fixture
def migrated_url(database_url: str) -> str:
    """The database with every migration applied."""
    upgrade(database_url)
    return database_url


@pytest.fixture
def uow_factory(migrated_url: str) -> Iterator[object]:
    """A factory of units of work on the migrated database."""
    engine = make_engine(migrated_url)
    factory = make_session_factory(engine)
    yield lambda: UnitOfWork(factory)
    engine.dispose()
