"""Who may see and change which field record: the one place these rules live.

- Headquarters roles (`StaffView.is_hq`) see every office's records.
- Office heads and admins (`StaffView.manages_office`) see all of their own office's records.
- Everyone else sees their office's customers, and the repairs and visits they reported, were
  assigned or made themselves.

Lists use the `*_scope` query filters; single records are loaded through `visible()`, which applies
the same filter, so a forged id and a missing id look the same: None.
"""

from __future__ import annotations

from typing import Protocol, TypeVar

from sqlalchemy import ColumnElement, and_, false, or_, select, true
from sqlalchemy.orm import Session

from services.platform.staff import StaffView
from storage.models import Customer, RepairRecord, Visit

Record = TypeVar("Record", Customer, RepairRecord, Visit)


def lists_office(viewer: StaffView) -> bool:
    """Whether the person may list and export whole offices (heads, admins, headquarters)."""
    return viewer.is_hq or viewer.manages_office


def customer_scope(viewer: StaffView) -> ColumnElement[bool]:
    """Customers the person may see (and edit): their office's, or all for headquarters."""
    if viewer.is_hq:
        return true()
    if viewer.office_id is None:
        return false()
    return Customer.office_id == viewer.office_id


def repair_scope(viewer: StaffView) -> ColumnElement[bool]:
    """Repair jobs the person may see."""
    if viewer.is_hq:
        return true()
    if viewer.office_id is None:
        return false()
    same_office = RepairRecord.office_id == viewer.office_id
    if viewer.manages_office:
        return same_office
    mine = or_(RepairRecord.created_by == viewer.id, RepairRecord.technician_id == viewer.id)
    return and_(same_office, mine)


def visit_scope(viewer: StaffView) -> ColumnElement[bool]:
    """Visits the person may see."""
    if viewer.is_hq:
        return true()
    if viewer.office_id is None:
        return false()
    same_office = Visit.office_id == viewer.office_id
    return same_office if viewer.manages_office else and_(same_office, Visit.staff_id == viewer.id)


SCOPES = {Customer: customer_scope, RepairRecord: repair_scope, Visit: visit_scope}


def visible(session: Session, model: type[Record], record_id: int, viewer: StaffView) -> Record | None:
    """The record if it exists and the person may see it; None either way otherwise."""
    scope = SCOPES[model](viewer)
    return session.scalars(select(model).where(model.id == record_id, scope)).first()


def office_filter(viewer: StaffView, requested: int | None) -> tuple[bool, int | None]:
    """(allowed, office id or None for all) for office-wide lists and exports."""
    if viewer.is_hq:
        return True, requested
    if viewer.manages_office and viewer.office_id is not None and requested in (None, viewer.office_id):
        return True, viewer.office_id
    return False, None


class RepairLike(Protocol):
    """A repair row or its snapshot: what the assignment rules look at."""

    @property
    def office_id(self) -> int:
        """The job's office."""

    @property
    def technician_id(self) -> int | None:
        """The assigned technician, if any."""


def may_assign(viewer: StaffView, repair: RepairLike) -> bool:
    """Office heads and admins dispatch technicians for their own office's jobs."""
    return viewer.manages_office and viewer.office_id == repair.office_id


def may_close(viewer: StaffView, repair: RepairLike) -> bool:
    """The assigned technician closes a job; the office's head or admin may do it for them."""
    return repair.technician_id == viewer.id or may_assign(viewer, repair)
