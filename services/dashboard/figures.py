"""/dashboard: the office figures heads, HQ and finance watch, as PNG charts and as an .xlsx.

Figures (the offices the person may see: HQ every office, a head their own):
1. contracts signed vs payments received, by month (the last six months);
2. receivables by age (0–30, 31–60, 61–90, 90+ days overdue);
3. this month's daily expenses vs each office's ceiling;
4. expense KPI a by office, year to date, with the 1.8 / 2.0 bands;
5. this month's attendance rate by office (出勤率), 6. its late arrivals and absences (迟到 / 旷工);
7. reports due this month by office, weekly and monthly: on time, late, missing (services/dashboard/office_month.py).
The PNGs are kept as media rows (services/messaging/media.py) and sent as photos, each with its one line as caption.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.callbacks import DASHBOARD_XLSX, pack
from domain.receivables import Age
from domain.reports import ReportsConfig
from services.attendance.days import LATE
from services.dashboard import charts
from services.dashboard.office_month import FAMILIES, OfficeMonth, office_months
from services.expenses.control import ceiling_of, year_figures
from services.expenses.project_costs import month_daily, office_claims
from services.i18n.catalogs import N_, Translate
from services.messaging import media
from services.messaging.messages import Button, OutFile, OutMessage
from services.payments.receivables import CHART_AGE_LABELS, open_instalments
from services.platform.staff import StaffView
from storage.models import Contract, Office, Payment
from storage.uow import UnitOfWork

MONTHS = 6
AGES = (Age.UP_TO_30, Age.UP_TO_60, Age.UP_TO_90, Age.OVER_90)


@dataclass(frozen=True)
class Dashboard:
    """The numbers behind the charts."""

    today: date
    months: list[str]
    contracts: list[Decimal]
    payments: list[Decimal]
    ageing: dict[Age, Decimal]
    offices: list[str]
    spent: list[Decimal]
    ceilings: list[Decimal | None]
    kpi: list[Decimal | None]
    month: list[OfficeMonth] = field(default_factory=list)  # attendance and report compliance, per office


def _month_keys(today: date) -> list[str]:
    """The last MONTHS month keys, oldest first, ending with today's month."""
    keys, year, month = [], today.year, today.month
    for _ in range(MONTHS):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return keys[::-1]


def _by_month(session: Session, column: object, day: object, office: object, ids: list[int],
              first: date) -> dict[str, Decimal]:
    """Sum of `column` per month key of `day` since `first`, for the offices: one query."""
    rows = session.execute(select(day, func.sum(column)).where(office.in_(ids), day >= first)  # type: ignore
                           .group_by(day)).all()
    totals: dict[str, Decimal] = {}
    for when, amount in rows:
        key = when.strftime("%Y-%m")
        totals[key] = totals.get(key, Decimal(0)) + Decimal(amount or 0)
    return totals


@dataclass(frozen=True)
class MonthInputs:
    """What the attendance and compliance figures need besides the offices: the clock and the rules' settings."""

    now: datetime
    grace_minutes: int
    configs: ReportsConfig


def gather(uow: UnitOfWork, *, viewer: StaffView, today: date, inputs: MonthInputs | None = None) -> Dashboard:
    """The dashboard's numbers for the offices the person may see (attendance and reports with `inputs`)."""
    with uow:
        session = uow.session
        query = select(Office.id, Office.name).order_by(Office.id)
        if not viewer.is_hq:
            query = query.where(Office.id == (viewer.office_id or -1))
        offices = session.execute(query).all()
        ids = [row.id for row in offices]
        months = _month_keys(today)
        first = date(int(months[0][:4]), int(months[0][5:]), 1)
        signed = _by_month(session, Contract.amount, Contract.signed_on, Contract.office_id, ids, first)
        received = _by_month(session, Payment.amount, Payment.received_on, Payment.office_id, ids, first)
        ageing = dict.fromkeys(AGES, Decimal(0))
        for item in open_instalments(session, where=[Contract.office_id.in_(ids)], until=today, today=today):
            ageing[item.age] += item.owed
        spent, ceilings, kpi = [], [], []
        for office_id in ids:
            claims = office_claims(session, office_id=office_id, since=today.replace(day=1))
            spent.append(month_daily(claims, year=today.year, month=today.month))
            ceilings.append(ceiling_of(session, office_id=office_id, year=today.year))
            kpi.append(year_figures(session, office_id=office_id, year=today.year, until=today).kpi)
        month = [] if inputs is None else office_months(
            session, office_ids=ids, today=today, now=inputs.now, grace_minutes=inputs.grace_minutes,
            configs=inputs.configs)
        return Dashboard(today, months, [signed.get(m, Decimal(0)) for m in months],
                         [received.get(m, Decimal(0)) for m in months], ageing, [row.name for row in offices],
                         spent, ceilings, kpi, month)


def _wan(value: Decimal) -> float:
    """Yuan as 万元 (ten thousands), the unit the charts use."""
    return float(value / 10000)


