"""Goods receipt (货运物流到达) and customer acceptance (验收): the records, the return, the archive's date.

A receipt with damaged packaging or a shortage opens a return (退换): headquarters (commerce and the
GM) and the office head get the finding with its photos at once, in the receipt's transaction; the
receiver marks the goods shipped back once. An acceptance sets the customer's 验收日期 and with it the
warranty end (`domain.records.warranty_end`), so warranty reminders run from the real date.
Both may name one of the customer's contracts; an acceptance of a contract sets its 验收日期, and every
instalment due "验收后N天" (the 验收款, a 质保金 counted from acceptance) gets its due date and becomes
receivable — /receivables shows it and 催款 chases it; the person responsible for the contract is told.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from domain.logistics import ReceiptCheck, check_receipt
from domain.records import warranty_end
from services.i18n.catalogs import Translate, translator
from services.i18n.display import money
from services.i18n.words import NOTE_LINE
from services.messaging import outbox
from services.messaging.messages import OutMessage
from services.platform import audit
from services.platform.staff import StaffView, holders_of
from services.sales import contracts
from services.sales.contracts import KIND_LABELS, InstalmentCard
from storage.models import Acceptance, Contract, Customer, GoodsReceipt, Staff
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class Received:
    """A receipt stored (or refused: a customer of another office) and what its check found."""

    outcome: str  # "done", "not_found" or "bad_contract" (not a contract of that customer)
    receipt_id: int | None = None
    check: ReceiptCheck | None = None


def _customer(session: Session, viewer: StaffView, customer_id: int | None) -> Customer | None:
    """The customer, only when it belongs to the viewer's office (headquarters: any)."""
    customer = session.get(Customer, customer_id) if customer_id else None
    if customer is None or not (viewer.is_hq or customer.office_id == viewer.office_id):
        return None
    return customer


def _contract(session: Session, customer: Customer | None, contract_id: int | None) -> Contract | None:
    """The customer's contract (one of the office's, as the customer is); None when it is not theirs."""
    contract = session.get(Contract, contract_id) if contract_id and customer is not None else None
    return contract if contract is not None and customer is not None and contract.customer_id == customer.id else None


def _contract_label(contract: Contract) -> str:
    """'#3 监控系统（2026-11-02）' as the picker shows it."""
    return f"#{contract.id} {contract.project}（{contract.signed_on.isoformat()}）"


def customer_contracts(uow: UnitOfWork, *, viewer: StaffView, customer_id: int) -> list[tuple[int, str]]:
    """The contracts of a customer the viewer may see, to pick the one a delivery or acceptance is for."""
    with uow:
        session = uow.session
        customer = _customer(session, viewer, customer_id)
        if customer is None:
            return []
        rows = session.scalars(select(Contract).where(Contract.customer_id == customer.id)
                               .order_by(Contract.signed_on.desc(), Contract.id.desc()).limit(20)).all()
        return [(row.id, _contract_label(row)) for row in rows]


def contract_label(uow: UnitOfWork, *, viewer: StaffView, contract_id: int) -> str | None:
    """A picked contract re-checked: its label when it is a contract of a customer the viewer may see."""
    with uow:
        session = uow.session
        contract = session.get(Contract, contract_id)
        customer = _customer(session, viewer, contract.customer_id) if contract is not None else None
        return _contract_label(contract) if contract is not None and customer is not None else None


def record_receipt(uow: UnitOfWork, *, viewer: StaffView, data: dict[str, Any], now: datetime) -> Received:
    """Sign for a delivery; damage or a shortage opens a return and tells headquarters and the head."""
    if viewer.office_id is None:
        return Received("not_found")
    with uow:
        session = uow.session
        customer = _customer(session, viewer, data.get("customer_id"))
        if data.get("customer_id") and customer is None:
            return Received("not_found")
        contract = _contract(session, customer, data.get("contract_id"))
        if data.get("contract_id") and contract is None:
            return Received("bad_contract")
        check = check_receipt(shipped=int(data["shipped_qty"]), received=int(data["received_qty"]),
                              packaging_ok=bool(data["packaging_ok"]))
        receipt = GoodsReceipt(office_id=viewer.office_id, customer_id=customer.id if customer else None,
                               contract_id=contract.id if contract else None, goods=data["goods"],
                               shipped_qty=int(data["shipped_qty"]),
                               received_qty=int(data["received_qty"]), packaging_ok=bool(data["packaging_ok"]),
                               note=data.get("note"), photos=[str(p) for p in data.get("photos") or []],
                               return_status="open" if check.needs_return else None, received_by=viewer.id,
                               received_at=now)
        session.add(receipt)
        session.flush()
        audit.record(session, actor_id=viewer.id, action="goods.receive", entity="goods_receipt", entity_id=receipt.id,
                     at=now, detail={"short_by": check.short_by, "damaged": check.damaged})
        if check.needs_return:
            _tell_return(session, receipt, check, viewer=viewer, customer=customer, now=now)
        uow.commit()
        return Received("done", receipt.id, check)


def _hq_and_head(session: Session, office_id: int) -> list[Staff]:
    """Commerce and the GM at headquarters, and the office's heads, each once."""
    people = {p.id: p for role in ("commerce", "gm") for p in holders_of(session, role=role, office_id=None)}
    people.update({p.id: p for p in holders_of(session, role="office_head", office_id=office_id)})
    return [people[k] for k in sorted(people)]


