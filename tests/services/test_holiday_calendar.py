"""The holiday calendar's end: admins and HR told once per range end, 30 days before, in their language."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from domain.workdays import parse_holiday_config, use_calendar
from services.attendance.holiday_calendar import warn_calendar_ending
from tests.services.reports_support import UowFactory, add_office, add_person, queued, sent_keys, texts_for


def cst(month: int, day: int, hour: int) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=ZoneInfo("Asia/Shanghai")).astimezone(UTC)


def warn(uow_factory: UowFactory, now: datetime) -> int:
    return warn_calendar_ending(uow_factory(), now=now)


def test_admins_and_hr_are_warned_once_per_range_end(uow_factory: UowFactory, caplog: pytest.LogCaptureFixture
                                                     ) -> None:
    office = add_office(uow_factory(), "上海办事处")
    hq = add_office(uow_factory(), "总部", is_hq=True)
    admin = add_person(uow_factory(), "王芳", office_id=office, roles=["admin"])
    hr = add_person(uow_factory(), "Anna", office_id=hq, roles=["hr"], locale="en")
    both = add_person(uow_factory(), "刘洋", office_id=hq, roles=["hr", "admin"])
    add_person(uow_factory(), "李娜", office_id=office, roles=["sales"])

    with caplog.at_level(logging.WARNING, logger="services.attendance.holiday_calendar"):
        assert warn(uow_factory, cst(12, 2, 10)) == 3  # today: the package's data ends on 2026-12-31
    assert "holiday calendar known only until 2026-12-31" in caplog.text
    assert warn(uow_factory, cst(12, 2, 11)) == 0  # a rerun sends nothing new
    assert warn(uow_factory, cst(12, 3, 10)) == 0  # nor the next day

    messages = queued(uow_factory())
    assert sorted(to for _id, to, _m in messages) == sorted([admin, hr, both])
    assert texts_for(messages, admin)[0].startswith("📅 节假日日历只到 2026-12-31。此后每周一至周五都按工作日计算")
    assert "2027 年节假日安排" in texts_for(messages, admin)[0]
    assert texts_for(messages, hr)[0].startswith("📅 The holiday calendar is known only until 2026-12-31.")
    assert sorted(k for k, _at in sent_keys(uow_factory(), "holiday-calendar:")) == sorted(
        f"holiday-calendar:2026-12-31:{pid}" for pid in (admin, hr, both))


def test_nobody_is_told_while_the_range_ends_more_than_30_days_away(uow_factory: UowFactory) -> None:
    office = add_office(uow_factory(), "上海办事处")
    add_person(uow_factory(), "王芳", office_id=office, roles=["admin"])
    assert warn(uow_factory, cst(11, 30, 10)) == 0  # 31 days before 2026-12-31
    previous = use_calendar(parse_holiday_config({"covers": [2027]}))  # the 2027 schedule entered
    try:
        assert warn(uow_factory, cst(12, 2, 10)) == 0
    finally:
        use_calendar(previous)
    assert queued(uow_factory()) == []


def test_the_chat_warning_waits_for_working_hours(uow_factory: UowFactory, caplog: pytest.LogCaptureFixture
                                                  ) -> None:
    office = add_office(uow_factory(), "上海办事处")
    add_person(uow_factory(), "王芳", office_id=office, roles=["admin"])
    with caplog.at_level(logging.WARNING, logger="services.attendance.holiday_calendar"):
        assert warn(uow_factory, cst(12, 2, 20)) == 0  # evening: logged, not sent
        assert warn(uow_factory, cst(12, 5, 10)) == 0  # Saturday
    assert caplog.text.count("holiday calendar known only until 2026-12-31") == 2
    assert warn(uow_factory, cst(12, 7, 9)) == 1
