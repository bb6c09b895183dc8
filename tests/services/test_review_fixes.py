"""Fixes from the code review: races on report comments and repair jobs, formula-like text in exports,
one failing office not blocking every report reminder, and the approval chase off the event loop.

A race is staged between the service's read and its write (a hooked check): the rival's real service
call runs there in its own transaction. On PostgreSQL it commits under our open read (READ COMMITTED).
SQLite serializes writers (BEGIN IMMEDIATE from the first read), so there our read transaction is ended
first (rows stay loaded as read, expire_on_commit=False) and our write starts a new one: either way the
UPDATE meets a row changed since it was read.
"""

from __future__ import annotations

import contextvars
import threading
import zipfile
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from io import BytesIO
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from domain.records import RepairStatus
from schedules.approvals import chase_approvals
from services.approvals import reminders as approval_reminders
from services.approvals.reminders import ChaseSummary
from services.records import access, exports, repairs
from services.reports import reminders
from services.reports import reviews as report_reviews
from services.reports import submissions as reports
from services.reports.reviews import ReviewOutcome
from services.reports.submissions import Problem
from storage.db import make_engine, make_session_factory
from storage.models import AuditEntry, RepairRecord, Report
from storage.uow import UnitOfWork
from tests.services.reports_support import UowFactory, add_office, add_person, kwargs, queued, sent_keys, texts_for
from tests.services.test_records_support import World, add_customer, audit_rows, outbox_for, person, report
from tests.services.test_records_support import world as world
from tests.services.test_reminders_once import FRIDAY_1530, count_statements

SHANGHAI = ZoneInfo("Asia/Shanghai")


def cst(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=SHANGHAI).astimezone(UTC)


def race_at(monkeypatch: pytest.MonkeyPatch, module: object, name: str, *, model: type, sqlite: bool,
            rival: Callable[[], object]) -> list[bool]:
    """Hook `module.name(..., <model row>, ...)` so that, once, right after it, the rival's service call runs.

    Returns a list that gets True when it fired.
    """
    real, fired = getattr(module, name), []

    def hooked(*args: Any, **kw: Any) -> Any:
        answer = real(*args, **kw)
        if not fired:
            fired.append(True)
            if sqlite:  # end our read transaction (nothing written yet); the loaded row stays as read
                row = next(a for a in (*args, *kw.values()) if isinstance(a, model))
                session = object_session(row)
                assert isinstance(session, Session) and not session.dirty and not session.new
                session.commit()
            contextvars.Context().run(rival)  # a rival is another process: it does not join our unit of work
        return answer

    monkeypatch.setattr(module, name, hooked)
    return fired


# 1. A comment racing "mark reviewed" must not reopen the report for revision.

@pytest.fixture
def head_and_gm(uow_factory: UowFactory) -> dict[str, int]:
    """An office head whose monthly report the GM reviews."""
    hq, sh = add_office(uow_factory(), "总部", is_hq=True), add_office(uow_factory(), "上海办事处")
    return {"gm": add_person(uow_factory(), "刘总", office_id=hq, roles=["gm"]),
            "head": add_person(uow_factory(), "张伟", office_id=sh, roles=["office_head"])}


def _monthly_report(uow_factory: UowFactory, head: int) -> int:
    reports.submit_report(uow_factory(), staff_id=head, kind="monthly", period_key="2026-11", now=cst(12, 2),
                          answers={"summary": "总结", "plan": "计划"}, **kwargs())
    with uow_factory() as uow:
        return uow.session.scalars(select(Report.id)).one()


def _status(uow_factory: UowFactory, report_id: int) -> tuple[str, str | None]:
    with uow_factory() as uow:
        row = uow.session.get(Report, report_id)
        assert row is not None
        return row.status, row.review_comment


def test_report_comment_racing_a_review_keeps_it_reviewed(monkeypatch: pytest.MonkeyPatch, migrated_url: str,
                                                          uow_factory: UowFactory,
                                                          head_and_gm: dict[str, int]) -> None:
    gm, head = head_and_gm["gm"], head_and_gm["head"]
    report_id = _monthly_report(uow_factory, head)
    common = {"report_id": report_id, "now": cst(12, 3), **kwargs()}
    fired = race_at(
        monkeypatch, report_reviews, "may_review", model=Report, sqlite=migrated_url.startswith("sqlite"),
        rival=lambda: report_reviews.mark_reviewed(uow_factory(), reviewer_id=gm, **common))
    commented = report_reviews.comment_report(uow_factory(), reviewer_id=gm, comment="回款要抓紧", **common)
    assert fired and commented.outcome == ReviewOutcome.DONE
    assert _status(uow_factory, report_id) == ("reviewed", "回款要抓紧")
    revised = reports.submit_report(uow_factory(), staff_id=head, kind="monthly", period_key="2026-11",
                                    now=cst(12, 3, 11), answers={"summary": "改", "plan": "改"}, **kwargs())
    assert revised.problem == Problem.REVIEWED
    to_head = texts_for(queued(uow_factory()), head)
    assert len(to_head) == 2 and to_head[0].startswith("✅") and to_head[1].endswith("回款要抓紧")
    with uow_factory() as uow:
        actions = list(uow.session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "report")
                                           .order_by(AuditEntry.id)))
    assert actions == ["report.submit", "report.review", "report.comment"]


