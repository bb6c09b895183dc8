"""Tenders (招投标, light): record a bid, set its result once (中标 / 未中标), and a won bid's contract.

Scope as contracts: HQ all, heads and admins their office, others their own bids. The result is set
with a conditional UPDATE (only a pending bid changes), so two taps or two people decide it once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, false, select, true, update
from sqlalchemy.orm import Session

from domain.expense_rules import lost_bid_carry_over
from domain.tenders import TenderResult
from services.expenses.project_costs import office_claims, tender_costs
from services.i18n.catalogs import N_, Translate
from services.i18n.words import CUSTOMER_LINE
from services.payments.incoming import money
from services.platform import audit
from services.platform.staff import StaffView
from services.records import access
from services.sales.contracts import CustomerNotFound
from storage.claims import rowcount
from storage.models import Customer, Office, Staff, Tender
from storage.uow import UnitOfWork

RESULT_LABELS = {
    TenderResult.PENDING: N_("bidding"),
    TenderResult.WON: N_("won"),
    TenderResult.LOST: N_("lost"),
}


@dataclass(frozen=True)
class TenderCard:
    """A bid as shown, with its approved project costs and (lost) what carries over."""

    id: int
    office_id: int
    office_name: str
    customer_id: int
    customer_name: str
    staff_name: str
    project: str
    bid_on: date
    deposit: Decimal | None
    result: TenderResult
    contract_id: int | None
    costs: Decimal

    @property
    def carry(self) -> Decimal:
        """What a lost bid carries to the office's next won project."""
        return lost_bid_carry_over(self.costs) if self.result == TenderResult.LOST else Decimal(0)


def tender_scope(viewer: StaffView) -> ColumnElement[bool]:
    """Bids the person may see."""
    if viewer.is_hq:
        return true()
    if viewer.office_id is None:
        return false()
    same_office = Tender.office_id == viewer.office_id
    return same_office if viewer.manages_office else and_(same_office, Tender.staff_id == viewer.id)


def card_of(session: Session, tender: Tender) -> TenderCard:
    """Snapshot a bid with its names and approved project costs."""
    office, customer = session.get(Office, tender.office_id), session.get(Customer, tender.customer_id)
    staff = session.get(Staff, tender.staff_id)
    claims = office_claims(session, office_id=tender.office_id, since=tender.bid_on)
    return TenderCard(tender.id, tender.office_id, office.name if office else "-", tender.customer_id,
                      customer.name if customer else "?", staff.name if staff else "?", tender.project,
                      tender.bid_on, None if tender.deposit is None else Decimal(tender.deposit),
                      TenderResult(tender.result), tender.contract_id, tender_costs(claims, tender.id))


def create(uow: UnitOfWork, *, viewer: StaffView, customer_id: int, project: str, bid_on: date,
           deposit: Decimal | None, now: datetime) -> TenderCard:
    """Record a bid in its customer's office (audited)."""
    with uow:
        session = uow.session
        customer = access.visible(session, Customer, customer_id, viewer)
        if customer is None:
            raise CustomerNotFound
        tender = Tender(office_id=customer.office_id, customer_id=customer.id, staff_id=viewer.id, project=project,
                        bid_on=bid_on, deposit=deposit, result=TenderResult.PENDING.value, created_at=now)
        session.add(tender)
        session.flush()
        audit.record(session, actor_id=viewer.id, action="create", entity="tender", entity_id=tender.id, at=now,
                     detail={"project": project, "deposit": None if deposit is None else str(deposit)})
        card = card_of(session, tender)
        uow.commit()
        return card


def get(uow: UnitOfWork, *, viewer: StaffView, tender_id: int) -> TenderCard | None:
    """One bid, or None when missing or not the person's to see."""
    with uow:
        tender = uow.session.scalars(select(Tender).where(Tender.id == tender_id, tender_scope(viewer))).first()
        return None if tender is None else card_of(uow.session, tender)


def decide(uow: UnitOfWork, *, viewer: StaffView, tender_id: int, result: TenderResult, today: date,
           now: datetime) -> TenderCard | None:
    """Set a pending bid's result once; the card as it stands after (None: not the person's)."""
    with uow:
        session = uow.session
        tender = session.scalars(select(Tender).where(Tender.id == tender_id, tender_scope(viewer))).first()
        if tender is None:
            return None
        changed = rowcount(session.execute(
            update(Tender).where(Tender.id == tender_id, Tender.result == TenderResult.PENDING.value)
            .values(result=result.value, decided_on=today)))
        if changed:
            audit.record(session, actor_id=viewer.id, action=f"tender.{result.value}", entity="tender",
                         entity_id=tender_id, at=now)
        session.refresh(tender)
        card = card_of(session, tender)
        uow.commit()
        return card


def describe(card: TenderCard, _: Translate) -> str:
    """The bid as a card."""
    lines = [
        _("Tender #{id} — {project}").format(id=card.id, project=card.project),
        _(CUSTOMER_LINE).format(name=card.customer_name),
        _("Bid on {day}, deposit {amount}").format(day=card.bid_on.isoformat(),
                                                    amount=money(card.deposit) if card.deposit else "—"),
        _("Result: {result}").format(result=_(RESULT_LABELS[card.result])),
        _("Project costs (approved): {amount} yuan").format(amount=money(card.costs)),
    ]
    if card.result == TenderResult.LOST:
        lines.append(_("40% carried to the office's next won project: {amount} yuan").format(amount=money(card.carry)))
    if card.contract_id is not None:
        lines.append(_("Contract: #{id}").format(id=card.contract_id))
    return "\n".join(lines)
