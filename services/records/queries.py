"""Finding field records: a person's own recent ones, and an office's by type and period."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from domain.payments import PaymentKind
from domain.periods import Period
from services.i18n.catalogs import N_
from services.payments.incoming import CENT, PaymentCard, payment_scope
from services.platform.staff import StaffView
from services.records import access
from services.records.customers import CustomerCard
from services.records.customers import card_of as customer_card
from services.records.repairs import RepairCard
from services.records.repairs import card_of as repair_card
from services.records.visits import VisitCard
from services.records.visits import card_of as visit_card
from storage.models import Customer, Office, Payment, RepairRecord, Staff, Visit
from storage.uow import UnitOfWork

MAX_ROWS = 5000


class RecordKind(StrEnum):
    """The three field record types."""

    customers = "customers"
    repairs = "repairs"
    visits = "visits"


KIND_LABELS = {RecordKind.customers: N_("Customers"), RecordKind.repairs: N_("Repairs"),
               RecordKind.visits: N_("Visits")}

@dataclass(frozen=True)
class Listing:
    """Records found, with what was asked (office None: every office the person sees)."""

    office_id: int | None
    office_name: str | None
    period: Period | None
    customers: list[CustomerCard] = field(default_factory=list)
    repairs: list[RepairCard] = field(default_factory=list)
    visits: list[VisitCard] = field(default_factory=list)
    payments: list[PaymentCard] = field(default_factory=list)


def offices(uow: UnitOfWork, *, viewer: StaffView) -> list[tuple[int, str]]:
    """The branch offices the person may list or export (headquarters: every branch office)."""
    with uow:
        scope = Office.is_hq.is_(False) if viewer.is_hq else Office.id == viewer.office_id
        query = select(Office).where(scope).order_by(Office.id)
        return [(o.id, o.name) for o in uow.session.scalars(query)]


def office_named(uow: UnitOfWork, *, name: str) -> int | None:
    """An office's id by its exact name."""
    with uow:
        return uow.session.scalars(select(Office.id).where(Office.name == name.strip())).first()


def my_records(uow: UnitOfWork, *, viewer: StaffView, limit: int = 8) -> Listing:
    """What the person created, reported, was assigned or visited, newest first."""
    with uow:
        s = uow.session
        customers = s.scalars(select(Customer).where(access.customer_scope(viewer), Customer.created_by == viewer.id)
                              .order_by(Customer.id.desc()).limit(limit)).all()
        mine = or_(RepairRecord.created_by == viewer.id, RepairRecord.technician_id == viewer.id)
        repairs = s.scalars(select(RepairRecord).where(access.repair_scope(viewer), mine)
                            .order_by(RepairRecord.id.desc()).limit(limit)).all()
        visits = s.scalars(select(Visit).where(access.visit_scope(viewer), Visit.staff_id == viewer.id)
                           .order_by(Visit.visited_at.desc()).limit(limit)).all()
        return Listing(viewer.office_id, viewer.office_name, None, [customer_card(s, c) for c in customers],
                       [repair_card(s, r) for r in repairs], [visit_card(s, v) for v in visits])


def office_records(uow: UnitOfWork, *, viewer: StaffView, office_id: int | None, period: Period | None,
                   kinds: frozenset[RecordKind] = frozenset(RecordKind), payments: bool = False) -> Listing | None:
    """An office's (or, for headquarters, every office's) records; None when not allowed.

    The customer archive is listed whole; repairs by report date, visits by local visit date and
    (with `payments`) incoming payments by received date fall in `period` when one is given.
    """
    allowed, office_id = access.office_filter(viewer, office_id)
    if not allowed:
        return None
    with uow:
        s = uow.session
        office = s.get(Office, office_id) if office_id is not None else None
        return Listing(
            office_id, office.name if office else None, period,
            _customers(s, viewer, office_id) if RecordKind.customers in kinds else [],
            _repairs(s, viewer, office_id, period) if RecordKind.repairs in kinds else [],
            _visits(s, viewer, office_id, period) if RecordKind.visits in kinds else [],
            _payments(s, viewer, office_id, period) if payments else [],
        )


def _customers(s: Session, viewer: StaffView, office_id: int | None) -> list[CustomerCard]:
    """The archive, by office and name."""
    query = select(Customer).where(access.customer_scope(viewer))
    if office_id is not None:
        query = query.where(Customer.office_id == office_id)
    rows = s.scalars(query.order_by(Customer.office_id, Customer.name).limit(MAX_ROWS)).all()
    return [customer_card(s, c) for c in rows]


def _repairs(s: Session, viewer: StaffView, office_id: int | None, period: Period | None) -> list[RepairCard]:
    """Repair jobs reported in the period, oldest first."""
    query = select(RepairRecord).where(access.repair_scope(viewer))
    if office_id is not None:
        query = query.where(RepairRecord.office_id == office_id)
    if period is not None:
        query = query.where(RepairRecord.reported_on.between(period.start, period.end))
    rows = s.scalars(query.order_by(RepairRecord.reported_on, RepairRecord.id).limit(MAX_ROWS)).all()
    return [repair_card(s, r) for r in rows]


def _visits(s: Session, viewer: StaffView, office_id: int | None, period: Period | None) -> list[VisitCard]:
    """Visits whose date on their office's clock falls in the period, oldest first."""
    query = select(Visit).where(access.visit_scope(viewer))
    if office_id is not None:
        query = query.where(Visit.office_id == office_id)
    if period is not None:  # a day's margin for time zones, then the exact local date below
        low = datetime.combine(period.start - timedelta(days=1), datetime.min.time(), ZoneInfo("UTC"))
        high = datetime.combine(period.end + timedelta(days=2), datetime.min.time(), ZoneInfo("UTC"))
        query = query.where(Visit.visited_at >= low, Visit.visited_at < high)
    rows = s.scalars(query.order_by(Visit.visited_at, Visit.id).limit(MAX_ROWS)).all()
    cards = [visit_card(s, v) for v in rows]
    if period is None:
        return cards
    return [c for c in cards if period.start <= c.local_time.date() <= period.end]


def _payments(s: Session, viewer: StaffView, office_id: int | None, period: Period | None) -> list[PaymentCard]:
    """Incoming payments received in the period, oldest first, with their names: one query."""
    query = (select(Payment, Office.name, Staff.name, Customer.name)
             .join(Office, Office.id == Payment.office_id)
             .join(Staff, Staff.id == Payment.staff_id)
             .outerjoin(Customer, Customer.id == Payment.customer_id)
             .where(payment_scope(viewer)))
    if office_id is not None:
        query = query.where(Payment.office_id == office_id)
    if period is not None:
        query = query.where(Payment.received_on.between(period.start, period.end))
    rows = s.execute(query.order_by(Payment.received_on, Payment.id).limit(MAX_ROWS)).all()
    return [PaymentCard(
        id=p.id, office_id=p.office_id, office_name=office_name, customer_id=p.customer_id,
        customer_name=customer_name, staff_id=p.staff_id, staff_name=staff_name, kind=PaymentKind(p.kind),
        received_on=p.received_on, amount=Decimal(str(p.amount)).quantize(CENT), draft_no=p.draft_no,
        draft_date=p.draft_date, matures_on=p.matures_on, acceptance_days=p.acceptance_days, note=p.note,
    ) for p, office_name, staff_name, customer_name in rows]
