"""Regions (区域): several branch offices served by the regional managers (区域经理) who work in any of them.

A regional manager's region is the region of his own office; nothing else names it. His monthly report
counts the region's offices' records, /status shows each of them, and a chain step of the regional
manager's role goes to the regional managers of the requester's region.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.claims import insert_ignore
from storage.models import Office, Region


def region_office_ids(session: Session, *, office_id: int | None) -> list[int]:
    """The offices of `office_id`'s region, itself included; only itself when it is in no region."""
    if office_id is None:
        return []
    region_id = session.scalar(select(Office.region_id).where(Office.id == office_id))
    if region_id is None:
        return [office_id]
    return list(session.scalars(select(Office.id).where(Office.region_id == region_id).order_by(Office.id)))


def in_region(session: Session, *, office_id: int | None) -> bool:
    """Whether the office belongs to a region."""
    return office_id is not None and session.scalar(select(Office.region_id).where(Office.id == office_id)) is not None


def region_named(session: Session, *, name: str) -> Region:
    """The region of this name, created when it is new (two imports at once create it once)."""
    insert_ignore(session, Region, {"name": name})
    region = session.scalars(select(Region).where(Region.name == name)).one()
    return region


def place_office(session: Session, *, office: Office, region: str) -> str | None:
    """Put the office into the named region; the reason when it already belongs to another one."""
    target = region_named(session, name=region)
    if office.region_id not in (None, target.id):
        current = session.get(Region, office.region_id)
        return f"{office.name} is already in region {current.name if current else '?'}, not moved to {region}"
    office.region_id = target.id
    session.flush()
    return None
