"""Contracts in chat: /contract records one (合同) with its instalments, /contract 12 shows it, /contracts lists.

```mermaid
flowchart LR
    C["/contract"] --> Cu[customer] --> P[project] --> S[signed on] --> A[amount]
    A --> I1[预付款?] --> I2[到货款?] --> I3[验收款?] --> I4[质保金?] --> Acc[accepted on?]
    Acc --> R[net profit rate?] --> D[bid deposit?] --> Dr[deposit returned on?] --> Sum{summary}
    Sum --> Save[saved, audited]
    Card["/contract 12"] --> E[✏️ Edit: same form at its summary] --> Sum
```
Each instalment is one answer such as "30% 2026-12-20" or "5% 验收后365天 已开票" (domain/contracts.py).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from domain.callbacks import CONTRACT, pack
from domain.contracts import MAX_AMOUNT, InstalmentKind, InstalmentTerm, TermError, parse_term, terms_fit
from domain.roles import CONTRACT_RECORDER_ROLES, CONTRACT_VIEWER_ROLES
from handlers.context import Ctx
from handlers.forms.engine import start_form
from handlers.forms.spec import Answers, Field, Form, FormError, Kind, register_form
from handlers.ids import parse_id
from handlers.records.common import NOT_FOUND, customer_field, not_future
from handlers.replies import EDIT, POSITIVE_AMOUNT
from handlers.router import Router
from services.i18n.catalogs import N_
from services.messaging.messages import Button, OutMessage, button_rows
from services.platform.text_limits import max_length
from services.sales import contracts
from services.sales.contracts import ContractCard, ContractIn, CustomerNotFound

RECORDERS = CONTRACT_RECORDER_ROLES
VIEWERS = CONTRACT_VIEWER_ROLES
TERM_ERRORS = {
    TermError.SHARE: N_("Please start with a percentage or an amount, e.g. 30% or 150000."),
    TermError.DUE: N_("Please add when it is due: a date such as 2026-12-20, or 验收后30天 (days after acceptance)."),
    TermError.DAYS: N_("The days after acceptance must be between 0 and 3660."),
}
STAGE_FIELDS = {  # name, label, prompt
    InstalmentKind.ADVANCE: (
        "advance",
        N_("Advance payment (预付款)"),
        N_(
            "Advance payment (预付款): share and due date, e.g. “30% 2026-12-20” or "
            "“150000 2026-12-20”; add 已开票 when invoiced. Skip if there is none."
        ),
    ),
    InstalmentKind.DELIVERY: (
        "delivery",
        N_("Payment on delivery (到货款)"),
        N_("Payment on delivery (到货款): share and due date, e.g. “30% 2027-01-10”. Skip if there is none."),
    ),
    InstalmentKind.ACCEPTANCE: (
        "acceptance",
        N_("Payment on acceptance (验收款)"),
        N_(
            "Payment on acceptance (验收款): share and due date, e.g. “30% 验收后30天” "
            "(30 days after acceptance). Skip if there is none."
        ),
    ),
    InstalmentKind.WARRANTY: (
        "warranty",
        N_("Warranty retention (质保金)"),
        N_("Warranty retention (质保金): share and due date, e.g. “10% 验收后365天”. Skip if there is none."),
    ),
}


def _positive(_ctx: Ctx, value: Any, _answers: Answers) -> str | None:
    """An amount must be more than zero."""
    return None if Decimal(value) > 0 else POSITIVE_AMOUNT


def _term_check(_ctx: Ctx, value: Any, _answers: Answers) -> str | None:
    """An instalment the domain understands, or what is wrong with it."""
    parsed = parse_term(str(value))
    return TERM_ERRORS[parsed] if isinstance(parsed, TermError) else None


def _has_deposit(answers: Answers) -> bool:
    """The deposit's return date is asked only when a deposit was paid."""
    return bool(answers.get("bid_deposit"))


def _stage_field(kind: InstalmentKind) -> Field:
    """The question for one payment stage."""
    name, label, prompt = STAGE_FIELDS[kind]
    return Field(
        name, label, prompt, required=False, check=_term_check, max_length=max_length("contract_instalments.term")
    )


