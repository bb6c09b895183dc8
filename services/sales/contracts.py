"""Contracts (合同): record one with its instalments, edit it (audited), show and list them.

Who sees what: headquarters every office, office heads and admins all of their office's, everyone
else the contracts they are responsible for (`contract_scope`). A contract's office is its
customer's. Instalments are stored with their amount worked out and their due date resolved, so
receivables are a plain query; an edit keeps what was already received on each stage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, false, select, true
from sqlalchemy import update as sql_update
from sqlalchemy.orm import Session

from domain.contracts import InstalmentKind, InstalmentTerm, plain_number
from domain.tenders import TenderResult
from services.expenses.project_costs import carry_overs, contract_commission_fees, contract_fees, office_claims
from services.i18n.catalogs import N_, Translate
from services.i18n.words import ACCEPTED_ON_LINE, CUSTOMER_LINE, DUE_ON
from services.payments.incoming import money
from services.platform import audit
from services.platform.staff import StaffView
from services.records import access
from storage.claims import rowcount
from storage.models import Contract, Customer, Instalment, Office, Staff, Tender
from storage.uow import UnitOfWork

KIND_LABELS = {
    InstalmentKind.ADVANCE: N_("advance payment"),
    InstalmentKind.DELIVERY: N_("payment on delivery"),
    InstalmentKind.ACCEPTANCE: N_("payment on acceptance"),
    InstalmentKind.WARRANTY: N_("warranty retention"),
}
LIST_LIMIT = 50


@dataclass(frozen=True)
class ContractIn:
    """A contract as entered: validated by the handler with the domain's term parser."""

    customer_id: int
    project: str
    signed_on: date
    amount: Decimal
    terms: dict[InstalmentKind, InstalmentTerm]
    accepted_on: date | None = None
    net_profit_rate: Decimal | None = None
    bid_deposit: Decimal | None = None
    deposit_returned_on: date | None = None
    tender_id: int | None = None


@dataclass(frozen=True)
class InstalmentCard:
    """One stage as shown: amount, due date (None while waiting for acceptance), invoice, received."""

    id: int
    kind: InstalmentKind
    term: InstalmentTerm
    amount: Decimal
    due_date: date | None
    invoiced: bool
    received: Decimal


@dataclass(frozen=True)
class ContractCard:
    """A contract as handlers and notices show it."""

    id: int
    office_id: int
    office_name: str
    customer_id: int
    customer_name: str
    staff_id: int
    staff_name: str
    project: str
    signed_on: date
    amount: Decimal
    accepted_on: date | None
    net_profit_rate: Decimal | None
    bid_deposit: Decimal | None
    deposit_returned_on: date | None
    instalments: list[InstalmentCard] = field(default_factory=list)
    tender_id: int | None = None
    carried_over: Decimal = Decimal(0)  # 40 % of lost bids' project costs (累积计算)
    fees: Decimal = Decimal(0)  # intermediary fees booked on it (pending or approved)
    commission_fees: Decimal = Decimal(0)  # the same toward the commission: without an invoice ×1.1


class CustomerNotFound(Exception):
    """The picked customer is missing or not the person's to see."""


def contract_scope(viewer: StaffView) -> ColumnElement[bool]:
    """Contracts the person may see: HQ all, heads and admins their office, others their own."""
    if viewer.is_hq:
        return true()
    if viewer.office_id is None:
        return false()
    same_office = Contract.office_id == viewer.office_id
    return same_office if viewer.manages_office else and_(same_office, Contract.staff_id == viewer.id)


def _term_of(row: Instalment) -> InstalmentTerm:
    """The stored stage as the domain's term."""
    percent = Decimal(row.percent) if row.percent is not None else None
    return InstalmentTerm(percent=percent, amount=None if percent is not None else Decimal(row.amount),
                          due_on=row.due_on, days_after_acceptance=row.days_after_acceptance,
                          invoiced=row.invoiced)


def _instalments(session: Session, contract_id: int) -> list[Instalment]:
    """A contract's stages in the order a project pays them."""
    order = list(InstalmentKind)
    rows = session.scalars(select(Instalment).where(Instalment.contract_id == contract_id)).all()
    return sorted(rows, key=lambda row: order.index(InstalmentKind(row.kind)))


