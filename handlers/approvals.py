"""Approving in chat: the card's buttons, the one-question forms, /pending and /requests.

```mermaid
flowchart LR
  C[card: APPROVAL_STEP a/c/r/b] -->|a| D{decide: conditional UPDATE}
  C -->|c: comment / r: reason / b: what to change| Q[one question] --> D
  D -->|won| E[every shown card edited; requester told; next step (or its stand-in) gets the card; CC at the end]
  D -->|lost / stale| X[alert: already decided by X at …]
  R[/requests/] -->|WITHDRAW| W{withdraw if nobody decided yet}
  R -->|NUDGE| N{nudge: once per step per hour}
  T[returned notice] -->|RESUBMIT| F[same form, prefilled] --> S{resubmit: same request, chain resolved again, step 1}
  T -->|WITHDRAW| W
  J[rejected notice] -->|COPY| G[new form, prefilled] --> New[new request]
```
"""

from __future__ import annotations

from typing import Any

from domain.approval_callbacks import StepAction, listing_key, office_list_key
from domain.approvals import Decision
from domain.callbacks import APPROVAL_STEP, NUDGE, REQUEST_KINDS, WITHDRAW, pack
from handlers.context import Ctx
from handlers.forms.engine import start_form
from handlers.forms.spec import Answers, Field, Form, Kind, register_form
from handlers.replies import NOT_FOUND, OUT_OF_DATE
from handlers.router import Router
from services.approvals import changes as approval_changes
from services.approvals import queries as approval_queries
from services.approvals import requests as approvals
from services.approvals.notices import ACTION_LABELS, DECISION_LABELS, KIND_LABELS, ROLE_LABELS
from services.approvals.requests import Decided, Outcome
from services.i18n.catalogs import N_
from services.messaging.messages import Button, OutMessage

REFUSALS = {
    Outcome.NOT_FOUND: NOT_FOUND,
    Outcome.NOT_ALLOWED: N_("You are not allowed to decide this request."),
    Outcome.NOT_YOUR_TURN: N_("This request has not reached your step yet."),
    Outcome.WITHDRAWN: N_("The requester withdrew this request."),
}


def outcome_text(ctx: Ctx, result: Decided) -> str:
    """What the presser is told, in their language."""
    _ = ctx._
    if result.outcome == Outcome.ALREADY_DECIDED:
        if result.by is None or result.at is None:
            return _("This request was already decided.")
        return _("Already decided: {by} {verdict} it at {at}.").format(
            by=result.by, verdict=_(DECISION_LABELS.get(result.decision or "", DECISION_LABELS["approve"])),
            at=result.at.astimezone(ctx.me.tz).strftime("%Y-%m-%d %H:%M"))
    if result.outcome != Outcome.DONE:
        return _(REFUSALS.get(result.outcome, NOT_FOUND))
    if result.status == "pending":
        return _("✅ Approved. Next: {names} ({role}).").format(
            names=result.next_names or "—", role=_(ROLE_LABELS.get(result.next_role or "", result.next_role or "")))
    return {"approved": _("✅ Approved. The request is now fully approved."),
            "rejected": _("❌ Rejected. The requester has been told."),
            "returned": _("↩ Sent back. The requester can change it and resubmit.")}.get(result.status or "", "")


def on_button(ctx: Ctx) -> None:
    """A tap on a card; forged, foreign or stale data changes nothing."""
    press = ctx.pressed
    request_id, step, action = press.id("request"), press.id("step"), StepAction(press.word("action"))
    if action != StepAction.APPROVE:
        _ask(ctx, request_id, step, QUESTIONS[action])
        return
    pressed = (ctx.inbound.chat_id, ctx.inbound.message_id) if ctx.inbound.message_id else None
    result = approvals.decide(ctx.app.uow(), request_id=request_id, step=step, approver_id=ctx.me.id,
                              decision=Decision.APPROVE, comment=None, now=ctx.app.now(),
                              pressed=pressed)
    if result.outcome != Outcome.DONE:
        ctx.answer(outcome_text(ctx, result), alert=True)
        return
    ctx.answer(outcome_text(ctx, result))
    if ctx.inbound.message_id and result.card_text:
        ctx.edit(ctx.inbound.message_id, result.card_text)


def _ask(ctx: Ctx, request_id: int, step: int, form: Form) -> None:
    """One tap opens the question (only for the approver whose turn it is)."""
    turn = approvals.check_turn(ctx.app.uow(), request_id=request_id, step=step, approver_id=ctx.me.id)
    if turn.outcome != Outcome.DONE:
        ctx.answer(outcome_text(ctx, turn), alert=True)
        return
    ctx.answer()
    start_form(ctx, form, context={"request_id": request_id, "step": step})


def _decide_with(decision: Decision) -> Any:
    """A save function deciding the step with the typed text as its comment / reason."""
    def save(ctx: Ctx, answers: Answers, context: dict[str, Any]) -> str:
        text = str(answers.get("text") or "").strip()
        if not text:  # a draft of an older shape of this form: ask again from the card
            return ctx._(OUT_OF_DATE)
        result = approvals.decide(ctx.app.uow(), request_id=int(context["request_id"]), step=int(context["step"]),
                                  approver_id=ctx.me.id, decision=decision, comment=text,
                                  now=ctx.app.now())
        return outcome_text(ctx, result)
    return save


