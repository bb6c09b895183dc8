"""sync_directory: WeCom departments to offices by name, members to staff by userid or name, on both databases."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from services.people import onboarding
from services.wecom.directory import DirectorySyncError, department_offices, sync_directory
from standins.wecom import Department, Member
from storage.models import AuditEntry, Staff
from storage.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)

DEPARTMENTS = [
    Department(1, "总公司").to_json(),
    Department(2, "上海办事处", parentid=1).to_json(),
    Department(3, "维修组", parentid=2).to_json(),
    Department(4, "成都办事处", parentid=1).to_json(),
    Department(5, "财务部", parentid=1).to_json(),
]


def member(userid: str, name: str, *departments: int, **extra: Any) -> dict[str, Any]:
    return Member(userid, name, department=departments or (2,), **extra).to_json()


def office(uow_factory: UowFactory, name: str) -> int:
    return onboarding.create_office(uow_factory(), name=name, timezone="Asia/Shanghai", now=NOW)


def invite(uow_factory: UowFactory, name: str, office_name: str, *, wecom_user_id: str | None = None) -> None:
    onboarding.invite(uow_factory(), office_name=office_name, roles="sales", name=name, now=NOW)
    if wecom_user_id:
        with uow_factory() as uow:
            person = uow.session.scalars(select(Staff).where(Staff.name == name)).one()
            person.wecom_user_id = wecom_user_id
            uow.commit()


def bindings(uow_factory: UowFactory) -> dict[str, str | None]:
    with uow_factory() as uow:
        return {s.name: s.wecom_user_id for s in uow.session.scalars(select(Staff).order_by(Staff.id))}


@pytest.fixture
def company(uow_factory: UowFactory) -> UowFactory:
    """Shanghai and Chengdu offices; 张三 and 赵六 invited, 李四 already bound to lisi."""
    for name in ("上海办事处", "成都办事处"):
        office(uow_factory, name)
    invite(uow_factory, "张三", "上海办事处")
    invite(uow_factory, "李四", "上海办事处", wecom_user_id="lisi")
    invite(uow_factory, "赵六", "成都办事处")
    return uow_factory


def test_departments_take_the_office_of_their_name_or_their_nearest_named_ancestor() -> None:
    offices = {"上海办事处": 10, "成都办事处": 20}
    assert department_offices(DEPARTMENTS, offices) == {1: None, 2: 10, 3: 10, 4: 20, 5: None}
    looped = [{"id": 7, "name": "A", "parentid": 8}, {"id": 8, "name": "B", "parentid": 7}]
    assert department_offices(looped, offices) == {7: None, 8: None}


def test_members_are_bound_by_name_in_their_office_and_the_rest_reported(company: UowFactory) -> None:
    members = [
        member("zhangsan", "张三", 2),
        member("lisi", "李四", 2),
        member("wangwu", "王五", 3),
        member("zhaoliu", "赵六", 4),
        member("qianqi", "钱七", 5),
    ]
    summary = sync_directory(company(), departments=DEPARTMENTS, members=members, now=NOW)
    assert summary.bound == ["张三 (zhangsan) in 上海办事处", "赵六 (zhaoliu) in 成都办事处"]
    assert summary.already_bound == ["李四 (lisi)"]
    assert summary.created == []
    assert summary.unmapped_departments == ["总公司 (id 1)", "财务部 (id 5)"]
    assert summary.unmatched_members == [
        "王五 (wangwu): no unbound staff of this name in 上海办事处",
        "钱七 (qianqi): none of their departments has an office",
    ]
    assert bindings(company) == {"张三": "zhangsan", "李四": "lisi", "赵六": "zhaoliu"}
    with company() as uow:
        query = select(AuditEntry).where(AuditEntry.action.like("wecom%")).order_by(AuditEntry.id)
        entries = uow.session.scalars(query)
        actions = [(a.action, a.detail) for a in entries]
    assert actions == [("wecom_bind", {"wecom_user_id": "zhangsan"}), ("wecom_bind", {"wecom_user_id": "zhaoliu"})]

    again = sync_directory(company(), departments=DEPARTMENTS, members=members, now=NOW)
    assert (again.bound, again.already_bound) == ([], ["张三 (zhangsan)", "李四 (lisi)", "赵六 (zhaoliu)"])


def test_a_bound_member_is_unchanged_even_when_their_name_or_office_differs(company: UowFactory) -> None:
    summary = sync_directory(company(), departments=DEPARTMENTS, members=[member("lisi", "李四四", 4)], now=NOW)
    assert summary.already_bound == ["李四四 (lisi)"]
    assert bindings(company)["李四"] == "lisi"


def test_namesakes_are_reported_as_ambiguous_and_nobody_is_bound(company: UowFactory) -> None:
    invite(company, "张伟", "上海办事处")
    invite(company, "张伟", "上海办事处")
    invite(company, "刘洋", "成都办事处")
    members = [member("zhangwei", "张伟", 2), member("liuyang1", "刘洋", 4), member("liuyang2", "刘洋", 4)]
    summary = sync_directory(company(), departments=DEPARTMENTS, members=members, now=NOW, create=True)
    assert summary.ambiguous == [
        "张伟 (zhangwei): 2 unbound staff and 1 members of this name in 上海办事处",
        "刘洋 (liuyang1): 1 unbound staff and 2 members of this name in 成都办事处",
        "刘洋 (liuyang2): 1 unbound staff and 2 members of this name in 成都办事处",
    ]
    assert summary.bound == summary.created == []
    assert [v for k, v in bindings(company).items() if k in {"张伟", "刘洋"}] == [None, None]


def test_create_adds_active_sales_staff_for_members_found_nowhere(company: UowFactory) -> None:
    members = [member("wangwu", "王五", 3, mobile="13800000001"), member("qianqi", "钱七", 5),
               member("zhangsan", "张三", 2)]
    summary = sync_directory(company(), departments=DEPARTMENTS, members=members, now=NOW, create=True)
    assert summary.created == ["王五 (wangwu) in 上海办事处"]
    assert summary.bound == ["张三 (zhangsan) in 上海办事处"]
    assert summary.unmatched_members == ["钱七 (qianqi): none of their departments has an office"]
    with company() as uow:
        wang = uow.session.scalars(select(Staff).where(Staff.wecom_user_id == "wangwu")).one()
        assert (wang.name, wang.phone, wang.active, wang.roles) == ("王五", "13800000001", True, {"sales"})
        assert wang.telegram_user_id is None


def test_create_takes_another_default_role(company: UowFactory) -> None:
    summary = sync_directory(company(), departments=DEPARTMENTS, members=[member("wangwu", "王五", 3)], now=NOW,
                             create=True, default_role="维修员")
    assert summary.created == ["王五 (wangwu) in 上海办事处"]
    with company() as uow:
        assert uow.session.scalars(select(Staff).where(Staff.name == "王五")).one().roles == {"technician"}


def test_an_unknown_default_role_is_refused_before_anything_changes(company: UowFactory) -> None:
    with pytest.raises(DirectorySyncError, match="unknown role: 巫师"):
        sync_directory(company(), departments=DEPARTMENTS, members=[member("wangwu", "王五", 3)], now=NOW,
                       create=True, default_role="巫师")
    assert "王五" not in bindings(company)


def test_departed_members_are_skipped_and_repeats_counted_once(company: UowFactory) -> None:
    members = [member("zhangsan", "张三", 2, status=5), member("zhaoliu", "赵六", 4), member("zhaoliu", "赵六", 4)]
    summary = sync_directory(company(), departments=DEPARTMENTS, members=members, now=NOW)
    assert summary.skipped_inactive == ["张三 (zhangsan)"]
    assert summary.bound == ["赵六 (zhaoliu) in 成都办事处"]
    assert bindings(company)["张三"] is None


def test_progress_is_reported_every_n_members_and_at_the_end(company: UowFactory) -> None:
    members = [member(f"u{i}", f"员工{i}", 2) for i in range(7)]
    calls: list[tuple[int, int]] = []
    sync_directory(company(), departments=DEPARTMENTS, members=members, now=NOW, create=True,
                   progress=lambda done, total: calls.append((done, total)), progress_every=3)
    assert calls == [(3, 7), (6, 7), (7, 7)]
    assert len([name for name in bindings(company) if name.startswith("员工")]) == 7
