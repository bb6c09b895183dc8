"""Engine and session factory: SQLite tuned for concurrent writers, PostgreSQL as is."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

SQLITE_BUSY_TIMEOUT_MS = 10_000
READ_ONLY = "officebot_read_only"
"""Execution option of a transaction that only reads (`UnitOfWork.reading`): on SQLite a deferred BEGIN."""


POOL_RECYCLE_SECONDS = 1800


def make_engine(url: str, *, echo: bool = False, pool_size: int = 5) -> Engine:
    """Create the engine; SQLite gets WAL, a busy timeout, foreign keys and BEGIN IMMEDIATE.

    PostgreSQL connections are recycled after half an hour instead of pinged on every checkout (a
    ping is one more round trip per transaction); a connection that died meanwhile fails one
    transaction, which the pipeline leaves in the inbox for a replay.
    """
    if not url.startswith("sqlite"):
        return create_engine(url, echo=echo, pool_size=pool_size, max_overflow=pool_size,
                             pool_recycle=POOL_RECYCLE_SECONDS, future=True)
    in_memory = url in ("sqlite://", "sqlite:///:memory:")
    kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": 10}}
    if in_memory:
        kwargs["poolclass"] = StaticPool
    engine = create_engine(url, echo=echo, future=True, **kwargs)
    _tune_sqlite(engine, wal=not in_memory)
    return engine


def _tune_sqlite(engine: Engine, *, wal: bool) -> None:
    """Take over SQLite's transaction handling so every transaction starts with BEGIN IMMEDIATE.

    pysqlite's deferred BEGIN lets two writers both read, then one fails with 'database is locked'
    on upgrade; IMMEDIATE makes the second wait on busy_timeout instead. A transaction marked READ_ONLY
    never writes, so it takes the deferred BEGIN: in WAL mode it reads beside the writer, holding no lock.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        if wal:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit (handlers render them)."""
    return sessionmaker(engine, expire_on_commit=False, future=True)
