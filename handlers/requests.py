"""Requests that need approval: /leave (请假, 外出, 出差), /overtime (加班) and /expense (费用报销); /leave_balance.

```mermaid
flowchart LR
  L[/leave/] --> K[type] -->|leave| LT[leave type] --> D[first day → last day] -->|one day| H[whole/上午/下午]
  D -->|several days| SE[whole days / 下午起 / 上午止 / both] --> R
  D --> R[reason] -->|sick| N[sick note photos] --> S[summary: working days → Submit]
  K -->|outing| O[day → from → until] --> T
  K -->|trip| D2[first day → last day] --> T[destination → purpose] --> S
  E[/expense/] --> A[amount → category] -->|project kinds| P[project] --> W
  A --> W[date → reason → customer? → receipt photos → invoice yes/no] --> S
  OT[/overtime/] --> OD[day worked → 调休 days → work] --> S
  S --> C[approval chain: the first approvers get the card]
```
"""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from typing import Any

from domain.approval_callbacks import RequestAction
from domain.approvals import PROJECT_EXPENSE_CATEGORIES
from domain.callbacks import COPY, REQUEST_KINDS, RESUBMIT, pack
from domain.leave_rules import (
    BALANCED_TYPES,
    DayPart,
    LeaveType,
    day_part,
    leave_days,
    leave_parts,
    needs_sick_note,
    outing_hours,
)
from domain.natural_dates import Lean
from domain.records import LEAVE_WINDOW, MAX_EXPENSE_AMOUNT
from domain.roles import LEAVE_BALANCE_ROLES
from domain.validation import FieldError
from handlers.context import Ctx
from handlers.forms.engine import start_form
from handlers.forms.spec import Answers, Field, Form, FormError, Kind, Lookup, register_form
from handlers.main_menu import with_menu
from handlers.project_links import CONTRACT_FIELD, TENDER_FIELD
from handlers.replies import ASK_CATEGORY, ERROR_TEXTS, NOT_FOUND, error_text
from handlers.router import Router
from services.approvals import changes as approval_changes
from services.approvals import queries as approval_queries
from services.approvals import requests as approvals
from services.approvals.notices import ACTION_LABELS, CATEGORY_LABELS, CHAIN_HEADING, KIND_LABELS, ROLE_LABELS
from services.approvals.queries import CC_LINE
from services.approvals.requests import Outcome, RequestInvalid, Submitted
from services.i18n.catalogs import N_
from services.leave import balances as leave_balances
from services.leave.notice import DAY_PART_LABELS, END_LABELS, LEAVE_TYPE_LABELS, START_LABELS
from services.messaging.messages import Button, OutMessage

LEAVE_KINDS = (("leave", N_("Leave (请假)")), ("outing", N_("Outing (外出)")), ("trip", N_("Business trip (出差)")))
LEAVE_TYPES = tuple((str(value), label) for value, label in LEAVE_TYPE_LABELS.items())
TYPE_LABELS = {LeaveType(value): label for value, label in LEAVE_TYPES}
DAY_PARTS = tuple((str(value), label) for value, label in DAY_PART_LABELS.items())
HALVES = {"full": (DayPart.FULL, DayPart.FULL), "pm": (DayPart.AFTERNOON, DayPart.FULL),
          "am": (DayPart.FULL, DayPart.MORNING), "pm_am": (DayPart.AFTERNOON, DayPart.MORNING)}
"""A leave of several days: (first day, last day) parts for each answer of `halves`."""
HALVES_CHOICES = (("full", DAY_PART_LABELS[DayPart.FULL]), ("pm", START_LABELS[DayPart.AFTERNOON]),
                  ("am", END_LABELS[DayPart.MORNING]), ("pm_am", N_("From the afternoon (下午), until noon (上午)")))
CATEGORY_CHOICES = tuple(CATEGORY_LABELS.items())
FIELD_OF = {"starts_at": "first_day", "ends_at": "last_day"}


def _away(answers: Answers) -> bool:
    """Outings and trips say where and why."""
    return answers.get("kind") in ("outing", "trip")


