"""Shared set-up for the field-record service tests: two offices, headquarters and their people."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from domain.records import CustomerIn, RepairIn
from services.people import onboarding
from services.platform.staff import StaffView
from services.records import customers, repairs
from services.records.customers import CustomerCard
from storage.models import AuditEntry, OutboxMessage
from storage.uow import UnitOfWork
from tests.conftest import FakeClock

UowFactory = Callable[[], UnitOfWork]
_telegram_ids = itertools.count(70_000)


@dataclass
class World:
    """Offices 上海 and 乌鲁木齐, headquarters, and one person per role that matters here."""

    uow: UowFactory
    clock: FakeClock
    sh_id: int
    ur_id: int
    sh_head: StaffView
    sh_admin: StaffView
    sh_sales: StaffView
    sh_sales2: StaffView
    sh_tech: StaffView
    sh_tech2: StaffView
    ur_head: StaffView
    ur_sales: StaffView
    ur_tech: StaffView
    gm: StaffView


def person(uow: UowFactory, clock: FakeClock, name: str, office: str, roles: list[str]) -> StaffView:
    """Invite and register someone already at work (not a new hire: no onboarding notices), as /start CODE would."""
    code = onboarding.invite(uow(), office_name=office, roles=roles, name=name, now=clock())
    result = onboarding.redeem(uow(), code=code, channel="telegram", account=str(next(_telegram_ids)), now=clock(),
                               new_hire=False)
    assert result.staff is not None
    return result.staff


@pytest.fixture
def world(uow_factory: UowFactory, clock: FakeClock) -> World:
    """The people every records service test uses."""
    uow = uow_factory
    sh = onboarding.create_office(uow(), name="上海办事处", timezone="Asia/Shanghai", now=clock())
    ur = onboarding.create_office(uow(), name="乌鲁木齐办事处", timezone="Asia/Urumqi", now=clock())
    onboarding.create_office(uow(), name="总部", timezone="Asia/Shanghai", now=clock(), is_hq=True)

    def p(name: str, office: str, roles: list[str]) -> StaffView:
        return person(uow, clock, name, office, roles)

    return World(
        uow, clock, sh, ur,
        sh_head=p("张伟", "上海办事处", ["office_head"]), sh_admin=p("赵敏", "上海办事处", ["admin"]),
        sh_sales=p("李娜", "上海办事处", ["sales"]), sh_sales2=p("钱多", "上海办事处", ["sales"]),
        sh_tech=p("王强", "上海办事处", ["technician"]), sh_tech2=p("孙亮", "上海办事处", ["technician"]),
        ur_head=p("艾力", "乌鲁木齐办事处", ["office_head"]), ur_sales=p("古丽", "乌鲁木齐办事处", ["sales"]),
        ur_tech=p("买买提", "乌鲁木齐办事处", ["technician"]), gm=p("刘总", "总部", ["gm"]),
    )


def customer_in(name: str = "某市公安局", **overrides: Any) -> CustomerIn:
    """A valid archive entry."""
    data: dict[str, Any] = {"name": name, "address": "人民路 1 号", "contact": "王科长", "phone": "13812345678",
                            "products": {"枪柜": 4, "弹柜": 2}, "accepted_on": date(2025, 3, 1), "warranty_years": 2}
    return CustomerIn(**{**data, **overrides})


def add_customer(world: World, viewer: StaffView, name: str = "某市公安局", **overrides: Any) -> CustomerCard:
    """Put a customer in the viewer's office."""
    return customers.create(world.uow(), viewer=viewer, data=customer_in(name, **overrides), now=world.clock())


def repair_in(customer_id: int, reported_on: date = date(2026, 11, 20)) -> RepairIn:
    """A valid fault report."""
    return RepairIn(customer_id=customer_id, reporter="王科长", phone="0571-88886666", reported_on=reported_on,
                    fault="柜门锁打不开")


def report(world: World, viewer: StaffView, customer_id: int, reported_on: date = date(2026, 11, 20)
           ) -> repairs.RepairCard:
    """Report a fault and return the job."""
    card = repairs.report(world.uow(), viewer=viewer, data=repair_in(customer_id, reported_on), photos=["ph1"],
                          now=world.clock())
    assert card is not None
    return card


def audit_rows(world: World, *, entity: str, action: str) -> list[dict[str, Any]]:
    """Audit entries for an entity and action, as plain dicts."""
    with world.uow() as uow:
        rows = uow.session.scalars(select(AuditEntry).where(AuditEntry.entity == entity, AuditEntry.action == action)
                                   .order_by(AuditEntry.id)).all()
        return [{"actor_id": r.actor_id, "entity_id": r.entity_id, "detail": dict(r.detail)} for r in rows]


def outbox_for(world: World, staff: StaffView, *, photos: bool = False) -> list[dict[str, Any]]:
    """Messages queued for `staff`, oldest first; a photo queued ahead of its message only when `photos`."""
    with world.uow() as uow:
        rows = uow.session.scalars(select(OutboxMessage).where(OutboxMessage.staff_id == staff.id)
                                   .order_by(OutboxMessage.id)).all()
        return [dict(r.payload) for r in rows if photos or r.payload["text"] or not r.payload["photos"]]
