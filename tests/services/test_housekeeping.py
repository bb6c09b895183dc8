"""Pruning keeps the dedupe tables small without letting a recent update be handled twice."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from services.messaging import inbox, updates
from storage.models import InboxUpdate, ProcessedUpdate
from storage.uow import UnitOfWork

pytestmark = pytest.mark.both_databases  # storage and claims: on PostgreSQL too (tests/conftest.py)

NOW = datetime(2026, 12, 2, 4, 0, tzinfo=UTC)


def claim(uow_factory: Callable[[], UnitOfWork], update_id: int, now: datetime) -> bool:
    with uow_factory() as uow:
        won = updates.claim_update(uow.session, channel="telegram", update_id=update_id, now=now)
        uow.commit()
        return won


def test_prune_forgets_old_ids_and_keeps_recent_dedupe(uow_factory: Callable[[], UnitOfWork]) -> None:
    assert claim(uow_factory, 1, NOW - timedelta(days=8))
    assert claim(uow_factory, 2, NOW - timedelta(days=6))
    inbox.store(uow_factory(), channel="telegram", updates=[{"update_id": 1}], now=NOW - timedelta(days=3))
    inbox.store(uow_factory(), channel="telegram", updates=[{"update_id": 2}], now=NOW - timedelta(hours=1))

    assert updates.prune(uow_factory(), now=NOW) == 1
    assert inbox.prune(uow_factory(), now=NOW) == 1
    assert updates.prune(uow_factory(), now=NOW) == 0  # idempotent
    with uow_factory() as uow:
        assert list(uow.session.scalars(select(ProcessedUpdate.update_id))) == [2]
        assert uow.session.scalar(select(func.count()).select_from(InboxUpdate)) == 1
    assert not claim(uow_factory, 2, NOW)  # still a duplicate


def test_a_restarted_stand_in_goes_on_after_stored_but_unhandled_ids(uow_factory: Callable[[], UnitOfWork]) -> None:
    assert updates.last_update_id(uow_factory(), channel="telegram") == 0
    assert claim(uow_factory, 10, NOW)
    inbox.store(uow_factory(), channel="telegram", updates=[{"update_id": 50}], now=NOW)  # fetched, then a crash
    assert updates.last_update_id(uow_factory(), channel="telegram") == 50
    assert updates.last_update_id(uow_factory(), channel="wecom") == 0
