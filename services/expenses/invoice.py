"""补发票: the invoice of an approved expense claim recorded as received later, by the requester or finance.

From then on the claim counts as invoiced: an intermediary fee no longer counts ×1.1 toward its
project's commission base (domain.expense_rules.commission_cost). Audited; the requester is told when
finance records it. Who may: the requester, or `INVOICE_MARKER_ROLES`; rights and state are checked
on every press (the button may be old or forged).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.roles import INVOICE_MARKER_ROLES
from services.approvals.notices import awaits_invoice, headline
from services.i18n.catalogs import translator
from services.messaging import outbox
from services.messaging.messages import OutMessage
from services.platform import audit
from services.platform.staff import StaffView
from storage.models import ApprovalRequest, Staff
from storage.uow import UnitOfWork


class InvoiceOutcome(StrEnum):
    """How a 补发票 press ended."""

    DONE = "done"
    NOT_FOUND = "not_found"  # no such claim, or not the presser's to mark
    ALREADY = "already"  # it has its invoice already
    NOT_APPROVED = "not_approved"  # only an approved claim waits for its invoice


@dataclass(frozen=True)
class InvoiceMarked:
    """The outcome, and the claim's id when there is one."""

    outcome: InvoiceOutcome
    request_id: int | None = None


def may_mark(viewer: StaffView, req: ApprovalRequest) -> bool:
    """The requester, or finance."""
    return req.requester_id == viewer.id or viewer.has_any(INVOICE_MARKER_ROLES)


def mark_received(uow: UnitOfWork, *, request_id: int, viewer: StaffView, now: datetime) -> InvoiceMarked:
    """Record the claim's invoice as received today (the presser's day), audited, once."""
    with uow:
        session = uow.session
        req = session.scalars(select(ApprovalRequest).where(ApprovalRequest.id == request_id,
                                                            ApprovalRequest.kind == "expense")
                              .with_for_update()).first()
        if req is None or not may_mark(viewer, req):
            return InvoiceMarked(InvoiceOutcome.NOT_FOUND)
        if (req.payload or {}).get("invoice") is not False:
            return InvoiceMarked(InvoiceOutcome.ALREADY, req.id)
        if not awaits_invoice(req):
            return InvoiceMarked(InvoiceOutcome.NOT_APPROVED, req.id)
        day = now.astimezone(viewer.tz).date().isoformat()
        req.payload = {**(req.payload or {}), "invoice": True, "invoice_received_on": day,
                       "invoice_marked_by": viewer.id}
        audit.record(session, actor_id=viewer.id, action="expense.invoice_received", entity="approval_request",
                     entity_id=req.id, at=now, detail={"before": False, "after": True, "received_on": day})
        if req.requester_id != viewer.id:
            _tell_requester(session, req, marker=viewer.name, now=now)
        uow.commit()
        return InvoiceMarked(InvoiceOutcome.DONE, req.id)


def _tell_requester(session: Session, req: ApprovalRequest, *, marker: str, now: datetime) -> None:
    """The requester hears that finance recorded the invoice."""
    person = session.get(Staff, req.requester_id)
    if person is None:
        return
    _ = translator(person.locale)
    text = _("🧾 {who} recorded the invoice of your {title} as received (补发票).").format(
        who=marker, title=headline(_, req))
    outbox.enqueue(session, staff_id=person.id, message=OutMessage(text), now=now)