def _optional_decimal(answers: Answers, name: str) -> Decimal | None:
    """A decimal answer, or None when skipped."""
    value = answers.get(name)
    return Decimal(value) if value not in (None, "") else None


def _optional_date(answers: Answers, name: str) -> date | None:
    """A date answer, or None when skipped."""
    value = answers.get(name)
    return date.fromisoformat(value) if value else None


def _to_input(answers: Answers) -> ContractIn:
    """The service's input; instalments re-parsed (answers are ours, but a stale draft may hold anything)."""
    amount = Decimal(answers["amount"])
    terms: dict[InstalmentKind, InstalmentTerm] = {}
    for kind, (name, _label, _prompt) in STAGE_FIELDS.items():
        if answers.get(name):
            parsed = parse_term(str(answers[name]))
            if isinstance(parsed, TermError):
                raise FormError(name, TERM_ERRORS[parsed])
            terms[kind] = parsed
    if not terms:
        raise FormError("advance", N_("Please give at least one instalment."))
    if not terms_fit(terms, amount):
        raise FormError(None, N_("The instalments add up to more than the contract amount."))
    return ContractIn(
        customer_id=int(answers["customer_id"]),
        project=str(answers["project"]),
        signed_on=date.fromisoformat(answers["signed_on"]),
        amount=amount,
        terms=terms,
        accepted_on=_optional_date(answers, "accepted_on"),
        net_profit_rate=_optional_decimal(answers, "net_profit_rate"),
        bid_deposit=_optional_decimal(answers, "bid_deposit"),
        deposit_returned_on=_optional_date(answers, "deposit_returned_on") if _has_deposit(answers) else None,
    )


def _save(ctx: Ctx, answers: Answers, context: dict[str, Any]) -> str:
    """Create or update the contract through the service."""
    tender_id = context.get("tender_id")
    data = replace(_to_input(answers), tender_id=int(tender_id) if isinstance(tender_id, int) else None)
    contract_id = context.get("contract_id")
    try:
        if contract_id is None:
            card: ContractCard | None = contracts.create(ctx.app.uow(), viewer=ctx.me, data=data, now=ctx.app.now())
        else:
            card = contracts.update(
                ctx.app.uow(), viewer=ctx.me, contract_id=int(contract_id), data=data, now=ctx.app.now()
            )
    except CustomerNotFound:
        raise FormError("customer_id", NOT_FOUND) from None
    if card is None:
        raise FormError(None, NOT_FOUND)
    headline = ctx._("Contract saved.") if contract_id is None else ctx._("Contract updated.")
    return headline + "\n" + contracts.describe(card, ctx._, with_office=ctx.me.is_hq)


ASK_PROJECT = N_("What is the project called?")
BID_DEPOSIT = N_("Bid deposit (yuan)")
ASK_BID_DEPOSIT = N_("How much bid deposit (投标保证金) was paid? Skip if none.")
"""Asked the same way on a tender (handlers/tenders.py)."""
CONTRACT_FORM = register_form(
    Form(
        name="contract",
        title=N_("Contract"),
        fields=(
            customer_field(N_("Which customer signed? Type part of the name, or tap a recent one.")),
            Field(
                "project", N_("Project"), ASK_PROJECT, max_length=max_length("contracts.project")
            ),
            Field(
                "signed_on",
                N_("Signed on"),
                N_("On which day was it signed? Tap Today or type e.g. 2026-11-24."),
                kind=Kind.date,
                check=not_future,
            ),
            Field(
                "amount",
                N_("Contract amount (yuan)"),
                N_("The contract amount, in yuan? For example 500000."),
                kind=Kind.decimal,
                max_value=float(MAX_AMOUNT),
                check=_positive,
            ),
            *(_stage_field(kind) for kind in InstalmentKind),
            Field(
                "accepted_on",
                N_("Accepted on (验收)"),
                N_("When was the project accepted (验收)? Skip if not yet."),
                kind=Kind.date,
                required=False,
                check=not_future,
            ),
            Field(
                "net_profit_rate",
                N_("Expected net profit rate (%)"),
                N_("The project's expected net profit rate, in %? For example 12.5."),
                kind=Kind.decimal,
                required=False,
                min_value=0,
                max_value=100,
            ),
            Field(
                "bid_deposit",
                BID_DEPOSIT,
                ASK_BID_DEPOSIT,
                kind=Kind.decimal,
                required=False,
                max_value=float(MAX_AMOUNT),
                check=_positive,
            ),
            Field(
                "deposit_returned_on",
                N_("Deposit returned on"),
                N_("When was the bid deposit returned? Skip if not yet."),
                kind=Kind.date,
                required=False,
                check=not_future,
                when=_has_deposit,
            ),
        ),
        save=_save,
    )
)


