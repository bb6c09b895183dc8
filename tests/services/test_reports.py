"""Report use cases: the right period, prefilled figures, late, revise until reviewed, reviews, /status."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select

from domain.callbacks import Press, unpack
from services.reports import reviews as report_reviews
from services.reports import submissions as reports
from services.reports.reviews import ReviewOutcome
from services.reports.submissions import Opened, Problem
from storage.db import make_engine, make_session_factory
from storage.models import AuditEntry, Customer, Report, Visit
from storage.uow import UnitOfWork
from tests.services.reports_support import UowFactory, add_leave, add_office, add_person, kwargs, queued

SHANGHAI = ZoneInfo("Asia/Shanghai")


def cst(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=SHANGHAI).astimezone(UTC)


@pytest.fixture
def people(uow_factory: UowFactory) -> dict[str, int]:
    hq = add_office(uow_factory(), "总部", is_hq=True)
    sh = add_office(uow_factory(), "上海办事处")
    return {
        "office": sh,
        "gm": add_person(uow_factory(), "刘总", office_id=hq, roles=["gm"]),
        "head": add_person(uow_factory(), "张伟", office_id=sh, roles=["office_head"]),
        "li": add_person(uow_factory(), "李娜", office_id=sh, roles=["sales"]),
        "qian": add_person(uow_factory(), "钱多", office_id=sh, roles=["sales"]),
        "rm": add_person(uow_factory(), "王强", office_id=sh, roles=["regional_manager"]),
    }


def log_records(uow_factory: UowFactory, *, staff_id: int, office_id: int, visits: list[datetime],
                customers: list[datetime]) -> None:
    """Visits and customers the person logged at those instants."""
    with uow_factory() as uow:
        for i, at in enumerate(customers):
            uow.session.add(Customer(office_id=office_id, name=f"客户{i}", created_by=staff_id, created_at=at))
        uow.session.flush()
        old = Customer(office_id=office_id, name="老客户", created_by=None, created_at=cst(1, 5))
        uow.session.add(old)
        uow.session.flush()
        for at in visits:
            uow.session.add(Visit(office_id=office_id, customer_id=old.id, staff_id=staff_id, visited_at=at,
                                  purpose="follow_up"))
        uow.commit()


def open_(uow_factory: UowFactory, staff_id: int, family: str, now: datetime, key: str | None = None
          ) -> Opened | Problem:
    return reports.open_report(uow_factory(), staff_id=staff_id, family=family, period_key=key, now=now,
                               **kwargs())


def submit(uow_factory: UowFactory, staff_id: int, kind: str, key: str, now: datetime, **answers: object
           ) -> reports.Saved:
    return reports.submit_report(uow_factory(), staff_id=staff_id, kind=kind, period_key=key, now=now,
                                 answers={"summary": "本周拜访三家客户", "plan": "跟进投标", **answers}, **kwargs())


def test_weekly_form_is_prefilled_from_the_records_of_the_week(uow_factory: UowFactory,
                                                               people: dict[str, int]) -> None:
    li = people["li"]
    log_records(uow_factory, staff_id=li, office_id=people["office"],
                visits=[cst(11, 23, 9), cst(11, 25), cst(11, 29, 23), cst(11, 22, 23), cst(11, 30, 1)],
                customers=[cst(11, 24), cst(11, 16)])
    opened = open_(uow_factory, li, "weekly", cst(11, 27, 16))
    assert isinstance(opened, Opened)
    assert (opened.kind, opened.period.key, opened.answers) == ("weekly", "2026-W48",
                                                                 {"visits": 3, "new_customers": 1,
                                                                  "contracts": 0, "payments": "0"})
    assert (opened.report_id, opened.late_now) == (None, False)


def test_period_choice_and_roles(uow_factory: UowFactory, people: dict[str, int]) -> None:
    def key(staff: str, family: str, now: datetime, arg: str | None = None) -> str:
        opened = open_(uow_factory, people[staff], family, now, arg)
        return opened if isinstance(opened, Problem) else opened.period.key

    assert key("li", "weekly", cst(11, 30)) == "2026-W48"  # Monday: still the week just ended
    assert key("li", "weekly", cst(12, 1)) == "2026-W49"
    assert key("li", "weekly", cst(12, 1), "2026-W47") == "2026-W47"
    assert key("li", "weekly", cst(12, 1), "2026-W40") == Problem.BAD_PERIOD
    assert key("li", "weekly", cst(12, 1), "garbage") == Problem.BAD_PERIOD
    assert key("li", "monthly", cst(12, 1)) == Problem.NOT_A_WRITER
    assert key("gm", "weekly", cst(12, 1)) == Problem.NOT_A_WRITER
    assert key("head", "monthly", cst(12, 2)) == "2026-11"
    opened = open_(uow_factory, people["rm"], "monthly", cst(12, 2))
    assert isinstance(opened, Opened) and opened.kind == "regional_monthly"


def test_late_submission_is_marked_and_revision_keeps_it(uow_factory: UowFactory, people: dict[str, int]) -> None:
    li = people["li"]
    first = submit(uow_factory, li, "weekly", "2026-W48", cst(11, 27, 19), visits=3, payments="1200.50")
    again = submit(uow_factory, li, "weekly", "2026-W48", cst(11, 28), summary="改过的总结", visits=4)
    assert (first.created, first.late, again.created, again.late) == (True, True, False, True)
    opened = open_(uow_factory, li, "weekly", cst(11, 29))
    assert isinstance(opened, Opened) and opened.report_id is not None
    assert opened.answers == {"summary": "改过的总结", "plan": "跟进投标", "visits": 4}
    with uow_factory() as uow:
        report = uow.session.scalars(select(Report)).one()
        assert (report.revised_at, report.submitted_at) == (cst(11, 28), cst(11, 27, 19))
        actions = list(uow.session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "report")))
    assert actions == ["report.submit", "report.revise"]


def test_weekly_report_goes_to_the_office_head_for_review(uow_factory: UowFactory, people: dict[str, int]) -> None:
    submit(uow_factory, people["li"], "weekly", "2026-W48", cst(11, 27, 16), visits=2, payments="0")
    (_id, to, message), = queued(uow_factory())
    assert to == people["head"]
    assert message.text.startswith("📝 周工作总结和计划 2026-W48 (11-23–11-29) — 李娜（上海办事处）")
    assert "• 客户拜访: 2" in message.text
    assert [pressed(b.data).word("action") for row in message.buttons for b in row] == ["c", "ok"]


def test_monthly_review_comment_and_close(uow_factory: UowFactory, people: dict[str, int]) -> None:
    head, gm, li = people["head"], people["gm"], people["li"]
    submit(uow_factory, head, "monthly", "2026-11", cst(12, 2), summary="长" * 2000)
    (_id, to, message), = queued(uow_factory())
    assert to == gm and "📖 查看全文" in [b.label for row in message.buttons for b in row]
    report_id = pressed(message.buttons[0][0].data).id("report")
    common = {"report_id": report_id, "now": cst(12, 3), **kwargs()}

    refused = report_reviews.comment_report(uow_factory(), reviewer_id=li, comment="好", **common)
    assert refused.outcome == ReviewOutcome.NOT_ALLOWED
    done = report_reviews.comment_report(uow_factory(), reviewer_id=gm, comment="回款要抓紧", **common)
    assert (done.outcome, done.author) == (ReviewOutcome.DONE, "张伟")
    closed = report_reviews.mark_reviewed(uow_factory(), reviewer_id=gm, **common)
    twice = report_reviews.mark_reviewed(uow_factory(), reviewer_id=gm, **common)
    assert (closed.outcome, twice.outcome) == (ReviewOutcome.DONE, ReviewOutcome.ALREADY_REVIEWED)

    to_head = [m.text for _id, to, m in queued(uow_factory()) if to == head]
    assert to_head == ["✍️ 刘总对您的月度工作总结及下月计划（2026-11）作出批示：\n回款要抓紧",
                       "✅ 刘总已审核您的月度工作总结及下月计划（2026-11）。"]
    locked = submit(uow_factory, head, "monthly", "2026-11", cst(12, 3, 11))
    assert locked.problem == Problem.REVIEWED
    opened = open_(uow_factory, head, "monthly", cst(12, 3, 11))
    assert opened == Problem.REVIEWED
    with uow_factory() as uow:
        actions = list(uow.session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "report")))
    assert actions == ["report.submit", "report.comment", "report.review"]
    full = report_reviews.read_report(uow_factory(), report_id=report_id, reader_id=gm, **kwargs())
    assert full is not None and "长" * 2000 in full.text
    assert report_reviews.read_report(uow_factory(), report_id=report_id, reader_id=li, **kwargs()) is None


def test_status_for_the_office_head_and_for_headquarters(uow_factory: UowFactory, people: dict[str, int]) -> None:
    submit(uow_factory, people["li"], "weekly", "2026-W48", cst(11, 27, 19))
    add_leave(uow_factory(), people["qian"], date(2026, 11, 30), date(2026, 11, 30))
    head_rows = reports.status_overview(uow_factory(), viewer_id=people["head"], now=cst(11, 30), **kwargs())
    weekly = next(r for r in head_rows if r.kind == "weekly")
    assert (weekly.period.key, weekly.expected, weekly.submitted, weekly.late, weekly.away, weekly.missing) == \
        ("2026-W48", 4, 1, 1, 1, ("张伟", "王强"))
    hq_rows = reports.status_overview(uow_factory(), viewer_id=people["gm"], now=cst(11, 30), **kwargs())
    assert {(r.office, r.kind) for r in hq_rows} == {("上海办事处", "weekly"), ("上海办事处", "monthly"),
                                                     ("上海办事处", "regional_monthly")}


@pytest.mark.both_databases  # a race: on PostgreSQL too (tests/conftest.py)
def test_two_saves_at_once_make_one_report(migrated_url: str, uow_factory: UowFactory,
                                           people: dict[str, int]) -> None:
    engines = [make_engine(migrated_url), make_engine(migrated_url)]
    barrier, outcomes = threading.Barrier(2), []

    def save(engine: Engine, summary: str) -> None:
        barrier.wait()
        outcomes.append(reports.submit_report(
            UnitOfWork(make_session_factory(engine)), staff_id=people["li"], kind="weekly", period_key="2026-W48",
            answers={"summary": summary, "plan": "p"}, now=cst(11, 27), **kwargs()).created)

    threads = [threading.Thread(target=save, args=(e, s)) for e, s in zip(engines, ("甲", "乙"), strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    for engine in engines:
        engine.dispose()
    assert sorted(outcomes) == [False, True]
    with uow_factory() as uow:
        assert len(uow.session.scalars(select(Report)).all()) == 1


def test_a_head_who_is_also_regional_manager_gets_both_monthly_forms(uow_factory: UowFactory,
                                                                     people: dict[str, int]) -> None:
    both = add_person(uow_factory(), "双岗", office_id=people["office"], roles=["office_head", "regional_manager"])
    first = open_(uow_factory, both, "monthly", cst(12, 2))
    assert isinstance(first, Opened) and first.kind == "monthly"
    submit(uow_factory, both, "monthly", "2026-11", cst(12, 2))
    second = open_(uow_factory, both, "monthly", cst(12, 2))
    assert isinstance(second, Opened) and (second.kind, second.report_id) == ("regional_monthly", None)


def pressed(data: str) -> Press:
    """A button's unpacked data (the codec made it)."""
    press = unpack(data)
    assert press is not None, data
    return press
