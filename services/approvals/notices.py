"""How a request looks in chat: the approver's card with its buttons, and the requester's updates.

Every text is rendered in the recipient's language; messages to other people go through the outbox
in the caller's transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.approval_callbacks import RequestAction, StepAction, card_key, requester_card_key
from domain.approval_routing import ChainStep
from domain.approvals import NOT_WITHDRAWABLE, RequestStatus, can_copy, can_resubmit, can_withdraw
from domain.callbacks import APPROVAL_STEP, COPY, INVOICE, REQUEST_KINDS, RESUBMIT, pack
from services.i18n.catalogs import N_, Translate, translator
from services.i18n.display import money
from services.i18n.role_labels import ROLE_LABELS
from services.i18n.words import CATEGORY_LINE, PROBATION_LINE, STATUS_LINE, yes_no
from services.leave.notice import leave_lines
from services.messaging import outbox
from services.messaging.messages import Button, OutMessage
from services.platform import zones
from storage.models import ApprovalRequest, ApprovalStep, Office, Staff

KIND_LABELS = {
    "leave": N_("Leave"),
    "outing": N_("Outing"),
    "trip": N_("Business trip"),
    "expense": N_("Expense claim"),
    "overtime": N_("Overtime"),
    "confirmation": N_("Confirmation (转正)"),
    "purchase": N_("Purchase"),
}
CATEGORY_LABELS = {
    "rent": N_("Rent"),
    "utilities": N_("Utilities"),
    "office": N_("Office supplies"),
    "phone": N_("Phone bills"),
    "transport": N_("Transport"),
    "travel": N_("Travel"),
    "entertainment": N_("Entertainment"),
    "gifts": N_("Gifts"),
    "other": N_("Other"),
    "project": N_("Project expense"),
    "intermediary_fee": N_("Intermediary fee"),
}
STATUS_LABELS = {
    "pending": N_("in progress"),
    "approved": N_("fully approved"),
    "rejected": N_("was rejected"),
    "withdrawn": N_("withdrawn"),
    "returned": N_("sent back for changes"),
}
DECISION_LABELS = {"approve": N_("approved"), "reject": N_("rejected"), "send_back": N_("sent back for changes")}
CHAIN_HEADING = N_("Approval chain:")
DECISION_ICONS = {"approve": "✅", "reject": "❌", "send_back": "↩"}
ACTION_LABELS = {
    RequestAction.WITHDRAW: N_("↩ Withdraw #{id}"),
    RequestAction.NUDGE: N_("🔔 Nudge #{id}"),
    RequestAction.RESUBMIT: N_("✏️ Change #{id}"),
    RequestAction.COPY: N_("📄 Copy #{id}"),
    RequestAction.INVOICE: N_("🧾 Invoice received #{id}"),
}


def steps_of(req: ApprovalRequest) -> list[ChainStep]:
    """The request's resolved chain."""
    return [ChainStep.from_json(item) for item in req.chain or [] if isinstance(item, dict)]


def current_step(req: ApprovalRequest) -> ChainStep | None:
    """The step waiting for a decision, if the request is pending."""
    steps = steps_of(req)
    if req.status != "pending" or not 0 <= req.step_index < len(steps):
        return None
    return steps[req.step_index]


def office_tz(session: Session, req: ApprovalRequest) -> ZoneInfo:
    """The requester's office time zone, for showing dates and times."""
    return zones.office_zone(session, req.office_id)


def names(session: Session, ids: tuple[int, ...] | list[int]) -> str:
    """People's names joined for a sentence."""
    people = [session.get(Staff, i) for i in ids]
    return "、".join(p.name for p in people if p is not None) or "—"


def role_label(_: Translate, step: ChainStep | None) -> str:
    """The role of a step in the reader's language."""
    return _(ROLE_LABELS.get(step.role, step.role)) if step else ""


def headline(_: Translate, req: ApprovalRequest) -> str:
    """'Expense claim #12 · ¥4,800.00' or 'Leave #7 · 2026-11-25 – 2026-11-26'."""
    title = _("{kind} no. {id}").format(kind=_(KIND_LABELS.get(req.kind, req.kind)), id=req.id)
    if req.kind in ("expense", "purchase"):
        return f"{title} · {money(req.amount)}"
    if req.first_day and req.last_day:
        return f"{title} · {req.first_day.isoformat()} – {req.last_day.isoformat()}"
    return title


