"""Attendance use cases: check in / check out with a shared location, and who is where today.

Flow (diagram in handlers/attendance.py): /checkin → location (refused if stale, forwarded or a
venue) → inside the geofence: office punch; outside: field punch (外勤) naming the customer or place →
late / early on the office's wall clock with the grace period. One check-in and one check-out per person and local day.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domain import workdays
from domain.attendance import (
    DEFAULT_WORKING_HOURS,
    Geofence,
    Timeliness,
    WorkingHours,
    classify_check_in,
    classify_check_out,
    expected_hours,
)
from domain.checkin import LocationRefusal, PunchKind, local_day, location_refusal, place_of
from services.attendance.away import away_by_day
from services.platform import audit, zones
from storage.models import AttendancePunch, Office, Staff
from storage.uow import UnitOfWork


class PunchOutcome(StrEnum):
    """What became of a check-in or check-out."""

    DONE = "done"
    DUPLICATE = "duplicate"
    REFUSED = "refused"
    NEED_PLACE = "need_place"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class PunchResult:
    """The punch (or the earlier one of the same day), with its verdict on the office's clock."""

    outcome: PunchOutcome
    at: datetime | None = None
    timezone: str = "Asia/Shanghai"
    late_minutes: int = 0
    early_minutes: int = 0
    field: bool = False
    place: str | None = None
    distance_m: int | None = None
    refusal: LocationRefusal | None = None
    expected: WorkingHours | None = None  # the hours judged against: the office's, less a half day or outing

    @property
    def local_time(self) -> str:
        """HH:MM on the office's wall clock."""
        return self.at.astimezone(ZoneInfo(self.timezone)).strftime("%H:%M") if self.at else ""


@dataclass(frozen=True)
class PunchStart:
    """What the check-in form needs up front: an earlier punch today, and the office geofence."""

    existing: PunchResult | None
    fence: list[float] | None


def office_of(session: Session, staff: Staff) -> tuple[Office | None, ZoneInfo]:
    """The person's office and its time zone."""
    office = session.get(Office, staff.office_id) if staff.office_id else None
    return office, zones.zone_of(office)


def fence_of(office: Office | None) -> Geofence | None:
    """The office geofence, when one is configured."""
    if office is None or office.geo_lat is None or office.geo_lon is None or not office.geo_radius_m:
        return None
    return Geofence(float(office.geo_lat), float(office.geo_lon), float(office.geo_radius_m))


def hours_of(office: Office | None) -> WorkingHours:
    """The office's working hours (`DEFAULT_WORKING_HOURS` without an office)."""
    return WorkingHours(office.work_start, office.work_end) if office else DEFAULT_WORKING_HOURS


def start_punch(uow: UnitOfWork, *, staff_id: int, kind: PunchKind, now: datetime) -> PunchStart:
    """Before asking for the location: has the person punched already today, and where is the office?"""
    with uow:
        staff = uow.session.get(Staff, staff_id)
        if staff is None:
            return PunchStart(PunchResult(PunchOutcome.NOT_FOUND), None)
        office, tz = office_of(uow.session, staff)
        row = _existing(uow.session, staff_id, local_day(now, tz), kind)
        fence = fence_of(office)
        return PunchStart(_result(row, tz, PunchOutcome.DUPLICATE) if row else None,
                          [fence.lat, fence.lon, fence.radius_m] if fence else None)


def _existing(session: Session, staff_id: int, day: Any, kind: PunchKind) -> AttendancePunch | None:
    """The person's punch of this kind on this local day."""
    return session.scalars(select(AttendancePunch).where(
        AttendancePunch.staff_id == staff_id, AttendancePunch.day == day,
        AttendancePunch.kind == kind.value)).first()


def _result(row: AttendancePunch, tz: ZoneInfo, outcome: PunchOutcome) -> PunchResult:
    """A stored punch as a result."""
    return PunchResult(outcome, row.at, str(tz), row.late_minutes, row.early_minutes, row.field, row.place,
                       row.distance_m)


def punch(uow: UnitOfWork, *, staff_id: int, kind: PunchKind, location: Mapping[str, Any], place: str | None,
          now: datetime, grace_minutes: int, max_age_minutes: int) -> PunchResult:
    """Record a check-in or check-out at `now`; refuses untrustworthy locations and a second punch."""
    refusal = location_refusal(location, now=now, max_age_minutes=max_age_minutes)
    if refusal is not None:
        return PunchResult(PunchOutcome.REFUSED, refusal=refusal)
    with uow:
        session = uow.session
        staff = session.get(Staff, staff_id)
        if staff is None:
            return PunchResult(PunchOutcome.NOT_FOUND)
        office, tz = office_of(session, staff)
        day = local_day(now, tz)
        if (row := _existing(session, staff_id, day, kind)) is not None:
            return _result(row, tz, PunchOutcome.DUPLICATE)
        where = place_of(fence_of(office), lat=float(location["lat"]), lon=float(location["lon"]))
        if not where.inside and not (place or "").strip():
            return PunchResult(PunchOutcome.NEED_PLACE, distance_m=where.distance_m)
        field_place = None if where.inside else (place or "").strip()
        row = AttendancePunch(staff_id=staff_id, office_id=staff.office_id, day=day, kind=kind.value, at=now,
                              lat=float(location["lat"]), lon=float(location["lon"]), field=not where.inside,
                              place=field_place, distance_m=where.distance_m, created_at=now)
        hours = hours_of(office)
        excused = away_by_day(session, staff_ids=[staff_id], first=day, last=day, hours=hours).get((staff_id, day), [])
        expected = expected_hours(hours, excused)
        _judge(row, kind, tz=tz, hours=expected, grace=timedelta(minutes=grace_minutes))
        return replace(_store(uow, row, tz), expected=expected)


def _judge(row: AttendancePunch, kind: PunchKind, *, tz: ZoneInfo, hours: WorkingHours | None,
           grace: timedelta) -> None:
    """Late or early on a working day, on the office's wall clock, against the hours not excused (None: all are)."""
    if hours is None or not workdays.is_working_day(row.day):
        return
    if kind == PunchKind.IN:
        arrival = classify_check_in(at=row.at, tz=tz, hours=hours, grace=grace)
        row.late_minutes = arrival.minutes_late if arrival.timeliness == Timeliness.LATE else 0
    else:
        departure = classify_check_out(at=row.at, tz=tz, hours=hours, grace=grace)
        row.early_minutes = departure.minutes_early if departure.timeliness == Timeliness.EARLY_LEAVE else 0


def _store(uow: UnitOfWork, row: AttendancePunch, tz: ZoneInfo) -> PunchResult:
    """Insert the punch; the unique (staff, day, kind) turns a simultaneous second punch into DUPLICATE."""
    session = uow.session
    try:
        session.add(row)
        session.flush()
    except IntegrityError:
        uow.rollback()
        earlier = _existing(session, row.staff_id, row.day, PunchKind(row.kind))
        return _result(earlier, tz, PunchOutcome.DUPLICATE) if earlier else PunchResult(PunchOutcome.NOT_FOUND)
    audit.record(session, actor_id=row.staff_id, action=f"attendance.{row.kind}", entity="attendance",
                 entity_id=row.id, at=row.at, detail={"field": row.field, "late": row.late_minutes,
                                                      "early": row.early_minutes, "distance_m": row.distance_m})
    uow.commit()
    return _result(row, tz, PunchOutcome.DONE)
