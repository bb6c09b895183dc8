"""What an office spent, read from expense claims: project costs per tender or contract, lost-bid
carry-overs, intermediary fees against a contract's cap, and the month's daily expenses.

Claims count while pending or approved (a rejected or withdrawn one does not): an approver sees the
claim in front of them together with the others still open. A project claim names its tender or
contract in its payload (`tender_id` / `contract_id`, checked when it is submitted).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.approvals import PROJECT_EXPENSE_CATEGORIES, RequestStatus
from domain.expense_rules import SEED_RULES, commission_cost, is_intermediary_fee, lost_bid_carry_over
from domain.tenders import LostBid, SignedContract, TenderResult, assign_carry_overs
from services.platform.staff import StaffView
from storage.models import ApprovalRequest, Contract, Customer, Tender
from storage.uow import UnitOfWork

COUNTED = (RequestStatus.PENDING.value, RequestStatus.APPROVED.value)
PROJECT = {c.value for c in PROJECT_EXPENSE_CATEGORIES}


@dataclass(frozen=True)
class Claim:
    """An expense claim as the cost rules read it."""

    id: int
    office_id: int | None
    amount: Decimal
    category: str
    status: str
    spent_on: date | None
    tender_id: int | None
    contract_id: int | None
    invoiced: bool = True  # 有无发票; a claim from before the question counts as invoiced

    @property
    def is_project(self) -> bool:
        """A project cost (项目费用 or 居间服务费), not a daily one."""
        return self.category in PROJECT

    @property
    def is_intermediary(self) -> bool:
        """The seed counts a project cost of 5,000 or more as an intermediary fee (and the explicit category)."""
        return self.is_project and (self.category == "intermediary_fee" or is_intermediary_fee(self.amount))

    @property
    def commission_amount(self) -> Decimal:
        """What it counts toward the project's commission base: an intermediary fee without invoice ×1.1."""
        return commission_cost(self.amount, intermediary=self.is_intermediary, invoiced=self.invoiced)


def _int(value: Any) -> int | None:
    """An id from a JSON payload, or None."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def claim_of(req: ApprovalRequest) -> Claim:
    """The cost rules' view of an expense request."""
    payload = req.payload or {}
    spent = payload.get("spent_on")
    return Claim(req.id, req.office_id, Decimal(req.amount or 0), req.category or "", req.status,
                 date.fromisoformat(spent) if isinstance(spent, str) else None,
                 _int(payload.get("tender_id")), _int(payload.get("contract_id")),
                 invoiced=payload.get("invoice") is not False)


def office_claims(session: Session, *, office_id: int, since: date, statuses: Iterable[str] = COUNTED) -> list[Claim]:
    """The office's expense claims created since `since` (a month's margin before it), in one query."""
    start = datetime.combine(since - timedelta(days=62), time(0), tzinfo=UTC)
    rows = session.scalars(select(ApprovalRequest).where(
        ApprovalRequest.kind == "expense", ApprovalRequest.office_id == office_id,
        ApprovalRequest.status.in_(list(statuses)), ApprovalRequest.created_at >= start)).all()
    return [claim_of(row) for row in rows]


def tender_costs(claims: list[Claim], tender_id: int) -> Decimal:
    """Approved project costs booked on a tender."""
    return sum((c.amount for c in claims if c.is_project and c.tender_id == tender_id
                and c.status == RequestStatus.APPROVED.value), Decimal(0))


def carry_overs(session: Session, *, office_id: int) -> dict[int, Decimal]:
    """Per contract of the office: 40 % of the project costs of bids lost before it was signed."""
    lost = session.scalars(select(Tender).where(Tender.office_id == office_id,
                                                Tender.result == TenderResult.LOST.value)).all()
    if not lost:
        return {}
    first = min(t.bid_on for t in lost)
    claims = office_claims(session, office_id=office_id, since=first, statuses=(RequestStatus.APPROVED.value,))
    bids = [LostBid(t.id, t.decided_on or t.bid_on, lost_bid_carry_over(tender_costs(claims, t.id), SEED_RULES))
            for t in lost]
    contracts = session.execute(select(Contract.id, Contract.signed_on).where(Contract.office_id == office_id)).all()
    return assign_carry_overs(bids, [SignedContract(row.id, row.signed_on) for row in contracts])


def contract_fees(claims: list[Claim], contract_id: int) -> Decimal:
    """Intermediary fees booked on a contract (pending or approved)."""
    return sum((c.amount for c in claims if c.is_intermediary and c.contract_id == contract_id), Decimal(0))


def contract_commission_fees(claims: list[Claim], contract_id: int) -> Decimal:
    """The same fees as they count toward the commission base: those without an invoice ×1.1."""
    return sum((c.commission_amount for c in claims if c.is_intermediary and c.contract_id == contract_id),
               Decimal(0))


def month_daily(claims: list[Claim], *, year: int, month: int) -> Decimal:
    """The month's daily expenses (日常费用: not project costs), by the day the money was spent."""
    return sum((c.amount for c in claims if not c.is_project and c.spent_on is not None
                and (c.spent_on.year, c.spent_on.month) == (year, month)), Decimal(0))


def project_links(session: Session, *, office_id: int | None, data: dict[str, Any]) -> dict[str, int]:
    """The tender/contract a project claim names, kept only when it is of the requester's office."""
    links: dict[str, int] = {}
    tender_id, contract_id = _int(data.get("tender_id")), _int(data.get("contract_id"))
    tender = session.get(Tender, tender_id) if tender_id is not None else None
    contract = session.get(Contract, contract_id) if contract_id is not None else None
    if tender is not None and tender.office_id == office_id:
        links["tender_id"] = tender.id
    if contract is not None and contract.office_id == office_id:
        links["contract_id"] = contract.id
    return links


def pickable(session: Session, *, office_id: int | None, query: str, model: type[Tender] | type[Contract],
             limit: int = 6) -> list[tuple[int, str]]:
    """The office's open tenders or contracts whose project contains `query`, for a picker."""
    if office_id is None:
        return []
    stmt = (select(model.id, model.project, Customer.name).join(Customer, Customer.id == model.customer_id)
            .where(model.office_id == office_id, model.project.contains(query)))
    if model is Tender:
        stmt = stmt.where(Tender.result == TenderResult.PENDING.value)
    rows = session.execute(stmt.order_by(model.id.desc()).limit(limit)).all()
    return [(row[0], f"#{row[0]} {row[1]}（{row[2]}）") for row in rows]


def search_links(uow: UnitOfWork, *, viewer: StaffView, kind: str, query: str) -> list[tuple[int, str]]:
    """The person's office's contracts (kind 'contract') or open tenders ('tender') matching `query`."""
    model: type[Tender] | type[Contract] = Contract if kind == "contract" else Tender
    with uow:
        return pickable(uow.session, office_id=viewer.office_id, query=query, model=model)


def resolve_link(uow: UnitOfWork, *, viewer: StaffView, kind: str, item_id: int) -> str | None:
    """Re-check a picked contract or tender: its label when it is of the person's office, else None."""
    with uow:
        row: Tender | Contract | None = (uow.session.get(Contract, item_id) if kind == "contract"
                                         else uow.session.get(Tender, item_id))
        if row is None or row.office_id != viewer.office_id:
            return None
        return f"#{row.id} {row.project}"
