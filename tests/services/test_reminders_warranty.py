"""Warranty-end reminders: within 30 days, to the office head and the creator, once per end date."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import update

from services.records.warranty import sweep_warranty
from storage.models import Customer
from tests.services.reports_support import UowFactory, add_office, add_person, queued


def cst(month: int, day: int, hour: int) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=ZoneInfo("Asia/Shanghai")).astimezone(UTC)


def add_customer(uow_factory: UowFactory, office_id: int, name: str, warranty_end: date | None,
                 created_by: int | None) -> int:
    with uow_factory() as uow:
        customer = Customer(office_id=office_id, name=name, warranty_end=warranty_end, created_by=created_by,
                            contact="王科长", phone="13812345678", created_at=cst(1, 5, 10))
        uow.session.add(customer)
        uow.session.flush()
        uow.commit()
        return customer.id


def test_warranty_reminders(uow_factory: UowFactory) -> None:
    office = add_office(uow_factory(), "上海办事处")
    head = add_person(uow_factory(), "张伟", office_id=office, roles=["office_head"])
    sales = add_person(uow_factory(), "李娜", office_id=office, roles=["sales"])
    soon = add_customer(uow_factory, office, "某市公安局", date(2026, 12, 20), sales)
    add_customer(uow_factory, office, "远期客户", date(2027, 3, 1), sales)
    add_customer(uow_factory, office, "已过保", date(2026, 11, 1), sales)
    by_head = add_customer(uow_factory, office, "看守所", date(2026, 12, 1), head)

    assert sweep_warranty(uow_factory(), now=cst(11, 24, 20)) == 0  # evening
    assert sweep_warranty(uow_factory(), now=cst(11, 28, 10)) == 0  # Saturday
    assert sweep_warranty(uow_factory(), now=cst(11, 24, 10)) == 2
    assert sweep_warranty(uow_factory(), now=cst(11, 24, 11)) == 0
    messages = queued(uow_factory())
    assert sorted(to for _id, to, _m in messages) == sorted([head, sales, head])
    text = next(m.text for _id, to, m in messages if to == sales)
    assert text == ("🛡 客户某市公安局的质保将于 2026-12-20 到期（还有 26 天）。联系人：王科长 13812345678。"
                    "建议安排回访或续签服务合同。")

    with uow_factory() as uow:  # the end date was corrected: a new reminder for the new date
        uow.session.execute(update(Customer).where(Customer.id == soon).values(warranty_end=date(2026, 12, 21)))
        uow.commit()
    assert sweep_warranty(uow_factory(), now=cst(11, 25, 10)) == 1
    assert by_head != soon
