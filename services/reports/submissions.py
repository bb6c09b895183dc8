"""Weekly and monthly reports (周报 / 月报): open the right period prefilled, submit or revise, /status.

Reviews (批示) live in `services.reports.reviews`; reminders in `services.reports.reminders`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domain.contracts import plain_number
from domain.periods import Period, parse_period_key, recent_periods
from domain.report_rules import MONTHLY_KINDS, FigureScope, figure_scope, may_write, period_bounds, tally, writes
from domain.reports import ReportKind, ReportsConfig, deadline, is_late, report_period_to_submit
from domain.roles import HQ_ROLES, REGION_ROLES
from services.expenses.control import COST_FIGURES, report_figures
from services.office.meetings import open_tasks_text
from services.payments.incoming import office_payments_in_period, payments_in_period, plain
from services.platform import audit, zones
from services.platform.regions import in_region, region_office_ids
from services.reports.reviews import notify_reviewers
from services.reports.roster import away_by_day, load_reports, load_roster
from services.reports.texts import StatusRow, due_label
from storage.models import Contract, Customer, Office, Report, Staff, Visit
from storage.uow import UnitOfWork

FIGURES = ("visits", "new_customers", "contracts", "payments", *COST_FIGURES)


class Problem(StrEnum):
    """Why a report cannot be opened or saved."""

    NOT_A_WRITER = "not_a_writer"
    BAD_PERIOD = "bad_period"
    REVIEWED = "reviewed"


@dataclass(frozen=True)
class Opened:
    """A report form ready to fill: its type, period, deadline, prefilled answers and whose records they count."""

    kind: ReportKind
    period: Period
    due: datetime
    timezone: str
    answers: dict[str, Any]
    report_id: int | None = None
    late_now: bool = False
    scope: FigureScope = FigureScope.OWN
    offices: tuple[str, ...] = ()  # the offices whose records count (a regional manager's region)


def report_kinds_for(configs: ReportsConfig, *, family: str, roles: frozenset[str]) -> list[ReportKind]:
    """The report types /weekly or /monthly may open for a person (an office head who is also a
    regional manager writes both monthly reports)."""
    kinds = [ReportKind.WEEKLY] if family == ReportKind.WEEKLY else list(MONTHLY_KINDS)
    return [kind for kind in kinds if may_write(configs.get(kind), roles=roles)]


def open_report(
    uow: UnitOfWork, *, staff_id: int, family: str, period_key: str | None, now: datetime,
    configs: ReportsConfig,
) -> Opened | Problem:
    """The form to open for /weekly or /monthly: the existing report's answers, or figures from records."""
    with uow:
        session = uow.session
        staff, tz = _staff_and_tz(session, staff_id)
        choices = [(kind, _pick_period(configs, kind, now.astimezone(tz), period_key))
                   for kind in report_kinds_for(configs, family=family, roles=staff.roles)]
        if not choices:
            return Problem.NOT_A_WRITER
        found = [(kind, period, _existing(session, staff_id, kind, period.key)) for kind, period in choices if period]
        if not found:
            return Problem.BAD_PERIOD
        kind, period, report = next((c for c in found if c[2] is None), found[0])  # an unwritten one first
        due = deadline(configs.get(kind), period, tz)
        scope = figure_scope(kind, roles=staff.roles, in_region=in_region(session, office_id=staff.office_id))
        if report is None:
            offices = {FigureScope.OFFICE: [staff.office_id] if staff.office_id else [],
                       FigureScope.REGION: region_office_ids(session, office_id=staff.office_id)}.get(scope)
            answers = logged_figures(session, staff_id=staff_id, period=period, tz=tz, office_ids=offices or None)
            tasks = open_tasks_text(session, staff_id=staff_id) if kind == ReportKind.WEEKLY else ""
            if tasks:  # the meeting's tasks (布置任务) are the start of next week's plan
                answers["plan"] = tasks
            names = tuple(session.scalars(select(Office.name).where(Office.id.in_(offices or [])).order_by(Office.id)))
            return Opened(kind, period, due, tz.key, answers, late_now=is_late(now, due), scope=scope, offices=names)
        if report.status == "reviewed":
            return Problem.REVIEWED
        return Opened(kind, period, due, tz.key, answers_of(report), report.id, scope=scope)


def _pick_period(configs: ReportsConfig, kind: ReportKind, local_now: datetime, key: str | None) -> Period | None:
    """The period asked for (this one or the two before it), else the one most likely meant."""
    config = configs.get(kind)
    if key is None:
        return report_period_to_submit(config, local_now)
    allowed = {p.key: p for p in recent_periods(config.period, local_now.date())}
    try:
        return allowed.get(parse_period_key(key).key)
    except ValueError:
        return None


