"""Migrations from empty, both ways, and a model round trip — on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import inspect, select

from storage.db import make_engine
from storage.migrate import downgrade, upgrade
from storage.models import Base, Office, Staff, StaffRole


def test_migrations_create_every_table_and_downgrade_cleanly(database_url: str) -> None:
    upgrade(database_url)
    engine = make_engine(database_url)
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    downgrade(database_url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(database_url)
    engine.dispose()


def test_model_round_trip(uow_factory: Any) -> None:
    moment = datetime(2026, 11, 24, 1, 2, 3, tzinfo=UTC)
    with uow_factory() as uow:
        office = Office(name="上海办事处", timezone="Asia/Shanghai", work_start=time(8, 30),
                        work_end=time(17, 30), geo_lat=31.230416, geo_lon=121.473701, geo_radius_m=300,
                        created_at=moment)
        uow.session.add(office)
        uow.session.flush()
        staff = Staff(name="张伟", office_id=office.id, telegram_user_id=9_000_000_001, created_at=moment)
        staff.role_rows = [StaffRole(role="office_head"), StaffRole(role="sales")]
        uow.session.add(staff)
        uow.commit()
    with uow_factory() as uow:
        loaded = uow.session.scalars(select(Staff).where(Staff.name == "张伟")).one()
        office = uow.session.get(Office, loaded.office_id)
        assert loaded.roles == {"office_head", "sales"}
        assert loaded.created_at == moment
        assert loaded.telegram_user_id == 9_000_000_001
        assert office is not None and office.work_start == time(8, 30)
        assert office.geo_lat == 31.230416


def test_uncommitted_work_is_rolled_back(uow_factory: Any) -> None:
    with uow_factory() as uow:
        uow.session.add(Office(name="临时", timezone="Asia/Shanghai"))
    with uow_factory() as uow:
        assert uow.session.scalars(select(Office)).all() == []
