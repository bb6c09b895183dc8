"""Who is talking to the bot: a plain snapshot of a staff member, and the lookups behind it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, bindparam, select
from sqlalchemy.orm import Session

from domain.attendance import DEFAULT_WORKING_HOURS
from domain.roles import HQ_ROLES, OFFICE_MANAGER_ROLES, REGION_ROLES
from services.platform import zones
from services.platform.regions import region_office_ids
from storage.models import Office, Staff, StaffRole


@dataclass(frozen=True)
class StaffView:
    """What handlers need to know about a person, detached from the database session."""

    id: int
    name: str
    roles: frozenset[str]
    office_id: int | None
    office_name: str | None
    timezone: str
    locale: str
    manager_id: int | None
    telegram_user_id: int | None
    work_start: time = DEFAULT_WORKING_HOURS.start
    work_end: time = DEFAULT_WORKING_HOURS.end
    reachable: bool = True
    last_channel: str | None = None

    @property
    def tz(self) -> ZoneInfo:
        """The person's office time zone."""
        return ZoneInfo(self.timezone)

    @property
    def is_hq(self) -> bool:
        """Headquarters roles see every office."""
        return bool(self.roles & HQ_ROLES)

    @property
    def manages_office(self) -> bool:
        """Office heads and admins see their whole office's records."""
        return bool(self.roles & OFFICE_MANAGER_ROLES)

    def has_any(self, roles: frozenset[str] | set[str]) -> bool:
        """True when the person holds one of `roles`."""
        return bool(self.roles & roles)


def view_of(staff: Staff, office: Office | None, *, roles: frozenset[str] | None = None) -> StaffView:
    """Snapshot a staff row with its office (and its roles, when the caller loaded them already)."""
    return StaffView(
        id=staff.id,
        name=staff.name,
        roles=staff.roles if roles is None else roles,
        office_id=staff.office_id,
        office_name=office.name if office else None,
        timezone=zones.zone_name(office),
        locale=staff.locale,
        manager_id=staff.manager_id,
        telegram_user_id=staff.telegram_user_id,
        work_start=office.work_start if office else DEFAULT_WORKING_HOURS.start,
        work_end=office.work_end if office else DEFAULT_WORKING_HOURS.end,
        reachable=staff.reachable,
        last_channel=staff.last_channel,
    )


ACCOUNT_COLUMNS: dict[str, Any] = {"telegram": Staff.telegram_user_id, "wecom": Staff.wecom_user_id}
"""The staff column that holds a person's account on each channel."""


def account_key(channel: str, account: str) -> int | str:
    """The account as its column stores it (Telegram ids are numbers); ValueError for an unknown channel."""
    if channel not in ACCOUNT_COLUMNS:
        raise ValueError(f"unknown channel {channel!r}")
    return int(account) if channel == "telegram" else account


def account_match(channel: str, account: str) -> ColumnElement[bool]:
    """The condition 'this staff row is bound to `account` on `channel`'."""
    return cast(ColumnElement[bool], ACCOUNT_COLUMNS[channel] == account_key(channel, account))


def chat_of(staff: Staff, channel: str) -> str | None:
    """The person's chat on `channel`, as the channel port addresses it (None: not bound there)."""
    value = staff.telegram_user_id if channel == "telegram" else staff.wecom_user_id
    return None if value is None else str(value)


def bind_account(staff: Staff, channel: str, account: str) -> None:
    """Bind the staff row to `account` on `channel` (where their notices go from now on)."""
    if channel == "telegram":
        staff.telegram_user_id = int(account)
    else:
        staff.wecom_user_id = account
    staff.last_channel = channel


def find_by_account(session: Session, *, channel: str, account: str) -> StaffView | None:
    """The active staff member bound to this chat account, if any: one indexed query on every update.

    Plain columns through a statement built once per channel, not ORM objects: this runs for every
    update, and loading two full entities into the session cost more than the rest of a /help.
    """
    rows = session.execute(_BY_ACCOUNT[channel], {"account": account_key(channel, account)}).all()
    if not rows:
        return None
    row = rows[0]
    has_office = row.office_name is not None
    return StaffView(
        id=row.id, name=row.name, roles=frozenset(r.role for r in rows if r.role is not None),
        office_id=row.office_id, office_name=row.office_name,
        timezone=row.office_timezone or zones.company_zone_name(), locale=row.locale,
        manager_id=row.manager_id, telegram_user_id=row.telegram_user_id,
        work_start=row.work_start if has_office else DEFAULT_WORKING_HOURS.start,
        work_end=row.work_end if has_office else DEFAULT_WORKING_HOURS.end,
        reachable=row.reachable, last_channel=row.last_channel)


def _by_account(account_column: str) -> Any:
    """The sender's lookup: staff, office and role columns of the active person bound to `:account`.

    On the tables, not the mapped classes: a select of mapped attributes still takes the ORM's execution
    path (compile state, row adaptation) on every update."""
    tables: list[Any] = [model.__table__ for model in (Staff, Office, StaffRole)]
    staff, office, role = tables
    c, o = staff.c, office.c
    return (select(c.id, c.name, c.office_id, c.locale, c.manager_id, c.telegram_user_id, c.reachable,
                   c.last_channel, o.name.label("office_name"), o.timezone.label("office_timezone"), o.work_start,
                   o.work_end, role.c.role)
            .outerjoin(office, o.id == c.office_id)
            .outerjoin(role, role.c.staff_id == c.id)
            .where(c[account_column] == bindparam("account"), c.active.is_(True)))


_BY_ACCOUNT = {channel: _by_account(column.key) for channel, column in ACCOUNT_COLUMNS.items()}


def load_view(session: Session, *, staff_id: int) -> StaffView | None:
    """A staff member by id, as a view."""
    staff = session.get(Staff, staff_id)
    if staff is None:
        return None
    office = session.get(Office, staff.office_id) if staff.office_id else None
    return view_of(staff, office)


def holders_of(session: Session, *, role: str, office_id: int | None) -> list[Staff]:
    """Active people holding `role`: in `office_id` for office roles (in any office of its region for
    regional roles), anywhere for HQ roles."""
    query = select(Staff).join(StaffRole).where(StaffRole.role == role, Staff.active.is_(True))
    if role in REGION_ROLES and office_id is not None:
        query = query.where(Staff.office_id.in_(region_office_ids(session, office_id=office_id)))
    elif role not in HQ_ROLES and office_id is not None:
        query = query.where(Staff.office_id == office_id)
    return list(session.scalars(query.order_by(Staff.id)))


def manager_of(session: Session, *, staff: Staff) -> Staff | None:
    """The person's manager: the explicit one, else their office head (not themselves)."""
    if staff.manager_id:
        return session.get(Staff, staff.manager_id)
    for head in holders_of(session, role="office_head", office_id=staff.office_id):
        if head.id != staff.id:
            return head
    return None
