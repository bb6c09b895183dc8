"""Read-only views of approvals: what waits for me, what I asked for, customers to link an expense to."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from domain.approvals import NOT_WITHDRAWABLE
from services.approval_notices import card, current_step, headline, standing
from services.i18n import translator
from services.messages import OutMessage
from storage.models import ApprovalRequest, Customer
from storage.uow import UnitOfWork

LIST_LIMIT = 10


def pending_cards(uow: UnitOfWork, *, approver_id: int, locale: str, default_timezone: str) -> list[OutMessage]:
    """Cards (with buttons) of the requests whose current step this person may decide, oldest first."""
    with uow:
        session = uow.session
        rows = session.scalars(select(ApprovalRequest).where(ApprovalRequest.status == "pending")
                               .order_by(ApprovalRequest.created_at, ApprovalRequest.id)).all()
        mine = [r for r in rows if (step := current_step(r)) is not None and approver_id in step.approvers]
        return [card(session, r, locale=locale, default_timezone=default_timezone) for r in mine[:LIST_LIMIT]]


@dataclass(frozen=True)
class RequestLine:
    """One of my requests as a line of /requests, and whether it can still be withdrawn."""

    request_id: int
    text: str
    withdrawable: bool


def my_requests(uow: UnitOfWork, *, requester_id: int, locale: str) -> list[RequestLine]:
    """My latest requests, newest first, each saying where it stands."""
    _ = translator(locale)
    with uow:
        session = uow.session
        rows = session.scalars(select(ApprovalRequest).where(ApprovalRequest.requester_id == requester_id)
                               .order_by(ApprovalRequest.id.desc()).limit(LIST_LIMIT)).all()
        lines = []
        for req in rows:
            lines.append(RequestLine(req.id, f"{headline(_, req)} — {standing(session, _, req)}",
                                     req.status == "pending" and req.step_index == 0
                                     and req.kind not in NOT_WITHDRAWABLE))
        return lines


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

