"""Leaving (离职) in chat: /offboard NAME → pick who takes over → confirm → deactivated, work moved.

```mermaid
flowchart LR
  O[/offboard NAME/] --> W[open work + colleagues: off:leaver:successor] --> C[confirm: off:leaver:successor:y]
  C --> D{conditional UPDATE active}
  D -->|won| M[work reassigned, successor told, leaving checklist 交接/资产归还]
  D -->|lost| A[alert: already left]
```
"""

from __future__ import annotations

from domain.callbacks import OFFBOARD, OFFBOARD_CONFIRM, pack
from handlers.context import Ctx
from handlers.replies import NOT_FOUND
from handlers.router import Router
from services.i18n.catalogs import N_
from services.messaging.messages import Button, OutMessage
from services.people import leaving

MAX_COLLEAGUES = 12


def offboard(ctx: Ctx) -> None:
    """/offboard NAME: show the person's open work and ask who takes it over."""
    if len(ctx.inbound.args) != 1:
        ctx.reply(ctx._("Usage: /offboard NAME"))
        return
    found = leaving.open_work(ctx.app.uow(), viewer=ctx.me, name=ctx.inbound.args[0])
    if found is None:
        ctx.reply(ctx._("No active colleague of yours is called {name}.").format(name=ctx.inbound.args[0]))
        return
    staff_id, work = found
    if not work.colleagues:
        ctx.reply(ctx._("Nobody else in the office could take over the work of {name}.").format(name=work.name))
        return
    text = ctx._("{name} leaves. Open work: {to_decide} approval(s) to decide, {requests} request(s), "
                 "{repairs} repair(s), {drafts} bank draft(s). Who takes it over?").format(name=work.name,
                                                                                            **work.counts)
    rows = tuple((Button(name, pack(OFFBOARD, leaver=staff_id, successor=cid)),)
                 for cid, name in work.colleagues[:MAX_COLLEAGUES])
    ctx.reply(OutMessage(text, buttons=rows))


def on_button(ctx: Ctx) -> None:
    """`OFFBOARD` asks to confirm, `OFFBOARD_CONFIRM` deactivates; forged or stale ids change nothing."""
    staff_id, successor_id = ctx.pressed.id("leaver"), ctx.pressed.id("successor")
    if ctx.pressed.kind is OFFBOARD:
        ctx.reply(OutMessage(ctx._("Deactivate now and hand all open work to the chosen colleague? "
                                   "The person loses access to the bot at once."),
                             buttons=((Button(ctx._("Yes, deactivate"), pack(OFFBOARD_CONFIRM, leaver=staff_id,
                                                                                   successor=successor_id)),),)))
        return
    result = leaving.deactivate(ctx.app.uow(), viewer=ctx.me, staff_id=staff_id, successor_id=successor_id,
                                now=ctx.app.now())
    if result.outcome != "done":
        ctx.answer(ctx._("Already left.") if result.outcome == "already" else ctx._(NOT_FOUND), alert=True)
        return
    ctx.reply(ctx._("{name} is deactivated. {successor} now holds: {to_decide} approval(s) to decide, {requests} "
                    "request(s), {repairs} repair(s), {drafts} bank draft(s), {customers} customer(s); "
                    "{withdrawn} absence request(s) withdrawn.").format(
        name=result.name, successor=result.successor, **result.moved))
    card = leaving.leaving_checklist(ctx.app.uow(), staff_id=staff_id, viewer=ctx.me)
    if card is not None:
        ctx.reply(card)


def register(router: Router) -> None:
    """Declare /offboard and its buttons."""
    router.command("offboard", offboard, N_("a colleague leaves: deactivate and hand over their work"),
                   roles=set(leaving.MAY_OFFBOARD), order=730)
    router.callback(OFFBOARD, on_button)
    router.callback(OFFBOARD_CONFIRM, on_button)
