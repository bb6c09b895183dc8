"""Insert-or-ignore claims: a job slot or a reminder key is won by exactly one caller."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from services.platform.jobs import claim_reminders, claim_slot
from storage.uow import UnitOfWork

pytestmark = pytest.mark.both_databases  # storage and claims: on PostgreSQL too (tests/conftest.py)


def test_a_job_slot_is_claimed_once(uow_factory: Callable[[], UnitOfWork]) -> None:
    now = datetime.now(UTC)
    assert claim_slot(uow_factory(), job="j", slot="2026-11", instance="a", now=now)
    assert not claim_slot(uow_factory(), job="j", slot="2026-11", instance="b", now=now)
    assert claim_slot(uow_factory(), job="j", slot="2026-12", instance="b", now=now)


def test_reminder_keys_are_claimed_once_in_bulk(uow_factory: Callable[[], UnitOfWork]) -> None:
    now = datetime.now(UTC)
    with uow_factory() as uow:
        assert claim_reminders(uow.session, keys={"a": None, "b": None}, now=now) == {"a", "b"}
        uow.commit()
    with uow_factory() as uow:
        assert claim_reminders(uow.session, keys={"a": None, "c": None}, now=now) == {"c"}
        keys = {f"k{i}": None for i in range(1200)}
        assert len(claim_reminders(uow.session, keys=keys, now=now)) == 1200
