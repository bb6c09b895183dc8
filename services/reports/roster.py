"""Bulk reads behind report reminders and /status: a fixed number of queries, whatever the head count.

Offices, active staff with their roles, the reports of some periods and the reminder keys already
sent are each loaded in one statement, approved absences in one per office-local day (one to three);
everything else is worked out in memory.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from domain.roles import HQ_ROLES
from services.approvals.requests import people_on_leave
from services.platform import zones
from storage.models import Office, ReminderSent, Report, Staff, StaffRole

AWAY_KINDS = ("leave", "trip")


@dataclass(frozen=True)
class OfficeInfo:
    """An office's name, clock and hours."""

    id: int
    name: str
    timezone: str
    work_start: time
    work_end: time


@dataclass(frozen=True)
class Person:
    """An active staff member as reminders need them."""

    id: int
    name: str
    office_id: int | None
    manager_id: int | None
    locale: str
    full_time: bool
    timezone: str
    joined_at: datetime
    roles: frozenset[str] = frozenset()

    @property
    def tz(self) -> ZoneInfo:
        """The person's office time zone."""
        return ZoneInfo(self.timezone)


@dataclass
class Roster:
    """Every office and active person, with role lookups done in memory."""

    offices: dict[int, OfficeInfo]
    people: dict[int, Person]
    _by_role: dict[str, list[Person]] = field(default_factory=dict)
    _by_role_office: dict[tuple[str, int | None], list[Person]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Index people by role, and by role and office, once."""
        by_role: dict[str, list[Person]] = defaultdict(list)
        by_role_office: dict[tuple[str, int | None], list[Person]] = defaultdict(list)
        for person in sorted(self.people.values(), key=lambda p: p.id):
            for role in person.roles:
                by_role[role].append(person)
                by_role_office[(role, person.office_id)].append(person)
        self._by_role, self._by_role_office = dict(by_role), dict(by_role_office)

    def holders(self, role: str, *, office_id: int | None) -> list[Person]:
        """Holders of `role`: in `office_id` for office roles, anywhere for headquarters roles."""
        if role in HQ_ROLES or office_id is None:
            return list(self._by_role.get(role, []))
        return list(self._by_role_office.get((role, office_id), []))

    def recipients(self, *, office_id: int | None, roles: tuple[str, ...] = (),
                   people: tuple[int | None, ...] = ()) -> list[Person]:
        """The holders of `roles` (as `holders`) and the active ones among `people` (ids; None is no one):
        each once, by id. The one home of "the office's heads and whoever logged it" in reminders."""
        found = {p.id: p for role in roles for p in self.holders(role, office_id=office_id)}
        found.update({p: self.people[p] for p in people if p is not None and p in self.people})
        return [found[k] for k in sorted(found)]

    def manager_of(self, person: Person) -> Person | None:
        """As `services.platform.staff.manager_of`: the explicit manager, else the office head (not oneself)."""
        if person.manager_id is not None:
            return self.people.get(person.manager_id)
        heads = self._by_role_office.get(("office_head", person.office_id), [])
        return next((h for h in heads if h.id != person.id), None)

    def office_name(self, office_id: int | None) -> str:
        """The office's name, or '-' for people without one."""
        office = self.offices.get(office_id) if office_id is not None else None
        return office.name if office else "-"


def load_roster(session: Session) -> Roster:
    """Offices, active staff and their roles: three queries, on the tables (a select of mapped attributes
    takes the ORM's row path, a third of the roster's time over 10,000 people)."""
    tables: list[Any] = [model.__table__ for model in (Office, StaffRole, Staff)]
    office, staff_role, staff = tables
    offices = {
        row.id: OfficeInfo(row.id, row.name, row.timezone, row.work_start, row.work_end)
        for row in session.execute(
            select(office.c.id, office.c.name, office.c.timezone, office.c.work_start, office.c.work_end)
        ).all()
    }
    roles: dict[int, set[str]] = defaultdict(set)
    for staff_id, role in session.execute(
        select(staff_role.c.staff_id, staff_role.c.role).join(staff, staff.c.id == staff_role.c.staff_id)
        .where(staff.c.active.is_(True))
    ).all():
        roles[staff_id].add(role)
    people = {}
    c = staff.c
    for row in session.execute(
        select(c.id, c.name, c.office_id, c.manager_id, c.locale, c.full_time, c.created_at).where(c.active.is_(True))
    ).all():  # fetched at once: row by row cost a round of the driver's fetch per person on PostgreSQL
        home = offices.get(row.office_id) if row.office_id is not None else None
        people[row.id] = Person(
            id=row.id, name=row.name, office_id=row.office_id, manager_id=row.manager_id, locale=row.locale,
            full_time=row.full_time, timezone=zones.zone_name(home),
            joined_at=row.created_at, roles=frozenset(roles.get(row.id, ())),
        )
    return Roster(offices=offices, people=people)


@dataclass(frozen=True)
class ReportStub:
    """Enough of a submitted report to count it."""

    id: int
    staff_id: int
    late: bool
    status: str


def load_reports(session: Session, *, pairs: set[tuple[str, str]]) -> dict[tuple[str, str], dict[int, ReportStub]]:
    """Reports of the given (kind, period key) pairs, by pair and author: one query."""
    found: dict[tuple[str, str], dict[int, ReportStub]] = defaultdict(dict)
    if not pairs:
        return found
    rows = session.execute(
        select(Report.id, Report.staff_id, Report.kind, Report.period_key, Report.late, Report.status)
        .where(tuple_(Report.kind, Report.period_key).in_(sorted(pairs)))
    )
    for row in rows:
        found[(row.kind, row.period_key)][row.staff_id] = ReportStub(row.id, row.staff_id, row.late, row.status)
    return found


def away_by_day(session: Session, *, days: set[date]) -> dict[date, set[int]]:
    """Who is on approved leave or a business trip on each office-local day: one query per day (1–3)."""
    return {day: people_on_leave(session, office_ids=None, day=day, kinds=AWAY_KINDS) for day in sorted(days)}


def load_sent_keys(session: Session, *, keys: set[str], since: datetime) -> set[str]:
    """Which of `keys` were already sent; they were all sent at or after `since`: one query."""
    if not keys:
        return set()
    rows = session.scalars(select(ReminderSent.key).where(ReminderSent.sent_at >= since))
    return {key for key in rows if key in keys}
