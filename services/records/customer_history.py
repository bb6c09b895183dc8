"""A customer's history in one place (the customer ↔ visit ↔ repair links the paper archive keeps apart).

Last visits, open and closed repair jobs, payments, warranty end and products, each list filtered by
what the viewer may see (a salesperson sees only their own payments, as /payments does). A fixed
number of queries: the customer, then one per list.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from domain.records import RepairStatus
from services.payments.incoming import PaymentCard, payment_scope
from services.payments.incoming import card_of as payment_card
from services.platform.staff import StaffView
from services.records import access
from services.records.customers import CustomerCard
from services.records.customers import card_of as customer_card
from services.records.repairs import RepairCard
from services.records.repairs import card_of as repair_card
from services.records.visits import VisitCard
from services.records.visits import card_of as visit_card
from storage.models import Customer, Payment, RepairRecord, Visit
from storage.uow import UnitOfWork

OPEN = (RepairStatus.REPORTED.value, RepairStatus.ASSIGNED.value)


@dataclass(frozen=True)
class CustomerHistory:
    """The archive entry and the latest records that refer to it, newest first."""

    card: CustomerCard
    visits: list[VisitCard]
    open_repairs: list[RepairCard]
    closed_repairs: list[RepairCard]
    payments: list[PaymentCard]


def history(uow: UnitOfWork, *, viewer: StaffView, customer_id: int, limit: int = 5) -> CustomerHistory | None:
    """The customer's card with its last `limit` visits, closed jobs and payments and every open job."""
    with uow:
        s = uow.session
        customer = access.visible(s, Customer, customer_id, viewer)
        if customer is None:
            return None
        visits = s.scalars(select(Visit).where(Visit.customer_id == customer.id, access.visit_scope(viewer))
                           .order_by(Visit.visited_at.desc(), Visit.id.desc()).limit(limit)).all()
        jobs = select(RepairRecord).where(RepairRecord.customer_id == customer.id, access.repair_scope(viewer))
        open_jobs = s.scalars(jobs.where(RepairRecord.status.in_(OPEN)).order_by(RepairRecord.id)).all()
        closed = s.scalars(jobs.where(RepairRecord.status.not_in(OPEN))
                           .order_by(RepairRecord.id.desc()).limit(limit)).all()
        paid = s.scalars(select(Payment).where(Payment.customer_id == customer.id, payment_scope(viewer))
                         .order_by(Payment.received_on.desc(), Payment.id.desc()).limit(limit)).all()
        return CustomerHistory(
            card=customer_card(s, customer), visits=[visit_card(s, v) for v in visits],
            open_repairs=[repair_card(s, r) for r in open_jobs], closed_repairs=[repair_card(s, r) for r in closed],
            payments=[payment_card(s, p) for p in paid],
        )