def _is_leave(answers: Answers) -> bool:
    """Leave proper (请假) has a type, half days and maybe a sick note."""
    return answers.get("kind") == "leave"


def _is_outing(answers: Answers) -> bool:
    """An outing (外出) is hours on one day."""
    return answers.get("kind") == "outing"


def _one_day_leave(answers: Answers) -> bool:
    """A leave of one day may be a morning or an afternoon."""
    return _is_leave(answers) and answers.get("first_day") == answers.get("last_day")


def _long_leave(answers: Answers) -> bool:
    """A leave of several days may start in the afternoon of its first day and end at noon of its last."""
    return _is_leave(answers) and bool(answers.get("last_day")) and answers.get("first_day") != answers.get("last_day")


def _check_last_day(_ctx: Ctx, value: Any, answers: Answers) -> str | None:
    """The last day is on or after the first (ISO dates compare as text)."""
    return ERROR_TEXTS["ends_before_start"] if str(value) < str(answers.get("first_day", "")) else None


def _search_colleagues(ctx: Ctx, text: str) -> list[tuple[int, str]]:
    """Colleagues to copy (抄送), by part of the name."""
    return approval_queries.search_colleagues(ctx.app.uow(), text=text, excluding=ctx.me.id)


def _resolve_colleague(ctx: Ctx, staff_id: int) -> str | None:
    """A picked colleague, re-checked to be active."""
    return approval_queries.colleague_name(ctx.app.uow(), staff_id=staff_id)


def cc_field() -> Field:
    """抄送: not asked on the way (set through ✏️ Edit at the summary); the kind's configured roles come anyway."""
    return Field("cc", N_("CC (抄送)"), N_("Who else should hear the outcome? Type part of a name, or Skip."),
                 Kind.lookup, required=False, asked=False, lookup=Lookup(_search_colleagues, _resolve_colleague))


def _check_until(_ctx: Ctx, value: Any, answers: Answers) -> str | None:
    """An outing ends after it starts ("HH:MM" compare as text)."""
    return N_("The outing must end after it starts.") if str(value) <= str(answers.get("from_time", "")) else None


def leave_length(answers: Answers) -> tuple[Decimal, str] | None:
    """How long the request is: (working days, "days") or (hours, "hours"); None until the dates are known."""
    try:
        first = date.fromisoformat(str(answers["first_day"]))
        if _is_outing(answers):
            hours = outing_hours(time.fromisoformat(str(answers["from_time"])),
                                 time.fromisoformat(str(answers["until_time"])))
            return (hours, "hours") if hours is not None else None
        last = date.fromisoformat(str(answers.get("last_day") or first))
    except (KeyError, ValueError):
        return None
    if not _is_leave(answers):
        return leave_days(first, last), "days"
    starts, ends = _halves(answers)
    parts = leave_parts(first, last, one_day=answers.get("day_part"), starts=starts, ends=ends)
    return leave_days(first, last, first_part=parts[0], last_part=parts[1]), "days"


def _halves(answers: Answers) -> tuple[DayPart, DayPart]:
    """The first and last day's parts a several-day leave was asked with (whole days when not asked)."""
    return HALVES.get(str(answers.get("halves")), (day_part(answers.get("first_part")),
                                                   day_part(answers.get("last_part"))))


def _length_note(ctx: Ctx, answers: Answers) -> str | None:
    """Under the summary: the working days (holidays and 调休 counted) or the hours, before submitting."""
    length = leave_length(answers)
    if length is None:
        return None
    amount, unit = length
    shown = f"{amount.normalize():f}"
    if unit == "hours":
        return ctx._("⏱ {n} hour(s) out of the office.").format(n=shown)
    return ctx._("📅 {n} working day(s), public holidays and make-up working days (调休) counted.").format(n=shown)


