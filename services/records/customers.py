"""The customer archive (客户档案): create, edit (audited), look up; names unique within an office."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domain.records import CustomerIn
from services.platform import audit
from services.platform.staff import StaffView
from services.records import access
from storage.models import Customer, Office
from storage.uow import UnitOfWork

NAME_LIMIT = 200  # Customer.name is String(200)
EDITABLE = ("name", "address", "contact", "phone", "route", "products", "accepted_on", "warranty_years")


@dataclass(frozen=True)
class CustomerCard:
    """A customer as handlers and exports show it, detached from the session."""

    id: int
    office_id: int
    office_name: str
    name: str
    address: str | None
    contact: str | None
    phone: str | None
    route: str | None
    products: dict[str, int] = field(default_factory=dict)
    accepted_on: date | None = None
    warranty_years: int | None = None
    warranty_end: date | None = None
    lat: float | None = None
    lon: float | None = None


class DuplicateCustomer(Exception):
    """A customer with this name is already in the office's archive."""

    def __init__(self, existing: CustomerCard) -> None:
        """Carry the record that already has the name."""
        super().__init__(existing.name)
        self.existing = existing


def card_of(session: Session, customer: Customer) -> CustomerCard:
    """Snapshot a customer row with its office's name."""
    office = session.get(Office, customer.office_id)
    return CustomerCard(
        id=customer.id, office_id=customer.office_id, office_name=office.name if office else "",
        name=customer.name, address=customer.address, contact=customer.contact, phone=customer.phone,
        route=customer.route, products=dict(customer.products or {}), accepted_on=customer.accepted_on,
        warranty_years=customer.warranty_years, warranty_end=customer.warranty_end,
        lat=customer.lat, lon=customer.lon,
    )


def _label(session: Session, customer: Customer, viewer: StaffView) -> str:
    """The name, with the office for headquarters people who see several offices."""
    if not viewer.is_hq:
        return customer.name
    office = session.get(Office, customer.office_id)
    return f"{customer.name}（{office.name if office else '-'}）"


def search(uow: UnitOfWork, *, viewer: StaffView, query: str, limit: int = 8) -> list[tuple[int, str]]:
    """Visible customers whose name contains `query`, exact matches first."""
    with uow.joined():
        rows = uow.session.scalars(
            select(Customer).where(access.customer_scope(viewer), Customer.name.icontains(query, autoescape=True))
            .order_by(Customer.name).limit(50)
        ).all()
        ranked = sorted(rows, key=lambda c: (c.name != query, len(c.name)))[:limit]
        return [(c.id, _label(uow.session, c, viewer)) for c in ranked]


def recent(uow: UnitOfWork, *, viewer: StaffView, limit: int = 8) -> list[tuple[int, str]]:
    """The visible customers touched most recently (for quick picks)."""
    with uow:
        rows = uow.session.scalars(
            select(Customer).where(access.customer_scope(viewer))
            .order_by(Customer.updated_at.desc(), Customer.id.desc()).limit(limit)
        ).all()
        return [(c.id, _label(uow.session, c, viewer)) for c in rows]


def label(uow: UnitOfWork, *, viewer: StaffView, customer_id: int) -> str | None:
    """The customer's display name if the person may see it (re-checks a picked id)."""
    with uow:
        customer = access.visible(uow.session, Customer, customer_id, viewer)
        return None if customer is None else _label(uow.session, customer, viewer)


def get(uow: UnitOfWork, *, viewer: StaffView, customer_id: int) -> CustomerCard | None:
    """One customer, or None when missing or not the person's to see."""
    with uow:
        customer = access.visible(uow.session, Customer, customer_id, viewer)
        return None if customer is None else card_of(uow.session, customer)


def find_duplicate(uow: UnitOfWork, *, viewer: StaffView, name: str, exclude_id: int | None = None
                   ) -> CustomerCard | None:
    """The customer already called `name` in the office the record would go to."""
    with uow.joined():
        office_id = _target_office(uow.session, viewer, exclude_id)
        existing = _by_name(uow.session, office_id, name.strip())
        if existing is None or existing.id == exclude_id:
            return None
        return card_of(uow.session, existing)


def _target_office(session: Session, viewer: StaffView, customer_id: int | None) -> int | None:
    """The office of the edited customer, or the person's own office for a new one."""
    if customer_id is not None:
        customer = access.visible(session, Customer, customer_id, viewer)
        if customer is not None:
            return customer.office_id
    return viewer.office_id


def _by_name(session: Session, office_id: int | None, name: str) -> Customer | None:
    """The office's customer with exactly this name."""
    return session.scalars(select(Customer).where(Customer.office_id == office_id, Customer.name == name)).first()


