"""The customer archive in chat: /customer (new or look up), /customers, edit through the same form.

```mermaid
flowchart LR
    A["/customer"] --> F[customer form] --> S{summary} -- Save --> C[card]
    B["/customer NAME"] --> M{matches} -- one --> C
    M -- several --> P[buttons CUSTOMER v] --> C
    C -- "✏️ Edit (CUSTOMER e)" --> S2{prefilled summary} -- Save --> U[update + audit]
    C -- "📝 CUSTOMER vi / 🔧 CUSTOMER rp" --> V[visit / repair form, customer, contact and phone filled in]
    L["/visit, /repair: no match"] -- "➕ New customer (f:seq:mk)" --> N[name-only entry, completed later] --> V
```
The card (C) shows the customer's history: last visits, open and closed repair jobs, payments, the
warranty's end and the installed products (services/records/customer_history.py).
"""

from __future__ import annotations

from typing import Any

from domain.callbacks import CUSTOMER, pack
from domain.records import CustomerIn
from domain.roles import OFFICE_ROLES
from domain.validation import INSTALLED_WINDOW
from handlers.context import Ctx
from handlers.forms.engine import start_form
from handlers.forms.spec import Answers, Field, Form, FormError, Kind, register_form
from handlers.records import render
from handlers.records.common import NOT_FOUND, customer_prefill, to_record
from handlers.records.repairs import REPAIR_FORM
from handlers.records.visits import VISIT_FORM
from handlers.replies import EDIT
from handlers.router import Router
from services.i18n.catalogs import N_
from services.messaging.messages import Button, OutMessage, button_rows
from services.platform.text_limits import max_length
from services.records import customer_history, customers
from services.records.customers import CustomerCard, DuplicateCustomer


def _name_free(ctx: Ctx, value: Any, answers: Answers) -> str | None:
    """Catch a name already in the office's archive at once, showing the existing record."""
    existing = customers.find_duplicate(ctx.app.uow(), viewer=ctx.me, name=str(value),
                                        exclude_id=answers.get("customer_id"))
    if existing is None:
        return None
    return ctx._("“{name}” is already in the archive ({summary}). Enter another name, or send "
                 "/customer {name} to open the existing record.").format(
        name=existing.name, summary=render.customer_summary(ctx, existing))


def _save(ctx: Ctx, answers: Answers, context: dict[str, Any]) -> str:
    """Create or update through the archive service."""
    data = to_record(ctx, CUSTOMER_FORM, CustomerIn, {k: answers.get(k) for k in CustomerIn.model_fields
                                                      if answers.get(k) not in (None, "")})
    customer_id = context.get("customer_id")
    card: CustomerCard | None
    try:
        if customer_id is None:
            card = customers.create(ctx.app.uow(), viewer=ctx.me, data=data, now=ctx.app.now())
        else:
            card = customers.update(ctx.app.uow(), viewer=ctx.me, customer_id=int(customer_id), data=data,
                                    now=ctx.app.now())
    except DuplicateCustomer as dup:
        raise FormError("name", N_("“{name}” is already in the archive. Enter another name."),
                        name=dup.existing.name) from None
    if card is None:
        raise FormError(None, NOT_FOUND)
    headline = ctx._("Customer saved: {name}") if customer_id is None else ctx._("Customer updated: {name}")
    return headline.format(name=card.name) + "\n" + render.customer_text(ctx, card)


CUSTOMER_FORM = register_form(Form(
    name="customer",
    title=N_("Customer archive"),
    fields=(
        Field("name", N_("Customer name"), N_("What is the customer's name?"), check=_name_free,
              max_length=max_length("customers.name")),
        Field("address", N_("Address"), N_("What is the customer's address?"), max_length=200),
        Field("contact", N_("Contact person"), N_("Who is the contact person?"),
              max_length=max_length("customers.contact")),
        Field("phone", N_("Phone"), N_("The contact's phone number?"), kind=Kind.phone),
        Field("route", N_("How to get there"), N_("How does one get there (bus, metro, landmarks)?"),
              kind=Kind.long_text, required=False, max_length=200),
        Field("products", N_("Installed products"),
              N_("Which products are installed, and how many? For example: 枪柜 3, 弹柜 2"),
              kind=Kind.quantities, required=False, catalog=lambda ctx: ctx.app.product_catalog),
        Field("accepted_on", N_("Acceptance date"), N_("When was the installation accepted?"), kind=Kind.date,
              required=False, window=INSTALLED_WINDOW),
        Field("warranty_years", N_("Warranty (years)"), N_("How many years of warranty?"), kind=Kind.integer,
              required=False, min_value=0, max_value=20),
    ),
    save=_save,
))


