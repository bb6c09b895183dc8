"""What happens around a step becoming current or being decided: hand-over while away, cards, CC.

- `activate`: the step now waiting goes to its approvers — or, when all of them are on approved leave
  today, to their deputies or managers (代理审批, `domain.approval_routing.delegate`), and the
  requester is told who stands in; then the card goes out.
- `retire`: every copy of the request's card, wherever it was shown (push, /pending, reminder), is
  edited to the decided text without buttons.
- `retire_requester_side`: the requester's own cards (the submission reply's 撤回 / 催办, a progress notice's
  催办, the 退回修改 notice's 修改 / 撤回), their /requests listings and the heads' waiting lists under
  /status are edited the same way when what they offered is over.
- `tell_cc`: at the end, the people copied (抄送) hear the outcome, with no buttons to decide (finance
  gets 补发票 on an approved claim still without its invoice).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from domain.approval_callbacks import card_key, listing_key, office_list_key
from domain.approval_routing import ChainStep, delegate, next_level
from domain.roles import INVOICE_MARKER_ROLES
from services.approvals.notices import (
    STATUS_LABELS,
    awaits_invoice,
    card,
    current_step,
    headline,
    invoice_button,
    names,
    requester_view,
    role_label,
    send_card,
    steps_of,
)
from services.approvals.queries import retired_listing, retired_waiting
from services.i18n.catalogs import translator
from services.messaging import cards, outbox
from services.messaging.messages import Button, OutMessage
from services.platform.staff import HQ_ROLES, holders_of, manager_of
from storage.models import ApprovalRequest, Staff


def activate(session: Session, req: ApprovalRequest, *, away: set[int], now: datetime,
             note_id: str | None = None, note_params: dict[str, str] | None = None) -> ChainStep | None:
    """Send the current step's card, handing the step over first when all its approvers are away."""
    step = current_step(req)
    if step is None:
        return None
    handed = hand_over(session, req, away=away, now=now) or step
    send_card(session, req, to=handed.approvers, now=now, note_id=note_id, note_params=note_params)
    return handed


def hand_over(session: Session, req: ApprovalRequest, *, away: set[int], now: datetime) -> ChainStep | None:
    """代理审批: when every approver of the waiting step is away, give the step to stand-ins and tell the
    requester; the new step, or None when nothing changed (someone is at work, or nobody can stand in)."""
    step = current_step(req)
    if step is None:
        return None
    handed = delegate(step, away=away, substitutes=lambda absent: _substitutes(session, absent, step.role, req),
                      requester_id=req.requester_id)
    if handed == step:
        return None
    chain = list(req.chain)
    chain[req.step_index] = handed.to_json()
    req.chain, req.step_since = chain, now  # the stand-in's wait starts now: reminders count from here
    flag_modified(req, "chain")
    session.flush()
    retire(session, req, step=req.step_index, round_=req.round, now=now,
           final=False)  # the absent approvers' copies, if the step had reached them already
    _tell_delegated(session, req, handed, now=now)
    return handed


def _substitutes(session: Session, absent_id: int, role: str, req: ApprovalRequest) -> list[tuple[int, str]]:
    """Who may stand in for an absent approver (and as what): their manager, then the level above."""
    person = session.get(Staff, absent_id)
    found: list[tuple[int, str]] = []
    boss = manager_of(session, staff=person) if person is not None else None
    if boss is not None and boss.active:
        found.append((boss.id, "manager"))
    office_id = person.office_id if person is not None else req.office_id

    def holders(r: str) -> list[int]:
        return [s.id for s in holders_of(session, role=r, office_id=office_id)] if r in HQ_ROLES or office_id else []

    higher = next_level(role, holders, exclude={absent_id, req.requester_id})
    return found + [(p, higher[0]) for p in higher[1]] if higher else found


def _tell_delegated(session: Session, req: ApprovalRequest, step: ChainStep, *, now: datetime) -> None:
    """The requester learns that the approver is on leave and who decides instead."""
    requester = session.get(Staff, req.requester_id)
    if requester is None:
        return
    _ = translator(requester.locale)
    text = _("{away} is on leave today, so {title} goes to {who} ({role}) instead.").format(
        away=names(session, step.delegated_from), title=headline(_, req), who=names(session, step.approvers),
        role=role_label(_, step))
    outbox.enqueue(session, staff_id=requester.id, message=OutMessage(text), now=now)


def retire(session: Session, req: ApprovalRequest, *, step: int, round_: int, now: datetime,
           skip: tuple[str, str] | None = None, final: bool = True) -> int:
    """Edit every shown copy of the card of `step` (of `round_`) to where the request stands now, without buttons."""
    def render(viewer: Staff | None) -> OutMessage:
        return card(session, req, locale=viewer.locale if viewer else "zh_CN", buttons=False)
    return cards.retire(session, card=card_key(req.id, step, round_), render=render, now=now, skip=skip,
                        final=final)


def retire_requester_side(session: Session, req: ApprovalRequest, *, keys: Iterable[str], now: datetime) -> None:
    """The requester's cards under `keys` become where the request stands, without buttons; so do their
    /requests listings and the office heads' waiting lists (shown again fresh, buttons on a new /requests)."""
    def render(viewer: Staff | None) -> OutMessage:
        return requester_view(session, req, locale=viewer.locale if viewer else "zh_CN")
    for key in keys:
        cards.retire(session, card=key, render=render, now=now)
    cards.retire(session, card=listing_key(req.requester_id), now=now, final=False,
                 render=lambda viewer: retired_listing(session, viewer=viewer, requester_id=req.requester_id))
    if req.office_id is not None:
        cards.retire(session, card=office_list_key(req.office_id), now=now, final=False,
                     render=lambda viewer: retired_waiting(session, viewer=viewer))


def tell_cc(session: Session, req: ApprovalRequest, *, now: datetime) -> None:
    """抄送: once the request is approved or rejected, each copied person hears it — no buttons."""
    if req.status not in ("approved", "rejected"):
        return
    for staff_id in dict.fromkeys(int(i) for i in req.cc or []):
        person = session.get(Staff, staff_id)
        if person is None or not person.active:
            continue
        _ = translator(person.locale)
        text = _("📋 For your information (CC): {title} {status}.").format(
            title=headline(_, req), status=_(STATUS_LABELS.get(req.status, req.status)))
        body = card(session, req, locale=person.locale, buttons=False).text
        buttons: tuple[tuple[Button, ...], ...] = ()
        if awaits_invoice(req) and person.roles & INVOICE_MARKER_ROLES:
            buttons = ((invoice_button(_, req),),)
        outbox.enqueue(session, staff_id=staff_id, message=OutMessage(f"{text}\n{body}", buttons=buttons), now=now)


def last_step_of(req: ApprovalRequest) -> ChainStep | None:
    """The step the request stopped at (rejected / sent back), for messages about it."""
    steps = steps_of(req)
    return steps[req.step_index] if 0 <= req.step_index < len(steps) else None
