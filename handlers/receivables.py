"""Receivables in chat: /receivables (应收账款 by age, person, office, customer) and one-tap payment matching.

```mermaid
flowchart LR
    P["/payment saved"] --> O[🔗 suggestions: the customer's open instalments] -- tap rcv:pay:inst --> M[matched once]
    R["/receivables"] --> B[due by age 0-30 / 31-60 / 61-90 / 90+, per person, office, customer; coming due]
```
"""

from __future__ import annotations

from decimal import Decimal

from domain.callbacks import PAYMENT_MATCH
from domain.roles import OVERSIGHT_ROLES, Role
from handlers.context import Ctx
from handlers.records.common import NOT_FOUND, today
from handlers.router import Router
from services.i18n.catalogs import N_
from services.i18n.words import DUE_ON
from services.payments import receivables
from services.payments.incoming import money
from services.payments.receivables import AGE_LABELS, BY_OFFICE, MatchOutcome, Receivable, ReceivableBook
from services.sales.contracts import KIND_LABELS

VIEWERS = OVERSIGHT_ROLES | {Role.SALES, Role.REGIONAL_MANAGER}
MAX_ITEMS = 20


def _item_line(ctx: Ctx, item: Receivable) -> str:
    """#contract project stage — customer owed, due date (days overdue)."""
    days = (today(ctx) - item.due_on).days
    when = ctx._(DUE_ON).format(day=item.due_on.isoformat())
    if days > 0:
        when += ctx._(", {days} days overdue").format(days=days)
    return (f"#{item.contract_id} {item.project} {ctx._(KIND_LABELS[item.kind])} — {item.customer_name} "
            f"{money(item.owed)}（{when}，{item.staff_name}）")


def _totals(ctx: Ctx, title: str, totals: dict[str, Decimal]) -> list[str]:
    """A titled block of name: amount, largest first."""
    ranked = sorted(totals.items(), key=lambda pair: (-pair[1], pair[0]))
    return [ctx._(title)] + [f"  {name}：{money(amount)}" for name, amount in ranked]


def render(ctx: Ctx, book: ReceivableBook) -> str:
    """The receivables as one message."""
    lines = [ctx._("📒 Receivables on {day}: {amount} yuan due ({n} instalments)").format(
        day=book.today.isoformat(), amount=money(book.total), n=len(book.due))]
    lines += [f"  {ctx._(label)}：{money(book.by_age.get(age, Decimal(0)))}" for age, label in AGE_LABELS.items()]
    if book.due:
        if ctx.me.is_hq:
            lines += _totals(ctx, BY_OFFICE, book.by_office)
        lines += _totals(ctx, N_("By person:"), book.by_person)
        lines += _totals(ctx, N_("By customer:"), book.by_customer)
        lines.append(ctx._("Due:"))
        lines += ["  " + _item_line(ctx, item) for item in book.due[:MAX_ITEMS]]
    if book.upcoming:
        lines.append(ctx._("Coming due within 30 days:"))
        lines += ["  " + _item_line(ctx, item) for item in book.upcoming[:MAX_ITEMS]]
    return "\n".join(lines)


def receivables_command(ctx: Ctx) -> None:
    """/receivables: what is due and overdue, by age, person, office and customer."""
    ctx.reply(render(ctx, receivables.book(ctx.app.uow(), viewer=ctx.me, today=today(ctx))))


def on_match(ctx: Ctx) -> None:
    """`PAYMENT_MATCH` counts the payment toward the instalment, once; both ids re-checked."""
    payment_id = ctx.pressed.id("payment")
    result = receivables.match(ctx.app.uow(), viewer=ctx.me, payment_id=payment_id,
                               instalment_id=ctx.pressed.id("instalment"),
                               now=ctx.app.now())
    if result.outcome == MatchOutcome.NOT_FOUND:
        ctx.reply(ctx._(NOT_FOUND))
    elif result.outcome == MatchOutcome.ALREADY:
        ctx.answer(ctx._("This payment is already matched."))
    else:
        ctx.reply(ctx._("✅ Payment #{id} matched: {counted} yuan counted, {owed} yuan still owed.").format(
            id=payment_id, counted=money(result.counted), owed=money(result.owed)))


def register(router: Router) -> None:
    """Declare /receivables and the match button."""
    router.command("receivables", receivables_command, N_("receivables by age, person and customer (应收账款)"),
                   roles=VIEWERS, order=332)
    router.callback(PAYMENT_MATCH, on_match)
