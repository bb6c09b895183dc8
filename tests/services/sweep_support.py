"""Running a sweep as two bot instances at once, and counting what it queued."""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy import Engine, func, select

from storage.db import make_session_factory
from storage.models import OutboxMessage, ReminderSent
from storage.uow import UnitOfWork

Sweep = Callable[[Callable[[], UnitOfWork]], object]


def run_twice_at_once(engines: list[Engine], sweep: Sweep, rounds: int = 3) -> None:
    """Both instances run `sweep` together, `rounds` times, released by a barrier each time."""
    barrier, errors = threading.Barrier(len(engines)), []

    def instance(engine: Engine) -> None:
        factory = make_session_factory(engine)
        try:
            for _ in range(rounds):
                barrier.wait()
                sweep(lambda: UnitOfWork(factory))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=instance, args=(engine,)) for engine in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []


def counts(uow_factory: Callable[[], UnitOfWork]) -> tuple[int, int]:
    """(outbox rows, reminder keys)."""
    with uow_factory() as uow:
        return (uow.session.scalar(select(func.count(OutboxMessage.id))) or 0,
                uow.session.scalar(select(func.count()).select_from(ReminderSent)) or 0)
