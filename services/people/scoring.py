"""The monthly score sheet (月度评分表): facts, scoring, chasing, escalation and the .xlsx for HQ/HR.

The sweep runs per office during its working hours (the sheet on `sheet_day` from opening time, any
day: it is a file for HQ). Each step is claimed once per office and month in `reminders_sent`
(`score-<step>:<office>:<month>`) in the transaction of its messages: a restart or a second instance
sends nothing twice. Facts come from the records of the month: check-in days (late ones counted),
meetings missed, weekly reports, visits, new customers, repairs done, payments logged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domain import workdays
from domain.people import PeopleConfig
from domain.periods import PeriodUnit, period_for
from domain.report_rules import in_working_hours, period_bounds
from domain.scoring import ScoreStep, scored_month, steps_due, validate_scores, weighted_total
from services.i18n.catalogs import N_, Translate, translator
from services.messaging import outbox
from services.messaging.messages import OutFile, OutMessage
from services.office.meetings import absences
from services.platform import audit, zones
from services.platform.jobs import claim_reminder
from services.platform.staff import StaffView, holders_of
from services.reports.submissions import logged_figures
from services.reports.texts import FIGURE_LABELS
from storage.models import AttendancePunch, MonthlyScore, Office, RepairRecord, Report, Staff
from storage.uow import UnitOfWork

CRITERION_LABELS = {"results": N_("Work results"), "ability": N_("Business ability"),
                    "discipline": N_("Work discipline"), "teamwork": N_("Teamwork")}
CRITERION_ZH = {"results": "工作成绩", "ability": "业务能力", "discipline": "工作纪律", "teamwork": "团队协作"}
FACT_LABELS = {"attendance_days": N_("Days checked in"), "late_days": N_("Days late"),
               "meetings_missed": N_("Meetings missed"),
               "weekly_reports": N_("Weekly reports"), "visits": N_("Visits"),
               "new_customers": FIGURE_LABELS["new_customers"], "repairs_done": N_("Repairs done"),
               "payments": N_("Payments logged (CNY)")}
FACT_ZH = {"attendance_days": "出勤天数", "late_days": "迟到天数", "meetings_missed": "例会缺席",
           "weekly_reports": "周报份数", "visits": "拜访次数",
           "new_customers": "新增客户", "repairs_done": "完成维修", "payments": "回款登记(元)"}


def month_key(month: date) -> str:
    """2026-11."""
    return month.strftime("%Y-%m")


def scorable(session: Session, office_id: int) -> list[Staff]:
    """Everyone active in the office except its heads (who score them)."""
    heads = {s.id for s in holders_of(session, role="office_head", office_id=office_id)}
    people = session.scalars(select(Staff).where(Staff.office_id == office_id, Staff.active.is_(True))
                             .order_by(Staff.id)).all()
    return [p for p in people if p.id not in heads]


def month_facts(session: Session, *, staff_id: int, month: date, tz: ZoneInfo) -> dict[str, Any]:
    """The month's facts for one person, for the head to judge with numbers in front of them."""
    period = period_for(PeriodUnit.MONTH, month)
    punches = session.execute(select(AttendancePunch.day, AttendancePunch.late_minutes).where(
        AttendancePunch.staff_id == staff_id, AttendancePunch.kind == "in",
        AttendancePunch.day >= period.start, AttendancePunch.day <= period.end)).all()
    start, end = period_bounds(period, tz)
    weekly = session.scalar(select(func.count()).select_from(Report).where(
        Report.staff_id == staff_id, Report.kind == "weekly", Report.submitted_at >= start,
        Report.submitted_at < end))
    repairs = session.scalar(select(func.count()).select_from(RepairRecord).where(
        RepairRecord.technician_id == staff_id, RepairRecord.repaired_on >= period.start,
        RepairRecord.repaired_on <= period.end))
    logged = logged_figures(session, staff_id=staff_id, period=period, tz=tz)
    missed = absences(session, staff_ids=[staff_id], first=start, last=end).get(staff_id, 0)
    return {"attendance_days": len({p.day for p in punches}), "late_days": sum(1 for p in punches if p.late_minutes),
            "meetings_missed": missed,
            "weekly_reports": int(weekly or 0), "visits": logged["visits"], "new_customers": logged["new_customers"],
            "repairs_done": int(repairs or 0), "payments": logged["payments"]}


