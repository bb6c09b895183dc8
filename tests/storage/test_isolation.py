"""Every test starts on what a fresh migrated database would show: no rows, ids from 1 (tests/conftest.py)."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from services.people import onboarding
from storage.db import make_engine, make_session_factory
from storage.models import Office
from storage.uow import UnitOfWork


def _offices(url: str, *names: str) -> tuple[int, list[int]]:
    """How many offices there are, then the ids of `names` created now."""
    engine = make_engine(url)
    try:
        uow = UnitOfWork(make_session_factory(engine))
        with uow:
            before = uow.session.scalar(select(func.count()).select_from(Office)) or 0
        ids = [onboarding.create_office(uow, name=name, timezone="Asia/Shanghai", now=datetime.now(UTC))
               for name in names]
        return before, ids
    finally:
        engine.dispose()


def test_an_emptied_database_has_no_rows_and_numbers_them_from_1(migrated_url: str, migrated_databases: dict[str, Any],
                                                                  worker_engines: Any) -> None:
    assert _offices(migrated_url, "上海办事处", "北京办事处") == (0, [1, 2])
    database = migrated_databases["postgres" if migrated_url.startswith("postgresql") else "sqlite"]
    worker_engines.close(migrated_url)
    database.reset()
    assert _offices(migrated_url, "广州办事处") == (0, [1])