def card_of(session: Session, contract: Contract) -> ContractCard:
    """Snapshot a contract row with its names and stages."""
    office = session.get(Office, contract.office_id)
    customer = session.get(Customer, contract.customer_id)
    staff = session.get(Staff, contract.staff_id)
    stages = [InstalmentCard(id=row.id, kind=InstalmentKind(row.kind), term=_term_of(row),
                             amount=Decimal(row.amount), due_date=row.due_date, invoiced=row.invoiced,
                             received=Decimal(row.received or 0))
              for row in _instalments(session, contract.id)]
    return ContractCard(
        id=contract.id, office_id=contract.office_id, office_name=office.name if office else "-",
        customer_id=contract.customer_id, customer_name=customer.name if customer else "?",
        staff_id=contract.staff_id, staff_name=staff.name if staff else "?", project=contract.project,
        signed_on=contract.signed_on, amount=Decimal(contract.amount), accepted_on=contract.accepted_on,
        net_profit_rate=None if contract.net_profit_rate is None else Decimal(contract.net_profit_rate),
        bid_deposit=None if contract.bid_deposit is None else Decimal(contract.bid_deposit),
        deposit_returned_on=contract.deposit_returned_on, instalments=stages, tender_id=contract.tender_id,
        carried_over=carry_overs(session, office_id=contract.office_id).get(contract.id, Decimal(0)),
        **_fees_of(session, contract),
    )


def _fees_of(session: Session, contract: Contract) -> dict[str, Decimal]:
    """The intermediary fees booked on the contract, as paid and as the commission base counts them."""
    claims = office_claims(session, office_id=contract.office_id, since=contract.signed_on)
    return {"fees": contract_fees(claims, contract.id),
            "commission_fees": contract_commission_fees(claims, contract.id)}


def create(uow: UnitOfWork, *, viewer: StaffView, data: ContractIn, now: datetime) -> ContractCard:
    """Record a contract the person is responsible for, in its customer's office (audited)."""
    with uow:
        session = uow.session
        customer = access.visible(session, Customer, data.customer_id, viewer)
        if customer is None:
            raise CustomerNotFound
        contract = Contract(office_id=customer.office_id, staff_id=viewer.id, created_at=now, updated_at=now)
        _apply(session, contract, data)
        _link_tender(session, contract, data.tender_id)
        audit.record(session, actor_id=viewer.id, action="create", entity="contract", entity_id=contract.id,
                     at=now, detail={"after": snapshot(session, contract)})
        card = card_of(session, contract)
        uow.commit()
        return card


def update(uow: UnitOfWork, *, viewer: StaffView, contract_id: int, data: ContractIn, now: datetime
           ) -> ContractCard | None:
    """Save an edit with before/after in the audit log; None when not the person's to edit."""
    with uow:
        session = uow.session
        contract = session.scalars(select(Contract).where(Contract.id == contract_id,
                                                          contract_scope(viewer))).first()
        if contract is None:
            return None
        customer = access.visible(session, Customer, data.customer_id, viewer)
        if customer is None:
            raise CustomerNotFound
        before = snapshot(session, contract)
        contract.office_id = customer.office_id
        contract.updated_at = now
        _apply(session, contract, data)
        after = snapshot(session, contract)
        changed = [k for k in after if after[k] != before.get(k)]
        audit.record(session, actor_id=viewer.id, action="update", entity="contract", entity_id=contract.id,
                     at=now, detail={"before": {k: before.get(k) for k in changed},
                                     "after": {k: after[k] for k in changed}})
        card = card_of(session, contract)
        uow.commit()
        return card


def _link_tender(session: Session, contract: Contract, tender_id: int | None) -> None:
    """A won bid of the same office becomes this contract (once: a bid already linked stays as it is)."""
    if tender_id is None:
        return
    linked = rowcount(session.execute(
        sql_update(Tender).where(Tender.id == tender_id, Tender.office_id == contract.office_id,
                             Tender.result == TenderResult.WON.value, Tender.contract_id.is_(None))
        .values(contract_id=contract.id)))
    if linked:
        contract.tender_id = tender_id
        session.flush()


def _apply(session: Session, contract: Contract, data: ContractIn) -> None:
    """Copy the input onto the row and its stages (a dropped stage goes, a kept one keeps its receipts)."""
    contract.customer_id = data.customer_id
    contract.project = data.project
    contract.signed_on = data.signed_on
    contract.amount = data.amount
    contract.accepted_on = data.accepted_on
    contract.net_profit_rate = data.net_profit_rate
    contract.bid_deposit = data.bid_deposit
    contract.deposit_returned_on = data.deposit_returned_on
    if contract.id is None:
        session.add(contract)
        session.flush()
    existing = {InstalmentKind(row.kind): row for row in _instalments(session, contract.id)}
    for kind, row in existing.items():
        if kind not in data.terms:
            session.delete(row)
    for kind, term in data.terms.items():
        row = existing.get(kind) or Instalment(contract_id=contract.id, kind=kind.value, received=Decimal(0))
        row.term = term.as_text()
        row.percent = term.percent
        row.amount = term.amount_of(data.amount)
        row.due_on = term.due_on
        row.days_after_acceptance = term.days_after_acceptance
        row.due_date = term.due_date(data.accepted_on)
        row.invoiced = term.invoiced
        session.add(row)
    session.flush()


