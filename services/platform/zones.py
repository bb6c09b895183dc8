"""Which time zone an office, a person or the company lives in: the one home of the rule.

The rule: an office's own zone when it has one, else the company's default (OFFICEBOT_TIMEZONE).
The composition root (`bot/bootstrap.py`) sets the default once at start-up with `configure`;
services and jobs ask here instead of receiving the default as an argument, and handlers read the
sender's resolved zone and local day from their context (`ctx.tz`, `ctx.today`).
"""

from __future__ import annotations

from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from storage.models import Office, Staff

COMPANY_DEFAULT = "Asia/Shanghai"  # until the composition root says otherwise (tests, scripts)

_company = COMPANY_DEFAULT


class Zoned(Protocol):
    """An office row or a snapshot of one: anything that names its zone."""

    @property
    def timezone(self) -> str:
        """An IANA zone name, or empty for none."""
        ...


def configure(*, default_timezone: str) -> None:
    """Set the company's default zone; called once by the composition root (a bad name raises)."""
    global _company
    ZoneInfo(default_timezone)
    _company = default_timezone


def company_zone_name() -> str:
    """The company's default zone name (offices without their own zone, HQ-wide jobs)."""
    return _company


def company_zone() -> ZoneInfo:
    """The company's default zone."""
    return ZoneInfo(_company)


def zone_name(office: Zoned | None) -> str:
    """The office's zone name, or the company's default when there is no office or it has none."""
    return office.timezone if office is not None and office.timezone else _company


def zone_of(office: Zoned | None) -> ZoneInfo:
    """The office's zone, or the company's default."""
    return ZoneInfo(zone_name(office))


def office_zone(session: Session, office_id: int | None) -> ZoneInfo:
    """The zone of the office with this id (the company's default for none or a missing one)."""
    return zone_of(session.get(Office, office_id) if office_id is not None else None)


def staff_zone(session: Session, staff: Staff) -> ZoneInfo:
    """The zone a person lives in: their office's, else the company's default."""
    return office_zone(session, staff.office_id)