def _save_leave(ctx: Ctx, answers: Answers, context: dict[str, Any]) -> OutMessage:
    """Submit the leave, outing or trip through the approval service (a long sick leave needs its note),
    or resubmit the one sent back."""
    if context.get("resubmit"):
        return _resubmit(ctx, answers, context, LEAVE)
    length = leave_length(answers)
    policy = ctx.app.leave_policy
    if length is not None and needs_sick_note(answers.get("leave_type"), length[0], policy) \
            and not answers.get("photos"):
        raise FormError("photos", N_("Sick leave over {n} working days needs a photo of the sick note."),
                        n=f"{policy.sick_note_after_days.normalize():f}")
    data = _leave_data(answers)
    try:
        result = approvals.submit_leave(ctx.app.uow(), requester_id=ctx.me.id, data=data,
                                        config=ctx.app.approval_config, now=ctx.app.now(),
                                        policy=policy)
    except RequestInvalid as exc:
        raise form_error(exc.errors[0], fields=LEAVE) from exc
    except leave_balances.OverBalanceRefused as over:
        raise _over_balance_error(ctx, over) from over
    return submitted_reply(ctx, result, "\n" + ctx._("⚠️ This is more than your balance; the approver is told.")
                           if result.over_balance else "")


def _leave_data(answers: Answers) -> dict[str, Any]:
    """The form's answers as the approval service takes them: the last day, the parts of both ends, the length."""
    data = {**answers, "last_day": answers.get("last_day") or answers.get("first_day")}
    if _is_leave(answers):
        data["first_part"], data["last_part"] = (part.value for part in _halves(answers))
    length = leave_length(answers)
    if length is not None:
        data[length[1]] = str(length[0])
    return data


def _over_balance_error(ctx: Ctx, over: leave_balances.OverBalanceRefused) -> FormError:
    """A 年假/调休 request over what is left, refused: back to the leave type, saying how much is left."""
    return FormError("leave_type", N_("That is {n} working day(s), but only {left} day(s) of {type} are left."),
                     n=_num(over.days), left=_num(over.balance.left), type=ctx._(TYPE_LABELS[over.balance.leave_type]))


def _num(value: Decimal) -> str:
    """2, 0.5, 4.5: days as people write them."""
    return f"{value.normalize():f}"


def balance_line(ctx: Ctx) -> str:
    """"Left this year: 年假 3 days, 调休 1 day" for the person asking."""
    year = ctx.app.now().astimezone(ctx.me.tz).year
    left = leave_balances.balances(ctx.app.uow(), staff_id=ctx.me.id, year=year, policy=ctx.app.leave_policy)
    parts = [ctx._("{type} {n} day(s)").format(type=ctx._(TYPE_LABELS[t]), n=_num(b.left)) for t, b in left.items()]
    return ctx._("Left in {year}: {balances}").format(year=year, balances=ctx._(", ").join(parts))


LEAVE = register_form(Form("leave", N_("Leave or outing request"), fields=(
    Field("kind", N_("Type"), N_("What do you request?"), Kind.choice, choices=LEAVE_KINDS),
    Field("leave_type", N_("Leave type"), N_("Which kind of leave?"), Kind.choice, choices=LEAVE_TYPES,
          when=_is_leave),
    Field("first_day", N_("First day"), N_("First day? For example {example}, or tap Today."), Kind.date,
          window=LEAVE_WINDOW, lean=Lean.future),
    Field("last_day", N_("Last day"), N_("Last day (inclusive)? The same as the first day for one day."),
          Kind.date, check=_check_last_day, window=LEAVE_WINDOW, lean=Lean.future,
          when=lambda a: not _is_outing(a)),
    Field("day_part", N_("Half day"), N_("The whole day, or half of it?"), Kind.choice, choices=DAY_PARTS,
          when=_one_day_leave),
    Field("halves", N_("Half days at the ends"), N_("Whole days, or does it start or end at noon?"), Kind.choice,
          choices=HALVES_CHOICES, when=_long_leave),
    Field("from_time", N_("From"), N_("From what time? For example 上午10点 or 14:00."), Kind.clock,
          when=_is_outing),
    Field("until_time", N_("Until"), N_("Until what time? For example 下午3点半 or 17:00."), Kind.clock,
          check=_check_until, when=_is_outing),
    Field("reason", N_("Reason"), N_("What is the reason?"), Kind.long_text, max_length=2000,
          when=lambda a: not _away(a)),
    Field("destination", N_("Destination"), N_("Where are you going?"), Kind.text, max_length=200, when=_away),
    Field("purpose", N_("Trip purpose"), N_("What is the purpose of going there?"), Kind.long_text,
          max_length=2000, when=_away),
    Field("photos", N_("Sick note"), N_("A photo of the sick note (needed for a longer sick leave), then tap Done."),
          Kind.photos, required=False, when=lambda a: _is_leave(a) and a.get("leave_type") == LeaveType.SICK),
    cc_field(),
), save=_save_leave, save_label=N_("Submit"), note=_length_note))


