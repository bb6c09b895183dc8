"""Repair jobs in chat: report (/repair), assign (REPAIR_ASSIGN), close and accept (forms).

See the lifecycle diagram in services/records/repairs.py. Closing asks 客户验收人 as an optional last
question: a technician who has the customer's signature on site finishes the job in one go
(status accepted); one who skips it leaves the job repaired, and the card then offers
"Customer accepted" to the technician or the office head.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from domain.callbacks import REPAIR, REPAIR_ASSIGN, REPAIR_DUE, pack
from domain.natural_dates import Lean
from domain.records import RepairAction, RepairIn, RepairStatus
from domain.repair_rules import DUE_CHOICES
from domain.roles import OFFICE_ROLES
from handlers.context import Ctx
from handlers.forms.engine import start_form
from handlers.forms.spec import Answers, Field, Form, FormError, Kind, register_form
from handlers.ids import parse_id
from handlers.records.common import (
    NOT_FOUND,
    customer_field,
    form_error,
    not_future,
    to_record,
)
from handlers.replies import PHOTO_COUNT
from handlers.router import Router
from services.i18n.catalogs import N_
from services.messaging.messages import Button, OutMessage, button_rows
from services.platform.text_limits import max_length
from services.records import access, repairs
from services.records.repairs import ASSIGN_PROMPT, CLOSE_JOB, NO_TECHNICIAN, Closing, Outcome, RepairCard, RepairResult

DUE_LABELS = {0: N_("⏰ Due today"), 1: N_("⏰ Next working day"), 3: N_("⏰ In 3 working days")}
OUTCOME_TEXTS = {
    Outcome.not_found: NOT_FOUND,
    Outcome.not_allowed: N_("You may not do that for this repair job."),
    Outcome.wrong_state: N_("This repair job has moved on; here is how it stands now."),
    Outcome.unchanged: N_("That technician already has this job."),
}


def _save_report(ctx: Ctx, answers: Answers, _context: dict[str, Any]) -> str:
    """Log the fault; office heads are asked to assign a technician."""
    data = to_record(ctx, REPAIR_FORM, RepairIn, {k: answers.get(k) for k in
                                                  ("customer_id", "reporter", "phone", "reported_on", "fault")})
    card = repairs.report(ctx.app.uow(), viewer=ctx.me, data=data, photos=list(answers.get("photos") or []),
                          now=ctx.app.now())
    if card is None:
        raise FormError("customer_id", NOT_FOUND)
    return (ctx._("Repair job #{id} saved. The office head will assign a technician.").format(id=card.id)
            + "\n" + repairs.describe(card, ctx._))


REPAIR_FORM = register_form(Form(
    name="repair",
    title=N_("Repair report"),
    fields=(
        customer_field(),
        Field("reporter", N_("Reported by"), N_("Who reported the fault?"),
              max_length=max_length("repairs.reporter")),
        Field("phone", N_("Phone"), N_("Their phone number?"), kind=Kind.phone),
        Field("reported_on", N_("Reported on"), N_("When was it reported?"), kind=Kind.date, check=not_future,
              lean=Lean.past),
        Field("fault", N_("Fault"), N_("What is wrong? Describe the fault."), kind=Kind.long_text, max_length=2000),
        Field("photos", N_("Photos"), N_("Send photos of the fault, then tap Done."), kind=Kind.photos,
              required=False),
    ),
    save=_save_report,
))


def _save_close(ctx: Ctx, answers: Answers, context: dict[str, Any]) -> str:
    """Record the repair (and the customer's acceptance when given)."""
    closing = Closing(repaired_on=date.fromisoformat(answers["repaired_on"]),
                      labour_hours=Decimal(str(answers["labour_hours"])),
                      parts=list(dict(answers.get("parts") or {}).items()), accepted_by=answers.get("accepted_by"),
                      cause=answers.get("cause"), resolution=answers.get("resolution"))
    try:
        result = repairs.close(ctx.app.uow(), viewer=ctx.me, repair_id=int(context["repair_id"]), closing=closing,
                               now=ctx.app.now())
    except ValidationError as exc:
        raise form_error(CLOSE_FORM, exc) from None
    return _done_text(ctx, result, N_("Repair job closed. The reporter and the office head have been told."))


CLOSE_FORM = register_form(Form(
    name="repair_close",
    title=N_("Close repair job"),
    fields=(
        Field("repaired_on", N_("Repaired on"), N_("When was it repaired?"), kind=Kind.date, check=not_future,
              lean=Lean.past),
        Field("labour_hours", N_("Labour hours"), N_("How many hours of work?"), kind=Kind.decimal,
              min_value=0, max_value=1000),
        Field("cause", N_("Cause of the fault"), N_("What caused the fault?"), kind=Kind.long_text, max_length=2000),
        Field("resolution", N_("Repair result"), N_("What was done, and does it work now?"), kind=Kind.long_text,
              max_length=2000, quick=(N_("Repaired, working normally"), N_("Temporarily fixed, needs a return visit"))),
        Field("parts", N_("Parts replaced"),
              N_("Which parts were replaced, and how many? For example: 锁芯 x2, 电池 1"),
              kind=Kind.quantities, required=False),
        Field("accepted_by", N_("Accepted by (customer)"),
              N_("Who accepted the work for the customer? Skip if nobody has signed yet."),
              required=False, max_length=max_length("repairs.accepted_by")),
    ),
    save=_save_close,
))


def _save_accept(ctx: Ctx, answers: Answers, context: dict[str, Any]) -> str:
    """Record who accepted the repaired job for the customer."""
    result = repairs.accept(ctx.app.uow(), viewer=ctx.me, repair_id=int(context["repair_id"]),
                            accepted_by=str(answers["accepted_by"]), now=ctx.app.now())
    return _done_text(ctx, result, N_("Customer acceptance recorded. The reporter and the office head have been told."))


ACCEPT_FORM = register_form(Form(
    name="repair_accept",
    title=N_("Customer acceptance"),
    fields=(Field("accepted_by", N_("Accepted by (customer)"), N_("Who accepted the work for the customer?"),
                  max_length=max_length("repairs.accepted_by")),),
    save=_save_accept,
))


def _done_text(ctx: Ctx, result: RepairResult, done: str) -> str:
    """The confirmation, or why nothing changed (a stale form after someone else acted)."""
    if result.outcome != Outcome.done:
        raise FormError(None, OUTCOME_TEXTS.get(result.outcome, NOT_FOUND))
    assert result.card is not None
    return ctx._(done) + "\n" + repairs.describe(result.card, ctx._)


def card_message(ctx: Ctx, card: RepairCard, note: str | None = None) -> OutMessage:
    """The job with the buttons this person may use now."""
    me, status = ctx.me, card.status
    buttons = []
    if access.may_assign(me, card) and status in (RepairStatus.REPORTED, RepairStatus.ASSIGNED):
        buttons.append(Button(ctx._("👷 Assign a technician"), pack(REPAIR, repair=card.id, action="as")))
    if access.may_close(me, card) and status == RepairStatus.ASSIGNED:
        buttons.append(Button(ctx._(CLOSE_JOB), pack(REPAIR, repair=card.id, action="cl")))
    if access.may_close(me, card) and status == RepairStatus.REPAIRED:
        buttons.append(Button(ctx._("🤝 Customer accepted"), pack(REPAIR, repair=card.id, action="ac")))
    rows = button_rows(buttons, per_row=1)
    if access.may_assign(me, card) and status == RepairStatus.ASSIGNED:
        rows = (*rows, tuple(Button(ctx._(DUE_LABELS[n]), pack(REPAIR_DUE, repair=card.id, days=n))
                             for n in DUE_CHOICES))
    text = repairs.describe(card, ctx._) + "\n" + repairs.site_text(card, ctx._)
    if card.photos:
        text += "\n" + ctx._(PHOTO_COUNT).format(n=len(card.photos))
    return OutMessage((note + "\n" if note else "") + text, buttons=rows)


def repair_command(ctx: Ctx) -> None:
    """/repair reports a fault; /repair 12 shows job #12."""
    if ctx.inbound.args and parse_id(ctx.inbound.args[0].lstrip("#")) is not None:
        _show(ctx, int(ctx.inbound.args[0].lstrip("#")))
    else:
        start_form(ctx, REPAIR_FORM)


def _show(ctx: Ctx, repair_id: int) -> None:
    """The job's card, or 'not found'."""
    card = repairs.get(ctx.app.uow(), viewer=ctx.me, repair_id=repair_id)
    ctx.reply(card_message(ctx, card) if card else ctx._(NOT_FOUND))


def on_button(ctx: Ctx) -> None:
    """`REPAIR`: open | offer technicians | close | accepted — every id reloaded and re-checked by the service."""
    BUTTONS[ctx.pressed.word("action")](ctx, ctx.pressed.id("repair"))


def on_assign(ctx: Ctx) -> None:
    """`REPAIR_ASSIGN`: give the job to the tapped technician."""
    _assign(ctx, ctx.pressed.id("repair"), ctx.pressed.id("staff"))


def on_due(ctx: Ctx) -> None:
    """`REPAIR_DUE`: give the assigned job a due time."""
    _set_due(ctx, ctx.pressed.id("repair"), ctx.pressed.id("days"))


def _technicians(ctx: Ctx, repair_id: int) -> None:
    """Offer the office's technicians for the job."""
    techs = repairs.technicians(ctx.app.uow(), viewer=ctx.me, repair_id=repair_id)
    if techs is None:
        ctx.reply(ctx._(NOT_FOUND))
    elif not techs:
        ctx.reply(ctx._(NO_TECHNICIAN))
    else:
        buttons = [Button("👷 " + name, pack(REPAIR_ASSIGN, repair=repair_id, staff=sid)) for sid, name in techs[:12]]
        ctx.reply(OutMessage(ctx._(ASSIGN_PROMPT), buttons=button_rows(buttons)))


def _assign(ctx: Ctx, repair_id: int, staff: int) -> None:
    """Give the job to the tapped technician (re-checked: same office, technician, head's rights)."""
    result = repairs.assign(ctx.app.uow(), viewer=ctx.me, repair_id=repair_id, technician_id=staff,
                            now=ctx.app.now())
    _reply_result(ctx, result, N_("Assigned to {name}; they have been told."))


def _set_due(ctx: Ctx, repair_id: int, days: int) -> None:
    """Give the assigned job a due time (one of DUE_CHOICES working days; anything else is forged)."""
    if days not in DUE_CHOICES:
        ctx.reply(ctx._(NOT_FOUND))
        return
    result = repairs.set_due(ctx.app.uow(), viewer=ctx.me, repair_id=repair_id, working_days=days,
                             now=ctx.app.now())
    if result.outcome == Outcome.unchanged and result.card is not None:
        ctx.reply(card_message(ctx, result.card, ctx._("The job already has that due time.")))
        return
    _reply_result(ctx, result, N_("Due time set; {name} has been told."))


def _reply_result(ctx: Ctx, result: RepairResult, done: str) -> None:
    """The card after a change, headed by what happened."""
    if result.card is None or result.outcome == Outcome.not_found:
        ctx.reply(ctx._(NOT_FOUND))
        return
    note = ctx._(done).format(name=result.card.technician_name) if result.outcome == Outcome.done \
        else ctx._(OUTCOME_TEXTS[result.outcome])
    ctx.reply(card_message(ctx, result.card, note))


def _open_form(ctx: Ctx, repair_id: int, action: RepairAction, form: Form) -> None:
    """Open the close/accept form once the service agrees the person may act now."""
    result = repairs.may_act(ctx.app.uow(), viewer=ctx.me, repair_id=repair_id, action=action)
    if result.outcome != Outcome.done:
        _reply_result(ctx, result, "")
        return
    start_form(ctx, form, context={"repair_id": repair_id})


def _close(ctx: Ctx, repair_id: int) -> None:
    """The technician closes the job."""
    _open_form(ctx, repair_id, RepairAction.COMPLETE, CLOSE_FORM)


def _accept(ctx: Ctx, repair_id: int) -> None:
    """The customer's acceptance after the repair."""
    _open_form(ctx, repair_id, RepairAction.ACCEPT, ACCEPT_FORM)


BUTTONS = {"v": _show, "as": _technicians, "cl": _close, "ac": _accept}


def register(router: Router) -> None:
    """Declare the repair log's command and buttons."""
    router.command("repair", repair_command, N_("report a fault for repair, or /repair NUMBER to open a job"),
                   roles=OFFICE_ROLES, order=310)
    router.callback(REPAIR, on_button)
    router.callback(REPAIR_ASSIGN, on_assign)
    router.callback(REPAIR_DUE, on_due)
