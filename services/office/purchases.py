"""After the approval: the admin marks a purchase bought, then issued; and the office supplies stock.

Both marks are conditional updates (a double tap marks once) and the requester is told of each.
Marking a purchase issued feeds the books in the same transaction, once: office supplies are added
to the office's stock (a supply move by the admin), equipment becomes fixed assets (one per piece,
numbered PUR<request>-<n>) assigned to the requester — the seed's 领用: the person who asked uses it.
Supplies: added, issued to a person, returned; when an issue takes the stock below its minimum the
office admins are told once per dip (the key carries the number of refills: the next dip after a
refill is told again).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import CursorResult, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domain.approvals import PurchasePurpose
from domain.roles import OFFICE_MANAGER_ROLES
from services.i18n.catalogs import N_, translator
from services.messaging import outbox
from services.messaging.messages import OutMessage
from services.office import assets
from services.platform import audit
from services.platform.jobs import claim_reminder
from services.platform.staff import StaffView, holders_of
from storage.models import ApprovalRequest, Office, PurchaseProgress, Staff, Supply, SupplyMove
from storage.uow import UnitOfWork

KEEPERS = OFFICE_MANAGER_ROLES
MARKS = {"b": ("bought_at", "bought_by", N_("🛒 Your purchase #{id} ({item}) has been bought.")),
         "i": ("issued_at", "issued_by", N_("📦 Your purchase #{id} ({item}) has been issued to you."))}


@dataclass(frozen=True)
class OpenPurchase:
    """An approved purchase not yet issued."""

    id: int
    item: str
    quantity: int
    requester: str
    bought: bool


def open_purchases(uow: UnitOfWork, *, viewer: StaffView) -> list[OpenPurchase] | None:
    """Approved purchases of the viewer's office not yet issued (None: not an admin or head)."""
    if not viewer.has_any(KEEPERS) or viewer.office_id is None:
        return None
    with uow:
        session = uow.session
        rows = session.execute(
            select(ApprovalRequest, PurchaseProgress, Staff.name)
            .outerjoin(PurchaseProgress, PurchaseProgress.request_id == ApprovalRequest.id)
            .join(Staff, Staff.id == ApprovalRequest.requester_id)
            .where(ApprovalRequest.kind == "purchase", ApprovalRequest.status == "approved",
                   ApprovalRequest.office_id == viewer.office_id)
            .order_by(ApprovalRequest.id)).all()
        return [OpenPurchase(r.id, str(r.payload.get("item", "")), int(r.payload.get("quantity", 0)), name,
                             bool(p and p.bought_at)) for r, p, name in rows if not (p and p.issued_at)]


def mark(uow: UnitOfWork, *, viewer: StaffView, request_id: int, step: str, now: datetime) -> str:
    """Mark bought ('b') or issued ('i') once: 'done', 'already' or 'not_found'."""
    with uow:
        session = uow.session
        req = session.get(ApprovalRequest, request_id)
        if (req is None or req.kind != "purchase" or req.status != "approved" or step not in MARKS
                or not viewer.has_any(KEEPERS) or req.office_id != viewer.office_id):
            return "not_found"
        try:
            with session.begin_nested():
                session.add(PurchaseProgress(request_id=req.id))
                session.flush()
        except IntegrityError:
            pass
        at, by, msgid = MARKS[step]
        column = getattr(PurchaseProgress, at)
        stmt = (update(PurchaseProgress).where(PurchaseProgress.request_id == req.id, column.is_(None))
                .values({at: now, by: viewer.id}).execution_options(synchronize_session=False))
        if cast(CursorResult[Any], session.execute(stmt)).rowcount != 1:
            return "already"
        audit.record(session, actor_id=viewer.id, action=f"purchase.{at.removesuffix('_at')}",
                     entity="approval_request", entity_id=req.id, at=now)
        if step == "i":
            _feed_books(session, req, viewer=viewer, now=now)
        requester = session.get(Staff, req.requester_id)
        if requester is not None and requester.active:
            _ = translator(requester.locale)
            outbox.enqueue(session, staff_id=requester.id, now=now, message=OutMessage(
                _(msgid).format(id=req.id, item=req.payload.get("item", ""))))
        uow.commit()
        return "done"


