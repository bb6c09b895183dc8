"""A month end walked hour by hour in two non-UTC offices: each reminder, chase, escalation and digest
reaches the right person once; submitting and approved leave stop them; every sweep runs twice."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.reports import reminders
from services.reports import submissions as reports
from tests.services.reports_support import (
    CONFIGS,
    UowFactory,
    add_leave,
    add_office,
    add_person,
    kwargs,
    queued,
    sent_keys,
    texts_for,
)

SHANGHAI, URUMQI = ZoneInfo("Asia/Shanghai"), ZoneInfo("Asia/Urumqi")


def utc(month: int, day: int, hour: int) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


@pytest.fixture
def company(uow_factory: UowFactory) -> dict[str, int]:
    """HQ with a GM; Shanghai (UTC+8) with a head, a sales rep and a regional manager; Urumqi (UTC+6)."""
    hq = add_office(uow_factory(), "总部", is_hq=True)
    shanghai = add_office(uow_factory(), "上海办事处")
    urumqi = add_office(uow_factory(), "乌鲁木齐办事处", timezone="Asia/Urumqi")
    return {
        "gm": add_person(uow_factory(), "赵总", office_id=hq, roles=["gm"]),
        "zhang": add_person(uow_factory(), "张伟", office_id=shanghai, roles=["office_head"]),
        "li": add_person(uow_factory(), "李娜", office_id=shanghai, roles=["sales"]),
        "wang": add_person(uow_factory(), "王强", office_id=shanghai, roles=["regional_manager"]),
        "ma": add_person(uow_factory(), "马丽", office_id=urumqi, roles=["office_head"]),
    }


@pytest.mark.long
def test_month_end_walk(uow_factory: UowFactory, company: dict[str, int]) -> None:
    gm, zhang, wang, ma = company["gm"], company["zhang"], company["wang"], company["ma"]
    add_leave(uow_factory(), wang, date(2026, 12, 3), date(2026, 12, 10))
    now = utc(11, 29, 0)
    while now < utc(12, 9, 0):
        if now == utc(12, 1, 6):  # 12:00 in Urumqi: 马丽 submits her November report
            saved = reports.submit_report(uow_factory(), staff_id=ma, kind="monthly", period_key="2026-11",
                                          answers={"summary": "总结", "plan": "计划"}, now=now, **kwargs())
            assert saved.created and not saved.late
        for _ in range(2):
            reminders.sweep(uow_factory(), now=now, **kwargs())
        now += timedelta(hours=1)

    def key(kind: str, slot: str, who: int) -> str:
        return f"rep:{kind}:2026-11:{slot}:{who}"

    expected = [
        (key("monthly", "remind:2026-11-30", zhang), utc(11, 30, 1)),
        (key("regional_monthly", "remind:2026-11-30", wang), utc(11, 30, 1)),
        (key("monthly", "remind:2026-11-30", ma), utc(11, 30, 3)),
        (key("monthly", "remind:2026-12-01", zhang), utc(12, 1, 1)),
        (key("regional_monthly", "remind:2026-12-01", wang), utc(12, 1, 1)),
        (key("monthly", "remind:2026-12-01", ma), utc(12, 1, 3)),
        (key("monthly", "remind:2026-12-02", zhang), utc(12, 2, 1)),
        (key("regional_monthly", "remind:2026-12-02", wang), utc(12, 2, 1)),
        (key("monthly", "chase:2026-12-03", zhang), utc(12, 3, 1)),
        (key("monthly", "digest:2026-12-03", gm), utc(12, 3, 1)),
        (key("monthly", "escalate:2026-12-03", zhang), utc(12, 3, 2)),
    ]
    monthly_keys = [(k, at) for k, at in sent_keys(uow_factory(), "rep:") if not k.startswith("rep:weekly")]
    assert sorted(monthly_keys, key=lambda item: (item[1], item[0])) == sorted(expected, key=lambda i: (i[1], i[0]))

    messages = queued(uow_factory())
    to_gm = texts_for(messages, gm)
    assert [t.split("\n")[0] for t in to_gm if "月度" in t] == [
        "📝 月度工作总结及下月计划 2026-11 — 马丽（乌鲁木齐办事处）",  # her report, to review
        "📋 月度工作总结及下月计划（2026-11）未提交名单（1 人）",
        "⚠️ 以下人员的月度工作总结及下月计划（2026-11，截止 2026-12-02 24:00）逾期未交：张伟",
    ]
    assert "上海办事处：张伟" in to_gm[1]
    chase = [t for t in texts_for(messages, zhang) if "月度" in t][-1]
    assert chase.startswith("⚠️ 您的月度工作总结及下月计划（2026-11）已于 2026-12-02 24:00 截止")
    assert all("区域经理" in t for t in texts_for(messages, wang) if "月" in t)


def test_weekly_deadline_reminds_chases_and_escalates_once(uow_factory: UowFactory,
                                                           company: dict[str, int]) -> None:
    li, zhang = company["li"], company["zhang"]
    for hour in range(0, 80):  # Friday 27 Nov 00:00 UTC to Monday 30 Nov 08:00 UTC
        for _ in range(2):
            reminders.sweep(uow_factory(), now=utc(11, 27, 0) + timedelta(hours=hour), **kwargs())
    keys = [k for k, _at in sent_keys(uow_factory(), "rep:weekly:2026-W48:") if k.endswith(f":{li}")]
    assert keys == [f"rep:weekly:2026-W48:{slot}:{li}" for slot in
                    ("remind:2026-11-27", "chase:2026-11-30", "escalate:2026-11-30")]
    to_zhang = texts_for(queued(uow_factory()), zhang)
    digest = next(t for t in to_zhang if t.startswith("📋 周工作总结和计划"))
    assert "李娜" in digest and "王强" in digest and "张伟" not in digest
    escalation = next(t for t in to_zhang if t.startswith("⚠️ 以下人员的周工作总结和计划"))
    assert escalation.endswith("逾期未交：李娜、王强")


def test_part_time_staff_and_late_joiners_are_not_chased(uow_factory: UowFactory, company: dict[str, int]) -> None:
    office = add_office(uow_factory(), "成都办事处")
    part = add_person(uow_factory(), "兼职", office_id=office, roles=["sales"], full_time=False)
    late = add_person(uow_factory(), "新人", office_id=office, roles=["sales"], joined=utc(11, 28, 2))
    reminders.sweep(uow_factory(), now=utc(11, 27, 7), **kwargs())
    reminders.sweep(uow_factory(), now=utc(11, 30, 2), **kwargs())
    recipients = {to for _id, to, _m in queued(uow_factory())}
    assert part not in recipients and late not in recipients
    assert company["li"] in recipients


def test_nothing_due_costs_only_the_roster_queries(uow_factory: UowFactory, company: dict[str, int]) -> None:
    result = reminders.sweep(uow_factory(), now=utc(11, 25, 3), **kwargs())  # Wednesday 11:00
    assert (result.planned, result.sent) == (0, {})
    assert queued(uow_factory()) == []
    assert CONFIGS.weekly.due.at == "18:00"
