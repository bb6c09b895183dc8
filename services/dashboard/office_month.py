"""An office's month for /dashboard: attendance (rate, late arrivals, absences) and report compliance.

The rules are `domain.office_figures`; the days come from `services.attendance.days` (the monthly sheet's
reading of each day), the reports from `services.reports.roster` (one query for every period counted).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from domain.attendance import DayStatus, month_summary
from domain.office_figures import Compliance, attendance_rate, period_compliance, periods_due_in
from domain.periods import Period, PeriodUnit, period_for
from domain.report_rules import writes
from domain.reports import ReportKind, ReportsConfig
from services.attendance.days import assess_office, offices
from services.platform import zones
from services.reports.roster import ReportStub, Roster, load_reports, load_roster

FAMILIES = {"weekly": (ReportKind.WEEKLY,), "monthly": (ReportKind.MONTHLY, ReportKind.REGIONAL_MONTHLY)}
"""How the compliance chart groups report types: 周报, and the two monthly reports together."""


@dataclass(frozen=True)
class OfficeMonth:
    """One office's month so far."""

    name: str
    rate: Decimal | None
    late: Decimal  # days; a half-day leave's worked half late counts 0.5
    absent: Decimal
    compliance: dict[str, Compliance]


def office_months(session: Session, *, office_ids: list[int], today: date, now: datetime, grace_minutes: int,
                  configs: ReportsConfig) -> list[OfficeMonth]:
    """Attendance and report compliance of `today`'s month for the offices, in `office_ids` order."""
    month = period_for(PeriodUnit.MONTH, today)
    roster = load_roster(session)
    rows = {office.id: office for office in offices(session, office_ids=office_ids)}
    due = {(office_id, kind): periods_due_in(configs.get(kind), month=month, tz=zones.zone_of(office))
           for office_id, office in rows.items() for kinds in FAMILIES.values() for kind in kinds}
    reports = load_reports(session, pairs={(kind.value, period.key) for (_o, kind), found in due.items()
                                           for period, _d in found})
    result = []
    for office_id in office_ids:
        office = rows.get(office_id)
        if office is None:
            continue
        people = assess_office(session, office=office, first=month.start, last=month.end, now=now,
                               grace_minutes=grace_minutes)
        summary = month_summary(day for person in people for day in person.days.values())
        compliance = {family: _compliance(roster, office_id, kinds, configs, due, reports, now)
                      for family, kinds in FAMILIES.items()}
        result.append(OfficeMonth(office.name, attendance_rate(summary), summary[DayStatus.LATE],
                                  summary[DayStatus.ABSENT], compliance))
    return result


def _compliance(roster: Roster, office_id: int, kinds: tuple[ReportKind, ...], configs: ReportsConfig,
                due: dict[tuple[int, ReportKind], list[tuple[Period, datetime]]],
                reports: dict[tuple[str, str], dict[int, ReportStub]], now: datetime) -> Compliance:
    """The office's reports of these types due this month, each writer once per period."""
    total = Compliance()
    for kind in kinds:
        config = configs.get(kind)
        writers = {p.id: p.joined_at.astimezone(p.tz).date() for p in roster.people.values()
                   if p.office_id == office_id and writes(config, roles=p.roles, full_time=p.full_time)}
        for period, deadline in due[(office_id, kind)]:
            done = {sid: stub.late for sid, stub in reports.get((kind.value, period.key), {}).items()
                    if sid in writers}
            total += period_compliance(period=period, due=deadline, now=now, writers=writers, submitted=done)
    return total
