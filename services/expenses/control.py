"""The seed's cost control where people decide: flags on an expense claim's approval card, the
monthly ceiling HQ sets per office, and the figures (KPI a, the 4.5 % cap) of an office's year.

Flags (one line each, computed when the card is drawn, so each approver sees the standing then):
- an intermediary fee (项目费用 ≥ 5,000 or 居间服务费) on a contract: its fees so far against the cap
  (3 % of the contract below a 15 % net profit rate, 5 % from 15 %; an unknown rate gets the stricter 3 %);
- a daily expense that takes the office's month past its ceiling (or to 80 % of it);
- receipts sent after the 25th (每月25日之前将票据寄到总裁办).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.contracts import plain_number
from domain.expense_rules import (
    CapLevel,
    KpiBand,
    expense_kpi,
    intermediary_cap,
    intermediary_cap_percent,
    kpi_band,
    monthly_ceiling_level,
    over_intermediary_cap,
    receipts_due_on,
    receipts_late,
    yearly_cap,
    yearly_cap_level,
)
from domain.roles import CEILING_SETTER_ROLES
from services.expenses.project_costs import (
    claim_of,
    contract_commission_fees,
    contract_fees,
    month_daily,
    office_claims,
)
from services.i18n.catalogs import N_, Translate
from services.payments.incoming import money
from services.platform import audit
from services.platform.staff import StaffView
from storage.models import ApprovalRequest, Contract, Office, OfficeBudget
from storage.uow import UnitOfWork

CEILING_SETTERS = CEILING_SETTER_ROLES
BAND_LABELS = {KpiBand.EXCELLENT: N_("excellent"), KpiBand.GOOD: N_("good"), KpiBand.IMPROVE: N_("needs improvement")}


def ceiling_of(session: Session, *, office_id: int, year: int) -> Decimal | None:
    """The office's monthly ceiling for `year`, or None when HQ has set none."""
    value = session.scalar(select(OfficeBudget.monthly_ceiling).where(OfficeBudget.office_id == office_id,
                                                                      OfficeBudget.year == year))
    return None if value is None else Decimal(value)


def flag_lines(session: Session, _: Translate, req: ApprovalRequest) -> list[str]:
    """The cost-control lines for an expense claim's approval card (none for other requests)."""
    if req.kind != "expense" or req.office_id is None:
        return []
    claim = claim_of(req)
    lines: list[str] = []
    if claim.is_intermediary:
        lines += _fee_lines(session, _, req.office_id, claim.contract_id)
    elif not claim.is_project and claim.spent_on is not None:
        lines += _ceiling_lines(session, _, req.office_id, claim.spent_on)
    office = session.get(Office, req.office_id)
    if claim.spent_on is not None and office is not None:
        submitted = req.created_at.astimezone(ZoneInfo(office.timezone)).date()
        if receipts_late(spent_on=claim.spent_on, submitted_on=submitted):
            lines.append(_("⏰ Receipts late: they were due by {day} (the 25th).").format(
                day=receipts_due_on(claim.spent_on).isoformat()))
    return lines


def _fee_lines(session: Session, _: Translate, office_id: int, contract_id: int | None) -> list[str]:
    """The intermediary-fee cap of the claim's contract."""
    contract = session.get(Contract, contract_id) if contract_id is not None else None
    if contract is None or contract.office_id != office_id:
        return [_("⚠️ Intermediary fee not tied to a contract: its cap cannot be checked.")]
    rate = Decimal(contract.net_profit_rate) if contract.net_profit_rate is not None else Decimal(0)
    amount = Decimal(contract.amount)
    claims = office_claims(session, office_id=office_id, since=contract.signed_on)
    fees, counted = contract_fees(claims, contract.id), contract_commission_fees(claims, contract.id)
    cap = intermediary_cap(amount, rate)
    values = {"id": contract.id, "fees": money(fees), "cap": money(cap),
              "pct": plain_number(intermediary_cap_percent(rate))}
    if over_intermediary_cap(fees, amount, rate):
        lines = [_("⚠️ Over the intermediary-fee cap: contract #{id} fees {fees} yuan, cap {cap} yuan "
                   "({pct}% of the contract).").format(**values)]
    else:
        lines = [_("Intermediary fees on contract #{id}: {fees} of a {cap} yuan cap ({pct}% of the contract)."
                   ).format(**values)]
    if counted != fees:
        lines.append(commission_line(_, counted))
    return lines