def _question(name: str, title: str, prompt: str, decision: Decision) -> Form:
    """A one-question form: the answer is sent at once (no summary), so a decision with text is two steps."""
    return register_form(Form(name, title, fields=(
        Field("text", title, prompt, Kind.long_text, max_length=1000),), save=_decide_with(decision), review=False))


QUESTIONS = {
    StepAction.COMMENT: _question("approval_comment", N_("Approve with comment"),
                                  N_("Type your comment; the request is approved with it."), Decision.APPROVE),
    StepAction.REJECT: _question("approval_reject", N_("Reason for rejecting"),
                                 N_("Why is it rejected? The requester will read your reason."), Decision.REJECT),
    StepAction.SEND_BACK: _question("approval_send_back", N_("What to change"),
                                    N_("What should the requester change? They edit the same request and resubmit."),
                                    Decision.SEND_BACK),
}


def pending(ctx: Ctx) -> None:
    """/pending: every request waiting for my decision, each with its buttons."""
    cards = approval_queries.pending_cards(ctx.app.uow(), approver_id=ctx.me.id, locale=ctx.locale)
    if not cards:
        ctx.reply(ctx._("Nothing waits for your approval."))
        return
    ctx.reply(ctx._("{n} request(s) wait for your decision:").format(n=len(cards)))
    for card in cards:
        ctx.reply(card)


def my_requests(ctx: Ctx) -> None:
    """/requests: what I asked for, the whole chain of each, and what I can do with it now."""
    lines = approval_queries.my_requests(ctx.app.uow(), requester_id=ctx.me.id, locale=ctx.locale)
    if not lines:
        ctx.reply(ctx._("You have no requests. Use /leave or /expense."))
        return
    rows = _action_rows(ctx, lines)
    ctx.reply(OutMessage(approval_queries.listing_text(ctx._, lines), buttons=rows,
                         card=listing_key(ctx.me.id) if rows else None))


def office_waiting(ctx: Ctx) -> None:
    """Under an office head's /status: the office's requests waiting on others, with 催办 buttons."""
    lines = approval_queries.office_waiting(ctx.app.uow(), head_id=ctx.me.id, locale=ctx.locale)
    if lines and ctx.me.office_id is not None:
        ctx.reply(OutMessage(approval_queries.waiting_text(ctx._, lines), buttons=_action_rows(ctx, lines),
                             card=office_list_key(ctx.me.office_id)))


def _action_rows(ctx: Ctx, lines: list[approval_queries.RequestLine]) -> tuple[tuple[Button, ...], ...]:
    """One row of buttons per request that has any."""
    return tuple(tuple(Button(ctx._(ACTION_LABELS[a]).format(id=line.request_id),
                              pack(REQUEST_KINDS[a], request=line.request_id))
                       for a in line.actions) for line in lines if line.actions)


def on_withdraw(ctx: Ctx) -> None:
    """`WITHDRAW`: withdraw my request if no approver has decided it yet."""
    request_id = ctx.pressed.id("request")
    result = approvals.withdraw(ctx.app.uow(), request_id=request_id, requester_id=ctx.me.id, now=ctx.app.now())
    if result.outcome != Outcome.DONE:
        ctx.answer(outcome_text(ctx, result), alert=True)
        return
    ctx.answer()
    ctx.reply(ctx._("{kind} #{id} withdrawn.").format(kind=ctx._(KIND_LABELS.get(result.kind or "", "")),
                                                             id=result.request_id))


def on_nudge(ctx: Ctx) -> None:
    """`NUDGE`: 催办 — the waiting approver is reminded now, at most once per step per hour."""
    request_id = ctx.pressed.id("request")
    result = approval_changes.nudge(ctx.app.uow(), request_id=request_id, actor_id=ctx.me.id, now=ctx.app.now())
    if result.outcome == Outcome.DONE:
        ctx.answer(ctx._("🔔 Reminded {who} ({role}).").format(who=result.to, role=result.role))
    elif result.outcome == Outcome.NOT_ALLOWED and result.next_at is not None:
        ctx.answer(ctx._("Already nudged within the hour; you can nudge again after {at}.").format(
            at=result.next_at.astimezone(ctx.me.tz).strftime("%H:%M")), alert=True)
    elif result.outcome == Outcome.ALREADY_DECIDED:
        ctx.answer(ctx._("This request is no longer waiting for a decision."), alert=True)
    else:
        ctx.answer(ctx._(NOT_FOUND), alert=True)


def register(router: Router) -> None:
    """Declare the approval commands and buttons."""
    router.command("pending", pending, N_("requests waiting for your approval"), order=30)
    router.command("requests", my_requests, N_("your requests and where they stand"), order=31)
    router.callback(APPROVAL_STEP, on_button)
    router.callback(WITHDRAW, on_withdraw)
    router.callback(NUDGE, on_nudge)
