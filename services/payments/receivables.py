"""Receivables (应收账款): open instalments by age, person, office and customer; payments matched to them.

Scope follows contracts (`contract_scope`): HQ every office, heads and admins their office, others
the contracts they are responsible for. A payment is matched to one instalment with one tap: the
match row is keyed by the payment, so a second tap (or a second person) changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from domain.callbacks import PAYMENT_MATCH, pack
from domain.contracts import InstalmentKind
from domain.receivables import UPCOMING_DAYS, Age, OpenInstalment, age_of, outstanding, rank_for_payment
from services.i18n.catalogs import N_, Translate, translator
from services.messaging import outbox
from services.messaging.messages import Button, OutMessage
from services.payments.incoming import money, payment_scope
from services.platform import audit
from services.platform.staff import StaffView
from services.sales.contracts import KIND_LABELS, contract_scope
from storage.claims import insert_ignore
from storage.models import Contract, Customer, Instalment, Office, Payment, PaymentMatch, Staff
from storage.uow import UnitOfWork

AGE_LABELS = {
    Age.UP_TO_30: N_("overdue up to 30 days"),
    Age.UP_TO_60: N_("31–60 days"),
    Age.UP_TO_90: N_("61–90 days"),
    Age.OVER_90: N_("over 90 days"),
}
"""How overdue an instalment is, in the book, the finance digest and (first bucket shortened) the charts."""
CHART_AGE_LABELS = {**AGE_LABELS, Age.UP_TO_30: N_("0–30 days")}
BY_OFFICE = N_("By office:")


@dataclass(frozen=True)
class Receivable:
    """One open instalment with the names it is shown with."""

    instalment_id: int
    contract_id: int
    project: str
    kind: InstalmentKind
    office_id: int
    office_name: str
    customer_id: int
    customer_name: str
    staff_id: int
    staff_name: str
    due_on: date
    owed: Decimal
    age: Age


@dataclass
class ReceivableBook:
    """What the person may see: due (by age, person, office, customer) and coming due within 30 days."""

    today: date
    due: list[Receivable] = field(default_factory=list)
    upcoming: list[Receivable] = field(default_factory=list)
    by_age: dict[Age, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    by_person: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    by_office: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    by_customer: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))

    @property
    def total(self) -> Decimal:
        """Everything due and not yet received."""
        return sum((item.owed for item in self.due), Decimal(0))


def open_instalments(session: Session, *, where: list[object], until: date, today: date) -> list[Receivable]:
    """Open instalments due by `until` matching `where`, oldest due first, aged on `today`: one query."""
    rows = session.execute(
        select(Instalment.id, Instalment.contract_id, Contract.project, Instalment.kind, Contract.office_id,
               Office.name.label("office_name"), Contract.customer_id, Customer.name.label("customer_name"),
               Contract.staff_id, Staff.name.label("staff_name"), Instalment.due_date, Instalment.amount,
               Instalment.received)
        .join(Contract, Contract.id == Instalment.contract_id)
        .join(Office, Office.id == Contract.office_id)
        .join(Customer, Customer.id == Contract.customer_id)
        .join(Staff, Staff.id == Contract.staff_id)
        .where(Instalment.due_date.is_not(None), Instalment.due_date <= until,
               Instalment.received < Instalment.amount, *where)  # type: ignore[arg-type]
        .order_by(Instalment.due_date, Instalment.id)
    )
    return [Receivable(row.id, row.contract_id, row.project, InstalmentKind(row.kind), row.office_id,
                       row.office_name, row.customer_id, row.customer_name, row.staff_id, row.staff_name,
                       row.due_date, outstanding(Decimal(row.amount), Decimal(row.received or 0)),
                       age_of(row.due_date, today))
            for row in rows]


def book(uow: UnitOfWork, *, viewer: StaffView, today: date) -> ReceivableBook:
    """The receivables the person may see on `today`, totalled every way /receivables shows them."""
    with uow:
        items = open_instalments(uow.session, where=[contract_scope(viewer)],
                                 until=today + timedelta(days=UPCOMING_DAYS), today=today)
    result = ReceivableBook(today=today)
    for item in items:
        if item.due_on > today:
            result.upcoming.append(item)
            continue
        result.due.append(item)
        result.by_age[item.age] += item.owed
        result.by_person[item.staff_name] += item.owed
        result.by_office[item.office_name] += item.owed
        result.by_customer[item.customer_name] += item.owed
    return result


# --- matching payments to instalments -----------------------------------------------------------


class MatchOutcome(StrEnum):
    """What a tap on a suggested match did."""

    MATCHED = "matched"
    ALREADY = "already"  # the payment was matched before (a double tap, or someone else)
    NOT_FOUND = "not_found"  # missing, not the person's, or not the payment's customer


@dataclass(frozen=True)
class MatchResult:
    """The outcome and, when matched, the instalment's new standing."""

    outcome: MatchOutcome
    counted: Decimal = Decimal(0)
    owed: Decimal = Decimal(0)


