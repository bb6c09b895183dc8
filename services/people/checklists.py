"""Onboarding checklists (入职引导): opened when a person registers, ticked by the office admin in chat.

The admin (or, in an office without one, the head) is sent the new person's checklist with a button
per open item; a tap ticks it once (a conditional UPDATE: two taps, one tick) and the card is redrawn.
The new person sees their own list with /onboarding; a mentor (导师) can be named for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from domain.callbacks import ONBOARDING_ITEM, pack
from domain.people import PeopleConfig, checklist_for, probation_end, probation_months
from domain.roles import OFFICE_MANAGER_ROLES
from services.i18n.catalogs import N_, translator
from services.i18n.words import PROBATION_LINE
from services.messaging import outbox
from services.messaging.messages import Button, OutMessage
from services.platform import audit
from services.platform.staff import StaffView, holders_of
from storage.models import OnboardingItem, Probation, Staff
from storage.uow import UnitOfWork

ITEM_LABELS = {
    "documents": N_("Documents handed in"),
    "office_supplies": N_("Office supplies issued"),
    "team_intro": N_("Team introduced"),
    "duties_training": N_("Duties and rules training"),
    "business_training": N_("Business knowledge training"),
    "handover": N_("Work handed over"),
    "assets_returned": N_("Assets returned"),
}
LEAVING = "leaving"
LEAVING_ITEMS = ("handover", "assets_returned")  # 交接, 资产归还
MANAGERS = OFFICE_MANAGER_ROLES


@dataclass(frozen=True)
class Ticked:
    """The result of a tap on a checklist item: done now, done before, or refused."""

    outcome: str  # "done", "already", "not_found"
    staff_id: int | None = None


def item_label(_: Any, item: str) -> str:
    """An item's name in the reader's language (configured items without a label show their key)."""
    return str(_(ITEM_LABELS[item])) if item in ITEM_LABELS else item


def open_for(session: Session, *, staff: Staff, config: PeopleConfig, now: datetime, tz: ZoneInfo) -> None:
    """At registration, in its transaction: the checklist, the probation, and the admin told."""
    if session.scalars(select(OnboardingItem.id).where(OnboardingItem.staff_id == staff.id)).first() is None:
        for position, item in enumerate(checklist_for(config, staff.roles)):
            session.add(OnboardingItem(staff_id=staff.id, item=item, position=position))
    months = probation_months(config, staff.roles)
    if months and session.get(Probation, staff.id) is None:
        start = now.astimezone(tz).date()
        session.add(Probation(staff_id=staff.id, office_id=staff.office_id, starts_on=start,
                              ends_on=probation_end(start, months), created_at=now))
    session.flush()
    for admin in _office_admins(session, staff):
        outbox.enqueue(session, staff_id=admin.id, message=checklist_card(session, staff_id=staff.id,
                                                                           locale=admin.locale, buttons=True), now=now)


def _office_admins(session: Session, staff: Staff) -> list[Staff]:
    """Who walks the new person through onboarding: the office's admins, else its heads (never themselves)."""
    for role in ("admin", "office_head"):
        people = [p for p in holders_of(session, role=role, office_id=staff.office_id) if p.id != staff.id]
        if people and staff.office_id is not None:
            return people
    return []


def checklist_card(session: Session, *, staff_id: int, locale: str, buttons: bool) -> OutMessage:
    """The checklist of one person: ✅/⬜ per item, mentor, probation end; a tick button per open item."""
    _ = translator(locale)
    person = cast(Staff, session.get(Staff, staff_id))
    items = session.scalars(select(OnboardingItem).where(OnboardingItem.staff_id == staff_id)
                            .order_by(OnboardingItem.position)).all()
    if any(i.checklist == LEAVING for i in items):
        return leaving_card(session, person=person, items=[i for i in items if i.checklist == LEAVING], _=_,
                            buttons=buttons)
    probation = session.get(Probation, staff_id)
    lines = [_("🧭 Onboarding of {name}").format(name=person.name)]
    lines += [f"{'✅' if i.done_at else '⬜'} {item_label(_, i.item)}" for i in items]
    mentor = session.get(Staff, probation.mentor_id) if probation and probation.mentor_id else None
    lines.append(_("Mentor: {name}").format(name=mentor.name if mentor else _("not named yet")))
    if probation is not None:
        lines.append(_(PROBATION_LINE).format(first=probation.starts_on.isoformat(),
                                                              last=probation.ends_on.isoformat()))
    if items and all(i.done_at for i in items):
        lines.append(_("All onboarding steps are done."))
    rows = tuple((Button("⬜ " + item_label(_, i.item), pack(ONBOARDING_ITEM, item=i.id)),)
                 for i in items if not i.done_at)
    return OutMessage("\n".join(lines), buttons=rows if buttons else ())


def leaving_card(session: Session, *, person: Staff, items: list[OnboardingItem], _: Any,
                 buttons: bool) -> OutMessage:
    """The leaving checklist of one person (交接, 资产归还), a tick button per open item."""
    lines = [_("🚪 Leaving checklist of {name}").format(name=person.name)]
    lines += [f"{'✅' if i.done_at else '⬜'} {item_label(_, i.item)}" for i in items]
    if all(i.done_at for i in items):
        lines.append(_("All leaving steps are done."))
    rows = tuple((Button("⬜ " + item_label(_, i.item), pack(ONBOARDING_ITEM, item=i.id)),)
                 for i in items if not i.done_at)
    return OutMessage("\n".join(lines), buttons=rows if buttons else ())