def commission_line(_: Translate, counted: Decimal) -> str:
    """The fees as the commission base counts them (those without an invoice ×1.1, 按1.1倍计算)."""
    return _("Toward the commission: {amount} yuan (fees without an invoice count 1.1 times).").format(
        amount=money(counted))


def _ceiling_lines(session: Session, _: Translate, office_id: int, spent_on: date) -> list[str]:
    """The office's month against its ceiling, this claim included."""
    ceiling = ceiling_of(session, office_id=office_id, year=spent_on.year)
    if ceiling is None:
        return []
    first = spent_on.replace(day=1)
    spent = month_daily(office_claims(session, office_id=office_id, since=first), year=first.year,
                        month=first.month)
    level = monthly_ceiling_level(spent, ceiling)
    values = {"month": first.strftime("%Y-%m"), "spent": money(spent), "ceiling": money(ceiling)}
    if level == CapLevel.REACHED:
        return [_("⚠️ Over the monthly ceiling: the office's {month} expenses come to {spent} of {ceiling} yuan."
                  ).format(**values)]
    if level == CapLevel.WARN:
        return [_("The office's {month} expenses reach {spent} of its {ceiling} yuan ceiling (80% or more)."
                  ).format(**values)]
    return []


def set_ceiling(uow: UnitOfWork, *, viewer: StaffView, office_name: str, amount: Decimal, year: int,
                now: datetime) -> bool:
    """HQ sets an office's monthly ceiling for `year` (audited); False when no such office."""
    with uow:
        session = uow.session
        office = session.scalars(select(Office).where(Office.name == office_name)).first()
        if office is None:
            return False
        row = session.scalars(select(OfficeBudget).where(OfficeBudget.office_id == office.id,
                                                         OfficeBudget.year == year)).first()
        before = None if row is None else str(row.monthly_ceiling)
        if row is None:
            row = OfficeBudget(office_id=office.id, year=year)
            session.add(row)
        row.monthly_ceiling, row.set_by, row.set_at = amount, viewer.id, now
        audit.record(session, actor_id=viewer.id, action="ceiling.set", entity="office", entity_id=office.id,
                     at=now, detail={"year": year, "before": before, "after": str(amount)})
        uow.commit()
        return True


@dataclass(frozen=True)
class YearFigures:
    """An office's year to date: contracts, expenses, intermediary fees, KPI a and the 4.5 % cap."""

    office_name: str
    contracts: Decimal
    expenses: Decimal
    intermediary: Decimal
    kpi: Decimal | None
    band: KpiBand
    cap: Decimal
    cap_level: CapLevel | None


def year_figures(session: Session, *, office_id: int, year: int, until: date) -> YearFigures:
    """The seed's yearly figures from the contracts signed and the approved claims spent up to `until`."""
    return period_figures(session, office_id=office_id, start=date(year, 1, 1), until=until)


def period_figures(session: Session, *, office_id: int, start: date, until: date) -> YearFigures:
    """The same figures for the days from `start` to `until` (a month's a: its expenses over its contracts)."""
    office = session.get(Office, office_id)
    contracts = sum((Decimal(v) for v in session.scalars(
        select(Contract.amount).where(Contract.office_id == office_id, Contract.signed_on >= start,
                                      Contract.signed_on <= until))), Decimal(0))
    claims = [c for c in office_claims(session, office_id=office_id, since=start, statuses=("approved",))
              if c.spent_on is not None and start <= c.spent_on <= until]
    expenses = sum((c.amount for c in claims), Decimal(0))
    intermediary = sum((c.amount for c in claims if c.is_intermediary), Decimal(0))
    kpi = expense_kpi(total_expenses=expenses, intermediary_fees=intermediary, contract_total=contracts)
    cap = yearly_cap(contracts)
    return YearFigures(office.name if office else "-", contracts, expenses, intermediary, kpi, kpi_band(kpi), cap,
                       yearly_cap_level(expenses, cap))


