"""Offices, invitations and registration: how staff get into the bot, and nobody else does."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from domain.attendance import DEFAULT_WORKING_HOURS
from domain.people import DEFAULT_PEOPLE_CONFIG, PeopleConfig, parse_people_config
from domain.roles import parse_roles
from services.people import checklists as people
from services.platform import audit, zones
from services.platform.jobs import claim_reminder
from services.platform.regions import region_named
from services.platform.staff import StaffView, account_match, bind_account, chat_of, view_of
from storage.models import Invite, Office, Staff, StaffRole
from storage.uow import UnitOfWork

INVITE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone
INVITE_DAYS = 14


class OnboardingError(ValueError):
    """Bad admin input, named so the CLI can print it as one line."""


class RedeemOutcome(StrEnum):
    """Why a /start CODE did or did not register someone."""

    registered = "registered"
    already_registered = "already_registered"
    unknown_code = "unknown_code"
    used_code = "used_code"
    expired_code = "expired_code"
    account_taken = "account_taken"


@dataclass(frozen=True)
class RedeemResult:
    """The outcome and, when registered, who the person now is."""

    outcome: RedeemOutcome
    staff: StaffView | None = None


def create_office(
    uow: UnitOfWork,
    *,
    name: str,
    timezone: str,
    now: datetime,
    work_start: time = DEFAULT_WORKING_HOURS.start,
    work_end: time = DEFAULT_WORKING_HOURS.end,
    address: str | None = None,
    geofence: tuple[float, float, int] | None = None,
    is_hq: bool = False,
    region: str | None = None,
) -> int:
    """Create an office (in the named region, created when new); refuses duplicates and unknown time zones."""
    try:
        ZoneInfo(timezone)
    except Exception as exc:
        raise OnboardingError(f"unknown time zone: {timezone}") from exc
    if work_end <= work_start:
        raise OnboardingError("working hours must end after they start")
    with uow:
        if uow.session.scalars(select(Office).where(Office.name == name)).first():
            raise OnboardingError(f"office already exists: {name}")
        office = Office(
            name=name, timezone=timezone, work_start=work_start, work_end=work_end,
            address=address, is_hq=is_hq, created_at=now,
        )
        if geofence:
            office.geo_lat, office.geo_lon, office.geo_radius_m = geofence
        if region:
            office.region_id = region_named(uow.session, name=region).id
        uow.session.add(office)
        uow.session.flush()
        audit.record(uow.session, actor_id=None, action="create", entity="office", entity_id=office.id, at=now)
        uow.commit()
        return office.id


def invite(
    uow: UnitOfWork,
    *,
    office_name: str,
    roles: str | list[str],
    name: str,
    now: datetime,
    phone: str | None = None,
    manager_name: str | None = None,
    locale: str = "zh_CN",
    code: str | None = None,
) -> str:
    """Create the staff row (inactive until redeemed) and a single-use code that expires.

    `roles` are typed words (`sales`, `销售`, `业务员、维修员`), read by `domain.roles.parse_roles`.
    """
    parsed, unknown = parse_roles(roles)
    if not parsed or unknown:
        raise OnboardingError(f"unknown role: {', '.join(unknown) or '(none)'}")
    with uow:
        office = uow.session.scalars(select(Office).where(Office.name == office_name)).first()
        if office is None:
            raise OnboardingError(f"no such office: {office_name}")
        manager = None
        if manager_name:
            manager = uow.session.scalars(select(Staff).where(Staff.name == manager_name)).first()
            if manager is None:
                raise OnboardingError(f"no such manager: {manager_name}")
        staff = Staff(
            name=name, phone=phone, office_id=office.id, manager_id=manager.id if manager else None,
            locale=locale, active=False, created_at=now,
        )
        staff.role_rows = [StaffRole(role=r.value) for r in sorted(parsed)]
        uow.session.add(staff)
        uow.session.flush()
        code = code or "".join(secrets.choice(INVITE_ALPHABET) for _ in range(8))
        uow.session.add(
            Invite(code=code, staff_id=staff.id, expires_at=now + timedelta(days=INVITE_DAYS), created_at=now)
        )
        audit.record(uow.session, actor_id=None, action="invite", entity="staff", entity_id=staff.id, at=now)
        uow.commit()
        return code


def redeem(
    uow: UnitOfWork, *, code: str, channel: str, account: str, now: datetime,
    people_config: PeopleConfig | None = None, new_hire: bool = True,
) -> RedeemResult:
    """Bind a chat account (Telegram or WeCom) to the invited staff row; each code works once, before it expires.

    For a new hire, in the same transaction, the onboarding checklist and probation open and the office
    admin is told (`new_hire=False`: staff who were there before the bot, like the demo company's).
    """
    with uow:
        session = uow.session
        bound = session.scalars(select(Staff).where(account_match(channel, account))).first()
        if bound is not None:
            return RedeemResult(RedeemOutcome.already_registered)
        inv = session.get(Invite, code.strip().upper())
        if inv is None:
            return RedeemResult(RedeemOutcome.unknown_code)
        if inv.used_at is not None:
            return RedeemResult(RedeemOutcome.used_code)
        if inv.expires_at <= now:
            return RedeemResult(RedeemOutcome.expired_code)
        staff = session.get(Staff, inv.staff_id)
        if staff is None or chat_of(staff, channel) is not None:
            return RedeemResult(RedeemOutcome.account_taken)
        used = session.execute(  # conditional: of two accounts racing for one code, exactly one wins
            update(Invite).where(Invite.code == inv.code, Invite.used_at.is_(None)).values(used_at=now)
        )
        if used.rowcount != 1:  # type: ignore[attr-defined]
            return RedeemResult(RedeemOutcome.used_code)
        bind_account(staff, channel, account)
        staff.active = True
        audit.record(session, actor_id=staff.id, action="register", entity="staff", entity_id=staff.id, at=now)
        session.flush()
        office = session.get(Office, staff.office_id) if staff.office_id else None
        if new_hire:
            people.open_for(session, staff=staff, now=now, tz=zones.zone_of(office),
                            config=people_config or parse_people_config(DEFAULT_PEOPLE_CONFIG))
        view = view_of(staff, office)
        uow.commit()
        return RedeemResult(RedeemOutcome.registered, view)


def set_locale(uow: UnitOfWork, *, staff_id: int, locale: str, now: datetime) -> None:
    """Remember the person's language."""
    with uow:
        staff = uow.session.get(Staff, staff_id)
        if staff is None:
            return
        staff.locale = locale
        audit.record(uow.session, actor_id=staff_id, action="locale", entity="staff", entity_id=staff_id, at=now,
                     detail={"locale": locale})
        uow.commit()


def first_visit_today(uow: UnitOfWork, *, staff_id: int, day: date, now: datetime) -> bool:
    """True the first time a person opens the app on `day` (their local day): the daily greeting is due."""
    with uow:
        first = claim_reminder(uow.session, key=f"greet:{staff_id}:{day.isoformat()}", staff_id=staff_id, now=now)
        uow.commit()
        return first
