"""A unit of work that only reads (`UnitOfWork.reading`) never waits for a writer nor holds one up.

The outbox poll asks "anything due?" many times a second and nearly always hears "no"; as an ordinary
transaction it took SQLite's write lock (BEGIN IMMEDIATE) each time, queueing behind every handler's
write and holding the next one up.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import event, func, select, text

from storage.db import make_engine, make_session_factory
from storage.models import Office, OutboxMessage
from storage.uow import UnitOfWork


def test_a_reading_unit_reads_while_a_writer_holds_the_database(migrated_url: str) -> None:
    engine = make_engine(migrated_url)
    writer = UnitOfWork(make_session_factory(engine))

    def count_in_another_thread() -> tuple[int | None, float]:  # a thread of its own, as the sender's
        started = time.monotonic()
        with writer.reading() as reader:
            found = reader.session.scalar(select(func.count()).select_from(OutboxMessage))
        return found, time.monotonic() - started

    try:
        with writer, ThreadPoolExecutor(1) as other:
            writer.session.execute(text("UPDATE staff SET name = name"))  # SQLite: the write lock is held
            found, waited = other.submit(count_in_another_thread).result(timeout=30)
            writer.commit()
        assert found == 0
        assert waited < 5, f"the reader waited {waited:.1f} s for the writer (the busy timeout)"
    finally:
        engine.dispose()


def test_a_reading_unit_inside_an_open_transaction_sees_its_writes_and_adds_no_savepoint(migrated_url: str) -> None:
    engine = make_engine(migrated_url)
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda _c, _cu, sql, *_a: statements.append(sql))
    try:
        writer = UnitOfWork(make_session_factory(engine))
        with writer:
            writer.session.add(Office(name="上海办事处", timezone="Asia/Shanghai"))
            writer.session.flush()
            with writer.reading() as reader:
                assert reader.session is writer.session
                assert reader.session.scalar(select(func.count()).select_from(Office)) == 1
            assert not any("SAVEPOINT" in s.upper() for s in statements)
            writer.commit()
    finally:
        engine.dispose()