def _may_manage(viewer: StaffView, person: Staff) -> bool:
    """The person's office admin or head (or HR) may tick items and name a mentor."""
    return "hr" in viewer.roles or (viewer.has_any(MANAGERS) and viewer.office_id == person.office_id
                                    and person.office_id is not None)


def tick(uow: UnitOfWork, *, item_id: int, viewer: StaffView, now: datetime) -> Ticked:
    """Tick one item once; the new person is told when the last one is done."""
    with uow:
        session = uow.session
        item = session.get(OnboardingItem, item_id)
        person = session.get(Staff, item.staff_id) if item is not None else None
        if item is None or person is None or not _may_manage(viewer, person):
            return Ticked("not_found")
        stmt = (update(OnboardingItem).where(OnboardingItem.id == item_id, OnboardingItem.done_at.is_(None))
                .values(done_at=now, done_by=viewer.id).execution_options(synchronize_session=False))
        if cast(CursorResult[Any], session.execute(stmt)).rowcount != 1:
            return Ticked("already", person.id)
        audit.record(session, actor_id=viewer.id, action="onboarding.tick", entity="staff", entity_id=person.id,
                     at=now, detail={"item": item.item})
        open_left = session.scalars(select(OnboardingItem.id).where(
            OnboardingItem.staff_id == person.id, OnboardingItem.done_at.is_(None))).first()
        if open_left is None and person.active:
            _ = translator(person.locale)
            outbox.enqueue(session, staff_id=person.id, now=now,
                           message=OutMessage(_("🎉 Your onboarding checklist is complete. Welcome aboard!")))
        uow.commit()
        return Ticked("done", person.id)


def card_for(uow: UnitOfWork, *, staff_id: int, viewer: StaffView) -> OutMessage | None:
    """A checklist as the viewer may see it: their own read-only, others' with buttons if they manage them."""
    with uow:
        person = uow.session.get(Staff, staff_id)
        if person is None or (person.id != viewer.id and not _may_manage(viewer, person)):
            return None
        return checklist_card(uow.session, staff_id=staff_id, locale=viewer.locale,
                              buttons=person.id != viewer.id)


def open_checklists(uow: UnitOfWork, *, viewer: StaffView) -> list[OutMessage]:
    """The viewer's own checklist (if any), then every open one they manage, oldest first."""
    with uow:
        session = uow.session
        people = session.scalars(select(Staff).join(OnboardingItem, OnboardingItem.staff_id == Staff.id)
                                 .distinct().order_by(Staff.id)).all()  # leavers too: their 离职 list
        cards: list[OutMessage] = []
        for person in people:
            if person.id == viewer.id:
                cards.insert(0, checklist_card(session, staff_id=person.id, locale=viewer.locale, buttons=False))
            elif _may_manage(viewer, person) and _has_open(session, person.id):
                cards.append(checklist_card(session, staff_id=person.id, locale=viewer.locale, buttons=True))
        return cards


def _has_open(session: Session, staff_id: int) -> bool:
    """Whether any item of the person's checklist is still open."""
    return session.scalars(select(OnboardingItem.id).where(OnboardingItem.staff_id == staff_id,
                                                           OnboardingItem.done_at.is_(None))).first() is not None


def name_mentor(uow: UnitOfWork, *, viewer: StaffView, person_name: str, mentor_name: str, now: datetime) -> str:
    """Name a mentor for a person in probation; returns 'done', 'no_person', 'no_mentor' or 'no_probation'."""
    with uow:
        session = uow.session
        person = _colleague(session, viewer, person_name)
        mentor = _colleague(session, viewer, mentor_name)
        if person is None or not _may_manage(viewer, person):
            return "no_person"
        if mentor is None or mentor.id == person.id or mentor.office_id != person.office_id:
            return "no_mentor"
        probation = session.get(Probation, person.id)
        if probation is None or probation.closed:
            return "no_probation"
        probation.mentor_id = mentor.id
        audit.record(session, actor_id=viewer.id, action="onboarding.mentor", entity="staff", entity_id=person.id,
                     at=now, detail={"mentor": mentor.id})
        for who, msgid, other in ((person, N_("Your mentor (导师) is {name}."), mentor),
                                  (mentor, N_("You are now the mentor (导师) of {name}."), person)):
            _ = translator(who.locale)
            outbox.enqueue(session, staff_id=who.id, message=OutMessage(_(msgid).format(name=other.name)), now=now)
        uow.commit()
        return "done"


def _colleague(session: Session, viewer: StaffView, name: str) -> Staff | None:
    """An active person by exact name: in the viewer's office, or anywhere for HR."""
    query = select(Staff).where(Staff.name == name.strip(), Staff.active.is_(True))
    if "hr" not in viewer.roles:
        query = query.where(Staff.office_id == viewer.office_id)
    found = session.scalars(query.limit(2)).all()
    return found[0] if len(found) == 1 else None