def detail_lines(session: Session, _: Translate, req: ApprovalRequest) -> list[str]:
    """What the request asks for, line by line."""
    payload = req.payload or {}
    requester = session.get(Staff, req.requester_id)
    office = session.get(Office, req.office_id) if req.office_id else None
    lines = [_("From: {name} ({office})").format(name=requester.name if requester else "?",
                                                office=office.name if office else "—")]
    if req.kind == "expense":
        lines.append(_("Amount: {amount}").format(amount=money(req.amount)))
        lines.append(_(CATEGORY_LINE).format(category=_(CATEGORY_LABELS.get(req.category or "", "—"))))
        lines.append(_("Date: {date}").format(date=payload.get("spent_on", "—")))
        lines.extend(invoice_lines(_, payload))
    elif req.kind == "purchase":
        lines.append(_("Item: {item} × {quantity} at ¥{price} each").format(
            item=payload.get("item", "—"), quantity=payload.get("quantity", "—"), price=payload.get("unit_price", "—")))
        lines.append(_("Estimated total: {amount}").format(amount=money(req.amount)))
    elif req.kind == "confirmation" and req.first_day and req.last_day:
        lines.append(_(PROBATION_LINE).format(first=req.first_day.isoformat(),
                                                              last=req.last_day.isoformat()))
    elif req.first_day and req.last_day:
        days = (req.last_day - req.first_day).days + 1
        lines.append(_("Days: {first} – {last} ({n} day(s))").format(
            first=req.first_day.isoformat(), last=req.last_day.isoformat(), n=days))
    lines.extend(leave_lines(_, req.kind, payload))
    for key, msgid in (("destination", N_("Destination: {text}")), ("purpose", N_("Purpose: {text}")),
                       ("reason", N_("Reason: {text}")), ("customer_name", N_("Customer: {text}")),
                       ("project", N_("Project: {text}")),
                       ("evaluations", N_("Evaluations: {text}"))):
        if payload.get(key):
            lines.append(_(msgid).format(text=payload[key]))
    if req.photos:
        lines.append(_("Receipts: {n} photo(s)").format(n=len(req.photos)))
    # the seed's cost control (issue #11); imported here: expense_control → payments → report_roster → approvals
    from services.expenses.control import flag_lines
    return lines + flag_lines(session, _, req)


def awaits_invoice(req: ApprovalRequest) -> bool:
    """An approved expense claim submitted without an invoice that has not come yet (补发票 offered)."""
    return req.kind == "expense" and req.status == "approved" and (req.payload or {}).get("invoice") is False


def invoice_button(_: Translate, req: ApprovalRequest) -> Button:
    """🧾 补发票: the invoice came later."""
    return Button(_("🧾 Invoice received (补发票)"), pack(INVOICE, request=req.id))


def invoice_lines(_: Translate, payload: dict[str, Any]) -> list[str]:
    """有无发票 of an expense claim, and when an invoice came later (补发票); nothing for older claims."""
    if "invoice" not in payload:
        return []
    lines = [_("Invoice: {answer}").format(answer=yes_no(_, payload["invoice"]))]
    if payload.get("invoice_received_on"):
        lines[0] = _("Invoice: received later on {day}").format(day=payload["invoice_received_on"])
    return lines


def history_lines(session: Session, _: Translate, req: ApprovalRequest, tz: ZoneInfo) -> list[str]:
    """Each decision so far: who, when, what, and the comment."""
    rows = session.scalars(select(ApprovalStep).where(ApprovalStep.request_id == req.id)
                           .order_by(ApprovalStep.round, ApprovalStep.step_index)).all()
    lines = []
    for row in rows:  # the role stored with the decision: a resubmitted request may walk another chain
        who = session.get(Staff, row.approver_id)
        verdict = DECISION_LABELS.get(row.decision, row.decision)
        line = _("{icon} {name} ({role}), {when}: {decision}").format(
            icon=DECISION_ICONS.get(row.decision, "•"), name=who.name if who else "?",
            role=_(ROLE_LABELS.get(row.role, row.role)), when=row.decided_at.astimezone(tz).strftime("%m-%d %H:%M"),
            decision=_(verdict))
        lines.append(line + (f" — “{row.comment}”" if row.comment else ""))
    return lines


