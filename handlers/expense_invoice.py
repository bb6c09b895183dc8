"""补发票: the `INVOICE` button records that an approved expense's invoice came later (the requester or finance).

```mermaid
flowchart LR
  N[approved notice / finance's CC / /requests] -->|INVOICE| C{requester or finance? approved, no invoice?}
  C -->|yes| M[invoice recorded, audited; the fee no longer counts x1.1; requester told if finance pressed]
  C -->|no| X[alert: not found / already has one / not approved]
```
"""

from __future__ import annotations

from domain.callbacks import INVOICE
from handlers.context import Ctx
from handlers.replies import NOT_FOUND
from handlers.router import Router
from services.expenses import invoice as expense_invoice
from services.expenses.invoice import InvoiceOutcome
from services.i18n.catalogs import N_

REFUSALS = {
    InvoiceOutcome.NOT_FOUND: NOT_FOUND,
    InvoiceOutcome.ALREADY: N_("This claim has its invoice already."),
    InvoiceOutcome.NOT_APPROVED: N_("Only an approved claim can have its invoice recorded."),
}


def on_invoice(ctx: Ctx) -> None:
    """`INVOICE`: the invoice of the approved claim arrived (rights and state re-checked)."""
    result = expense_invoice.mark_received(ctx.app.uow(), request_id=ctx.pressed.id("request"), viewer=ctx.me,
                                           now=ctx.app.now())
    if result.outcome != InvoiceOutcome.DONE:
        ctx.answer(ctx._(REFUSALS[result.outcome]), alert=True)
        return
    ctx.answer()
    ctx.reply(ctx._("🧾 Invoice of expense claim #{id} recorded as received (补发票): it now counts as invoiced."
                    ).format(id=result.request_id))


def register(router: Router) -> None:
    """Declare the 补发票 button."""
    router.callback(INVOICE, on_invoice)