def prefill(card: ContractCard) -> dict[str, Any]:
    """The form's answers from an existing contract."""

    def text(value: object) -> str | None:
        return None if value is None else str(value)

    answers: dict[str, Any] = {
        "customer_id": card.customer_id,
        "project": card.project,
        "signed_on": card.signed_on.isoformat(),
        "amount": text(card.amount),
        "accepted_on": card.accepted_on.isoformat() if card.accepted_on else None,
        "net_profit_rate": text(card.net_profit_rate),
        "bid_deposit": text(card.bid_deposit),
        "deposit_returned_on": card.deposit_returned_on.isoformat() if card.deposit_returned_on else None,
    }
    for stage in card.instalments:
        answers[STAGE_FIELDS[stage.kind][0]] = stage.term.as_text()
    return {k: v for k, v in answers.items() if v not in (None, "")}


def contract_command(ctx: Ctx) -> None:
    """/contract records a contract; /contract 12 shows contract #12."""
    arg = ctx.inbound.args[0].lstrip("#") if ctx.inbound.args else ""
    if not arg:
        if not ctx.me.has_any(RECORDERS):
            ctx.reply(ctx._("Contracts are recorded by the office's staff."))
            return
        start_form(ctx, CONTRACT_FORM)
    elif parse_id(arg) is None:
        ctx.reply(ctx._("Please give a contract number, e.g. /contract 12."))
    else:
        show(ctx, int(arg))


def show(ctx: Ctx, contract_id: int) -> None:
    """The contract's card with an Edit button, or 'not found'."""
    card = contracts.get(ctx.app.uow(), viewer=ctx.me, contract_id=contract_id)
    if card is None:
        ctx.reply(ctx._(NOT_FOUND))
        return
    ctx.reply(
        OutMessage(
            contracts.describe(card, ctx._, with_office=ctx.me.is_hq),
            buttons=((Button(ctx._(EDIT), pack(CONTRACT, contract=card.id, action="e")),),),
        )
    )


def contracts_command(ctx: Ctx) -> None:
    """/contracts lists the contracts the person may see, most recently signed first."""
    cards = contracts.recent(ctx.app.uow(), viewer=ctx.me)
    if not cards:
        ctx.reply(ctx._("No contracts yet. Send /contract to record one."))
        return
    lines = [ctx._("📄 Contracts (tap one to open it):")]
    buttons = [Button(f"#{card.id} {card.project}"[:40], pack(CONTRACT, contract=card.id, action="v"))
               for card in cards]
    lines += [contracts.list_line(card, with_office=ctx.me.is_hq) for card in cards]
    ctx.reply(OutMessage("\n".join(lines), buttons=button_rows(buttons)))


def on_button(ctx: Ctx) -> None:
    """`CONTRACT`: v opens a contract, e opens it for editing; ids and rights are re-checked."""
    contract_id = ctx.pressed.id("contract")
    if ctx.pressed.word("action") == "v":
        show(ctx, contract_id)
    else:
        card = contracts.get(ctx.app.uow(), viewer=ctx.me, contract_id=contract_id)
        if card is None:
            ctx.reply(ctx._(NOT_FOUND))
            return
        start_form(ctx, CONTRACT_FORM, answers=prefill(card), context={"contract_id": card.id}, at_summary=True)


def register(router: Router) -> None:
    """Declare the contract commands and buttons."""
    router.command(
        "contract", contract_command, N_("record a contract, or show one: /contract 12"), roles=VIEWERS, order=330
    )
    router.command("contracts", contracts_command, N_("the contracts you may see"), roles=VIEWERS, order=331)
    router.callback(CONTRACT, on_button)
