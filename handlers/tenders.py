"""Tenders in chat (招投标, light): /tender records a bid, its card sets the result, a won bid becomes a contract.

```mermaid
flowchart LR
    T["/tender"] --> Cu[customer] --> P[project] --> D[bid date] --> Dep[deposit?] --> S[saved]
    Card["/tender 3"] -- 🏆 won --> W[won] -- 📄 record the contract --> C[contract form prefilled]
    Card -- lost --> L[lost: 40% of its project costs carry to the next won project]
```
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from domain.callbacks import TENDER, pack
from domain.contracts import MAX_AMOUNT
from domain.tenders import TenderResult
from handlers.context import Ctx
from handlers.contracts import ASK_BID_DEPOSIT, ASK_PROJECT, BID_DEPOSIT, CONTRACT_FORM, RECORDERS, VIEWERS
from handlers.forms.engine import start_form
from handlers.forms.spec import Answers, Field, Form, FormError, Kind, register_form
from handlers.ids import parse_id
from handlers.records.common import NOT_FOUND, customer_field, today
from handlers.router import Router
from services.i18n.catalogs import N_
from services.messaging.messages import Button, OutMessage
from services.platform.text_limits import max_length
from services.sales import tenders
from services.sales.contracts import CustomerNotFound
from services.sales.tenders import TenderCard

ACTIONS = {"w": TenderResult.WON, "l": TenderResult.LOST}


def _save(ctx: Ctx, answers: Answers, _context: dict[str, Any]) -> str:
    """Record the bid through the service."""
    deposit = answers.get("deposit")
    try:
        card = tenders.create(
            ctx.app.uow(),
            viewer=ctx.me,
            customer_id=int(answers["customer_id"]),
            project=str(answers["project"]),
            bid_on=date.fromisoformat(answers["bid_on"]),
            deposit=Decimal(deposit) if deposit else None,
            now=ctx.app.now(),
        )
    except CustomerNotFound:
        raise FormError("customer_id", NOT_FOUND) from None
    return (
        ctx._("Tender saved. Send /tender {id} to set its result.").format(id=card.id)
        + "\n"
        + tenders.describe(card, ctx._)
    )


TENDER_FORM = register_form(
    Form(
        name="tender",
        title=N_("Tender"),
        fields=(
            customer_field(N_("Which customer is the bid for? Type part of the name, or tap one.")),
            Field(
                "project", N_("Project"), ASK_PROJECT, max_length=max_length("tenders.project")
            ),
            Field(
                "bid_on",
                N_("Bid date"),
                N_("On which day is (was) the bid? Tap Today or type e.g. 2026-11-24."),
                kind=Kind.date,
            ),
            Field(
                "deposit",
                BID_DEPOSIT,
                ASK_BID_DEPOSIT,
                kind=Kind.decimal,
                required=False,
                min_value=0.01,
                max_value=float(MAX_AMOUNT),
            ),
        ),
        save=_save,
    )
)


def _buttons(ctx: Ctx, card: TenderCard) -> tuple[tuple[Button, ...], ...]:
    """Result buttons while bidding; the contract button once won and not yet recorded."""
    if card.result == TenderResult.PENDING:
        return ((Button(ctx._("🏆 Won"), pack(TENDER, tender=card.id, action="w")),
                 Button(ctx._("Lost"), pack(TENDER, tender=card.id, action="l"))),)
    if card.result == TenderResult.WON and card.contract_id is None:
        return ((Button(ctx._("📄 Record the contract"), pack(TENDER, tender=card.id, action="c")),),)
    return ()


def show(ctx: Ctx, card: TenderCard | None) -> None:
    """The bid's card with what can be done next, or 'not found'."""
    if card is None:
        ctx.reply(ctx._(NOT_FOUND))
        return
    ctx.reply(OutMessage(tenders.describe(card, ctx._), buttons=_buttons(ctx, card)))


def tender_command(ctx: Ctx) -> None:
    """/tender records a bid; /tender 3 shows bid #3."""
    arg = ctx.inbound.args[0].lstrip("#") if ctx.inbound.args else ""
    if not arg:
        if ctx.me.has_any(RECORDERS):
            start_form(ctx, TENDER_FORM)
        else:
            ctx.reply(ctx._("Tenders are recorded by the office's staff."))
    elif parse_id(arg) is None:
        ctx.reply(ctx._("Please give a tender number, e.g. /tender 3."))
    else:
        show(ctx, tenders.get(ctx.app.uow(), viewer=ctx.me, tender_id=int(arg)))


def on_button(ctx: Ctx) -> None:
    """`TENDER` w / l set the result once; c opens the contract form for a won bid."""
    tender_id, action = ctx.pressed.id("tender"), ctx.pressed.word("action")
    if action in ACTIONS:
        show(
            ctx,
            tenders.decide(
                ctx.app.uow(),
                viewer=ctx.me,
                tender_id=tender_id,
                result=ACTIONS[action],
                today=today(ctx),
                now=ctx.app.now(),
            ),
        )
        return
    card = tenders.get(ctx.app.uow(), viewer=ctx.me, tender_id=tender_id)
    if card is None or card.result != TenderResult.WON or card.contract_id is not None:
        show(ctx, card)
        return
    answers: dict[str, Any] = {"customer_id": card.customer_id, "project": card.project}
    if card.deposit is not None:
        answers["bid_deposit"] = str(card.deposit)
    start_form(ctx, CONTRACT_FORM, answers=answers, context={"tender_id": card.id})


def register(router: Router) -> None:
    """Declare /tender and its buttons."""
    router.command(
        "tender", tender_command, N_("record a bid (招投标), or show one: /tender 3"), roles=VIEWERS, order=333
    )
    router.callback(TENDER, on_button)