def stage_label(session: Session, instalment: Instalment, _: Translate) -> str:
    """'#1 监控系统 验收款' for a suggestion button or a confirmation."""
    contract = session.get(Contract, instalment.contract_id)
    project = contract.project if contract else "?"
    return f"#{instalment.contract_id} {project} {_(KIND_LABELS[InstalmentKind(instalment.kind)])}"


def suggestions(session: Session, *, viewer: StaffView, payment: Payment) -> list[Instalment]:
    """The payment customer's open instalments the person may see, best match first."""
    if payment.customer_id is None:
        return []
    rows = session.scalars(
        select(Instalment).join(Contract, Contract.id == Instalment.contract_id)
        .where(Contract.customer_id == payment.customer_id, Instalment.received < Instalment.amount,
               contract_scope(viewer))).all()
    by_id = {row.id: row for row in rows}
    candidates = [OpenInstalment(row.id, row.due_date, outstanding(Decimal(row.amount), Decimal(row.received)))
                  for row in rows]
    return [by_id[item.id] for item in rank_for_payment(Decimal(payment.amount), candidates)]


def offer_matches(uow: UnitOfWork, *, viewer: StaffView, payment_id: int, now: datetime) -> int:
    """Queue to the person the instalments this payment may settle, one button each; how many."""
    with uow:
        session = uow.session
        payment = session.scalars(select(Payment).where(Payment.id == payment_id, payment_scope(viewer))).first()
        if payment is None or session.get(PaymentMatch, payment_id) is not None:
            return 0
        found = suggestions(session, viewer=viewer, payment=payment)
        if not found:
            return 0
        _ = translator(viewer.locale)
        buttons = tuple((Button(f"{stage_label(session, row, _)} {money(outstanding(row.amount, row.received))}"[:60],
                                pack(PAYMENT_MATCH, payment=payment.id, instalment=row.id)),) for row in found)
        text = _("🔗 Payment #{id} ({amount} yuan): which instalment does it pay? Tap to match.").format(
            id=payment.id, amount=money(Decimal(payment.amount)))
        outbox.enqueue(session, staff_id=viewer.id, message=OutMessage(text, buttons=buttons), now=now)
        uow.commit()
        return len(found)


def match(uow: UnitOfWork, *, viewer: StaffView, payment_id: int, instalment_id: int, now: datetime
          ) -> MatchResult:
    """Count a payment toward an instalment of its customer, once (audited)."""
    with uow:
        session = uow.session
        payment = session.scalars(select(Payment).where(Payment.id == payment_id, payment_scope(viewer))).first()
        instalment = session.scalars(
            select(Instalment).join(Contract, Contract.id == Instalment.contract_id)
            .where(Instalment.id == instalment_id, contract_scope(viewer))).first()
        if payment is None or instalment is None:
            return MatchResult(MatchOutcome.NOT_FOUND)
        contract = session.get(Contract, instalment.contract_id)
        if contract is None or contract.customer_id != payment.customer_id:
            return MatchResult(MatchOutcome.NOT_FOUND)
        counted = min(Decimal(payment.amount), outstanding(Decimal(instalment.amount), Decimal(instalment.received)))
        if not insert_ignore(session, PaymentMatch, {"payment_id": payment.id, "instalment_id": instalment.id,
                                                      "amount": counted, "matched_by": viewer.id, "matched_at": now}):
            return MatchResult(MatchOutcome.ALREADY)
        session.execute(update(Instalment).where(Instalment.id == instalment.id)
                        .values(received=Instalment.received + counted))
        audit.record(session, actor_id=viewer.id, action="match", entity="payment", entity_id=payment.id, at=now,
                     detail={"instalment_id": instalment.id, "amount": str(counted)})
        session.refresh(instalment)
        owed = outstanding(Decimal(instalment.amount), Decimal(instalment.received))
        uow.commit()
        return MatchResult(MatchOutcome.MATCHED, counted, owed)
