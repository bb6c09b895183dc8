"""The company's default zone, set once by the composition root, reaches whoever has no office of their own."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest

from bot.bootstrap import bootstrap
from bot.settings import Settings
from services.platform import zones
from services.platform.staff import load_view
from storage.models import Office, Staff
from storage.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]


@pytest.fixture
def keep_the_default() -> Iterator[None]:
    before = zones.company_zone_name()
    yield
    zones.configure(default_timezone=before)


def test_bootstrap_sets_the_company_default_once(migrated_url: str, keep_the_default: None) -> None:
    settings = Settings(TELEGRAM_BOT_TOKEN="123456:TESTTOKEN-abcdef", DATABASE_URL=migrated_url,
                        OFFICEBOT_SCHEDULER=False, OFFICEBOT_TIMEZONE="Asia/Urumqi")  # type: ignore[call-arg]
    runtime = bootstrap(settings, clock=lambda: datetime(2026, 11, 24, 2, tzinfo=UTC))
    try:
        assert zones.company_zone_name() == "Asia/Urumqi"
    finally:
        runtime.dispose()


def test_a_person_lives_in_their_offices_zone_else_the_companys(uow_factory: UowFactory,
                                                               keep_the_default: None) -> None:
    zones.configure(default_timezone="Asia/Urumqi")
    with uow_factory() as uow:
        office = Office(name="上海办事处", timezone="Asia/Shanghai")
        uow.session.add(office)
        uow.session.flush()
        in_office, at_large = Staff(name="李娜", office_id=office.id), Staff(name="孙总")
        uow.session.add_all([in_office, at_large])
        uow.session.flush()
        ids = in_office.id, at_large.id
        uow.commit()
    with uow_factory() as uow:
        views = [load_view(uow.session, staff_id=staff_id) for staff_id in ids]
    assert [view.timezone if view else None for view in views] == ["Asia/Shanghai", "Asia/Urumqi"]
