"""Chasing pending approvals: reminders after working hours of waiting, escalation once, never twice."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from domain import workdays
from domain.approval_routing import working_minutes_between
from domain.approvals import Decision
from schedules.approvals import chase_approvals
from services.approvals import reminders as approval_reminders
from services.approvals import requests as approvals
from services.approvals.requests import Outcome
from services.platform.context import AppContext
from tests.conftest import FakeClock
from tests.services.approval_support import CONFIG, NOW, TZ, UowFactory, buttons_of, office, person, queued, step_button

SHANGHAI = ZoneInfo(TZ)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in November 2026, Shanghai time."""
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


def chase(uow_factory: UowFactory, when: datetime) -> approval_reminders.ChaseSummary:
    """One sweep at `when`."""
    return approval_reminders.chase_pending(uow_factory, now=when)


def test_working_minutes_skip_nights_and_weekends() -> None:
    minutes = working_minutes_between(at(27, 16), at(30, 9), tz=SHANGHAI, work_start=datetime(1, 1, 1, 8, 30).time(),
                                      work_end=datetime(1, 1, 1, 17, 30).time(),
                                      is_working_day=workdays.is_working_day)
    assert minutes == 90 + 30  # Friday 16:00–17:30, Monday 08:30–09:00


def test_reminder_then_escalation_each_once(uow_factory: UowFactory) -> None:
    office(uow_factory)
    office(uow_factory, "总部", geofence=None, is_hq=True)
    head = person(uow_factory, "张伟", ["office_head"])
    sales = person(uow_factory, "李娜", ["sales"])
    gm = person(uow_factory, "孙经理", ["gm"], office_name="总部")
    submitted = approvals.submit_expense(uow_factory(), requester_id=sales, config=CONFIG, now=NOW,
                                         data={"amount": "300", "category": "office",
                                                                    "spent_on": "2026-11-20", "reason": "打印纸"})
    request_id = submitted.request_id
    assert request_id is not None and len(queued(uow_factory, head)) == 1

    assert chase(uow_factory, at(24, 13)).reminded == 0
    assert chase(uow_factory, at(24, 14, 30)).reminded == 1
    assert chase(uow_factory, at(24, 14, 45)).reminded == 0
    reminder = queued(uow_factory, head)[-1]
    assert "催办" in reminder["text"] and buttons_of(reminder)[0] == step_button(request_id, 0)

    summary = chase(uow_factory, at(25, 10, 30))
    assert (summary.reminded, summary.escalated) == (1, 1)
    assert chase(uow_factory, at(25, 10, 45)).escalated == 0
    escalated = queued(uow_factory, gm)
    assert len(escalated) == 1 and "已上报给您" in escalated[0]["text"]

    result = approvals.decide(uow_factory(), request_id=request_id, step=0, approver_id=gm,
                              decision=Decision.APPROVE, comment=None, now=at(25, 11))
    assert result.outcome == Outcome.DONE
    assert chase(uow_factory, at(26, 17)).reminded == 0


async def test_the_job_chases_what_waits_at_the_apps_clock(uow_factory: UowFactory) -> None:
    office(uow_factory)
    office(uow_factory, "总部", geofence=None, is_hq=True)
    head = person(uow_factory, "张伟", ["office_head"])
    sales = person(uow_factory, "李娜", ["sales"])
    gm = person(uow_factory, "孙经理", ["gm"], office_name="总部")
    approvals.submit_expense(uow_factory(), requester_id=sales, config=CONFIG, now=NOW,
                             data={"amount": "300", "category": "office", "spent_on": "2026-11-20", "reason": "打印纸"})
    clock = FakeClock(at(24, 14, 30))
    app = AppContext(uow=uow_factory, clock=clock)

    assert await chase_approvals(app) == "reminded 1, escalated 0, failed 0"
    clock.set(at(24, 14, 45))
    assert await chase_approvals(app) == "reminded 0, escalated 0, failed 0"
    clock.set(at(25, 10, 30))
    assert await chase_approvals(app) == "reminded 1, escalated 1, failed 0"
    assert ["催办" in payload["text"] for payload in queued(uow_factory, head)] == [False, True, True]
    assert ["已上报给您" in payload["text"] for payload in queued(uow_factory, gm)] == [True]
