"""Each person's attendance status per day: punches + approved leave/outings + the working calendar.

Shared by /today and the monthly attendance sheet; the rules are `domain.attendance.day_status`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain import workdays
from domain.attendance import Away, DayAssessment, LocalPunch, day_status
from services.attendance.away import away_by_day
from services.attendance.punches import hours_of
from services.i18n.catalogs import N_
from services.platform.regions import in_region, region_office_ids
from storage.models import AttendancePunch, Office, Staff
from storage.uow import UnitOfWork

LATE = N_("Late")
"""The word for late arrivals on /today and on the dashboard's attendance chart."""

@dataclass(frozen=True)
class Punch:
    """A punch on the office's wall clock: when, field or not, where."""

    at: time
    field: bool
    place: str | None


@dataclass
class PersonDays:
    """One person's days in a range: the verdict, the punches and what approved requests excuse (whole or part).

    `joined` is the office-local day the staff row was created; earlier days are not theirs to miss.
    """

    staff_id: int
    name: str
    joined: date | None = None
    days: dict[date, DayAssessment] = field(default_factory=dict)
    punches: dict[tuple[date, str], Punch] = field(default_factory=dict)
    away: dict[date, list[Away]] = field(default_factory=dict)


def assess_office(session: Session, *, office: Office, first: date, last: date, now: datetime,
                  grace_minutes: int, staff_ids: set[int] | None = None) -> list[PersonDays]:
    """Every active member of `office` (or only `staff_ids`) with a verdict for each day first..last."""
    tz = ZoneInfo(office.timezone)
    query = select(Staff).where(Staff.office_id == office.id, Staff.active.is_(True)).order_by(Staff.id)
    people = [s for s in session.scalars(query) if staff_ids is None or s.id in staff_ids]
    result = {s.id: PersonDays(s.id, s.name, joined_on(s, tz)) for s in people}
    _load_punches(session, result, first, last, tz)
    for (staff_id, day), away in away_by_day(session, staff_ids=list(result), first=first, last=last,
                                             hours=hours_of(office)).items():
        result[staff_id].away[day] = away
    today = now.astimezone(tz).date()
    grace = timedelta(minutes=grace_minutes)
    for person in result.values():
        day = first
        while day <= last:
            person.days[day] = _assess(person, day, today=today, office=office, grace=grace)
            day += timedelta(days=1)
    return list(result.values())


def joined_on(staff: Staff, tz: ZoneInfo) -> date:
    """The office-local day a person joined: their staff row's creation (Staff has no separate join date)."""
    return staff.created_at.astimezone(tz).date()


def _load_punches(session: Session, people: dict[int, PersonDays], first: date, last: date, tz: ZoneInfo) -> None:
    """Punches of these people in the range, keyed by (day, kind)."""
    rows = session.scalars(select(AttendancePunch).where(
        AttendancePunch.staff_id.in_(list(people)), AttendancePunch.day >= first, AttendancePunch.day <= last))
    for row in rows:
        people[row.staff_id].punches[(row.day, row.kind)] = Punch(
            row.at.astimezone(tz).time(), row.field, row.place)


def _assess(person: PersonDays, day: date, *, today: date, office: Office, grace: timedelta) -> DayAssessment:
    """One day of one person through the domain rules."""
    return day_status(
        day=day, check_in=_local(person.punches.get((day, "in"))), check_out=_local(person.punches.get((day, "out"))),
        away=person.away.get(day, ()),
        is_working_day=workdays.is_working_day(day), today=today, is_public_holiday=workdays.is_holiday(day),
        hours=hours_of(office), grace=grace, employed=person.joined is None or day >= person.joined,
    )


def _local(punch: Punch | None) -> LocalPunch | None:
    """A shown punch back as the domain's LocalPunch."""
    if punch is None:
        return None
    return LocalPunch(at=punch.at, field=punch.field)


@dataclass(frozen=True)
class DayReport:
    """A day at one office (or of one person): who is in which state."""

    office: str
    day: date
    working_day: bool
    people: list[PersonDays]


def day_report(uow: UnitOfWork, *, staff_id: int, whole_office: bool, now: datetime,
               grace_minutes: int) -> DayReport | None:
    """Today for one person, or for everyone in their office (office heads and admins)."""
    with uow:
        session = uow.session
        staff = session.get(Staff, staff_id)
        office = session.get(Office, staff.office_id) if staff and staff.office_id else None
        if staff is None or office is None:
            return None
        today = now.astimezone(ZoneInfo(office.timezone)).date()
        people = assess_office(session, office=office, first=today, last=today, now=now,
                               grace_minutes=grace_minutes, staff_ids=None if whole_office else {staff_id})
        return DayReport(office.name, today, workdays.is_working_day(today), people)


def region_day_reports(uow: UnitOfWork, *, staff_id: int, now: datetime, grace_minutes: int) -> list[DayReport]:
    """Today for everyone in each office of the person's region (a regional manager's /today), by office
    name; empty when their office is in no region."""
    with uow:
        session = uow.session
        staff = session.get(Staff, staff_id)
        if staff is None or not in_region(session, office_id=staff.office_id):
            return []
        reports = []
        for office in offices(session, office_ids=region_office_ids(session, office_id=staff.office_id)):
            today = now.astimezone(ZoneInfo(office.timezone)).date()
            people = assess_office(session, office=office, first=today, last=today, now=now,
                                   grace_minutes=grace_minutes, staff_ids=None)
            reports.append(DayReport(office.name, today, workdays.is_working_day(today), people))
        return reports


def offices(session: Session, *, office_ids: list[int] | None) -> list[Office]:
    """Branch offices by id (all when None), by name."""
    query = select(Office).order_by(Office.name)
    if office_ids is not None:
        query = query.where(Office.id.in_(office_ids))
    return list(session.scalars(query))


def month_days(month: date) -> list[date]:
    """Every day of the month `month` lies in."""
    first = month.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return [first + timedelta(days=i) for i in range((nxt - first).days)]

