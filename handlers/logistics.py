"""Deliveries and acceptance in chat: /receipt signs for goods with photos, /acceptance records 验收.

```mermaid
flowchart LR
  R[/receipt: customer?, contract?, goods, shipped, received, packaging ok?, photos, note?/] --> C{damage or shortage?}
  C -- no --> OK[signed for]
  C -- yes --> X[return 退换 opened: HQ and head told with photos] -->|RECEIPT_RETURNED| S[shipped back, HQ told]
  A[/acceptance: customer, contract?, signatory, date, photos of the form/] --> D[archive 验收日期 + warranty end]
  D -->|a contract named| E[its 验收后N天 stages due: receivable, 催款 follows]
```
"""

from __future__ import annotations

from typing import Any

from domain.callbacks import RECEIPT_RETURNED, pack
from domain.roles import OFFICE_ROLES
from handlers.context import Ctx
from handlers.forms.engine import start_form
from handlers.forms.spec import Answers, Field, Form, FormError, Kind, Lookup, register_form
from handlers.records.common import NOT_FOUND, customer_field, not_future
from handlers.replies import ALREADY_MARKED, DONE
from handlers.router import Router
from services.i18n.catalogs import N_
from services.messaging.messages import Button, OutMessage
from services.office import logistics
from services.platform.text_limits import max_length

FIELD_STAFF = OFFICE_ROLES


def _customer_contracts(ctx: Ctx, answers: Answers) -> list[tuple[int, str]]:
    """The picked customer's contracts (none when no customer was given)."""
    customer_id = answers.get("customer_id")
    if not isinstance(customer_id, int):
        return []
    return logistics.customer_contracts(ctx.app.uow(), viewer=ctx.me, customer_id=customer_id)


def _resolve_contract(ctx: Ctx, contract_id: int) -> str | None:
    """A tapped contract, re-checked with the presser's rights."""
    return logistics.contract_label(ctx.app.uow(), viewer=ctx.me, contract_id=contract_id)


CONTRACT_LOOKUP = Lookup(search=lambda _ctx, _text: [], resolve=_resolve_contract, options=_customer_contracts)


def _contract_field(prompt: str) -> Field:
    """Which of the customer's contracts: one is taken without asking, none skips the question."""
    return Field("contract_id", N_("Contract of the customer"), prompt, Kind.lookup, lookup=CONTRACT_LOOKUP,
                 required=False, when=lambda answers: bool(answers.get("customer_id")))


def _save_receipt(ctx: Ctx, answers: Answers, _context: dict[str, Any]) -> str:
    """Store the receipt; a return is opened and told by the service (its button comes with it)."""
    result = logistics.record_receipt(ctx.app.uow(), viewer=ctx.me, data=answers, now=ctx.app.now())
    if result.outcome == "bad_contract":
        raise FormError("contract_id", NOT_FOUND)
    if result.outcome != "done" or result.check is None or result.receipt_id is None:
        raise FormError("customer_id", NOT_FOUND)
    if not result.check.needs_return:
        return ctx._("✅ Delivery no. {id} signed for: quantity and packaging in order.").format(id=result.receipt_id)
    ctx.reply(OutMessage(ctx._("🚚 Return no. {id}: tap once the goods are shipped back.").format(
        id=result.receipt_id), buttons=((Button(ctx._("🚚 Shipped back"),
                                                pack(RECEIPT_RETURNED, receipt=result.receipt_id)),),)))
    return ctx._("⚠️ Delivery no. {id} signed for with a problem; a return is opened and headquarters has been "
                 "told.").format(id=result.receipt_id)


