"""Requests that need approval: /leave (请假, 外出, 出差) and /expense (费用报销).

```mermaid
flowchart LR
  L[/leave/] --> K[type] --> D[first day → last day] -->|leave| R[reason] --> S[summary → Submit]
  D -->|outing, trip| T[destination → purpose] --> S
  E[/expense/] --> A[amount → category] -->|project kinds| P[project] --> W
  A --> W[date → reason → customer? → receipt photos] --> S
  S --> C[approval chain: the first approvers get the card]
```
"""

from __future__ import annotations

from typing import Any

from domain.records import LEAVE_WINDOW, MAX_EXPENSE_AMOUNT
from domain.validation import FieldError
from handlers.context import Ctx
from handlers.forms.engine import start_form
from handlers.forms.spec import Answers, Field, Form, FormError, Kind, Lookup, register_form
from handlers.project_links import CONTRACT_FIELD, TENDER_FIELD
from handlers.router import Router
from services import approval_queries, approvals
from services.approval_notices import CATEGORY_LABELS, ROLE_LABELS
from services.approvals import Outcome, RequestInvalid, Submitted
from services.i18n import N_

LEAVE_KINDS = (("leave", N_("Leave (请假)")), ("outing", N_("Outing (外出)")), ("trip", N_("Business trip (出差)")))
CATEGORY_CHOICES = tuple(CATEGORY_LABELS.items())
PROJECT_CATEGORIES = {"project", "intermediary_fee"}
FIELD_OF = {"starts_at": "first_day", "ends_at": "last_day"}
ERRORS = {
    "ends_before_start": N_("The last day cannot be before the first day."),
    "date_too_far": N_("That is too far ahead (at most {max_days} days)."),
    "date_in_future": N_("The date cannot be in the future."),
    "project_required": N_("Please name the project."),
    "destination_required": N_("Please say where you are going."),
    "purpose_required": N_("Please give the purpose."),
    "out_of_range": N_("That value is out of range."),
    "too_long": N_("That is too long."),
}


def _away(answers: Answers) -> bool:
    """Outings and trips say where and why."""
    return answers.get("kind") in ("outing", "trip")


def _check_last_day(_ctx: Ctx, value: Any, answers: Answers) -> str | None:
    """The last day is on or after the first (ISO dates compare as text)."""
    return ERRORS["ends_before_start"] if str(value) < str(answers.get("first_day", "")) else None


def _save_leave(ctx: Ctx, answers: Answers, _context: dict[str, Any]) -> str:
    """Submit the leave, outing or trip through the approval service."""
    try:
        result = approvals.submit_leave(ctx.app.uow(), requester_id=ctx.me.id, data=answers,
                                        config=ctx.app.approval_config, now=ctx.app.now(),
                                        default_timezone=ctx.app.default_timezone)
    except RequestInvalid as exc:
        raise form_error(exc.errors[0], fields=LEAVE) from exc
    return submitted_text(ctx, result)


LEAVE = register_form(Form("leave", N_("Leave or outing request"), fields=(
    Field("kind", N_("Type"), N_("What do you request?"), Kind.choice, choices=LEAVE_KINDS),
    Field("first_day", N_("First day"), N_("First day? For example 2026-11-25, or tap Today."), Kind.date,
          window=LEAVE_WINDOW),
    Field("last_day", N_("Last day"), N_("Last day (inclusive)? The same as the first day for one day."),
          Kind.date, check=_check_last_day, window=LEAVE_WINDOW),
    Field("reason", N_("Reason"), N_("What is the reason?"), Kind.long_text, max_length=2000,
          when=lambda a: not _away(a)),
    Field("destination", N_("Destination"), N_("Where are you going?"), Kind.text, max_length=200, when=_away),
    Field("purpose", N_("Trip purpose"), N_("What is the purpose of going there?"), Kind.long_text,
          max_length=2000, when=_away),
), save=_save_leave, save_label=N_("Submit")))


