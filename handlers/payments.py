"""Incoming payments in chat: /payment logs one the same day (来款汇票登记), /payments lists a month.

```mermaid
flowchart LR
    P["/payment"] --> C[customer lookup?] --> K{kind}
    K -- 承兑汇票 --> R[received on, Today] --> A[amount] --> N[draft no.] --> D[draft date] --> M[matures on?]
    M -- skipped --> T[term in days] --> X
    M --> X[note?]
    K -- 转账/电汇 --> R2[received on] --> A2[amount] --> X
    X --> S{summary} --> Save[saved: finance, finance director and office head told]
```
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from pydantic import ValidationError

from domain.natural_dates import Lean
from domain.payments import MAX_ACCEPTANCE_DAYS, MAX_AMOUNT, PaymentIn, PaymentKind
from domain.periods import PeriodUnit, parse_period_key, period_for
from domain.roles import OVERSIGHT_ROLES, PAYMENT_LOGGER_ROLES
from domain.validation import field_errors, parse_record
from handlers.context import Ctx
from handlers.forms.engine import start_form
from handlers.forms.spec import Answers, Field, Form, FormError, Kind, register_form
from handlers.ids import parse_id
from handlers.records.common import (
    NOT_FOUND,
    customer_field,
    not_future,
    today,
)
from handlers.replies import POSITIVE_AMOUNT, error_text
from handlers.router import Router
from services.i18n.catalogs import N_
from services.payments import incoming as payments
from services.payments import receivables
from services.payments.incoming import KIND_LABELS, Refusal, Refused
from services.platform.text_limits import max_length

MONTH = re.compile(r"^\d{4}-\d{2}$")
FIELD_ERRORS = {
    ("matures_on", "ends_before_start"): N_("The maturity date must be after the draft date."),
    ("matures_on", "out_of_range"): N_("A draft matures at most one year after its date."),
    ("acceptance_days", "out_of_range"): N_("The term does not match the draft and maturity dates."),
    ("amount", "out_of_range"): POSITIVE_AMOUNT,
}
REFUSALS = {
    Refusal.CUSTOMER_NOT_FOUND: ("customer_id", NOT_FOUND),
    Refusal.CUSTOMER_NEEDED: ("customer_id", N_("Please pick the customer: it decides which office the payment "
                                                "belongs to.")),
    Refusal.DUPLICATE_DRAFT: ("draft_no", N_("This draft number was already logged (payment #{id}).")),
}


def _is_draft(answers: Answers) -> bool:
    """Draft number and dates are asked only for bank acceptance drafts."""
    return answers.get("kind") == PaymentKind.DRAFT


def _positive(_ctx: Ctx, value: Any, _answers: Answers) -> str | None:
    """An amount must be more than zero."""
    return None if float(value) > 0 else POSITIVE_AMOUNT


def _after_draft_date(_ctx: Ctx, value: Any, answers: Answers) -> str | None:
    """A maturity after the draft's date, and at most a year after it."""
    drafted = answers.get("draft_date")
    if not drafted:
        return None
    matures, issued = date.fromisoformat(value), date.fromisoformat(drafted)
    if matures <= issued:
        return FIELD_ERRORS[("matures_on", "ends_before_start")]
    if matures > issued + timedelta(days=MAX_ACCEPTANCE_DAYS):
        return FIELD_ERRORS[("matures_on", "out_of_range")]
    return None


def _record_data(answers: Answers) -> dict[str, Any]:
    """The domain's input from the answers that apply (a kind changed to transfer drops draft fields)."""
    return {f.name: answers[f.name] for f in PAYMENT_FORM.fields
            if f.applies(answers) and answers.get(f.name) not in (None, "")}


def _to_payment(ctx: Ctx, data: dict[str, Any]) -> PaymentIn:
    """Validate with the domain schema; the first problem sends the person back to its field."""
    try:
        return parse_record(PaymentIn, data, today=today(ctx))
    except ValidationError as exc:
        first = field_errors(exc)[0]
        known = {f.name for f in PAYMENT_FORM.fields if f.applies(data)}
        text = FIELD_ERRORS.get((first.field, first.code)) or error_text(first.code)
        raise FormError(first.field if first.field in known else None, text) from None