def _search_customers(ctx: Ctx, text: str) -> list[tuple[int, str]]:
    """Customers of my office matching the typed text."""
    return approval_queries.search_customers(ctx.app.uow(), office_id=ctx.me.office_id, text=text)


def _resolve_customer(ctx: Ctx, customer_id: int) -> str | None:
    """A picked customer, re-checked to belong to my office."""
    return approval_queries.customer_name(ctx.app.uow(), office_id=ctx.me.office_id, customer_id=customer_id)


def _check_spent_on(ctx: Ctx, value: Any, _answers: Answers) -> str | None:
    """Money already spent: not in the future."""
    today = ctx.today.isoformat()
    return ERROR_TEXTS["date_in_future"] if str(value) > today else None


def _save_expense(ctx: Ctx, answers: Answers, context: dict[str, Any]) -> OutMessage:
    """Submit the claim through the approval service (or resubmit the one sent back)."""
    if context.get("resubmit"):
        return _resubmit(ctx, answers, context, EXPENSE)
    try:
        result = approvals.submit_expense(ctx.app.uow(), requester_id=ctx.me.id, data=answers,
                                          config=ctx.app.approval_config, now=ctx.app.now())
    except RequestInvalid as exc:
        raise form_error(exc.errors[0], fields=EXPENSE) from exc
    return submitted_reply(ctx, result)


EXPENSE = register_form(Form("expense", KIND_LABELS["expense"], fields=(
    Field("amount", N_("Amount (CNY)"), N_("How much, in CNY? For example 4800 or 356.50"), Kind.decimal,
          min_value=0.01, max_value=float(MAX_EXPENSE_AMOUNT), money=True),
    Field("category", N_("Category"), ASK_CATEGORY, Kind.choice, choices=CATEGORY_CHOICES),
    Field("project", N_("Project"), N_("Which project is it for?"), Kind.text, max_length=200,
          when=lambda a: a.get("category") in PROJECT_EXPENSE_CATEGORIES),
    CONTRACT_FIELD,
    TENDER_FIELD,
    Field("spent_on", N_("Date"), N_("When was the money spent?"), Kind.date, check=_check_spent_on,
          lean=Lean.past),
    Field("reason", N_("Reason"), N_("What was it for?"), Kind.long_text, max_length=2000),
    Field("customer_id", N_("Customer"), N_("Link it to a customer? Type part of the name, or Skip."),
          Kind.lookup, required=False, lookup=Lookup(_search_customers, _resolve_customer)),
    Field("photos", N_("Receipts"), N_("Send photos of the receipts, then tap Done."), Kind.photos),
    Field("invoice", N_("Invoice (有无发票)"), N_("Is there an invoice (发票)? Without one, an intermediary fee "
          "counts 1.1 times toward the commission; you can mark the invoice as received later (补发票)."),
          Kind.boolean),
    cc_field(),
), save=_save_expense, save_label=N_("Submit")))


def _save_overtime(ctx: Ctx, answers: Answers, _context: dict[str, Any]) -> OutMessage:
    """Submit the overtime request; once approved, its days count as 调休 earned."""
    try:
        result = approvals.submit_overtime(ctx.app.uow(), requester_id=ctx.me.id, data=answers,
                                           config=ctx.app.approval_config, now=ctx.app.now())
    except RequestInvalid as exc:
        raise form_error(exc.errors[0], fields=OVERTIME) from exc
    return submitted_reply(ctx, result)