def logged_figures(session: Session, *, staff_id: int, period: Period, tz: ZoneInfo,
                   office_ids: list[int] | None = None) -> dict[str, Any]:
    """Visits made, customers created and payments logged (投款日期 in the period) by the person, or by
    everyone in `office_ids` when they are given (the office head's monthly report: his office; the
    regional manager's: the offices of his region).

    Every figure stays editable in the form: the person confirms or corrects it.
    """
    start, end = period_bounds(period, tz)
    mine = office_ids is None
    ids = office_ids or []
    visit_of = Visit.staff_id == staff_id if mine else Visit.office_id.in_(ids)
    customer_of = Customer.created_by == staff_id if mine else Customer.office_id.in_(ids)
    visits = session.scalar(select(func.count()).select_from(Visit).where(
        visit_of, Visit.visited_at >= start, Visit.visited_at < end))
    customers = session.scalar(select(func.count()).select_from(Customer).where(
        customer_of, Customer.created_at >= start, Customer.created_at < end))
    contract_of = Contract.staff_id == staff_id if mine else Contract.office_id.in_(ids)
    contracts = session.scalar(select(func.count()).select_from(Contract).where(
        contract_of, Contract.signed_on >= period.start, Contract.signed_on <= period.end))
    costs: dict[str, str] = {}
    if mine:
        collected = payments_in_period(session, staff_ids=[staff_id], start=period.start, end=period.end)
        paid = collected.get(staff_id, Decimal(0))
    else:
        paid = sum((office_payments_in_period(session, office_id=i, start=period.start, end=period.end)
                    for i in ids), Decimal(0))
        costs = _cost_figures(session, office_ids=ids, period=period)
    return {"visits": int(visits or 0), "new_customers": int(customers or 0), "contracts": int(contracts or 0),
            "payments": plain(paid), **costs}


def _cost_figures(session: Session, *, office_ids: list[int], period: Period) -> dict[str, str]:
    """The seed's cost figures (issue #11) of one office; of several, the amounts added up (the yearly KPI
    and the share of the cap are an office's own and are left out)."""
    per_office = [report_figures(session, office_id=i, start=period.start, end=period.end) for i in office_ids]
    if len(per_office) == 1:
        return per_office[0]
    amounts = ("contract_amount", "receivables", "expenses")
    return {key: plain(sum((Decimal(f[key]) for f in per_office if key in f), Decimal(0))) for key in amounts}


def answers_of(report: Report) -> dict[str, Any]:
    """A saved report as form answers, to revise it."""
    figures = {k: v for k, v in (report.figures or {}).items() if k in FIGURES}
    return {"summary": report.summary, "plan": report.plan, **figures}


@dataclass(frozen=True)
class Saved:
    """The outcome of saving a report."""

    kind: ReportKind
    period: Period
    created: bool = False
    late: bool = False
    problem: Problem | None = None


def submit_report(
    uow: UnitOfWork, *, staff_id: int, kind: str, period_key: str, answers: dict[str, Any], now: datetime,
    configs: ReportsConfig,
) -> Saved:
    """Save a new report (late after the deadline) or revise one not yet reviewed; reviewers are told."""
    report_kind, period = ReportKind(kind), parse_period_key(period_key)
    with uow:
        session = uow.session
        staff, tz = _staff_and_tz(session, staff_id)
        if not may_write(configs.get(report_kind), roles=staff.roles):
            return Saved(report_kind, period, problem=Problem.NOT_A_WRITER)
        values = _values(answers)
        if figure_scope(report_kind, roles=staff.roles) == FigureScope.OFFICE and staff.office_id is not None:
            values["figures"] = with_corrections(values["figures"], report_figures(
                session, office_id=staff.office_id, start=period.start, end=period.end))
        report = _create(session, staff, report_kind, period.key, values, now=now,
                         late=is_late(now, deadline(configs.get(report_kind), period, tz)))
        created = report is not None
        if report is None:
            report = _revise(session, staff_id, report_kind, period.key, values, now=now)
            if report is None:
                return Saved(report_kind, period, problem=Problem.REVIEWED)
        audit.record(session, actor_id=staff_id, action="report.submit" if created else "report.revise",
                     entity="report", entity_id=report.id, at=now, detail={"late": report.late})
        notify_reviewers(session, report=report, configs=configs, now=now)
        uow.commit()
        return Saved(report_kind, period, created=created, late=report.late)


def _values(answers: dict[str, Any]) -> dict[str, Any]:
    """Form answers as column values; figures stay JSON (amounts as decimal strings)."""
    figures = {name: answers.get(name) for name in FIGURES if answers.get(name) is not None}
    if "payments" in figures:
        try:
            figures["payments"] = str(Decimal(str(figures["payments"])))
        except InvalidOperation:
            figures.pop("payments")
    return {"summary": str(answers.get("summary") or ""), "plan": str(answers.get("plan") or ""),
            "figures": figures}