def _tell_return(session: Session, receipt: GoodsReceipt, check: ReceiptCheck, *, viewer: StaffView,
                 customer: Customer | None, now: datetime) -> None:
    """The finding, with its photos, to headquarters and the head: re-ship or take the goods back."""
    for person in _hq_and_head(session, receipt.office_id):
        if person.id == viewer.id:
            continue
        _ = translator(person.locale)
        problems = []
        if check.damaged:
            problems.append(_("packaging damaged"))
        if check.short_by:
            problems.append(_("{n} piece(s) short").format(n=check.short_by))
        text = _("🔁 Return no. {id} from {office}: {goods} for {customer}, {problems}. Received by {who}; "
                 "please arrange a re-shipment or the return.").format(
            id=receipt.id, office=viewer.office_name or "—", goods=receipt.goods,
            customer=customer.name if customer else "—", problems="、".join(problems), who=viewer.name)
        if receipt.note:
            text += "\n" + _(NOTE_LINE).format(text=receipt.note)
        outbox.enqueue(session, staff_id=person.id, message=OutMessage(text, photos=tuple(receipt.photos)), now=now)


def mark_returned(uow: UnitOfWork, *, viewer: StaffView, receipt_id: int, now: datetime) -> str:
    """The goods are on their way back: 'done' once, then 'already'; 'not_found' for others' receipts."""
    with uow:
        session = uow.session
        receipt = session.get(GoodsReceipt, receipt_id)
        if receipt is None or receipt.office_id != viewer.office_id or receipt.return_status is None:
            return "not_found"
        stmt = (update(GoodsReceipt).where(GoodsReceipt.id == receipt_id, GoodsReceipt.return_status == "open")
                .values(return_status="shipped").execution_options(synchronize_session=False))
        if cast(CursorResult[Any], session.execute(stmt)).rowcount != 1:
            return "already"
        audit.record(session, actor_id=viewer.id, action="goods.return_shipped", entity="goods_receipt",
                     entity_id=receipt_id, at=now)
        for person in _hq_and_head(session, receipt.office_id):
            if person.id != viewer.id:
                _ = translator(person.locale)
                outbox.enqueue(session, staff_id=person.id, now=now, message=OutMessage(
                    _("🚚 Return no. {id} ({goods}) has been shipped back by {who}.").format(
                        id=receipt.id, goods=receipt.goods, who=viewer.name)))
        uow.commit()
        return "done"


@dataclass(frozen=True)
class Accepted:
    """An acceptance recorded: the customer and the warranty it now runs to."""

    outcome: str  # "done", "not_found" or "bad_contract"
    customer: str = ""
    accepted_on: date | None = None
    warranty_end: date | None = None
    contract_id: int | None = None
    receivable: tuple[InstalmentCard, ...] = ()  # the contract's stages now due, counted from this acceptance


def record_acceptance(uow: UnitOfWork, *, viewer: StaffView, data: dict[str, Any], now: datetime) -> Accepted:
    """Store the signed acceptance; it sets the archive's 验收日期 and the warranty end."""
    with uow:
        session = uow.session
        customer = _customer(session, viewer, data.get("customer_id"))
        if customer is None:
            return Accepted("not_found")
        contract = _contract(session, customer, data.get("contract_id"))
        if data.get("contract_id") and contract is None:
            return Accepted("bad_contract")
        accepted_on = date.fromisoformat(data["accepted_on"])
        session.add(Acceptance(customer_id=customer.id, contract_id=contract.id if contract else None,
                               signatory=data["signatory"], accepted_on=accepted_on,
                               photos=[str(p) for p in data.get("photos") or []], recorded_by=viewer.id,
                               recorded_at=now))
        before = customer.accepted_on
        customer.accepted_on = accepted_on
        customer.warranty_end = warranty_end(accepted_on, customer.warranty_years)
        audit.record(session, actor_id=viewer.id, action="customer.accept", entity="customer", entity_id=customer.id,
                     at=now, detail={"accepted_on": accepted_on.isoformat(),
                                     "before": before.isoformat() if before else None,
                                     "signatory": data["signatory"]})
        stages = _accept_contract(session, contract, accepted_on, viewer=viewer, now=now) if contract else []
        uow.commit()
        return Accepted("done", customer.name, accepted_on, customer.warranty_end,
                        contract.id if contract else None, tuple(stages))


def _accept_contract(session: Session, contract: Contract, accepted_on: date, *, viewer: StaffView,
                     now: datetime) -> list[InstalmentCard]:
    """Set the contract's 验收日期 and its stages' due dates (audited); its responsible person is told."""
    before = contract.accepted_on
    stages = contracts.accept(session, contract, accepted_on)
    audit.record(session, actor_id=viewer.id, action="contract.accept", entity="contract", entity_id=contract.id,
                 at=now, detail={"accepted_on": accepted_on.isoformat(),
                                 "before": before.isoformat() if before else None,
                                 "due": {s.kind.value: s.due_date.isoformat() for s in stages if s.due_date}})
    person = session.get(Staff, contract.staff_id)
    if person is not None and person.id != viewer.id and person.active and stages:
        _ = translator(person.locale)
        lines = [_("✅ Contract #{id} ({project}) was accepted on {day}; now receivable:").format(
            id=contract.id, project=contract.project, day=accepted_on.isoformat())]
        lines += [due_line(stage, _) for stage in stages]
        outbox.enqueue(session, staff_id=person.id, message=OutMessage("\n".join(lines)), now=now)
    return stages


def due_line(stage: InstalmentCard, _: Translate) -> str:
    """• payment on acceptance ¥150,000.00, due 2026-12-23."""
    return "• " + _("{kind} {amount}, due {day}").format(
        kind=_(KIND_LABELS[stage.kind]), amount=money(stage.amount - stage.received),
        day=stage.due_date.isoformat() if stage.due_date else "—")


