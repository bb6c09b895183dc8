"""Thousands of rows at once (storage/bulk.py): on PostgreSQL by COPY, elsewhere by executemany; the same rows.

Claims stay race-safe (only the keys this call inserted come back) and every value arrives as an INSERT
would write it: aware UTC times, JSON payloads, bytes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import event, select

from services.messaging import outbox
from services.messaging.messages import OutMessage
from storage import bulk
from storage.claims import insert_ignore_returning
from storage.db import make_engine, make_session_factory
from storage.models import Office, OutboxMessage, ReminderSent, Staff
from storage.uow import UnitOfWork

NOW = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)


def test_many_claims_return_only_the_new_keys_and_keep_their_values(migrated_url: str) -> None:
    engine = make_engine(migrated_url)
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda _c, _cu, sql, *_a: statements.append(sql))
    try:
        uow = UnitOfWork(make_session_factory(engine))
        rows = [{"key": f"rep:{i}", "staff_id": None, "sent_at": NOW + timedelta(seconds=i)} for i in range(300)]
        with uow:
            assert insert_ignore_returning(uow.session, ReminderSent, rows[:50], key="key") == {
                f"rep:{i}" for i in range(50)}  # below COPY_FROM: an ordinary INSERT
            uow.commit()
        statements.clear()
        with uow:
            won = insert_ignore_returning(uow.session, ReminderSent, rows, key="key")
            again = insert_ignore_returning(uow.session, ReminderSent, rows, key="key")  # same transaction
            uow.commit()
        assert won == {f"rep:{i}" for i in range(50, 300)} and again == set()
        if migrated_url.startswith("postgresql"):  # CREATE, INSERT … SELECT, DROP (+ the COPY, on the driver's cursor)
            assert len([s for s in statements if "INSERT INTO" in s]) == 2 and len(statements) == 6
        with uow:
            stored = {key: at for key, at in uow.session.execute(select(ReminderSent.key, ReminderSent.sent_at))}
        assert len(stored) == 300 and stored["rep:299"] == NOW + timedelta(seconds=299)
        assert stored["rep:299"].tzinfo is not None
    finally:
        engine.dispose()


def test_many_outbox_rows_arrive_as_inserts_would_write_them(migrated_url: str) -> None:
    engine = make_engine(migrated_url)
    try:
        uow = UnitOfWork(make_session_factory(engine))
        with uow:
            office = Office(name="上海办事处", timezone="Asia/Shanghai")
            uow.session.add(office)
            uow.session.flush()
            people = [Staff(name=f"员工{i}", office_id=office.id, telegram_user_id=9000 + i)
                      for i in range(bulk.COPY_FROM)]
            uow.session.add_all(people)
            uow.session.flush()
            messages = [(p.id, OutMessage(f"提醒 {p.name}：请提交周报")) for p in people]
            outbox.enqueue_all(uow.session, messages, now=NOW)
            uow.commit()
        with uow:
            rows = uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
            assert len(rows) == bulk.COPY_FROM
            last = rows[-1]
            assert (last.staff_id, last.status, last.priority, last.attempts) == (people[-1].id, "pending", 1, 0)
            assert OutMessage.from_dict(last.payload).text == f"提醒 员工{bulk.COPY_FROM - 1}：请提交周报"
            assert last.not_before == NOW and last.created_at == NOW and last.file_data is None
    finally:
        engine.dispose()
