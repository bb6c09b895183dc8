"""Customer visits (拜访 / 回访): what was done, how satisfied the customer is, what comes next."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from domain.attendance import distance_m
from domain.records import VisitIn, VisitPurpose
from services.i18n.catalogs import N_, Translate
from services.platform import audit, zones
from services.platform.staff import StaffView
from services.records import access
from services.records.customers import set_location_if_unknown
from storage.models import Customer, Office, Staff, Visit
from storage.uow import UnitOfWork

PURPOSE_LABELS = {
    VisitPurpose.DEVELOPMENT: N_("new customer development"),
    VisitPurpose.FOLLOW_UP: N_("follow-up"),
    VisitPurpose.REVISIT: N_("return visit (satisfaction)"),
    VisitPurpose.COMPLAINT: N_("complaint handling"),
}


@dataclass(frozen=True)
class VisitCard:
    """A visit as handlers and exports show it."""

    id: int
    office_id: int
    office_name: str
    customer_id: int
    customer_name: str
    staff_id: int
    staff_name: str
    visited_at: datetime
    purpose: VisitPurpose
    people_met: str | None
    outcome: str | None
    satisfaction: int | None = None
    next_step: str | None = None
    next_step_on: date | None = None
    distance_m: int | None = None
    photos: list[str] = field(default_factory=list)
    timezone: str = "Asia/Shanghai"

    @property
    def local_time(self) -> datetime:
        """When it happened on the office's wall clock."""
        return self.visited_at.astimezone(ZoneInfo(self.timezone))


@dataclass(frozen=True)
class VisitResult:
    """The saved visit, and whether it gave the customer its first known location."""

    card: VisitCard
    pinned_customer: bool = False


def card_of(session: Session, visit: Visit) -> VisitCard:
    """Snapshot a visit row with the names it refers to."""
    customer = session.get(Customer, visit.customer_id)
    office = session.get(Office, visit.office_id)
    staff = session.get(Staff, visit.staff_id)
    return VisitCard(
        id=visit.id, office_id=visit.office_id, office_name=office.name if office else "",
        customer_id=visit.customer_id, customer_name=customer.name if customer else "?",
        staff_id=visit.staff_id, staff_name=staff.name if staff else "?", visited_at=visit.visited_at,
        purpose=VisitPurpose(visit.purpose), people_met=visit.people_met, outcome=visit.outcome,
        satisfaction=visit.satisfaction, next_step=visit.next_step, next_step_on=visit.next_step_on,
        distance_m=visit.distance_m, photos=list(visit.photos or []),
        timezone=zones.zone_name(office),
    )


def log_visit(uow: UnitOfWork, *, viewer: StaffView, data: VisitIn, photos: list[str], now: datetime
              ) -> VisitResult | None:
    """Save a visit; measure the distance to the customer, or pin an unknown customer's location."""
    with uow:
        customer = access.visible(uow.session, Customer, data.customer_id, viewer)
        if customer is None:
            return None
        visit = Visit(
            office_id=customer.office_id, customer_id=customer.id, staff_id=viewer.id, visited_at=data.visited_at,
            purpose=data.purpose.value, people_met=data.people_met, outcome=data.outcome,
            satisfaction=data.satisfaction, next_step=data.next_step, next_step_on=data.next_step_on,
            photos=list(photos), created_at=now,
        )
        pinned = False
        if data.lat is not None and data.lon is not None:
            visit.lat, visit.lon = data.lat, data.lon
            if customer.lat is not None and customer.lon is not None:
                visit.distance_m = round(distance_m(customer.lat, customer.lon, data.lat, data.lon))
            else:
                pinned = set_location_if_unknown(uow.session, customer=customer, lat=data.lat, lon=data.lon)
        uow.session.add(visit)
        uow.session.flush()
        audit.record(uow.session, actor_id=viewer.id, action="create", entity="visit", entity_id=visit.id, at=now,
                     detail={"pinned_customer": pinned} if pinned else None)
        card = card_of(uow.session, visit)
        uow.commit()
        return VisitResult(card, pinned)


def get(uow: UnitOfWork, *, viewer: StaffView, visit_id: int) -> VisitCard | None:
    """One visit, or None when missing or not the person's to see."""
    with uow:
        visit = access.visible(uow.session, Visit, visit_id, viewer)
        return None if visit is None else card_of(uow.session, visit)


def describe(card: VisitCard, _: Translate) -> str:
    """The visit as a few lines, in the reader's language."""
    lines = [
        _("Visit #{id} — {customer}").format(id=card.id, customer=card.customer_name),
        _("Time: {at}").format(at=card.local_time.strftime("%Y-%m-%d %H:%M")),
        _("Purpose: {purpose}").format(purpose=_(PURPOSE_LABELS[card.purpose])),
        _("By: {name}").format(name=card.staff_name),
        _("People met: {who}").format(who=card.people_met or "—"),
        _("Outcome: {text}").format(text=card.outcome or "—"),
    ]
    if card.satisfaction is not None:
        lines.append(_("Satisfaction: {n}/5").format(n=card.satisfaction))
    if card.next_step:
        day = card.next_step_on.isoformat() if card.next_step_on else "—"
        lines.append(_("Next step: {step} ({day})").format(step=card.next_step, day=day))
    if card.distance_m is not None:
        lines.append(_("Location: {m} m from the customer").format(m=card.distance_m))
    return "\n".join(lines)