def create(uow: UnitOfWork, *, viewer: StaffView, data: CustomerIn, now: datetime) -> CustomerCard:
    """Add a customer to the person's office; DuplicateCustomer when the name is taken there."""
    if viewer.office_id is None:
        raise PermissionError("no office")
    with uow:
        existing = _by_name(uow.session, viewer.office_id, data.name)
        if existing is not None:
            raise DuplicateCustomer(card_of(uow.session, existing))
        customer = Customer(office_id=viewer.office_id, created_by=viewer.id, created_at=now, updated_at=now)
        _apply(customer, data)
        uow.session.add(customer)
        _flush_or_duplicate(uow.session, viewer.office_id, data.name)
        audit.record(uow.session, actor_id=viewer.id, action="create", entity="customer", entity_id=customer.id,
                     at=now, detail={"after": snapshot(customer)})
        card = card_of(uow.session, customer)
        uow.commit()
        return card


def create_short(uow: UnitOfWork, *, viewer: StaffView, name: str, now: datetime) -> CustomerCard | None:
    """A customer by name only, made on the spot from /visit or /repair; the archive entry is completed later.

    An existing customer of that name in the office is returned instead (two people, one customer).
    None when the person has no office or the name is empty or too long for the archive.
    """
    name = name.strip()
    if viewer.office_id is None or not name or len(name) > NAME_LIMIT:
        return None
    with uow:
        existing = _by_name(uow.session, viewer.office_id, name)
        if existing is not None:
            return card_of(uow.session, existing)
        customer = Customer(office_id=viewer.office_id, name=name, products={}, created_by=viewer.id,
                            created_at=now, updated_at=now)
        uow.session.add(customer)
        try:
            _flush_or_duplicate(uow.session, viewer.office_id, name)
        except DuplicateCustomer as dup:
            return dup.existing
        audit.record(uow.session, actor_id=viewer.id, action="create_short", entity="customer",
                     entity_id=customer.id, at=now, detail={"after": snapshot(customer)})
        card = card_of(uow.session, customer)
        uow.commit()
        return card


def is_incomplete(card: CustomerCard) -> bool:
    """An entry made on the spot still lacks what the archive table needs (address, contact, phone)."""
    return not (card.address and card.contact and card.phone)


def update(uow: UnitOfWork, *, viewer: StaffView, customer_id: int, data: CustomerIn, now: datetime
           ) -> CustomerCard | None:
    """Save an edit (audited with before/after); None when the customer is not the person's to edit."""
    with uow:
        customer = access.visible(uow.session, Customer, customer_id, viewer)
        if customer is None:
            return None
        existing = _by_name(uow.session, customer.office_id, data.name)
        if existing is not None and existing.id != customer.id:
            raise DuplicateCustomer(card_of(uow.session, existing))
        before = snapshot(customer)
        _apply(customer, data)
        customer.updated_at = now
        _flush_or_duplicate(uow.session, customer.office_id, data.name)
        after = snapshot(customer)
        changed = [k for k in after if after[k] != before.get(k)]
        detail = {"before": {k: before[k] for k in changed}, "after": {k: after[k] for k in changed}}
        audit.record(uow.session, actor_id=viewer.id, action="update", entity="customer", entity_id=customer.id,
                     at=now, detail=detail)
        card = card_of(uow.session, customer)
        uow.commit()
        return card


def _apply(customer: Customer, data: CustomerIn) -> None:
    """Copy validated input onto the row, deriving the warranty's end."""
    for name in EDITABLE:
        setattr(customer, name, getattr(data, name))
    customer.products = dict(data.products)
    customer.warranty_end = data.warranty_ends_on


def _flush_or_duplicate(session: Session, office_id: int, name: str) -> None:
    """Flush; a unique-name race with another person becomes DuplicateCustomer."""
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        existing = _by_name(session, office_id, name)
        if existing is None:
            raise
        raise DuplicateCustomer(card_of(session, existing)) from None


def snapshot(customer: Customer) -> dict[str, Any]:
    """The editable fields as JSON-safe values, for the audit log."""
    values: dict[str, Any] = {name: getattr(customer, name) for name in EDITABLE}
    values["accepted_on"] = customer.accepted_on.isoformat() if customer.accepted_on else None
    values["products"] = dict(customer.products or {})
    return values


def set_location_if_unknown(session: Session, *, customer: Customer, lat: float, lon: float) -> bool:
    """Remember where a customer is from a trusted visit location; never overwrite known coordinates."""
    if customer.lat is not None and customer.lon is not None:
        return False
    customer.lat, customer.lon = lat, lon
    return True


def list_for(uow: UnitOfWork, *, viewer: StaffView, office_id: int | None = None, limit: int = 500
             ) -> list[CustomerCard]:
    """The visible customers (optionally of one office), by name."""
    with uow:
        query = select(Customer).where(access.customer_scope(viewer))
        if office_id is not None:
            query = query.where(Customer.office_id == office_id)
        rows = uow.session.scalars(query.order_by(Customer.office_id, Customer.name).limit(limit)).all()
        return [card_of(uow.session, c) for c in rows]