def pictures(data: Dashboard, _: Translate) -> list[tuple[str, bytes]]:
    """The charts as (one-line caption, PNG): the four money charts, then attendance and reports."""
    short = [m[2:] for m in data.months]
    wan = _("10k yuan")
    age_labels = [_(CHART_AGE_LABELS[age]) for age in AGES]
    return [
        (_("Contracts signed and payments received, by month"),
         charts.grouped_bars(_("Contracts vs payments"), short, [
             (_("Contracts"), [_wan(v) for v in data.contracts]), (_("Payments"), [_wan(v) for v in data.payments])],
             unit=wan)),
        (_("Receivables by age: {amount} yuan overdue").format(amount=f"{sum(data.ageing.values()):,.2f}"),
         charts.bars_with_lines(_("Receivables by age"), age_labels, [_wan(data.ageing[a]) for a in AGES], unit=wan)),
        (_("This month's daily expenses against each office's ceiling (dashed)"),
         charts.bars_with_lines(_("Expenses vs ceiling"), data.offices, [_wan(v) for v in data.spent], unit=wan,
                                limits=[None if c is None else _wan(c) for c in data.ceilings])),
        (_("Expense KPI a by office, year to date (excellent below 1.8, good below 2.0)"),
         charts.bars_with_lines(_("Expense KPI a"), data.offices, [float(a or 0) for a in data.kpi], unit="a",
                                lines=[(_("excellent"), 1.8), (_("good"), 2.0)])),
        *(month_pictures(data, _) if data.month else []),
    ]


FAMILY_LABELS = {"weekly": N_("weekly"), "monthly": N_("monthly")}


def month_pictures(data: Dashboard, _: Translate) -> list[tuple[str, bytes]]:
    """This month's attendance rate, late arrivals and absences, and report compliance, by office."""
    names = [m.name for m in data.month]
    bars = [f"{m.name}\n{_(FAMILY_LABELS[family])}" for m in data.month for family in FAMILIES]
    counts = [m.compliance[family] for m in data.month for family in FAMILIES]
    return [
        (_("Attendance rate by office this month: days attended per working day due"),
         charts.bars_with_lines(_("Attendance rate"), names, [float(m.rate or 0) for m in data.month], unit="%",
                                lines=[(_("full attendance"), 100.0)])),
        (_("Late arrivals and absences (旷工) by office this month"),
         charts.grouped_bars(_("Late and absent"), names, [(_(LATE), [float(m.late) for m in data.month]),
                                                          (_("Absent"), [float(m.absent) for m in data.month])],
                             unit=_("days"))),
        (_("Reports due this month by office: on time, late, missing"),
         charts.stacked_bars(_("Report compliance"), bars, [
             (_("On time"), [float(c.on_time) for c in counts], charts.GREEN),
             (_("Submitted late"), [float(c.late) for c in counts], charts.ORANGE),
             (_("Missing"), [float(c.missing) for c in counts], charts.RED)], unit=_("reports"))),
    ]


def dashboard_messages(uow: UnitOfWork, *, viewer: StaffView, today: date, now: datetime, _: Translate,
                       inputs: MonthInputs | None = None) -> list[OutMessage]:
    """The charts as photo messages, each with its line, and a last one offering the .xlsx."""
    data = gather(uow, viewer=viewer, today=today, inputs=inputs)
    messages = []
    for index, (caption, png) in enumerate(pictures(data, _)):
        ref = media.keep(uow, channel="chart", source_id=f"dashboard:{viewer.id}:{now.isoformat()}:{index}",
                         data=png, now=now)
        messages.append(OutMessage(caption, photos=(ref,), caption=True))
    messages.append(OutMessage(_("📊 Dashboard for {day}. The same figures as a spreadsheet:").format(
        day=today.isoformat()), buttons=((Button(_("📥 .xlsx"), pack(DASHBOARD_XLSX)),),)))
    return messages


def workbook(uow: UnitOfWork, *, viewer: StaffView, today: date, _: Translate,
             inputs: MonthInputs | None = None) -> OutFile:
    """The dashboard's figures as an .xlsx, one sheet per chart."""
    data = gather(uow, viewer=viewer, today=today, inputs=inputs)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Contracts vs payments")[:31]
    sheet.append([_("Month"), _("Contracts"), _("Payments")])
    for month, signed, received in zip(data.months, data.contracts, data.payments, strict=True):
        sheet.append([month, float(signed), float(received)])
    ages = book.create_sheet(_("Receivables by age")[:31])
    ages.append([_("Age"), _("Amount")])
    for age in AGES:
        ages.append([_(CHART_AGE_LABELS[age]), float(data.ageing[age])])
    offices = book.create_sheet(_("Offices")[:31])
    offices.append([_("Office"), _("Expenses this month"), _("Monthly ceiling"), _("Expense KPI a")])
    for name, spent, ceiling, a in zip(data.offices, data.spent, data.ceilings, data.kpi, strict=True):
        offices.append([name, float(spent), None if ceiling is None else float(ceiling),
                        None if a is None else round(float(a), 2)])
    if data.month:
        _month_sheets(book, data, _)
    buffer = BytesIO()
    book.save(buffer)
    return OutFile(f"dashboard-{today.isoformat()}.xlsx", buffer.getvalue())


def _month_sheets(book: Workbook, data: Dashboard, _: Translate) -> None:
    """The attendance and report-compliance charts' figures, one sheet each."""
    attendance = book.create_sheet(_("Attendance this month")[:31])
    attendance.append([_("Office"), _("Attendance rate (%)"), _(LATE), _("Absent")])
    for month in data.month:
        rate = None if month.rate is None else float(month.rate)
        attendance.append([month.name, rate, float(month.late), float(month.absent)])
    reports = book.create_sheet(_("Report compliance")[:31])
    reports.append([_("Office"), _("Report"), _("On time"), _("Submitted late"), _("Missing")])
    for month in data.month:
        for family, count in month.compliance.items():
            reports.append([month.name, _(FAMILY_LABELS[family]), count.on_time, count.late, count.missing])
