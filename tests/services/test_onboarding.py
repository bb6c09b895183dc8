"""Registration races: of many accounts redeeming one code at once, exactly one is registered."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest

from services.people import onboarding
from services.people.onboarding import RedeemOutcome
from storage.uow import UnitOfWork


@pytest.mark.both_databases  # a race: on PostgreSQL too (tests/conftest.py)
def test_one_code_registers_one_account_under_concurrency(uow_factory: Callable[[], UnitOfWork]) -> None:
    now = datetime(2026, 11, 24, 2, tzinfo=UTC)
    onboarding.create_office(uow_factory(), name="上海办事处", timezone="Asia/Shanghai", now=now)
    code = onboarding.invite(uow_factory(), office_name="上海办事处", roles=["sales"], name="李娜", now=now)

    def attempt(user_id: int) -> RedeemOutcome:
        return onboarding.redeem(uow_factory(), code=code, channel="telegram", account=str(user_id), now=now).outcome

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(attempt, range(100, 116)))
    assert outcomes.count(RedeemOutcome.registered) == 1
    assert set(outcomes) <= {RedeemOutcome.registered, RedeemOutcome.used_code, RedeemOutcome.account_taken}
