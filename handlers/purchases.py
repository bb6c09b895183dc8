"""Office resources in chat (办公资源申请): /purchase asks, the approval chain decides by amount, /purchases
lets the admin mark bought and issued; /supplies keeps the office supplies stock.

```mermaid
flowchart LR
  P[/purchase: purpose, item, quantity, unit price, reason/] --> A[chain: head; equipment or > 2,000 + GM]
  A -->|approved| L[/purchases: PURCHASE b bought → PURCHASE i issued/] --> R[requester told; issued: stock or assets]
  S[/supplies add/issue/return NAME N/] --> K{stock ≥ 0} -->|below minimum| W[admins told once per dip]
```
"""

from __future__ import annotations

from typing import Any

from domain import callbacks as cb
from handlers.context import Ctx
from handlers.forms.engine import start_form
from handlers.forms.spec import Answers, Field, Form, FormError, Kind, register_form
from handlers.ids import parse_id
from handlers.replies import ALREADY_MARKED, CHECK_ANSWER, DONE, NOT_ALLOWED, NOT_FOUND
from handlers.requests import submitted_reply
from handlers.router import Router
from services.approvals import requests as approvals
from services.approvals.notices import CATEGORY_LABELS
from services.approvals.requests import RequestInvalid
from services.i18n.catalogs import N_
from services.messaging.messages import Button, OutMessage
from services.office import purchases

PURPOSES = (("supplies", CATEGORY_LABELS["office"]), ("equipment", N_("Equipment (hardware)")))
SUPPLIES_USAGE = N_("Usage: /supplies — the stock; /supplies add NAME N [MIN]; /supplies issue NAME N [COLLEAGUE]; "
                    "/supplies return NAME N")


def _save(ctx: Ctx, answers: Answers, _context: dict[str, Any]) -> OutMessage:
    """Submit through the approval service."""
    try:
        result = approvals.submit_purchase(ctx.app.uow(), requester_id=ctx.me.id, data=answers,
                                           config=ctx.app.approval_config, now=ctx.app.now())
    except RequestInvalid as exc:
        raise FormError(None, CHECK_ANSWER) from exc
    return submitted_reply(ctx, result)


PURCHASE = register_form(Form("purchase", N_("Purchase request"), fields=(
    Field("purpose", N_("Kind"), N_("Office supplies or equipment?"), Kind.choice, choices=PURPOSES),
    Field("item", N_("Item"), N_("What is needed? For example: A4 paper, laser printer."), max_length=120),
    Field("quantity", N_("Quantity"), N_("How many?"), Kind.integer, min_value=1, max_value=9999),
    Field("unit_price", N_("Estimated unit price (CNY)"), N_("Estimated price of one, in CNY?"), Kind.decimal,
          min_value=0.01, max_value=1_000_000),
    Field("reason", N_("Reason"), N_("What is it for?"), Kind.long_text, max_length=2000),
), save=_save, save_label=N_("Submit")))


def purchase(ctx: Ctx) -> None:
    """/purchase: ask for office supplies or equipment."""
    start_form(ctx, PURCHASE)


def open_purchases(ctx: Ctx) -> None:
    """/purchases: approved purchases of the office still to buy or issue, with a button each."""
    rows = purchases.open_purchases(ctx.app.uow(), viewer=ctx.me)
    if rows is None:
        ctx.reply(ctx._(NOT_ALLOWED))
        return
    if not rows:
        ctx.reply(ctx._("No approved purchase waits to be bought or issued."))
        return
    for row in rows:
        step, label = ("i", ctx._("📦 Mark issued")) if row.bought else ("b", ctx._("🛒 Mark bought"))
        text = ctx._("Purchase #{id}: {item} × {n} for {who}").format(id=row.id, item=row.item, n=row.quantity,
                                                                      who=row.requester)
        ctx.reply(OutMessage(text, buttons=((Button(label, cb.pack(cb.PURCHASE, request=row.id, step=step)),),)))


def on_mark(ctx: Ctx) -> None:
    """`PURCHASE` b|i: mark bought or issued once; a forged id changes nothing."""
    request_id, step = ctx.pressed.id("request"), ctx.pressed.word("step")
    outcome = purchases.mark(ctx.app.uow(), viewer=ctx.me, request_id=request_id, step=step, now=ctx.app.now())
    if outcome != "done":
        ctx.answer(ctx._(ALREADY_MARKED) if outcome == "already" else ctx._(NOT_FOUND), alert=True)
        return
    ctx.answer(ctx._(DONE))
    if step == "b" and ctx.inbound.message_id:
        issued = Button(ctx._("📦 Mark issued"), cb.pack(cb.PURCHASE, request=request_id, step="i"))
        ctx.edit(ctx.inbound.message_id, OutMessage(ctx._("Purchase #{id} bought.").format(id=request_id),
                                                    buttons=((issued,),)))
    elif ctx.inbound.message_id:
        ctx.edit(ctx.inbound.message_id, ctx._("Purchase #{id} issued.").format(id=request_id))


def supplies(ctx: Ctx) -> None:
    """/supplies [add|issue|return NAME N ...]: the stock, or one change to it."""
    args = ctx.inbound.args
    if not args:
        rows = purchases.stock(ctx.app.uow(), viewer=ctx.me)
        if rows is None:
            ctx.reply(ctx._(NOT_ALLOWED))
            return
        lines = [ctx._("Office supplies in stock:")] + [
            f"{'⚠️' if n < low else '•'} {name}: {n}" + (f" (≥ {low})" if low else "") for name, n, low in rows]
        ctx.reply("\n".join(lines) if rows else ctx._("No supplies recorded yet."))
        return
    verb, rest = args[0], list(args[1:])
    count = parse_id(rest[1]) if len(rest) >= 2 else None
    extra = rest[2] if len(rest) == 3 else None
    if verb not in ("add", "issue", "return") or count is None or not 1 <= count <= 9999 or len(rest) > 3:
        ctx.reply(ctx._(SUPPLIES_USAGE))
        return
    minimum = parse_id(extra) if verb == "add" and extra else None
    if verb == "add" and extra and minimum is None:
        ctx.reply(ctx._(SUPPLIES_USAGE))
        return
    result = purchases.change_stock(ctx.app.uow(), viewer=ctx.me, name=rest[0], delta=-count if verb == "issue"
                                    else count, min_quantity=minimum, to=extra if verb == "issue" else None,
                                    now=ctx.app.now())
    replies = {"not_allowed": NOT_ALLOWED,
               "unknown": N_("No such supply or colleague: {name}."),
               "short": N_("Not enough {name} in stock: {n} left."),
               "done": N_("{name}: {n} in stock now.")}
    ctx.reply(ctx._(replies[result.outcome]).format(name=result.name or rest[0], n=result.quantity))


def register(router: Router) -> None:
    """Declare the purchase and supplies commands."""
    router.command("purchase", purchase, N_("ask for office supplies or equipment"), order=22)
    router.command("purchases", open_purchases, N_("approved purchases to buy and issue"),
                   roles=set(purchases.KEEPERS), order=780)
    router.command("supplies", supplies, N_("office supplies stock: add, issue, return"),
                   roles=set(purchases.KEEPERS), order=790)
    router.callback(cb.PURCHASE, on_mark)