def _check_halves(_ctx: Ctx, value: Any, _answers: Answers) -> str | None:
    """Overtime is credited in half days."""
    return None if (Decimal(str(value)) * 2) % 1 == 0 else N_("Please give the days in halves: 0.5, 1, 1.5…")


OVERTIME = register_form(Form("overtime", N_("Overtime (加班)"), fields=(
    Field("day", N_("Day worked"), N_("Which day did you work? For example {example}, or tap a day."), Kind.date,
          window=LEAVE_WINDOW, lean=Lean.past),
    Field("days", N_("Days of time off in lieu"), N_("How many days of 调休 does it earn? 0.5 for half a day, 1 for a "
          "day."), Kind.decimal, min_value=0.5, max_value=3, check=_check_halves, quick=("0.5", "1")),
    Field("reason", N_("Reason"), N_("What was the work?"), Kind.long_text, max_length=2000),
), save=_save_overtime, save_label=N_("Submit")))


def form_error(error: FieldError, *, fields: Form) -> FormError:
    """A domain field error as a FormError on the form's own field (or the whole form)."""
    name = FIELD_OF.get(error.field, error.field)
    known = {f.name for f in fields.fields}
    message = error_text(error.code)
    return FormError(name if name in known else None, message, **dict(error.params))


def submitted_text(ctx: Ctx, result: Submitted) -> str:
    """Who decides first, or why nobody can."""
    role = ctx._(ROLE_LABELS.get(result.role, result.role))
    if result.outcome != Outcome.DONE:
        raise FormError(None, N_("Nobody can approve this yet (no {role} is registered). Please ask your "
                                 "administrator."), role=role)
    lines = [ctx._("✅ Request #{id} submitted. It now waits for {names} ({role}). Follow it with /requests.").format(
        id=result.request_id, names=result.approvers, role=role), ctx._(CHAIN_HEADING), *result.chain]
    if result.cc:
        lines.append(ctx._(CC_LINE).format(names=result.cc))
    return "\n".join(lines)


def submitted_reply(ctx: Ctx, result: Submitted, extra: str = "") -> OutMessage:
    """The submission reply as the requester's card of the request: 撤回 / 催办 until the first step is decided."""
    return request_card(ctx, submitted_text(ctx, result) + extra, result.request_id, result.actions, result.card)


def request_card(ctx: Ctx, text: str, request_id: int | None, actions: tuple[RequestAction, ...],
                 card: str | None) -> OutMessage:
    """Text with the requester's buttons for one request, remembered under `card` wherever it is shown."""
    row = tuple(Button(ctx._(ACTION_LABELS[a]).format(id=request_id), pack(REQUEST_KINDS[a], request=request_id))
                for a in actions) if request_id is not None else ()
    return OutMessage(text, buttons=(row,), card=card) if row else with_menu(ctx, text)


def _resubmit(ctx: Ctx, answers: Answers, context: dict[str, Any], form: Form) -> OutMessage:
    """退回修改 → 重新提交: the same request, changed, back into its chain."""
    try:
        result = approval_changes.resubmit(ctx.app.uow(), request_id=int(context["resubmit"]), requester_id=ctx.me.id,
                                           data=_leave_data(answers) if form is LEAVE else answers,
                                           config=ctx.app.approval_config, now=ctx.app.now(),
                                           policy=ctx.app.leave_policy)
    except RequestInvalid as exc:
        raise form_error(exc.errors[0], fields=form) from exc
    except leave_balances.OverBalanceRefused as over:
        raise _over_balance_error(ctx, over) from over
    if result.outcome == Outcome.NO_APPROVER:
        raise FormError(None, N_("Nobody can approve this yet (no {role} is registered). Please ask your "
                                 "administrator."), role=ctx._(ROLE_LABELS.get(result.role, result.role)))
    if result.outcome != Outcome.DONE:
        raise FormError(None, N_("This request is no longer waiting for changes."))
    text = "\n".join([ctx._("✅ Request #{id} resubmitted. It now waits for {names} ({role}).").format(
        id=result.request_id, names=result.to, role=result.role), ctx._(CHAIN_HEADING), *result.chain])
    return request_card(ctx, text, result.request_id, result.actions, result.card)


