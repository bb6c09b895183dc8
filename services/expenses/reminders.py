"""Expense reminders from the seed's 财务管理: the office head warned when the month's daily expenses
reach 80 % (and again past 100 %) of the office's ceiling, everyone with an unfinished expense
claim reminded in the days before the 25th, when receipts are due at headquarters, and the monthly
KPI push.

Early each month the head and headquarters' finance get the past month's expense KPI a and the 4.5 %
cap standing of each branch office (the seed's 办事处年度费用的考核, shown monthly).

Each message is claimed once in `reminders_sent` (keys `ceil:<office>:<YYYY-MM>:<80|100>`,
`receipts:<staff>:<YYYY-MM>` and `kpi:<office>:<YYYY-MM>`), in each office's working hours on working days.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from domain import workdays
from domain.expense_rules import SEED_RULES, CapLevel, kpi_push_due, monthly_ceiling_level, receipts_reminder_due
from domain.periods import Period, PeriodUnit, period_for, previous_period
from domain.roles import EXPENSE_DIGEST_ROLES, Role
from services.expenses.control import BAND_LABELS, YearFigures, figures_lines, period_figures, year_figures
from services.expenses.project_costs import month_daily, office_claims
from services.i18n.catalogs import translator
from services.messaging.messages import OutMessage
from services.payments.incoming import money
from services.records.reminders import offices_at_work, send_once
from services.reports.roster import Person, Roster, load_roster
from storage.models import Draft, Office, OfficeBudget
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class CeilingWarning:
    """An office's month at 80 % or past its ceiling."""

    office_id: int
    office_name: str
    month: str
    spent: Decimal
    ceiling: Decimal
    level: CapLevel


def sweep_ceiling_warnings(uow: UnitOfWork, *, now: datetime,
                           is_working_day: Callable[[date], bool] = workdays.is_working_day) -> int:
    """Warn office heads once per month and level; how many warnings were claimed (one query per office)."""
    with uow:
        session = uow.session
        roster = load_roster(session)
        today = offices_at_work(roster, now=now, is_working_day=is_working_day)
        budgets = session.scalars(select(OfficeBudget).where(OfficeBudget.office_id.in_(sorted(today)))).all()
        warnings: dict[str, CeilingWarning] = {}
        for budget in budgets:
            local = today[budget.office_id]
            if budget.year != local.year:
                continue
            first = local.replace(day=1)
            spent = month_daily(office_claims(session, office_id=budget.office_id, since=first), year=first.year,
                                month=first.month)
            level = monthly_ceiling_level(spent, Decimal(budget.monthly_ceiling))
            if level is not None:
                month = first.strftime("%Y-%m")
                warnings[f"ceil:{budget.office_id}:{month}:{level.value}"] = CeilingWarning(
                    budget.office_id, roster.office_name(budget.office_id), month, spent,
                    Decimal(budget.monthly_ceiling), level)
        sent = send_once(session, items=warnings, owner=lambda _w: None,
                         recipients=lambda w: roster.holders("office_head", office_id=w.office_id),
                         render=ceiling_message, since=now - timedelta(days=40), now=now)
        uow.commit()
        return sent


def ceiling_message(warning: CeilingWarning, person: Person) -> OutMessage:
    """The head's warning in their language."""
    _ = translator(person.locale)
    values = {"office": warning.office_name, "month": warning.month, "spent": money(warning.spent),
              "ceiling": money(warning.ceiling)}
    if warning.level == CapLevel.REACHED:
        return OutMessage(_("⚠️ {office}: {month} expenses are {spent} yuan, past the monthly ceiling of {ceiling} "
                            "yuan.").format(**values))
    return OutMessage(_("⚠️ {office}: {month} expenses have reached {spent} yuan, 80% or more of the monthly "
                        "ceiling of {ceiling} yuan.").format(**values))


@dataclass(frozen=True)
class ReceiptsDue:
    """A person with an unfinished expense claim, and the 25th it is due by."""

    staff_id: int
    due: date