def accept(session: Session, contract: Contract, accepted_on: date) -> list[InstalmentCard]:
    """The contract accepted (验收) on `accepted_on`: every stage due "验收后N天" gets its due date and so
    becomes receivable (/receivables, 催款); those stages, as shown. The caller audits and commits."""
    contract.accepted_on = accepted_on
    stages = []
    for row in _instalments(session, contract.id):
        if row.days_after_acceptance is None:
            continue
        row.due_date = _term_of(row).due_date(accepted_on)
        stages.append(InstalmentCard(id=row.id, kind=InstalmentKind(row.kind), term=_term_of(row),
                                     amount=Decimal(row.amount), due_date=row.due_date, invoiced=row.invoiced,
                                     received=Decimal(row.received or 0)))
    session.flush()
    return stages


def snapshot(session: Session, contract: Contract) -> dict[str, Any]:
    """The editable fields and stages as JSON-safe values, for the audit log."""
    def text(value: object) -> str | None:
        return None if value is None else str(value)
    values: dict[str, Any] = {
        "customer_id": contract.customer_id, "project": contract.project, "signed_on": text(contract.signed_on),
        "amount": text(contract.amount), "accepted_on": text(contract.accepted_on),
        "net_profit_rate": text(contract.net_profit_rate), "bid_deposit": text(contract.bid_deposit),
        "deposit_returned_on": text(contract.deposit_returned_on),
    }
    for row in _instalments(session, contract.id):
        values[f"instalment_{row.kind}"] = _term_of(row).as_text()
    return values


def get(uow: UnitOfWork, *, viewer: StaffView, contract_id: int) -> ContractCard | None:
    """One contract, or None when missing or not the person's to see."""
    with uow:
        contract = uow.session.scalars(select(Contract).where(Contract.id == contract_id,
                                                              contract_scope(viewer))).first()
        return None if contract is None else card_of(uow.session, contract)


def recent(uow: UnitOfWork, *, viewer: StaffView, limit: int = LIST_LIMIT) -> list[ContractCard]:
    """The person's visible contracts, most recently signed first."""
    with uow:
        rows = uow.session.scalars(select(Contract).where(contract_scope(viewer))
                                   .order_by(Contract.signed_on.desc(), Contract.id.desc()).limit(limit)).all()
        return [card_of(uow.session, row) for row in rows]


def describe(card: ContractCard, _: Translate, *, with_office: bool = False) -> str:
    """The contract as a card, in the reader's language."""
    office = f"（{card.office_name}）" if with_office else ""
    lines = [
        _("Contract #{id} — {project}").format(id=card.id, project=card.project),
        _(CUSTOMER_LINE).format(name=card.customer_name) + office,
        _("Signed on {day}, amount {amount} yuan").format(day=card.signed_on.isoformat(), amount=money(card.amount)),
        _("Responsible: {name}").format(name=card.staff_name),
    ]
    if card.net_profit_rate is not None:
        lines.append(_("Expected net profit rate: {rate}%").format(rate=plain_number(card.net_profit_rate)))
    if card.accepted_on is not None:
        lines.append(_(ACCEPTED_ON_LINE).format(day=card.accepted_on.isoformat()))
    if card.bid_deposit is not None:
        returned = card.deposit_returned_on.isoformat() if card.deposit_returned_on else _("not returned")
        lines.append(_("Bid deposit: {amount} yuan, returned: {returned}").format(
            amount=money(card.bid_deposit), returned=returned))
    if card.tender_id is not None:
        lines.append(_("From tender #{id}").format(id=card.tender_id))
    if card.carried_over:
        lines.append(_("Carried over from lost bids (40%): {amount} yuan").format(amount=money(card.carried_over)))
    if card.fees:
        lines.append(_("Intermediary fees: {fees} yuan; toward the commission {counted} yuan (without an invoice "
                       "×1.1)").format(fees=money(card.fees), counted=money(card.commission_fees)))
    lines += [instalment_line(stage, _) for stage in card.instalments]
    return "\n".join(lines)


def instalment_line(stage: InstalmentCard, _: Translate) -> str:
    """• advance 30% = 150,000.00, due 2026-12-20, invoiced, received 0.00."""
    share = f"{plain_number(stage.term.percent)}% = " if stage.term.percent is not None else ""
    if stage.due_date is not None:
        due = _(DUE_ON).format(day=stage.due_date.isoformat())
    else:
        due = _("due {days} days after acceptance").format(days=stage.term.days_after_acceptance)
    invoice = _("invoiced") if stage.invoiced else _("not invoiced")
    return "• " + _("{kind}: {share}{amount} yuan, {due}, {invoice}, received {received}").format(
        kind=_(KIND_LABELS[stage.kind]), share=share, amount=money(stage.amount), due=due, invoice=invoice,
        received=money(stage.received))


def list_line(card: ContractCard, *, with_office: bool) -> str:
    """#id date project — customer amount."""
    office = f"［{card.office_name}］" if with_office else ""
    return f"{office}#{card.id} {card.signed_on.isoformat()} {card.project} — {card.customer_name} {money(card.amount)}"
