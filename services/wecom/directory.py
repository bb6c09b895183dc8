"""Bind our staff to WeCom members (通讯录同步), from the department and member lists WeCom returned.

The rules, in order, for each current member (WeCom status 1 active or 4 not yet joined; disabled and
departed members are skipped):

1. A department belongs to the office with exactly its name (``上海办事处`` ↔ office ``上海办事处``); a
   department without one belongs to the office of its nearest ancestor that has one, so a sub-team
   such as ``上海办事处/维修组`` stays in Shanghai. Departments that reach no office are reported.
2. A member whose userid is already on a staff row is left as it is ("already bound"), whatever
   office or name that row has now.
3. Otherwise the member's office is the first of their departments that has one; there, the one staff
   row with exactly the member's name and no WeCom userid yet is bound to the userid. Two such rows,
   or two unbound members of that name in that office, are reported as ambiguous and nothing is bound.
4. A member still unmatched is created as staff when `create` is set (see `sync_directory`), else
   reported.

Nothing is ever unbound or deleted: a member who disappeared from WeCom keeps their row.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.roles import parse_roles
from services.platform import audit
from storage.models import Office, Staff, StaffRole
from storage.uow import UnitOfWork

CURRENT_STATUSES = frozenset({1, 4})  # 1 active, 4 not yet joined; 2 disabled and 5 left are skipped
DEFAULT_ROLE = "sales"
Json = Mapping[str, Any]


class DirectorySyncError(ValueError):
    """Bad input to the sync (an unknown default role), named in one line for the CLI."""


@dataclass
class SyncSummary:
    """What a sync did and what it could not do; every entry reads "name (userid)" plus a reason."""

    bound: list[str] = field(default_factory=list)
    already_bound: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    unmapped_departments: list[str] = field(default_factory=list)
    unmatched_members: list[str] = field(default_factory=list)
    ambiguous: list[str] = field(default_factory=list)
    skipped_inactive: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The summary as the CLI prints it: counts first, then the entries that need a person's attention."""
        counts = (f"bound {len(self.bound)}, already bound {len(self.already_bound)}, created {len(self.created)}, "
                  f"unmatched {len(self.unmatched_members)}, ambiguous {len(self.ambiguous)}, "
                  f"skipped (disabled or left) {len(self.skipped_inactive)}, "
                  f"departments without an office {len(self.unmapped_departments)}")
        out = [counts]
        for title, entries in (("bound", self.bound), ("created", self.created),
                               ("department without an office", self.unmapped_departments),
                               ("unmatched", self.unmatched_members), ("ambiguous", self.ambiguous)):
            out.extend(f"{title}: {entry}" for entry in entries)
        return out


def department_offices(departments: Iterable[Json], office_ids: Mapping[str, int]) -> dict[int, int | None]:
    """Department id → office id by name, inheriting the nearest named ancestor's office (rule 1)."""
    by_id = {int(d["id"]): d for d in departments}
    resolved: dict[int, int | None] = {}

    def office_of(department_id: int, seen: frozenset[int]) -> int | None:
        if department_id in resolved:
            return resolved[department_id]
        department = by_id.get(department_id)
        if department is None or department_id in seen:  # unknown parent, or a cycle in bad data
            return None
        own = office_ids.get(str(department.get("name", "")).strip())
        parent = int(department.get("parentid") or 0)
        found = own if own is not None else office_of(parent, seen | {department_id}) if parent else None
        resolved[department_id] = found
        return found

    for department_id in by_id:
        office_of(department_id, frozenset())
    return resolved


def sync_directory(
    uow: UnitOfWork,
    *,
    departments: Sequence[Json],
    members: Sequence[Json],
    now: datetime,
    create: bool = False,
    default_role: str = DEFAULT_ROLE,
    progress: Callable[[int, int], None] | None = None,
    progress_every: int = 500,
) -> SyncSummary:
    """Bind staff to WeCom userids by the module's rules; with `create`, add the members found nowhere.

    A created row gets the member's name, office and userid, their mobile as phone, `default_role`,
    and is active at once: WeCom has already identified the person, so no invite code is needed (the
    same row can still be bound to Telegram later through an invite). Bound rows keep their `active`
    flag: an invited person who never registered stays inactive until an admin decides.
    One transaction for the whole sync; `progress(done, total)` is called every `progress_every` members.
    """
    roles, unknown = parse_roles(default_role)
    if create and (not roles or unknown):
        raise DirectorySyncError(f"unknown role: {', '.join(unknown) or '(none)'}")
    summary = SyncSummary()
    with uow:
        offices = {o.name: o.id for o in uow.session.scalars(select(Office))}
        dept_office = department_offices(departments, offices)
        summary.unmapped_departments = [
            f"{d.get('name', '')} (id {d['id']})" for d in departments if dept_office.get(int(d["id"])) is None
        ]
        placed = [(m, _office_of_member(m, dept_office)) for m in _current_members(members, summary)]
        book = _Book.load(uow.session, placed, offices=offices, roles=[r.value for r in roles] if create else [],
                          now=now)
        for done, (member, office_id) in enumerate(placed, start=1):
            book.place(member, office_id, summary)
            if progress is not None and (done % progress_every == 0 or done == len(placed)):
                progress(done, len(placed))
        uow.commit()
    return summary