def figures_lines(figures: YearFigures, _: Translate) -> list[str]:
    """The yearly figures as the monthly report and /expense_kpi show them."""
    kpi = "—" if figures.kpi is None else f"{figures.kpi:.2f}"
    share = "—" if not figures.cap else f"{figures.expenses * 100 / figures.cap:.0f}%"
    lines = [
        _("Contracts signed this year: {amount} yuan").format(amount=money(figures.contracts)),
        _("Expenses this year: {amount} yuan (intermediary fees {fees})").format(
            amount=money(figures.expenses), fees=money(figures.intermediary)),
        _("Expense KPI a = {a} ({band}; excellent below 1.8, good below 2.0)").format(
            a=kpi, band=_(BAND_LABELS[figures.band])),
        _("Yearly cap 4.5% of contracts: {cap} yuan, {share} used").format(cap=money(figures.cap), share=share),
    ]
    if figures.cap_level == CapLevel.REACHED:
        lines.append(_("⚠️ The yearly expense cap is reached."))
    elif figures.cap_level == CapLevel.WARN:
        lines.append(_("⚠️ 80% of the yearly expense cap is used."))
    return lines


def office_figures(uow: UnitOfWork, *, viewer: StaffView, today: date) -> list[YearFigures]:
    """Year-to-date figures of the offices the person may see: HQ every office, a head their own."""
    with uow:
        session = uow.session
        if viewer.is_hq:
            office_ids = list(session.scalars(select(Office.id).order_by(Office.id)))
        else:
            office_ids = [viewer.office_id] if viewer.office_id is not None and viewer.manages_office else []
        return [year_figures(session, office_id=office_id, year=today.year, until=today) for office_id in office_ids]


COST_FIGURES = ("contract_amount", "receivables", "expenses", "expense_kpi", "yearly_cap_used")
"""The office head's monthly report figures computed here and kept with the report (amounts as decimal
strings): not questions of the form, they are what the records say, shown to the reviewer on the report card."""


def report_figures(session: Session, *, office_id: int, start: date, end: date) -> dict[str, str]:
    """The month's contracts signed (yuan), receivables due at its end, approved expenses spent in it, and
    the year-to-date KPI a and share of the 4.5 % cap used, for the office head's monthly report."""
    from services.payments.receivables import (
        open_instalments,  # receivables → contracts → payments: no cycle at call time
    )

    signed = sum((Decimal(v) for v in session.scalars(select(Contract.amount).where(
        Contract.office_id == office_id, Contract.signed_on >= start, Contract.signed_on <= end))), Decimal(0))
    owed = sum((item.owed for item in open_instalments(session, where=[Contract.office_id == office_id], until=end,
                                                       today=end)), Decimal(0))
    claims = office_claims(session, office_id=office_id, since=start, statuses=("approved",))
    spent = sum((c.amount for c in claims if c.spent_on is not None and start <= c.spent_on <= end), Decimal(0))
    year = year_figures(session, office_id=office_id, year=end.year, until=end)
    figures = {"contract_amount": plain_number(signed.quantize(Decimal("0.01"))),
               "receivables": plain_number(owed), "expenses": plain_number(spent)}
    if year.kpi is not None:
        figures["expense_kpi"] = f"{year.kpi:.2f}"
    if year.cap:
        figures["yearly_cap_used"] = f"{year.expenses * 100 / year.cap:.1f}"
    return figures
