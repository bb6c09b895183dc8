"""Approving in chat: the card's buttons, the comment form, /pending and /requests with Withdraw.

```mermaid
flowchart LR
  C[card: apv:id:step:a/r/c] -->|a / r| D{decide: conditional UPDATE}
  D -->|won| E[card edited; requester told; next approvers get the card]
  D -->|lost / stale| X[alert: already decided by X at …]
  C -->|c| F[comment form: text → approve / reject] --> D
  Q[/requests/] -->|apw:id| W{withdraw if nobody decided yet}
```
"""

from __future__ import annotations

from typing import Any

from domain.approvals import Decision
from handlers.context import Ctx
from handlers.forms.engine import start_form
from handlers.forms.spec import Answers, Field, Form, Kind, register_form
from handlers.ids import parse_id
from handlers.router import Router
from services import approval_queries, approvals
from services.approval_notices import KIND_LABELS, ROLE_LABELS
from services.approvals import Decided, Outcome
from services.i18n import N_
from services.messages import Button, OutMessage

ACTIONS = {"a": Decision.APPROVE, "r": Decision.REJECT}
REFUSALS = {
    Outcome.NOT_FOUND: N_("Not found."),
    Outcome.NOT_ALLOWED: N_("You are not allowed to decide this request."),
    Outcome.NOT_YOUR_TURN: N_("This request has not reached your step yet."),
    Outcome.WITHDRAWN: N_("The requester withdrew this request."),
}


def parse_apv(data: str) -> tuple[int, int, str] | None:
    """`apv:<request id>:<step>:<a|r|c>` → its parts; anything else → None."""
    parts = data.split(":")
    if len(parts) != 4 or parse_id(parts[1]) is None or parse_id(parts[2]) is None or parts[3] not in ("a", "r", "c"):
        return None
    return int(parts[1]), int(parts[2]), parts[3]


def outcome_text(ctx: Ctx, result: Decided) -> str:
    """What the presser is told, in their language."""
    _ = ctx._
    if result.outcome == Outcome.ALREADY_DECIDED:
        if result.by is None or result.at is None:
            return _("This request was already decided.")
        verdict = _("approved") if result.decision == "approve" else _("rejected")
        return _("Already decided: {by} {verdict} it at {at}.").format(
            by=result.by, verdict=verdict, at=result.at.astimezone(ctx.me.tz).strftime("%Y-%m-%d %H:%M"))
    if result.outcome != Outcome.DONE:
        return _(REFUSALS.get(result.outcome, N_("Not found.")))
    if result.status == "pending":
        return _("✅ Approved. Next: {names} ({role}).").format(
            names=result.next_names or "—", role=_(ROLE_LABELS.get(result.next_role or "", result.next_role or "")))
    return {"approved": _("✅ Approved. The request is now fully approved."),
            "rejected": _("❌ Rejected. The requester has been told.")}.get(result.status or "", "")


def on_button(ctx: Ctx) -> None:
    """Approve / Reject / Comment on a card; forged, foreign or stale data changes nothing."""
    parsed = parse_apv(ctx.inbound.callback_data or "")
    if parsed is None:
        ctx.answer(ctx._("Not found."), alert=True)
        return
    request_id, step, action = parsed
    if action == "c":
        _open_comment(ctx, request_id, step)
        return
    result = approvals.decide(ctx.app.uow(), request_id=request_id, step=step, approver_id=ctx.me.id,
                              decision=ACTIONS[action], comment=None, now=ctx.app.now(),
                              default_timezone=ctx.app.default_timezone)
    if result.outcome != Outcome.DONE:
        ctx.answer(outcome_text(ctx, result), alert=True)
        return
    ctx.answer(outcome_text(ctx, result))
    if ctx.inbound.message_id and result.card_text:
        ctx.edit(ctx.inbound.message_id, result.card_text)


def _open_comment(ctx: Ctx, request_id: int, step: int) -> None:
    """Ask for the comment, then approve or reject with it (only the current approver gets this far)."""
    turn = approvals.check_turn(ctx.app.uow(), request_id=request_id, step=step, approver_id=ctx.me.id)
    if turn.outcome != Outcome.DONE:
        ctx.answer(outcome_text(ctx, turn), alert=True)
        return
    ctx.answer()
    start_form(ctx, COMMENT, context={"request_id": request_id, "step": step})


def _save_comment(ctx: Ctx, answers: Answers, context: dict[str, Any]) -> str:
    """Decide with the comment; if someone else was faster, say so."""
    result = approvals.decide(ctx.app.uow(), request_id=int(context["request_id"]), step=int(context["step"]),
                              approver_id=ctx.me.id, decision=Decision(answers["decision"]),
                              comment=answers["comment"], now=ctx.app.now(),
                              default_timezone=ctx.app.default_timezone)
    return outcome_text(ctx, result)


COMMENT = register_form(Form("approval_comment", N_("Comment on a request"), fields=(
    Field("comment", N_("Comment"), N_("Type your comment for the requester."), Kind.long_text, max_length=1000),
    Field("decision", N_("Decision"), N_("Approve or reject, with this comment?"), Kind.choice,
          choices=(("approve", N_("✅ Approve")), ("reject", N_("❌ Reject")))),
), save=_save_comment, save_label=N_("Send")))


def pending(ctx: Ctx) -> None:
    """/pending: every request waiting for my decision, each with its buttons."""
    cards = approval_queries.pending_cards(ctx.app.uow(), approver_id=ctx.me.id, locale=ctx.locale,
                                           default_timezone=ctx.app.default_timezone)
    if not cards:
        ctx.reply(ctx._("Nothing waits for your approval."))
        return
    ctx.reply(ctx._("{n} request(s) wait for your decision:").format(n=len(cards)))
    for card in cards:
        ctx.reply(card)


def my_requests(ctx: Ctx) -> None:
    """/requests: what I asked for and where each stands; Withdraw while nobody has decided."""
    lines = approval_queries.my_requests(ctx.app.uow(), requester_id=ctx.me.id, locale=ctx.locale)
    if not lines:
        ctx.reply(ctx._("You have no requests. Use /leave or /expense."))
        return
    buttons = tuple((Button(ctx._("↩ Withdraw #{id}").format(id=line.request_id), f"apw:{line.request_id}"),)
                    for line in lines if line.withdrawable)
    text = "\n".join([ctx._("Your requests:"), *(f"• {line.text}" for line in lines)])
    ctx.reply(OutMessage(text, buttons=buttons))


def on_withdraw(ctx: Ctx) -> None:
    """`apw:<id>`: withdraw my request if no approver has decided it yet."""
    raw = (ctx.inbound.callback_data or "").split(":")
    if len(raw) != 2 or parse_id(raw[1]) is None:
        ctx.answer(ctx._("Not found."), alert=True)
        return
    result = approvals.withdraw(ctx.app.uow(), request_id=int(raw[1]), requester_id=ctx.me.id, now=ctx.app.now())
    if result.outcome != Outcome.DONE:
        ctx.answer(outcome_text(ctx, result), alert=True)
        return
    ctx.answer()
    ctx.reply(ctx._("{kind} #{id} withdrawn.").format(kind=ctx._(KIND_LABELS.get(result.kind or "", "")),
                                                             id=result.request_id))


def register(router: Router) -> None:
    """Declare the approval commands and buttons."""
    router.command("pending", pending, N_("requests waiting for your approval"), order=30)
    router.command("requests", my_requests, N_("your requests and where they stand"), order=31)
    router.callback("apv", on_button)
    router.callback("apw", on_withdraw)
