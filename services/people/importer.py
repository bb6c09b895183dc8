"""Bulk onboarding from a YAML file (offices and staff) or a CSV file (staff), as admins keep them.

A person may carry a ``wecom_userid`` (their WeCom 账号), stored on the staff row so the WeCom channel
knows them at once; a userid that already belongs to someone is reported and left out, never fatal.
An optional ``annual_leave_days`` (年假 a year) sets the person's allowance (services/leave/balances.py).
An optional ``region`` (区域) puts an office into a region, created when new: on an office entry of the
YAML file, or on a person's row (their office's region, as a CSV of staff carries it); an office already
in another region is reported and left where it is.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time
from decimal import Decimal, InvalidOperation
from io import StringIO
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domain.attendance import DEFAULT_WORKING_HOURS
from services.leave import balances as leave_balances
from services.people import onboarding
from services.platform import zones
from services.platform.regions import place_office
from services.platform.text_limits import max_length
from storage.models import Invite, Office, Staff
from storage.uow import UnitOfWork

MAX_WECOM_USERID = 64  # WeCom's limit, and the column's
MAX_ANNUAL_LEAVE_DAYS = 365


@dataclass
class ImportResult:
    """(person, invite code) for everyone invited, and one line per thing left out (a taken userid)."""

    codes: list[tuple[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def parse_hours(value: str) -> tuple[time, time]:
    """'08:30-17:30' → (08:30, 17:30)."""
    try:
        start, end = (time.fromisoformat(part.strip()) for part in value.replace("–", "-").split("-"))
    except ValueError as exc:
        raise onboarding.OnboardingError(f"working hours must look like 08:30-17:30, got {value!r}") from exc
    return start, end


def import_file(
    uow_factory: Callable[[], UnitOfWork], *, path: str, now: datetime) -> ImportResult:
    """Create the file's offices and staff; return the invite codes and what was left out."""
    text = Path(path).read_text(encoding="utf-8-sig")
    if path.lower().endswith(".csv"):
        data: dict[str, Any] = {"staff": list(csv.DictReader(StringIO(text)))}
    else:
        loaded = yaml.safe_load(text)
        if not isinstance(loaded, dict):
            raise onboarding.OnboardingError(f"{path}: expected 'offices' and 'staff' lists")
        data = loaded
    for office in data.get("offices") or []:
        _create_office(uow_factory(), office, now=now)
    result = ImportResult()
    for person in data.get("staff") or []:
        code, problem = _invite_person(uow_factory, person, now=now)
        result.codes.append((str(person["name"]), code))
        if problem:
            result.problems.append(problem)
    return result


def _invite_person(uow_factory: Callable[[], UnitOfWork], person: dict[str, Any], *, now: datetime
                   ) -> tuple[str, str | None]:
    """Invite one person and store their WeCom userid in the same transaction; (code, problem or None)."""
    roles = person.get("roles") or ""
    userid = str(person.get("wecom_userid") or "").strip()
    with uow_factory() as outer:  # the invite's own unit of work joins this one as a savepoint
        code = onboarding.invite(
            uow_factory(), office_name=str(person["office"]),
            roles=[str(r) for r in roles] if isinstance(roles, list) else str(roles),
            name=str(person["name"]), phone=person.get("phone") or None,
            manager_name=person.get("manager") or None, now=now,
            locale=person.get("locale") or "zh_CN",
        )
        problem = _store_wecom_userid(outer.session, code=code, userid=userid, name=str(person["name"]))
        problem = _store_annual_leave(outer.session, code=code, person=person) or problem
        problem = _store_region(outer.session, code=code, person=person) or problem
        outer.commit()
    return code, problem


def _store_wecom_userid(session: Session, *, code: str, userid: str, name: str) -> str | None:
    """Put `userid` on the invited row unless it is empty, too long or taken; the reason when not stored."""
    if not userid:
        return None
    if len(userid) > MAX_WECOM_USERID:
        return f"{name}: wecom_userid longer than {MAX_WECOM_USERID} characters, not stored"
    taken = session.scalars(select(Staff).where(Staff.wecom_user_id == userid)).first()
    refused = f"{name}: wecom_userid {userid} already belongs to {taken.name if taken else 'someone'}, not stored"
    if taken is not None:
        return refused
    invite = session.get(Invite, code)
    assert invite is not None
    try:
        with session.begin_nested():  # another import may take the userid between the check and here
            session.execute(update(Staff).where(Staff.id == invite.staff_id).values(wecom_user_id=userid))
    except IntegrityError:
        return refused
    return None


def _store_annual_leave(session: Session, *, code: str, person: dict[str, Any]) -> str | None:
    """The optional `annual_leave_days` column (年假 a year, halves allowed); the reason when it is not stored."""
    raw = str(person.get("annual_leave_days") or "").strip()
    if not raw:
        return None
    try:
        days = Decimal(raw)
    except InvalidOperation:
        days = Decimal(-1)
    if not days.is_finite() or not 0 <= days <= MAX_ANNUAL_LEAVE_DAYS or (days * 2) % 1 != 0:
        return (f"{person['name']}: annual_leave_days {raw!r} is not a number of days "
                f"(0-{MAX_ANNUAL_LEAVE_DAYS}), not stored")
    invite = session.get(Invite, code)
    assert invite is not None
    leave_balances.set_allowance(session, staff_id=invite.staff_id, days=days)
    return None


def _store_region(session: Session, *, code: str, person: dict[str, Any]) -> str | None:
    """The optional `region` column: the person's office joins that region; the reason when it does not."""
    region = str(person.get("region") or "").strip()
    if not region:
        return None
    if len(region) > max_length("regions.name"):
        return f"{person['name']}: region longer than {max_length('regions.name')} characters, not stored"
    invite = session.get(Invite, code)
    staff = session.get(Staff, invite.staff_id) if invite is not None else None
    office = session.get(Office, staff.office_id) if staff is not None and staff.office_id else None
    if office is None:
        return f"{person['name']}: no office to put into region {region}"
    problem = place_office(session, office=office, region=region)
    return f"{person['name']}: {problem}" if problem else None


def _create_office(uow: UnitOfWork, office: dict[str, Any], *, now: datetime) -> None:
    """One office entry of the YAML file."""
    hours = office.get("hours")
    start, end = parse_hours(hours) if hours else (DEFAULT_WORKING_HOURS.start, DEFAULT_WORKING_HOURS.end)
    fence = office.get("geofence")
    geofence = (float(fence["lat"]), float(fence["lon"]), int(fence.get("radius_m", 300))) if fence else None
    onboarding.create_office(
        uow, name=str(office["name"]), timezone=office.get("timezone") or zones.company_zone_name(), now=now,
        work_start=start, work_end=end, address=office.get("address"), geofence=geofence,
        is_hq=bool(office.get("hq", False)), region=str(office.get("region") or "").strip() or None,
    )