def facts_lines(facts: dict[str, Any], _: Translate) -> list[str]:
    """The facts, one per line, in the reader's language."""
    return [f"• {_(label)}: {facts.get(key, '—')}" for key, label in FACT_LABELS.items()]


def _scored_ids(session: Session, office_id: int, month: date) -> set[int]:
    """Who in the office already has a score for the month."""
    return set(session.scalars(select(MonthlyScore.staff_id).where(MonthlyScore.office_id == office_id,
                                                                   MonthlyScore.month == month)))


def sweep_scores(uow: UnitOfWork, *, now: datetime, config: PeopleConfig,
                 is_working_day: Callable[[date], bool] = workdays.is_working_day) -> int:
    """Open, chase, escalate and send the past month's sheet for every office, each step once; how many sent."""
    with uow:
        session = uow.session
        sent = 0
        for office in session.scalars(select(Office).where(Office.is_hq.is_(False)).order_by(Office.id)).all():
            local = now.astimezone(zones.zone_of(office))
            at_work = in_working_hours(local, start=office.work_start, end=office.work_end,
                                       is_working_day=is_working_day)
            opened = local.time() >= office.work_start
            heads = holders_of(session, role="office_head", office_id=office.id)
            people = scorable(session, office.id)
            if not heads or not people:
                continue
            month = scored_month(local.date())
            missing = [p for p in people if p.id not in _scored_ids(session, office.id, month)]
            for step in steps_due(config.scoring.timetable, local.date(), all_scored=not missing):
                if (step == ScoreStep.SHEET and not opened) or (step != ScoreStep.SHEET and not at_work):
                    continue
                if claim_reminder(session, key=f"score-{step.value}:{office.id}:{month_key(month)}",
                                  staff_id=None, now=now):
                    _send_step(session, step, office, month, heads=heads, missing=missing, config=config,
                               now=now)
                    sent += 1
        uow.commit()
        return sent


def _send_step(session: Session, step: ScoreStep, office: Office, month: date, *, heads: list[Staff],
               missing: list[Staff], config: PeopleConfig, now: datetime) -> None:
    """Queue one step's messages."""
    names = "、".join(p.name for p in missing)
    if step == ScoreStep.SHEET:
        sheet = build_sheet(session, office=office, month=month, config=config)
        for person in _hq(session):
            _ = translator(person.locale)
            text = _("📊 Monthly score sheet of {office} for {month}.").format(office=office.name,
                                                                             month=month_key(month))
            outbox.enqueue(session, staff_id=person.id, message=OutMessage(text, file=sheet), now=now)
        return
    if step == ScoreStep.ESCALATE:
        for person in holders_of(session, role="gm", office_id=None):
            _ = translator(person.locale)
            text = _("⚠️ {office}: the monthly score sheet for {month} is still missing scores for: {names}.")
            outbox.enqueue(session, staff_id=person.id, now=now, message=OutMessage(
                text.format(office=office.name, month=month_key(month), names=names)))
        return
    msgid = (N_("📝 Please fill in the monthly score sheet for {month}: {n} colleague(s) to score. "
                "Send /score.") if step == ScoreStep.OPEN else
             N_("⏰ Reminder: the monthly score sheet for {month} still misses: {names}. Send /score."))
    for head in heads:
        _ = translator(head.locale)
        outbox.enqueue(session, staff_id=head.id, now=now, message=OutMessage(
            _(msgid).format(month=month_key(month), n=len(missing), names=names)))


def _hq(session: Session) -> list[Staff]:
    """HR and the GM, each once."""
    people = {p.id: p for role in ("hr", "gm") for p in holders_of(session, role=role, office_id=None)}
    return [people[k] for k in sorted(people)]


@dataclass(frozen=True)
class ToScore:
    """One person on the head's list."""

    id: int
    name: str
    scored: bool


def to_score(uow: UnitOfWork, *, viewer: StaffView, today: date) -> tuple[date, list[ToScore]] | None:
    """The month the head scores now and their office's people; None for anyone but an office head."""
    if "office_head" not in viewer.roles or viewer.office_id is None:
        return None
    month = scored_month(today)
    with uow:
        session = uow.session
        done = _scored_ids(session, viewer.office_id, month)
        return month, [ToScore(p.id, p.name, p.id in done) for p in scorable(session, viewer.office_id)]