def _feed_books(session: Session, req: ApprovalRequest, *, viewer: StaffView, now: datetime) -> None:
    """An issued purchase: supplies into the office stock, equipment into the asset register (audited)."""
    quantity, item = int(req.payload.get("quantity", 0)), str(req.payload.get("item", ""))
    if quantity <= 0 or req.office_id is None:
        return
    if req.payload.get("purpose") == PurchasePurpose.EQUIPMENT.value:
        office = session.get(Office, req.office_id)
        day = now.astimezone(ZoneInfo(office.timezone)).date() if office else now.date()
        numbers = assets.register_purchased(
            session, office_id=req.office_id, item=item, value=Decimal(str(req.payload.get("unit_price", "0"))),
            quantity=quantity, purchased_on=day, holder_id=req.requester_id, request_id=req.id, by=viewer.id, now=now)
        audit.record(session, actor_id=viewer.id, action="purchase.to_assets", entity="approval_request",
                     entity_id=req.id, at=now, detail={"assets": numbers})
        return
    supply = _supply(session, office_id=req.office_id, name=item[:60])
    session.execute(update(Supply).where(Supply.id == supply.id)
                    .values(quantity=Supply.quantity + quantity, restocks=Supply.restocks + 1)
                    .execution_options(synchronize_session=False))
    session.add(SupplyMove(supply_id=supply.id, delta=quantity, staff_id=None, by_id=viewer.id, at=now))
    audit.record(session, actor_id=viewer.id, action="purchase.to_stock", entity="approval_request",
                 entity_id=req.id, at=now, detail={"supply": supply.id, "quantity": quantity})


def _supply(session: Session, *, office_id: int, name: str) -> Supply:
    """The office's supply of that name, made (empty) when it is new."""
    supply = session.scalars(select(Supply).where(Supply.office_id == office_id, Supply.name == name)).first()
    if supply is None:
        supply = Supply(office_id=office_id, name=name, quantity=0, min_quantity=0)
        session.add(supply)
        session.flush()
    return supply


@dataclass(frozen=True)
class Stocked:
    """The outcome of a stock change and the quantity left."""

    outcome: str  # "done", "short", "unknown", "not_allowed"
    name: str = ""
    quantity: int = 0
    low: bool = False


def change_stock(uow: UnitOfWork, *, viewer: StaffView, name: str, delta: int, min_quantity: int | None = None,
                 to: str | None = None, now: datetime) -> Stocked:
    """Add (delta > 0, creating the supply), issue (delta < 0, optionally to a colleague) or return stock."""
    if not viewer.has_any(KEEPERS) or viewer.office_id is None:
        return Stocked("not_allowed")
    with uow:
        session = uow.session
        supply = session.scalars(select(Supply).where(Supply.office_id == viewer.office_id,
                                                      Supply.name == name)).first()
        receiver = _colleague(session, viewer, to) if to else None
        if (supply is None and delta < 0) or (to and receiver is None):
            return Stocked("unknown", name)
        if supply is None:
            supply = Supply(office_id=viewer.office_id, name=name, quantity=0, min_quantity=min_quantity or 0)
            session.add(supply)
            session.flush()
        stmt = (update(Supply).where(Supply.id == supply.id, Supply.quantity + delta >= 0)
                .values(quantity=Supply.quantity + delta,
                        restocks=Supply.restocks + (1 if delta > 0 else 0),
                        **({"min_quantity": min_quantity} if min_quantity is not None else {}))
                .execution_options(synchronize_session=False))
        if cast(CursorResult[Any], session.execute(stmt)).rowcount != 1:
            session.refresh(supply)
            return Stocked("short", name, supply.quantity)
        session.refresh(supply)
        session.add(SupplyMove(supply_id=supply.id, delta=delta, staff_id=receiver.id if receiver else None,
                               by_id=viewer.id, at=now))
        low = delta < 0 and supply.quantity < supply.min_quantity
        if low and claim_reminder(session, key=f"lowstock:{supply.id}:{supply.restocks}", staff_id=None, now=now):
            _tell_low(session, supply, now=now)
        uow.commit()
        return Stocked("done", name, supply.quantity, low)


def _colleague(session: Session, viewer: StaffView, name: str) -> Staff | None:
    """An active person of the viewer's office by exact name."""
    found = session.scalars(select(Staff).where(Staff.name == name, Staff.office_id == viewer.office_id,
                                                Staff.active.is_(True)).limit(2)).all()
    return found[0] if len(found) == 1 else None


def _tell_low(session: Session, supply: Supply, *, now: datetime) -> None:
    """The office admins (else heads) learn the stock ran low."""
    keepers = (holders_of(session, role="admin", office_id=supply.office_id)
               or holders_of(session, role="office_head", office_id=supply.office_id))
    for person in keepers:
        _ = translator(person.locale)
        text = _("⚠️ Low stock: {name} has {n} left (minimum {min}). Consider a /purchase.").format(
            name=supply.name, n=supply.quantity, min=supply.min_quantity)
        outbox.enqueue(session, staff_id=person.id, message=OutMessage(text), now=now)


def stock(uow: UnitOfWork, *, viewer: StaffView) -> list[tuple[str, int, int]] | None:
    """The office's supplies: (name, quantity, minimum)."""
    if not viewer.has_any(KEEPERS) or viewer.office_id is None:
        return None
    with uow:
        rows = uow.session.scalars(select(Supply).where(Supply.office_id == viewer.office_id).order_by(Supply.name))
        return [(s.name, s.quantity, s.min_quantity) for s in rows]
