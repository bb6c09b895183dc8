"""Read-only views of approvals: what waits for me, what I asked for, customers to link an expense to."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.approval_callbacks import RequestAction
from services.approvals.notices import (
    actions_for,
    card,
    chain_lines,
    current_step,
    headline,
    names,
    office_tz,
    standing,
)
from services.i18n.catalogs import N_, Translate, translator
from services.messaging.messages import OutMessage
from services.platform.staff import holders_of
from storage.models import ApprovalRequest, Customer, Staff
from storage.uow import UnitOfWork

LIST_LIMIT = 10
CC_LINE = N_("CC: {names}")


def pending_cards(uow: UnitOfWork, *, approver_id: int, locale: str) -> list[OutMessage]:
    """Cards (with buttons) of the requests whose current step this person may decide, oldest first."""
    with uow:
        session = uow.session
        rows = session.scalars(select(ApprovalRequest).where(ApprovalRequest.status == "pending")
                               .order_by(ApprovalRequest.created_at, ApprovalRequest.id)).all()
        mine = [r for r in rows if (step := current_step(r)) is not None and approver_id in step.approvers]
        return [card(session, r, locale=locale) for r in mine[:LIST_LIMIT]]


@dataclass(frozen=True)
class RequestLine:
    """One of my requests in /requests (its whole chain included) and what I can do with it now."""

    request_id: int
    text: str
    actions: tuple[RequestAction, ...]


def my_requests(uow: UnitOfWork, *, requester_id: int, locale: str) -> list[RequestLine]:
    """My latest requests, newest first: where each stands, its chain, its CC, and the buttons that fit."""
    with uow:
        return request_lines(uow.session, requester_id=requester_id, locale=locale)


def request_lines(session: Session, *, requester_id: int, locale: str) -> list[RequestLine]:
    """The lines of a /requests listing, read in the caller's transaction."""
    _ = translator(locale)
    rows = session.scalars(select(ApprovalRequest).where(ApprovalRequest.requester_id == requester_id)
                           .order_by(ApprovalRequest.id.desc()).limit(LIST_LIMIT)).all()
    lines = []
    for req in rows:
        text = [f"{headline(_, req)} — {standing(session, _, req)}",
                *chain_lines(session, _, req, office_tz(session, req))]
        if req.cc:
            text.append("  " + _(CC_LINE).format(names=names(session, req.cc)))
        lines.append(RequestLine(req.id, "\n".join(text), actions_for(req)))
    return lines


def listing_text(_: Translate, lines: list[RequestLine]) -> str:
    """The /requests listing's text."""
    return "\n".join([_("Your requests:"), *(f"• {line.text}" for line in lines)])


def retired_listing(session: Session, *, viewer: Staff | None, requester_id: int) -> OutMessage:
    """A /requests listing after one of its requests moved on: as things stand now, without buttons."""
    locale = viewer.locale if viewer else "zh_CN"
    _ = translator(locale)
    lines = request_lines(session, requester_id=requester_id, locale=locale)
    return OutMessage(listing_text(_, lines) + "\n" + _("(Updated. Send /requests again for buttons.)"))


def search_customers(uow: UnitOfWork, *, office_id: int | None, text: str, limit: int = 8) -> list[tuple[int, str]]:
    """Customers of the office whose name contains `text`."""
    if office_id is None or not text.strip():
        return []
    with uow:
        query = (select(Customer.id, Customer.name)
                 .where(Customer.office_id == office_id, Customer.name.contains(text.strip(), autoescape=True))
                 .order_by(Customer.name).limit(limit))
        return [(int(row.id), str(row.name)) for row in uow.session.execute(query)]


def customer_name(uow: UnitOfWork, *, office_id: int | None, customer_id: int) -> str | None:
    """The customer's name, only if it belongs to the office."""
    with uow:
        customer = uow.session.get(Customer, customer_id)
        return customer.name if customer is not None and customer.office_id == office_id else None



def search_colleagues(uow: UnitOfWork, *, text: str, excluding: int, limit: int = 8) -> list[tuple[int, str]]:
    """Active staff whose name contains `text` (抄送 may name anyone in the company), not the requester."""
    if not text.strip():
        return []
    with uow:
        query = (select(Staff.id, Staff.name)
                 .where(Staff.active.is_(True), Staff.id != excluding,
                        Staff.name.contains(text.strip(), autoescape=True))
                 .order_by(Staff.name).limit(limit))
        return [(int(row.id), str(row.name)) for row in uow.session.execute(query)]


def colleague_name(uow: UnitOfWork, *, staff_id: int) -> str | None:
    """An active colleague's name (a picked CC, re-checked)."""
    with uow:
        person = uow.session.get(Staff, staff_id)
        return person.name if person is not None and person.active else None


def office_waiting(uow: UnitOfWork, *, head_id: int, locale: str) -> list[RequestLine]:
    """For an office head's /status: the office's requests waiting on someone else, each one nudgeable."""
    with uow:
        return waiting_lines(uow.session, head_id=head_id, locale=locale)


def waiting_lines(session: Session, *, head_id: int, locale: str) -> list[RequestLine]:
    """The office's requests waiting on someone other than the head, read in the caller's transaction."""
    _ = translator(locale)
    head = session.get(Staff, head_id)
    if head is None or head.office_id is None or head_id not in {
            s.id for s in holders_of(session, role="office_head", office_id=head.office_id)}:
        return []
    rows = session.scalars(select(ApprovalRequest).where(ApprovalRequest.status == "pending",
                                                         ApprovalRequest.office_id == head.office_id)
                           .order_by(ApprovalRequest.created_at, ApprovalRequest.id)).all()
    lines = []
    for req in rows:
        step = current_step(req)
        if step is None or head_id in step.approvers:
            continue  # what waits for the head himself is in /pending
        lines.append(RequestLine(req.id, f"{headline(_, req)} — {standing(session, _, req)}",
                                 (RequestAction.NUDGE,)))
    return lines[:LIST_LIMIT]


def waiting_text(_: Translate, lines: list[RequestLine]) -> str:
    """The text of the office's waiting list under /status."""
    return "\n".join([_("Requests of your office waiting for a decision:"), *(f"• {x.text}" for x in lines)])


def retired_waiting(session: Session, *, viewer: Staff | None) -> OutMessage:
    """An office's waiting list after one of its requests moved on: as things stand now, without buttons."""
    _ = translator(viewer.locale if viewer else "zh_CN")
    lines = waiting_lines(session, head_id=viewer.id, locale=viewer.locale) if viewer else []
    text = waiting_text(_, lines) if lines else "\n".join(
        [_("Requests of your office waiting for a decision:"), _("Nothing waits any more.")])
    return OutMessage(text + "\n" + _("(Updated. Send /status again for buttons.)"))