def with_corrections(figures: dict[str, Any], records: dict[str, str]) -> dict[str, Any]:
    """The head's cost figures as given (numbers written plainly) and, under `corrected`, the records' value of
    each one the head changed or left out, so the reviewer sees both (issue #11). Records are read at submit."""
    given = dict(figures)
    for name in COST_FIGURES:
        if given.get(name) is not None:
            given[name] = _plain(given[name])
    corrected = {name: records.get(name) for name in COST_FIGURES if given.get(name) != records.get(name)}
    return {**given, "corrected": corrected} if corrected else given


def _plain(value: Any) -> str:
    """A typed amount as the records write it: 4000, 0.78, 17.3 (no trailing zeros)."""
    try:
        return plain_number(Decimal(str(value)))
    except InvalidOperation:
        return str(value)


def _create(session: Session, staff: Staff, kind: ReportKind, period_key: str, values: dict[str, Any], *,
            now: datetime, late: bool) -> Report | None:
    """Insert the report; None when it already exists (also when a concurrent save just won)."""
    if _existing(session, staff.id, kind, period_key) is not None:
        return None
    report = Report(staff_id=staff.id, office_id=staff.office_id, kind=kind.value, period_key=period_key,
                    submitted_at=now, late=late, status="submitted", **values)
    try:
        with session.begin_nested():
            session.add(report)
    except IntegrityError:
        return None
    return report


def _revise(session: Session, staff_id: int, kind: ReportKind, period_key: str, values: dict[str, Any], *,
            now: datetime) -> Report | None:
    """Update a report unless it was reviewed meanwhile (a conditional update decides)."""
    stmt = (update(Report)
            .where(Report.staff_id == staff_id, Report.kind == kind.value, Report.period_key == period_key,
                   Report.status != "reviewed")
            .values(revised_at=now, **values).execution_options(synchronize_session=False))
    if cast(CursorResult[Any], session.execute(stmt)).rowcount != 1:
        return None
    report = _existing(session, staff_id, kind, period_key)
    if report is not None:
        session.refresh(report)
    return report


def _existing(session: Session, staff_id: int, kind: str, period_key: str) -> Report | None:
    """The person's report for this type and period."""
    return session.scalars(select(Report).where(
        Report.staff_id == staff_id, Report.kind == kind, Report.period_key == period_key)).first()


def _staff_and_tz(session: Session, staff_id: int) -> tuple[Staff, ZoneInfo]:
    """The staff row and their office's time zone."""
    staff = session.get(Staff, staff_id)
    if staff is None:
        raise LookupError(f"no staff {staff_id}")
    return staff, zones.staff_zone(session, staff)


def status_overview(
    uow: UnitOfWork, *, viewer_id: int, now: datetime, configs: ReportsConfig
) -> list[StatusRow]:
    """Submitted / late / missing per report type: the viewer's office (a regional manager's: each office of
    his region), or every office for HQ."""
    with uow:
        session = uow.session
        roster = load_roster(session)
        viewer = roster.people.get(viewer_id)
        if viewer is None:
            return []
        hq = bool(viewer.roles & HQ_ROLES)
        region = set(region_office_ids(session, office_id=viewer.office_id)) if viewer.roles & REGION_ROLES else set()
        offices = sorted((o for o in roster.offices.values() if hq or o.id == viewer.office_id or o.id in region),
                         key=lambda o: o.name)
        plan = [(kind, office, report_period_to_submit(configs.get(kind), now.astimezone(ZoneInfo(office.timezone))))
                for kind in ReportKind for office in offices]
        reports = load_reports(session, pairs={(kind.value, period.key) for kind, _o, period in plan})
        away = away_by_day(session, days={now.astimezone(ZoneInfo(o.timezone)).date() for o in offices})
        lines = []
        for kind, office, period in plan:
            tz, config = ZoneInfo(office.timezone), configs.get(kind)
            writers = [(p.id, p.name) for p in sorted(roster.people.values(), key=lambda p: p.name)
                       if p.office_id == office.id and writes(config, roles=p.roles, full_time=p.full_time)]
            if not writers:
                continue
            done = {sid: stub.late for sid, stub in reports.get((kind.value, period.key), {}).items()}
            count = tally(writers=writers, submitted=done, away=away.get(now.astimezone(tz).date(), set()))
            lines.append(StatusRow(kind, period, due_label(deadline(config, period, tz), tz), office.name,
                                   count.expected, count.submitted, count.late, count.away, count.missing))
        return lines