def _search_customers(ctx: Ctx, text: str) -> list[tuple[int, str]]:
    """Customers of my office matching the typed text."""
    return approval_queries.search_customers(ctx.app.uow(), office_id=ctx.me.office_id, text=text)


def _resolve_customer(ctx: Ctx, customer_id: int) -> str | None:
    """A picked customer, re-checked to belong to my office."""
    return approval_queries.customer_name(ctx.app.uow(), office_id=ctx.me.office_id, customer_id=customer_id)


def _check_spent_on(ctx: Ctx, value: Any, _answers: Answers) -> str | None:
    """Money already spent: not in the future."""
    today = ctx.app.now().astimezone(ctx.me.tz).date().isoformat()
    return ERRORS["date_in_future"] if str(value) > today else None


def _save_expense(ctx: Ctx, answers: Answers, _context: dict[str, Any]) -> str:
    """Submit the claim through the approval service."""
    try:
        result = approvals.submit_expense(ctx.app.uow(), requester_id=ctx.me.id, data=answers,
                                          config=ctx.app.approval_config, now=ctx.app.now(),
                                          default_timezone=ctx.app.default_timezone)
    except RequestInvalid as exc:
        raise form_error(exc.errors[0], fields=EXPENSE) from exc
    return submitted_text(ctx, result)


EXPENSE = register_form(Form("expense", N_("Expense claim"), fields=(
    Field("amount", N_("Amount (CNY)"), N_("How much, in CNY? For example 4800 or 356.50"), Kind.decimal,
          min_value=0.01, max_value=float(MAX_EXPENSE_AMOUNT)),
    Field("category", N_("Category"), N_("Which category?"), Kind.choice, choices=CATEGORY_CHOICES),
    Field("project", N_("Project"), N_("Which project is it for?"), Kind.text, max_length=200,
          when=lambda a: a.get("category") in PROJECT_CATEGORIES),
    CONTRACT_FIELD,
    TENDER_FIELD,
    Field("spent_on", N_("Date"), N_("When was the money spent?"), Kind.date, check=_check_spent_on),
    Field("reason", N_("Reason"), N_("What was it for?"), Kind.long_text, max_length=2000),
    Field("customer_id", N_("Customer"), N_("Link it to a customer? Type part of the name, or Skip."),
          Kind.lookup, required=False, lookup=Lookup(_search_customers, _resolve_customer)),
    Field("photos", N_("Receipts"), N_("Send photos of the receipts, then tap Done."), Kind.photos),
), save=_save_expense, save_label=N_("Submit")))


def form_error(error: FieldError, *, fields: Form) -> FormError:
    """A domain field error as a FormError on the form's own field (or the whole form)."""
    name = FIELD_OF.get(error.field, error.field)
    known = {f.name for f in fields.fields}
    message = ERRORS.get(error.code, N_("Please check this answer."))
    return FormError(name if name in known else None, message, **dict(error.params))


def submitted_text(ctx: Ctx, result: Submitted) -> str:
    """Who decides first, or why nobody can."""
    role = ctx._(ROLE_LABELS.get(result.role, result.role))
    if result.outcome != Outcome.DONE:
        raise FormError(None, N_("Nobody can approve this yet (no {role} is registered). Please ask your "
                                 "administrator."), role=role)
    return ctx._("✅ Request #{id} submitted. It now waits for {names} ({role}). Follow it with /requests.").format(
        id=result.request_id, names=result.approvers, role=role)


def leave(ctx: Ctx) -> None:
    """/leave: request leave, an outing or a business trip."""
    start_form(ctx, LEAVE)


def expense(ctx: Ctx) -> None:
    """/expense: claim an expense with receipts."""
    start_form(ctx, EXPENSE)


def register(router: Router) -> None:
    """Declare the request commands."""
    router.command("leave", leave, N_("request leave, an outing or a business trip"), order=20)
    router.command("expense", expense, N_("claim an expense"), order=21)