def prefill(card: CustomerCard) -> dict[str, Any]:
    """The form's answers from an existing customer (the id lets the name check skip itself)."""
    answers: dict[str, Any] = {"customer_id": card.id, "name": card.name, "address": card.address,
                               "contact": card.contact, "phone": card.phone, "route": card.route,
                               "products": card.products or None, "warranty_years": card.warranty_years,
                               "accepted_on": card.accepted_on.isoformat() if card.accepted_on else None}
    return {k: v for k, v in answers.items() if v not in (None, "")}


def customer_command(ctx: Ctx) -> None:
    """/customer starts a new entry; /customer NAME looks one up."""
    query = " ".join(ctx.inbound.args).strip()
    if not query:
        start_form(ctx, CUSTOMER_FORM)
        return
    hits = customers.search(ctx.app.uow(), viewer=ctx.me, query=query)
    if not hits:
        ctx.reply(ctx._("No customer matches “{q}”. Send /customer to add one.").format(q=query))
    elif len(hits) == 1:
        show(ctx, hits[0][0])
    else:
        buttons = [Button(label[:40], pack(CUSTOMER, customer=cid, action="v")) for cid, label in hits]
        ctx.reply(OutMessage(ctx._("Several customers match. Tap the right one:"), buttons=button_rows(buttons)))


def customers_command(ctx: Ctx) -> None:
    """/customers lists the archive the person may see, most recent first."""
    hits = customers.recent(ctx.app.uow(), viewer=ctx.me, limit=20)
    if not hits:
        ctx.reply(ctx._("The customer archive is empty. Send /customer to add one."))
        return
    buttons = [Button(label[:40], pack(CUSTOMER, customer=cid, action="v")) for cid, label in hits]
    ctx.reply(OutMessage(ctx._("Customers (tap one to open it, or send /customer NAME to search):"),
                               buttons=button_rows(buttons)))


def show(ctx: Ctx, customer_id: int) -> None:
    """The customer's card and history, with Log a visit / Report a repair / Edit, or 'not found'."""
    found = customer_history.history(ctx.app.uow(), viewer=ctx.me, customer_id=customer_id)
    if found is None:
        ctx.reply(ctx._(NOT_FOUND))
        return
    cid = found.card.id
    log = [Button(ctx._("📝 Log a visit"), pack(CUSTOMER, customer=cid, action="vi")),
           Button(ctx._("🔧 Report a repair"), pack(CUSTOMER, customer=cid, action="rp"))]
    edit = Button(ctx._(EDIT), pack(CUSTOMER, customer=cid, action="e"))
    rows = ((*log,), (edit,)) if ctx.me.roles & OFFICE_ROLES else ((edit,),)
    ctx.reply(OutMessage(render.customer_history_text(ctx, found), buttons=rows))


def _log_for(ctx: Ctx, customer_id: int, form: Form) -> None:
    """Open the visit or repair form for this customer: its name, contact and phone already in place."""
    label = customers.label(ctx.app.uow(), viewer=ctx.me, customer_id=customer_id)
    if label is None or not ctx.me.roles & OFFICE_ROLES:
        ctx.reply(ctx._(NOT_FOUND))
        return
    asked = {f.name for f in form.fields}
    prefill = {k: v for k, v in customer_prefill(ctx, customer_id).items() if k in asked and v}
    start_form(ctx, form, answers={"customer_id": customer_id, **prefill},
               context={"labels": {"customer_id": label}}, after="customer_id")


def on_button(ctx: Ctx) -> None:
    """`CUSTOMER`: v opens a card, e edits it, vi / rp log a visit / report a repair for it; ids re-checked."""
    action, customer_id = ctx.pressed.word("action"), ctx.pressed.id("customer")
    if action == "v":
        show(ctx, customer_id)
    elif action == "vi":
        _log_for(ctx, customer_id, VISIT_FORM)
    elif action == "rp":
        _log_for(ctx, customer_id, REPAIR_FORM)
    else:
        _edit(ctx, customer_id)


def _edit(ctx: Ctx, customer_id: int) -> None:
    """Open the customer form prefilled, at its summary: change fields, then Save."""
    card = customers.get(ctx.app.uow(), viewer=ctx.me, customer_id=customer_id)
    if card is None:
        ctx.reply(ctx._(NOT_FOUND))
        return
    start_form(ctx, CUSTOMER_FORM, answers=prefill(card), context={"customer_id": card.id}, at_summary=True)


def register(router: Router) -> None:
    """Declare the archive's commands and buttons."""
    router.command("customer", customer_command, N_("add a customer, or look one up: /customer NAME"), order=300)
    router.command("customers", customers_command, N_("list the customer archive"), order=301)
    router.callback(CUSTOMER, on_button)