def test_report_comment_after_review_is_delivered_and_stays_reviewed(uow_factory: UowFactory,
                                                                     head_and_gm: dict[str, int]) -> None:
    gm, head = head_and_gm["gm"], head_and_gm["head"]
    report_id = _monthly_report(uow_factory, head)
    common = {"report_id": report_id, "now": cst(12, 3), **kwargs()}
    assert report_reviews.mark_reviewed(uow_factory(), reviewer_id=gm, **common).outcome == ReviewOutcome.DONE
    late = report_reviews.comment_report(uow_factory(), reviewer_id=gm, comment="补充一句", **common)
    assert late.outcome == ReviewOutcome.DONE
    assert _status(uow_factory, report_id) == ("reviewed", "补充一句")
    assert texts_for(queued(uow_factory()), head)[-1].endswith("补充一句")
    assert reports.open_report(uow_factory(), staff_id=head, family="monthly", period_key="2026-11",
                               now=cst(12, 3, 11), **kwargs()) == Problem.REVIEWED


# 2. Repair status changes also require the technician read: stale reassignments and closes lose.

def _assigned_job(world: World) -> repairs.RepairCard:
    job = report(world, world.sh_sales, add_customer(world, world.sh_sales).id)
    done = repairs.assign(world.uow(), viewer=world.sh_head, repair_id=job.id, technician_id=world.sh_tech.id,
                          now=world.clock())
    assert done.outcome == repairs.Outcome.done
    return job


def _job_row(world: World, repair_id: int) -> dict[str, Any]:
    with world.uow() as uow:
        row = uow.session.get(RepairRecord, repair_id)
        assert row is not None
        return {"status": row.status, "technician_id": row.technician_id, "technician_name": row.technician_name,
                "repaired_on": row.repaired_on, "accepted_by": row.accepted_by}


@pytest.mark.both_databases  # a race: on PostgreSQL too (tests/conftest.py)
def test_repair_two_heads_reassigning_at_once_only_one_wins(monkeypatch: pytest.MonkeyPatch, migrated_url: str,
                                                            world: World) -> None:
    job = _assigned_job(world)
    tech3 = person(world.uow, world.clock, "周杰", "上海办事处", ["technician"])
    fired = race_at(
        monkeypatch, access, "may_assign", model=RepairRecord, sqlite=migrated_url.startswith("sqlite"),
        rival=lambda: repairs.assign(world.uow(), viewer=world.sh_admin, repair_id=job.id,
                                     technician_id=world.sh_tech2.id, now=world.clock()))
    stale = repairs.assign(world.uow(), viewer=world.sh_head, repair_id=job.id, technician_id=tech3.id,
                           now=world.clock())
    assert fired and stale.outcome == repairs.Outcome.wrong_state
    row = _job_row(world, job.id)
    assert (row["status"], row["technician_id"], row["technician_name"]) == ("assigned", world.sh_tech2.id, "孙亮")
    assert outbox_for(world, tech3) == []
    assert [e["actor_id"] for e in audit_rows(world, entity="repair", action="assign")] == [world.sh_head.id,
                                                                                            world.sh_admin.id]


def test_repair_old_technician_cannot_close_after_reassignment(monkeypatch: pytest.MonkeyPatch, migrated_url: str,
                                                               world: World) -> None:
    job = _assigned_job(world)
    closes_before = len(outbox_for(world, world.sh_sales))
    fired = race_at(
        monkeypatch, access, "may_close", model=RepairRecord, sqlite=migrated_url.startswith("sqlite"),
        rival=lambda: repairs.assign(world.uow(), viewer=world.sh_head, repair_id=job.id,
                                     technician_id=world.sh_tech2.id, now=world.clock()))
    closing = repairs.Closing(repaired_on=date(2026, 11, 23), labour_hours=Decimal("1"), parts=[],
                              accepted_by="王科长")
    stale = repairs.close(world.uow(), viewer=world.sh_tech, repair_id=job.id, closing=closing, now=world.clock())
    assert fired and stale.outcome == repairs.Outcome.wrong_state
    row = _job_row(world, job.id)
    assert (row["status"], row["technician_id"], row["repaired_on"], row["accepted_by"]) == (
        RepairStatus.ASSIGNED.value, world.sh_tech2.id, None, None)
    assert audit_rows(world, entity="repair", action="complete") == []
    assert audit_rows(world, entity="repair", action="accept") == []
    assert len(outbox_for(world, world.sh_sales)) == closes_before