def card(session: Session, req: ApprovalRequest, *, locale: str,
         note: str | None = None, buttons: bool = True) -> OutMessage:
    """The approver's view of a request, with Approve / Reject / Comment for the current step."""
    _ = translator(locale)
    tz = office_tz(session, req)
    step = current_step(req)
    lines = [f"📝 {headline(_, req)}"]
    if note:
        lines.append(note)
    if step is not None and buttons:
        lines.append(_("Step {n} of {total}: {role}").format(
            n=req.step_index + 1, total=len(steps_of(req)), role=role_label(_, step)))
    lines += detail_lines(session, _, req) + history_lines(session, _, req, tz)
    if not buttons:
        lines.append(standing(session, _, req))
    if step is None or not buttons:
        return OutMessage("\n".join(lines))
    def tap(label: str, action: StepAction) -> Button:
        return Button(_(label), pack(APPROVAL_STEP, request=req.id, step=req.step_index, action=action.value))
    rows = ((tap(N_("✅ Approve"), StepAction.APPROVE), tap(N_("💬 Approve with comment"), StepAction.COMMENT)),
            (tap(N_("❌ Reject"), StepAction.REJECT), tap(N_("↩ Send back for changes"), StepAction.SEND_BACK)))
    return OutMessage("\n".join(lines), buttons=rows, card=card_key(req.id, req.step_index, req.round))


def chain_lines(session: Session, _: Translate, req: ApprovalRequest, tz: ZoneInfo) -> list[str]:
    """The whole chain up front: each step's people and role, who decided when, and whose turn it is."""
    decided = {row.step_index: row for row in session.scalars(
        select(ApprovalStep).where(ApprovalStep.request_id == req.id, ApprovalStep.round == req.round))}
    lines = []
    for index, step in enumerate(steps_of(req)):
        who = f"{names(session, step.approvers)}（{role_label(_, step)}）"
        row = decided.get(index)
        if row is not None:
            mark = " ".join((DECISION_ICONS.get(row.decision, "•"), _(DECISION_LABELS.get(row.decision, "")),
                             row.decided_at.astimezone(tz).strftime("%m-%d %H:%M")))
        elif req.status == "pending" and index == req.step_index:
            mark = _("⏳ now deciding")
        elif req.status == "pending":
            mark = _("waiting")
        else:
            mark = _("not reached")
        lines.append(f"  {index + 1}. {who} — {mark}")
        if step.delegated_from:
            lines.append("     " + _("(standing in for {who}, on leave)").format(
                who=names(session, step.delegated_from)))
    return lines


def standing(session: Session, _: Translate, req: ApprovalRequest) -> str:
    """Where the request stands now: whose turn it is, or how it ended."""
    step = current_step(req)
    if step is None:
        return _(STATUS_LINE).format(status=_(STATUS_LABELS.get(req.status, req.status)))
    return _("Now waiting for {who} ({role}), step {n} of {total}.").format(
        who=names(session, step.approvers), role=role_label(_, step), n=req.step_index + 1,
        total=len(steps_of(req)))


def send_card(session: Session, req: ApprovalRequest, *, to: tuple[int, ...], now: datetime,
              note_id: str | None = None, note_params: dict[str, str] | None = None) -> None:
    """Queue the card (and the receipt photos) for each person in `to`, in their language."""
    for staff_id in to:
        person = session.get(Staff, staff_id)
        if person is None:
            continue
        _ = translator(person.locale)
        note = _(note_id).format(**(note_params or {})) if note_id else None
        message = card(session, req, locale=person.locale, note=note)
        outbox.enqueue(session, staff_id=staff_id, message=message, now=now)
        if req.photos:
            text = _("Receipts for {title}").format(title=headline(_, req))
            outbox.enqueue(session, staff_id=staff_id, message=OutMessage(text, photos=tuple(req.photos)), now=now)


def tell_withdrawn(session: Session, req: ApprovalRequest, *, now: datetime) -> None:
    """The current step's approvers learn that the requester withdrew the request."""
    requester = session.get(Staff, req.requester_id)
    steps = steps_of(req)
    for staff_id in steps[req.step_index].approvers if req.step_index < len(steps) else ():
        person = session.get(Staff, staff_id)
        if person is not None:
            _ = translator(person.locale)
            text = _("{who} withdrew {title}; nothing to decide.").format(
                who=requester.name if requester else "?", title=headline(_, req))
            outbox.enqueue(session, staff_id=staff_id, message=OutMessage(text), now=now)