def facts_for(uow: UnitOfWork, *, viewer: StaffView, staff_id: int, month: date) -> tuple[str, dict[str, Any]] | None:
    """The person's name and facts, if the viewer heads their office and the month is the one open now."""
    with uow:
        session = uow.session
        person = session.get(Staff, staff_id)
        if (person is None or "office_head" not in viewer.roles or viewer.office_id != person.office_id
                or person.id not in {p.id for p in scorable(session, person.office_id or 0)}):
            return None
        return person.name, month_facts(session, staff_id=staff_id, month=month, tz=viewer.tz)


def save_score(uow: UnitOfWork, *, viewer: StaffView, staff_id: int, month: date, scores: dict[str, int],
               comment: str | None, config: PeopleConfig, now: datetime) -> tuple[str, Decimal | None]:
    """Store one score once: ('done', total), ('already', None), ('invalid', None) or ('not_found', None)."""
    scoring = config.scoring
    if validate_scores(scores, criteria=scoring.criteria, scale_max=scoring.scale_max):
        return "invalid", None
    found = facts_for(uow, viewer=viewer, staff_id=staff_id, month=month)
    if found is None or month != scored_month(now.astimezone(viewer.tz).date()):
        return "not_found", None
    kept = {c: int(scores[c]) for c in scoring.criteria}
    total = weighted_total(kept, weights=scoring.weights)
    with uow:
        session = uow.session
        try:
            with session.begin_nested():
                session.add(MonthlyScore(office_id=viewer.office_id, staff_id=staff_id, month=month,
                                         scorer_id=viewer.id, scores=kept, total=total, facts=found[1],
                                         comment=comment, scored_at=now))
        except IntegrityError:
            return "already", None
        audit.record(session, actor_id=viewer.id, action="score.save", entity="staff", entity_id=staff_id, at=now,
                     detail={"month": month_key(month), "total": str(total)})
        uow.commit()
        return "done", total


def build_sheet(session: Session, *, office: Office, month: date, config: PeopleConfig) -> OutFile:
    """The office's 月度评分表 as .xlsx: facts, each criterion, the total, the comment and the scorer."""
    criteria = config.scoring.criteria
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "月度评分表"
    sheet.append([f"月度评分表 {office.name} {month_key(month)}"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(["姓名", *FACT_ZH.values(), *(CRITERION_ZH[c] for c in criteria), "总分", "评语", "评分人"])
    scores = {s.staff_id: s for s in session.scalars(select(MonthlyScore).where(
        MonthlyScore.office_id == office.id, MonthlyScore.month == month))}
    tz = ZoneInfo(office.timezone)
    for person in scorable(session, office.id):
        row = scores.get(person.id)
        facts = row.facts if row is not None else month_facts(session, staff_id=person.id, month=month, tz=tz)
        scorer = session.get(Staff, row.scorer_id) if row is not None else None
        sheet.append([person.name, *(_number(facts.get(k)) for k in FACT_ZH),
                      *((row.scores.get(c) if row is not None else None) for c in criteria),
                      float(row.total) if row is not None else "未评", row.comment if row else None,
                      scorer.name if scorer else None])
    buffer = BytesIO()
    book.save(buffer)
    return OutFile(f"月度评分表-{office.name}-{month_key(month)}.xlsx", buffer.getvalue())


def _number(value: Any) -> Any:
    """A fact as a spreadsheet number (money is stored as a decimal string)."""
    if isinstance(value, str):
        try:
            return float(Decimal(value))
        except ArithmeticError:
            return value
    return value


def my_score(uow: UnitOfWork, *, viewer: StaffView, config: PeopleConfig, today: date
             ) -> tuple[date, MonthlyScore | None] | None:
    """The person's own latest score, when the company lets staff see theirs (None: not allowed)."""
    if not config.scoring.visible_to_staff:
        return None
    month = scored_month(today)
    with uow:
        row = uow.session.scalars(select(MonthlyScore).where(MonthlyScore.staff_id == viewer.id,
                                                             MonthlyScore.month == month)).first()
        if row is not None:
            uow.session.expunge(row)
        return month, row