RECEIPT = register_form(Form("goods_receipt", N_("Goods receipt"), fields=(
    customer_field(N_("For which customer? Type part of the name, or Skip."), required=False),
    _contract_field(N_("For which of the customer's contracts? Tap one, or Skip.")),
    Field("goods", N_("Goods"), N_("Which goods arrived? For example: gun cabinets."),
          max_length=max_length("goods_receipts.goods")),
    Field("shipped_qty", N_("Shipped"), N_("How many pieces were shipped (per the waybill)?"), Kind.integer,
          min_value=1, max_value=9999),
    Field("received_qty", N_("Received"), N_("How many pieces arrived?"), Kind.integer, min_value=0,
          max_value=9999),
    Field("packaging_ok", N_("Packaging intact"), N_("Is the packaging intact?"), Kind.boolean),
    Field("photos", N_("Photos"), N_("Send photos of the goods and the waybill, then tap Done."), Kind.photos),
    Field("note", N_("Note"), N_("Anything to add (what is damaged, what is missing)?"), Kind.long_text,
          required=False, max_length=1000),
), save=_save_receipt, save_label=N_("Sign for it")))


def _save_acceptance(ctx: Ctx, answers: Answers, _context: dict[str, Any]) -> str:
    """Store the acceptance; the archive's date follows."""
    result = logistics.record_acceptance(ctx.app.uow(), viewer=ctx.me, data=answers, now=ctx.app.now())
    if result.outcome == "bad_contract":
        raise FormError("contract_id", NOT_FOUND)
    if result.outcome != "done" or result.accepted_on is None:
        raise FormError("customer_id", NOT_FOUND)
    text = ctx._("✅ Acceptance of {customer} recorded: accepted on {day}, warranty until {end}.").format(
        customer=result.customer, day=result.accepted_on.isoformat(),
        end=result.warranty_end.isoformat() if result.warranty_end else "—")
    if result.receivable:
        text += "\n" + ctx._("Contract #{id}, now receivable (see /receivables):").format(id=result.contract_id)
        text += "".join("\n" + logistics.due_line(stage, ctx._) for stage in result.receivable)
    return text


ACCEPTANCE = register_form(Form("acceptance", N_("Customer acceptance"), fields=(
    customer_field(N_("Which customer accepted? Type part of the name.")),
    _contract_field(N_("Which of the customer's contracts was accepted? Tap one, or Skip.")),
    Field("signatory", N_("Signed by"), N_("Who signed for the customer?"),
          max_length=max_length("acceptances.signatory")),
    Field("accepted_on", N_("Acceptance date"), N_("On which day was it accepted?"), Kind.date, check=not_future),
    Field("photos", N_("Photos"), N_("Send photos of the signed acceptance form, then tap Done."), Kind.photos),
), save=_save_acceptance))


def receipt(ctx: Ctx) -> None:
    """/receipt: sign for a delivery."""
    start_form(ctx, RECEIPT)


def acceptance(ctx: Ctx) -> None:
    """/acceptance: record a customer's acceptance after installation."""
    start_form(ctx, ACCEPTANCE)


def on_button(ctx: Ctx) -> None:
    """`RECEIPT_RETURNED`: the return is shipped back (once)."""
    receipt_id = ctx.pressed.id("receipt")
    outcome = logistics.mark_returned(ctx.app.uow(), viewer=ctx.me, receipt_id=receipt_id, now=ctx.app.now())
    if outcome != "done":
        ctx.answer(ctx._(ALREADY_MARKED) if outcome == "already" else ctx._(NOT_FOUND), alert=True)
        return
    ctx.answer(ctx._(DONE))
    if ctx.inbound.message_id:
        ctx.edit(ctx.inbound.message_id, ctx._("🚚 Return no. {id} shipped back; headquarters has been told.")
                 .format(id=receipt_id))


def register(router: Router) -> None:
    """Declare /receipt, /acceptance and the return button."""
    router.command("receipt", receipt, N_("sign for a delivery"), roles=FIELD_STAFF, order=60)
    router.command("acceptance", acceptance, N_("record a customer's acceptance"), roles=FIELD_STAFF,
                   order=61)
    router.callback(RECEIPT_RETURNED, on_button)