def sweep_receipts_reminders(uow: UnitOfWork, *, now: datetime,
                             is_working_day: Callable[[date], bool] = workdays.is_working_day) -> int:
    """Remind people with an unfinished expense claim in the days before the 25th, once a month."""
    with uow:
        session = uow.session
        roster = load_roster(session)
        today = {o: d for o, d in offices_at_work(roster, now=now, is_working_day=is_working_day).items()
                 if receipts_reminder_due(d)}
        if not today:
            return 0
        drafting = session.scalars(select(Draft.staff_id).where(Draft.form == "expense")).all()
        due: dict[str, ReceiptsDue] = {}
        for staff_id in drafting:
            person = roster.people.get(staff_id)
            local = today.get(person.office_id) if person is not None and person.office_id is not None else None
            if local is not None:
                due[f"receipts:{staff_id}:{local.strftime('%Y-%m')}"] = ReceiptsDue(
                    staff_id, local.replace(day=SEED_RULES.receipts_day))
        sent = send_once(session, items=due, owner=lambda r: r.staff_id,
                         recipients=lambda r: _people(roster, r.staff_id), render=receipts_message,
                         since=now - timedelta(days=40), now=now)
        uow.commit()
        return sent


def _people(roster: Roster, staff_id: int) -> list[Person]:
    """The person, if still active."""
    person = roster.people.get(staff_id)
    return [person] if person is not None else []


def receipts_message(item: ReceiptsDue, person: Person) -> OutMessage:
    """The reminder in the person's language."""
    _ = translator(person.locale)
    return OutMessage(_("🧾 Your expense claim is not submitted yet: receipts are due at headquarters by {day}. "
                        "Finish it with /expense.").format(day=item.due.isoformat()))


@dataclass(frozen=True)
class KpiReport:
    """An office's past month and its year to date, pushed once early in the next month."""

    office_id: int
    month: Period
    month_figures: YearFigures
    year_figures: YearFigures


def sweep_kpi_reports(uow: UnitOfWork, *, now: datetime,
                      is_working_day: Callable[[date], bool] = workdays.is_working_day) -> int:
    """Early each month (the 1st–7th, in working hours) push each branch office's past-month KPI a and 4.5 % cap
    standing to its head and to headquarters' finance (EXPENSE_DIGEST_ROLES); once per office and month
    (`kpi:<office>:<YYYY-MM>`), whichever instance claims it first."""
    with uow:
        session = uow.session
        roster = load_roster(session)
        branches = set(session.scalars(select(Office.id).where(Office.is_hq.is_(False))))
        due = {o: d for o, d in offices_at_work(roster, now=now, is_working_day=is_working_day).items()
               if o in branches and kpi_push_due(d)}
        reports: dict[str, KpiReport] = {}
        for office_id, local in sorted(due.items()):
            month = previous_period(period_for(PeriodUnit.MONTH, local))
            key = f"kpi:{office_id}:{month.key}"
            reports[key] = KpiReport(
                office_id, month, period_figures(session, office_id=office_id, start=month.start, until=month.end),
                year_figures(session, office_id=office_id, year=month.end.year, until=month.end))
        sent = send_once(session, items=reports, owner=lambda _r: None,
                         recipients=lambda r: _kpi_recipients(roster, r.office_id), render=kpi_message,
                         since=now - timedelta(days=40), now=now)
        uow.commit()
        return sent


def _kpi_recipients(roster: Roster, office_id: int) -> list[Person]:
    """The office's heads, then headquarters' finance and GM, each once."""
    people = roster.holders(Role.OFFICE_HEAD.value, office_id=office_id)
    for role in sorted(EXPENSE_DIGEST_ROLES):
        people += roster.holders(role.value, office_id=None)
    return list({person.id: person for person in people}.values())


def kpi_message(report: KpiReport, person: Person) -> OutMessage:
    """The month's and the year's figures in the person's language."""
    _ = translator(person.locale)
    month = report.month_figures
    a = "—" if month.kpi is None else f"{month.kpi:.2f}"
    lines = [_("📊 {office}: expense figures for {month}").format(office=month.office_name, month=report.month.key),
             _("{month}: contracts signed {contracts} yuan, expenses {expenses} yuan (intermediary fees {fees}); "
               "KPI a = {a} ({band})").format(month=report.month.key, contracts=money(month.contracts),
                                              expenses=money(month.expenses), fees=money(month.intermediary), a=a,
                                              band=_(BAND_LABELS[month.band])),
             _("Year to date, up to {day}:").format(day=report.month.end.isoformat()),
             *figures_lines(report.year_figures, _)]
    return OutMessage("\n".join(lines))