# 3. Typed text that looks like a formula is exported as plain text, shown as entered.

def test_export_keeps_formula_like_text_as_plain_text(world: World) -> None:
    name = '=HYPERLINK("http://x")'
    customer = add_customer(world, world.sh_sales, name, contact="@王科长", address="-人民路 1 号")
    report(world, world.sh_sales, customer.id)
    made = exports.export_records(world.uow(), viewer=world.sh_head, office_id=None, period=None, company="公司",
                                  catalog=("枪柜",))
    assert made is not None
    book = load_workbook(BytesIO(made.data))
    for title, cells in (("客户档案表", {"B4": name, "C4": "-人民路 1 号", "D4": "@王科长"}),  # A: 序号
                         ("售后维修记录表", {"B4": name})):
        for ref, value in cells.items():
            cell = book[title][ref]
            assert (cell.value, cell.data_type) == (value, "s"), (title, ref)
    with zipfile.ZipFile(BytesIO(made.data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not any(b"<f>" in archive.read(n) for n in sheets)


# 4. One office whose reminder texts fail does not block the other offices' reminders.

def _office(uow_factory: UowFactory, name: str) -> list[int]:
    """An office with a head and one sales rep (both owe the weekly report)."""
    office = add_office(uow_factory(), name)
    return [add_person(uow_factory(), f"{name}主任", office_id=office, roles=["office_head"]),
            add_person(uow_factory(), f"{name}销售", office_id=office, roles=["sales"])]


@pytest.fixture
def sweep_engine(migrated_url: str) -> Iterator[Any]:
    engine = make_engine(migrated_url)
    yield engine
    engine.dispose()


def test_remind_one_failing_office_does_not_block_the_others(monkeypatch: pytest.MonkeyPatch,
                                                             uow_factory: UowFactory, sweep_engine: Any,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    good, bad = _office(uow_factory, "上海办事处"), _office(uow_factory, "杭州办事处")
    real_about = reminders._about

    def broken_about(notice: reminders.Notice, recipient: Any, configs: Any, memo: Any) -> Any:
        if recipient.id in bad:
            raise KeyError("deadline")  # as a translation with a bad placeholder would
        return real_about(notice, recipient, configs, memo)

    monkeypatch.setattr(reminders, "_about", broken_about)
    statements = count_statements(sweep_engine)
    first = reminders.sweep(UnitOfWork(make_session_factory(sweep_engine)), now=FRIDAY_1530, **kwargs())
    assert first.sent == {"remind": 2}
    assert sorted(to for _id, to, _m in queued(uow_factory())) == sorted(good)
    assert len(sent_keys(uow_factory())) == 2 and "reminders of office" in caplog.text
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 6  # still a fixed count

    monkeypatch.undo()  # the translation is fixed
    second = reminders.sweep(uow_factory(), now=FRIDAY_1530, **kwargs())
    assert second.sent == {"remind": 2}
    assert sorted(to for _id, to, _m in queued(uow_factory())) == sorted(good + bad)
    assert reminders.sweep(uow_factory(), now=FRIDAY_1530, **kwargs()).sent == {}


# 5. The approval chase job runs its blocking database work off the event loop.

async def test_approval_chase_job_runs_off_the_event_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[Any, ...]] = []

    def chase_pending(uow_factory: Any, *, now: datetime) -> ChaseSummary:
        calls.append((threading.get_ident(), uow_factory, now))
        return ChaseSummary(reminded=2, escalated=1)

    monkeypatch.setattr(approval_reminders, "chase_pending", chase_pending)
    factory, now = object(), datetime(2026, 11, 24, 2, tzinfo=UTC)
    app: Any = SimpleNamespace(uow=factory, now=lambda: now)
    assert await chase_approvals(app) == "reminded 2, escalated 1, failed 0"
    [(thread, *passed)] = calls
    assert thread != threading.get_ident()
    assert passed == [factory, now]

