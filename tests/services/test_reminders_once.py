"""Exactly once: sweeps run twice, concurrently on two engines, after a restart; missed runs caught up
only while still useful; a fixed number of queries whatever the head count."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, delete, event

from services.reports import reminders
from services.reports import submissions as reports
from storage.db import make_engine, make_session_factory
from storage.models import OutboxMessage, ReminderSent
from storage.uow import UnitOfWork
from tests.services.reports_support import UowFactory, add_leave, add_office, add_person, kwargs, queued, sent_keys
from tests.services.sweep_support import run_twice_at_once

pytestmark = pytest.mark.both_databases  # storage and claims: on PostgreSQL too (tests/conftest.py)

FRIDAY_1530 = datetime(2026, 11, 27, 7, 30, tzinfo=UTC)  # 15:30 in Shanghai, weekly reminders are due


def cst(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A Shanghai wall-clock time as UTC."""
    return datetime(2026, month, day, hour, minute, tzinfo=ZoneInfo("Asia/Shanghai")).astimezone(UTC)


def office_with_staff(uow_factory: UowFactory, count: int, name: str = "上海办事处") -> list[int]:
    """An office with a head and `count` sales reps; returns the reps' ids."""
    office = add_office(uow_factory(), name)
    add_person(uow_factory(), f"{name}主任", office_id=office, roles=["office_head"])
    return [add_person(uow_factory(), f"{name}{i}", office_id=office, roles=["sales"]) for i in range(count)]


def test_two_instances_sweeping_at_once_send_each_reminder_once(uow_factory: UowFactory,
                                                                engines: list[Engine]) -> None:
    reps = office_with_staff(uow_factory, 25)
    run_twice_at_once(engines, lambda factory: reminders.sweep(factory(), now=FRIDAY_1530, **kwargs()))
    recipients = sorted(to for _id, to, _m in queued(uow_factory()))
    assert recipients == sorted([reps[0] - 1, *reps])  # every rep once, and the head (own weekly report) once
    assert len(sent_keys(uow_factory())) == len(recipients)


def test_second_sweep_and_restart_send_nothing_new(uow_factory: UowFactory) -> None:
    office_with_staff(uow_factory, 3)
    first = reminders.sweep(uow_factory(), now=FRIDAY_1530, **kwargs())
    again = reminders.sweep(uow_factory(), now=FRIDAY_1530, **kwargs())
    later = reminders.sweep(uow_factory(), now=cst(11, 27, 17, 45), **kwargs())
    assert (first.sent, again.sent, later.sent) == ({"remind": 4}, {}, {})
    assert len(queued(uow_factory())) == 4


MISSED_RUNS = [
    (cst(11, 27, 17), {"remind": 1}),  # down 14:00–17:00: the reminder is still useful
    (cst(11, 27, 19), {}),  # back after the 18:00 deadline: the reminder is skipped
    (cst(11, 30, 14), {"chase": 1, "digest": 1, "escalate": 1}),  # Monday afternoon: all caught up
    (cst(12, 2, 10), {}),  # Wednesday 10:00: the 48-hour catch-up window has passed
    (cst(11, 30, 7), {}),  # before Monday's 09:00 chase nothing is due yet
]


def test_missed_runs_are_caught_up_only_while_useful(uow_factory: UowFactory) -> None:
    (rep,) = office_with_staff(uow_factory, 1)
    reports_for_head(uow_factory, rep - 1)
    actual = []
    for back_at, _expected in MISSED_RUNS:  # each: the first sweep after an outage that began at 14:00 Friday
        forget_sent(uow_factory)
        actual.append(reminders.sweep(uow_factory(), now=back_at, **kwargs()).sent)
    assert actual == [expected for _back_at, expected in MISSED_RUNS]


def forget_sent(uow_factory: UowFactory) -> None:
    """A clean slate: nothing sent yet."""
    with uow_factory() as uow:
        uow.session.execute(delete(ReminderSent))
        uow.session.execute(delete(OutboxMessage))
        uow.commit()


def reports_for_head(uow_factory: UowFactory, head: int) -> None:
    """The head already wrote week 48 and November, so only the rep is reminded."""
    for kind, period in (("weekly", "2026-W48"), ("monthly", "2026-11")):
        reports.submit_report(uow_factory(), staff_id=head, kind=kind, period_key=period,
                              answers={"summary": "s", "plan": "p"}, now=cst(11, 26, 12), **kwargs())


def test_submitting_or_approved_leave_stops_the_reminders(uow_factory: UowFactory) -> None:
    done, away, pending_leave, owing = office_with_staff(uow_factory, 4)
    reports.submit_report(uow_factory(), staff_id=done, kind="weekly", period_key="2026-W48",
                          answers={"summary": "s", "plan": "p"}, now=cst(11, 27, 10), **kwargs())
    add_leave(uow_factory(), away, date(2026, 11, 27), date(2026, 11, 27))
    add_leave(uow_factory(), pending_leave, date(2026, 11, 27), date(2026, 11, 27), status="pending")
    reminders.sweep(uow_factory(), now=FRIDAY_1530, **kwargs())
    recipients = {to for _id, to, _m in queued(uow_factory())}
    assert {done, away} & recipients == set()
    assert {pending_leave, owing} <= recipients


def count_statements(engine: Engine) -> list[str]:
    """Every SQL statement the engine runs from now on."""
    seen: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    return seen


@pytest.mark.parametrize("staff", [3, 40])
def test_a_sweep_runs_a_fixed_number_of_queries(migrated_url: str, uow_factory: UowFactory, staff: int) -> None:
    for office in range(3):
        office_with_staff(uow_factory, staff // 3 + 1, name=f"办事处{office}")
    engine = make_engine(migrated_url)
    statements = count_statements(engine)
    factory = make_session_factory(engine)
    reminders.sweep(UnitOfWork(factory), now=FRIDAY_1530, **kwargs())
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    quiet_start = len(statements)
    reminders.sweep(UnitOfWork(factory), now=FRIDAY_1530, **kwargs())
    quiet = [s for s in statements[quiet_start:] if s.lstrip().upper().startswith(("SELECT", "INSERT"))]
    engine.dispose()
    assert len(selects) == 6  # offices, roles, staff, reports, leave (one local day), keys already sent
    assert len(quiet) == 6  # the second sweep finds everything sent and inserts nothing