def tell_requester(session: Session, req: ApprovalRequest, *, decider: Staff, step: ChainStep,
                   comment: str | None, now: datetime) -> None:
    """After a decision: approved so far (and who is next), fully approved, rejected (with the reason and
    a Copy button) or sent back for changes (with what to change and a Change-and-resubmit button)."""
    requester = session.get(Staff, req.requester_id)
    if requester is None:
        return
    _ = translator(requester.locale)
    title = headline(_, req)
    who = f"{decider.name}（{role_label(_, step)}）"
    nxt = current_step(req)
    buttons: tuple[tuple[Button, ...], ...] = ()
    comment_id = N_("Comment: {comment}")
    if req.status == "rejected":
        text = _("Your request {title} was rejected by {who}.").format(title=title, who=who)
        comment_id = N_("Reason: {comment}")
        buttons = ((Button(_("📄 Copy into a new request"), pack(COPY, request=req.id)),),)
    elif req.status == "returned":
        text = _("Your request {title} was sent back for changes by {who}.").format(title=title, who=who)
        comment_id = N_("What to change: {comment}")
        buttons = ((Button(_("✏️ Change and resubmit"), pack(RESUBMIT, request=req.id)),),)
    elif nxt is not None:
        text = _("Your request {title} was approved by {who}. Now waiting for {next}.").format(
            title=title, who=who, next=f"{names(session, nxt.approvers)}（{role_label(_, nxt)}）")
    else:
        text = _("Your request {title} is fully approved (last approval: {who}).").format(title=title, who=who)
        if awaits_invoice(req):
            text += "\n" + _("No invoice yet: tap the button when it arrives.")
            buttons = ((invoice_button(_, req),),)
    if comment:
        text += "\n" + _(comment_id).format(comment=comment)
    if req.status == "returned":
        withdraw = tuple(a for a in actions_for(req) if a == RequestAction.WITHDRAW)  # not a 转正 request
        buttons = ((*buttons[0], *action_buttons(_, req, withdraw)),)
    elif nxt is not None:
        buttons = (action_buttons(_, req, actions_for(req)),)
    key = requester_card(req) if buttons and req.status != "rejected" else None  # a copy never goes stale
    outbox.enqueue(session, staff_id=requester.id, message=OutMessage(text, buttons=buttons, card=key), now=now)


def actions_for(req: ApprovalRequest) -> tuple[RequestAction, ...]:
    """Withdraw while nobody decided this round (or when sent back); nudge while pending; change when sent
    back; copy when rejected; 补发票 when approved without its invoice."""
    status = RequestStatus(req.status)
    withdraw = can_withdraw(status, req.step_index) and req.kind not in NOT_WITHDRAWABLE
    actions = []
    if status == RequestStatus.PENDING:
        actions += [RequestAction.WITHDRAW] if withdraw else []
        actions.append(RequestAction.NUDGE)
    if can_resubmit(status):
        actions += [RequestAction.RESUBMIT, RequestAction.WITHDRAW] if withdraw else [RequestAction.RESUBMIT]
    if can_copy(status):
        actions.append(RequestAction.COPY)
    if awaits_invoice(req):
        actions.append(RequestAction.INVOICE)
    return tuple(actions)


def action_buttons(_: Translate, req: ApprovalRequest, actions: tuple[RequestAction, ...]) -> tuple[Button, ...]:
    """The requester's buttons for a request (撤回 #7, 催办 #7…), in one row."""
    return tuple(Button(_(ACTION_LABELS[a]).format(id=req.id), pack(REQUEST_KINDS[a], request=req.id)) for a in actions)


def requester_card(req: ApprovalRequest) -> str | None:
    """The key of the requester's card for where the request stands: its waiting step, or its 退回修改."""
    if req.status == "pending":
        return requester_card_key(req.id, req.step_index, req.round)
    if req.status == "returned":
        return requester_card_key(req.id, None, req.round)
    return None


def requester_view(session: Session, req: ApprovalRequest, *, locale: str) -> OutMessage:
    """What a requester's card becomes once what it offered is over: where the request stands, no buttons."""
    _ = translator(locale)
    tz = office_tz(session, req)
    lines = [f"📝 {headline(_, req)}", standing(session, _, req), _(CHAIN_HEADING),
             *chain_lines(session, _, req, tz)]
    return OutMessage("\n".join(lines))