def _save(ctx: Ctx, answers: Answers, _context: dict[str, Any]) -> str:
    """Log the payment through the service; finance is told by the service."""
    data = _to_payment(ctx, _record_data(answers))
    result = payments.log_payment(ctx.app.uow(), viewer=ctx.me, data=data, now=ctx.app.now())
    if isinstance(result, Refused):
        field, message = REFUSALS[result.reason]
        raise FormError(field, message, id=result.existing_id)
    receivables.offer_matches(ctx.app.uow(), viewer=ctx.me, payment_id=result.id, now=ctx.app.now())
    return ctx._("Payment logged; finance has been notified.") + "\n" + payments.describe(result, ctx._)


PAYMENT_FORM = register_form(Form(
    name="payment",
    title=N_("Incoming payment"),
    fields=(
        customer_field(N_("Which customer paid? Type part of the name, or tap a recent one."), required=False),
        Field("kind", N_("Payment type"), N_("How was it paid?"), kind=Kind.choice,
              choices=tuple((k.value, label) for k, label in KIND_LABELS.items())),
        Field("received_on", N_("Received on"), N_("On which day was it received? Tap Today or type e.g. {example}."),
              kind=Kind.date, check=not_future, lean=Lean.past),
        Field("amount", N_("Amount (yuan)"), N_("How much, in yuan? For example 120000 or 4800.50."),
              kind=Kind.decimal, max_value=MAX_AMOUNT, check=_positive, money=True),
        Field("draft_no", N_("Draft number"), N_("What is the draft number?"),
              max_length=max_length("payments.draft_no"), when=_is_draft),
        Field("draft_date", N_("Draft date"), N_("What is the date on the draft (issue date)?"), kind=Kind.date,
              check=not_future, when=_is_draft, lean=Lean.past),
        Field("matures_on", N_("Draft maturity date"),
              N_("When does the draft mature? Type e.g. {example}, or skip to give the term in days."),
              kind=Kind.date, required=False, check=_after_draft_date, when=_is_draft, lean=Lean.future),
        Field("acceptance_days", N_("Acceptance term (days)"), N_("How many days is the draft's term?"),
              kind=Kind.integer, min_value=1, max_value=MAX_ACCEPTANCE_DAYS,
              when=lambda a: _is_draft(a) and not a.get("matures_on")),
        Field("note", N_("Note"), N_("Anything to add (bank, contract, what it pays for)?"), kind=Kind.long_text,
              required=False, max_length=2000),
    ),
    save=_save,
))


def payment_command(ctx: Ctx) -> None:
    """/payment logs an incoming payment; /payment 12 shows payment #12."""
    arg = ctx.inbound.args[0].lstrip("#") if ctx.inbound.args else ""
    if arg and parse_id(arg) is not None:
        card = payments.get(ctx.app.uow(), viewer=ctx.me, payment_id=int(arg))
        ctx.reply(payments.describe(card, ctx._) if card else ctx._(NOT_FOUND))
    else:
        start_form(ctx, PAYMENT_FORM)


def payments_command(ctx: Ctx) -> None:
    """/payments [YYYY-MM]: the month's payments the person may see, with the total."""
    words = ctx.inbound.args
    if words and not (MONTH.match(words[0]) and 1 <= int(words[0][5:]) <= 12):
        ctx.reply(ctx._("Please give a month such as 2026-11."))
        return
    period = parse_period_key(words[0]) if words else period_for(PeriodUnit.MONTH, today(ctx))
    listing = payments.list_payments(ctx.app.uow(), viewer=ctx.me, period=period)
    if not listing.count:
        ctx.reply(ctx._("No payments were logged for {month}.").format(month=period.key))
        return
    lines = [ctx._("💰 Payments received in {month}:").format(month=period.key)]
    lines += [payments.list_line(card, ctx._, with_office=ctx.me.is_hq) for card in listing.cards]
    if listing.count > len(listing.cards):
        lines.append(ctx._("… and {n} more.").format(n=listing.count - len(listing.cards)))
    lines.append(ctx._("Total: {amount} yuan ({n} payments)").format(amount=payments.money(listing.total),
                                                                   n=listing.count))
    ctx.reply("\n".join(lines))


def register(router: Router) -> None:
    """Declare the payment commands."""
    router.command("payment", payment_command, N_("log an incoming payment or bank draft (来款汇票登记)"),
                   roles=PAYMENT_LOGGER_ROLES, order=325)
    router.command("payments", payments_command, N_("payments received in a month, with the total: /payments 2026-11"),
                   roles=OVERSIGHT_ROLES | PAYMENT_LOGGER_ROLES, order=326)
