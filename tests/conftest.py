"""Shared fixtures: a migrated database on SQLite or the real PostgreSQL, and a controllable clock."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

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


def _pg_admin(sql: str) -> None:
    """Run one statement on the admin database (CREATE/DROP DATABASE cannot run in a transaction)."""
    import psycopg

    with psycopg.connect(PG_ADMIN_URL.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def _pg_url(name: str) -> str:
    """The URL of database `name` on the test server."""
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def _create_pg_database(template: str | None = None) -> str:
    """A fresh database for one test on the real server, empty or copied from a migrated template."""
    name = f"officebot_t_{uuid.uuid4().hex[:12]}"
    _pg_admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return _pg_url(name)


def _drop_pg_database(url: str) -> None:
    """Drop a test database, closing whatever still holds it."""
    _pg_admin(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def _require_pg() -> None:
    """Skip (locally) or fail (in CI) when the server is not there."""
    if not _pg_available():
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not reachable on 127.0.0.1:5432; .ci/run should have started it")
        pytest.skip("PostgreSQL is not running")


BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


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


@pytest.fixture(scope="session")
def migrated_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Migrations applied once per run: a SQLite file and a PostgreSQL template database to copy."""
    templates: dict[str, str] = {}
    sqlite_file = tmp_path_factory.mktemp("template") / "template.sqlite3"
    upgrade(f"sqlite:///{sqlite_file}")
    templates["sqlite"] = str(sqlite_file)
    yield templates
    if "postgres" in templates:
        _pg_admin(f'DROP DATABASE IF EXISTS "{templates["postgres"]}" WITH (FORCE)')


def _pg_template(templates: dict[str, str]) -> str:
    """Build the PostgreSQL template on first use (the engine is disposed so it can be copied)."""
    if "postgres" not in templates:
        url = _create_pg_database()
        upgrade(url)
        templates["postgres"] = url.rsplit("/", 1)[1]
    return templates["postgres"]


@pytest.fixture(params=BACKENDS)
def migrated_url(request: pytest.FixtureRequest, tmp_path: Path, migrated_templates: dict[str, str]) -> Iterator[str]:
    """A database with every migration applied, copied from the run's template (fast)."""
    if request.param == "sqlite":
        target = tmp_path / "officebot.sqlite3"
        shutil.copyfile(migrated_templates["sqlite"], target)
        yield f"sqlite:///{target}"
        return
    _require_pg()
    url = _create_pg_database(template=_pg_template(migrated_templates))
    yield url
    _drop_pg_database(url)


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