@dataclass
class _Book:
    """The staff as loaded once for a sync, and the per-member decision of rules 2 to 4."""

    session: Session
    office_names: dict[int, str]
    by_userid: dict[str, Staff]
    unbound: dict[tuple[int | None, str], list[Staff]]
    same_name: Counter[tuple[int | None, str]]
    roles: list[str]  # empty: do not create
    now: datetime

    @classmethod
    def load(
        cls, session: Session, placed: list[tuple[Json, int | None]], *, offices: Mapping[str, int],
        roles: list[str], now: datetime,
    ) -> _Book:
        """Every staff row in one query, indexed by userid and by (office, name) for the unbound ones."""
        staff = list(session.scalars(select(Staff)))
        by_userid = {s.wecom_user_id: s for s in staff if s.wecom_user_id}
        unbound: dict[tuple[int | None, str], list[Staff]] = {}
        for person in staff:
            if not person.wecom_user_id:
                unbound.setdefault((person.office_id, person.name), []).append(person)
        same_name = Counter((office, _name(m)) for m, office in placed if _userid(m) not in by_userid)
        office_names = {office_id: name for name, office_id in offices.items()}
        return cls(session, office_names, by_userid, unbound, same_name, roles, now)

    def place(self, member: Json, office_id: int | None, summary: SyncSummary) -> None:
        """Apply rules 2-4 to one member and note the outcome in `summary`."""
        label = f"{_name(member)} ({_userid(member)})"
        if _userid(member) in self.by_userid:
            summary.already_bound.append(label)
            return
        if office_id is None:
            summary.unmatched_members.append(f"{label}: none of their departments has an office")
            return
        where = self.office_names[office_id]
        candidates = self.unbound.get((office_id, _name(member)), [])
        namesakes = self.same_name[(office_id, _name(member))]
        if len(candidates) > 1 or (candidates and namesakes > 1):
            summary.ambiguous.append(
                f"{label}: {len(candidates)} unbound staff and {namesakes} members of this name in {where}"
            )
        elif candidates:
            _bind(self.session, candidates.pop(), member, now=self.now)
            summary.bound.append(f"{label} in {where}")
        elif self.roles:
            _create(self.session, member, office_id=office_id, roles=self.roles, now=self.now)
            summary.created.append(f"{label} in {where}")
        else:
            summary.unmatched_members.append(f"{label}: no unbound staff of this name in {where}")


def _current_members(members: Iterable[Json], summary: SyncSummary) -> list[Json]:
    """Each member once (user/list repeats people in several departments), without the departed."""
    seen: set[str] = set()
    current = []
    for member in members:
        userid = _userid(member)
        if not userid or userid in seen:
            continue
        seen.add(userid)
        if int(member.get("status") or 1) in CURRENT_STATUSES:
            current.append(member)
        else:
            summary.skipped_inactive.append(f"{_name(member)} ({userid})")
    return current


def _office_of_member(member: Json, dept_office: Mapping[int, int | None]) -> int | None:
    """The office of the member's first department that has one."""
    for department_id in member.get("department") or []:
        office_id = dept_office.get(int(department_id))
        if office_id is not None:
            return office_id
    return None


def _userid(member: Json) -> str:
    return str(member.get("userid") or "").strip()


def _name(member: Json) -> str:
    return str(member.get("name") or "").strip()


def _bind(session: Session, person: Staff, member: Json, *, now: datetime) -> None:
    """Store the userid on an existing row (rule 3), audited."""
    person.wecom_user_id = _userid(member)
    audit.record(session, actor_id=None, action="wecom_bind", entity="staff", entity_id=person.id, at=now,
                 detail={"wecom_user_id": person.wecom_user_id})


def _create(session: Session, member: Json, *, office_id: int, roles: list[str], now: datetime) -> None:
    """A new active staff row for a member found nowhere (rule 4), audited."""
    person = Staff(name=_name(member), phone=str(member.get("mobile") or "") or None, office_id=office_id,
                   wecom_user_id=_userid(member), active=True, created_at=now)
    person.role_rows = [StaffRole(role=role) for role in roles]
    session.add(person)
    session.flush()
    audit.record(session, actor_id=None, action="wecom_create", entity="staff", entity_id=person.id, at=now,
                 detail={"wecom_user_id": person.wecom_user_id})