def on_change(ctx: Ctx) -> None:
    """`RESUBMIT` changes the request sent back (same request); `COPY` copies a rejected one into a new one."""
    action = RequestAction.RESUBMIT if ctx.pressed.kind is RESUBMIT else RequestAction.COPY
    request_id = ctx.pressed.id("request")
    found = approval_changes.form_answers(ctx.app.uow(), request_id=request_id, requester_id=ctx.me.id,
                                          purpose="resubmit" if action == RequestAction.RESUBMIT else "copy")
    if found is None or found.outcome != Outcome.DONE or found.answers is None:
        ctx.answer(ctx._("This request cannot be changed or copied now.") if found else ctx._(NOT_FOUND),
                   alert=True)
        return
    ctx.answer()
    form = EXPENSE if found.kind == "expense" else LEAVE
    context: dict[str, Any] = {"labels": found.labels or {}}
    if action == RequestAction.RESUBMIT:
        context["resubmit"] = found.request_id
    start_form(ctx, form, answers=found.answers, context=context, at_summary=True)


def leave(ctx: Ctx) -> None:
    """/leave: what is left of 年假 and 调休, then the request form (leave, an outing or a business trip)."""
    ctx.reply(balance_line(ctx))
    start_form(ctx, LEAVE)


ADJUSTERS = LEAVE_BALANCE_ROLES
ADJUST_USAGE = N_("Usage: /leave_balance NAME 年假|调休 ±DAYS REASON — e.g. /leave_balance 李娜 调休 +1 周六加班")
ADJUST_REFUSALS = {
    "bad_days": N_("The days must be a non-zero number in halves, e.g. +1, -0.5 or 2."),
    "no_such_person": N_("Nobody of that name is registered."),
    "ambiguous_person": N_("More than one person has that name; please ask the administrator."),
}


def overtime(ctx: Ctx) -> None:
    """/overtime: ask to have overtime or weekend work approved; it earns 调休."""
    start_form(ctx, OVERTIME)


def leave_balance(ctx: Ctx) -> None:
    """/leave_balance NAME TYPE ±DAYS REASON: HR adds or takes days of a 年假/调休 balance (audited)."""
    args = ctx.inbound.args
    types = {ctx._(TYPE_LABELS[t]): t for t in BALANCED_TYPES} | {t.value: t for t in BALANCED_TYPES}
    if len(args) < 4 or args[1] not in types:
        ctx.reply(ctx._(ADJUST_USAGE))
        return
    try:
        days = Decimal(args[2])
    except ArithmeticError:
        ctx.reply(ctx._(ADJUST_USAGE))
        return
    try:
        done = leave_balances.adjust(ctx.app.uow(), actor_id=ctx.me.id, staff_name=args[0], leave_type=types[args[1]],
                                     days=days, note=" ".join(args[3:]), policy=ctx.app.leave_policy, now=ctx.app.now(),
                                     year=ctx.app.now().astimezone(ctx.me.tz).year)
    except leave_balances.AdjustmentRefused as refused:
        ctx.reply(ctx._(ADJUST_REFUSALS[refused.reason]))
        return
    ctx.reply(ctx._("Done: {name}'s {type} is now {n} day(s).").format(
        name=done.name, type=ctx._(TYPE_LABELS[done.balance.leave_type]), n=_num(done.balance.left)))


def expense(ctx: Ctx) -> None:
    """/expense: claim an expense with receipts."""
    start_form(ctx, EXPENSE)


def register(router: Router) -> None:
    """Declare the request commands."""
    router.command("leave", leave, N_("request leave, an outing or a business trip"), order=20)
    router.command("expense", expense, N_("claim an expense"), order=21)
    router.callback(RESUBMIT, on_change)
    router.callback(COPY, on_change)
    router.command("overtime", overtime, N_("report overtime or weekend work (earns time off in lieu)"), order=22)
    router.command("leave_balance", leave_balance, N_("adjust a person's annual leave or time off in lieu"),
                   roles=ADJUSTERS, order=820)
