"""Fixed assets in chat: /asset registers one, /assets lists (or exports: /assets xlsx), a card moves it.

```mermaid
flowchart LR
  R[/asset form/] --> S[register: office store]
  L[/assets/] -->|ASSET| C[card: trail + moves]
  C -->|ASSET_TO_PERSON| M{conditional UPDATE}
  C -->|ASSET_TO_STORE| M
  C -->|ASSET_TO_OFFICE| M
  M -->|moved| T[trail entry + audit, holders told, card redrawn]
  M -->|unchanged| A[alert]
  Y[sweep, 1 December] --> K[admins: 盘点 checklist per office]
```
"""

from __future__ import annotations

from typing import Any

from domain.assets import valid_asset_no
from domain.callbacks import ASSET, ASSET_TO_OFFICE, ASSET_TO_PERSON, ASSET_TO_STORE, pack
from domain.roles import OFFICE_MANAGER_ROLES, OVERSIGHT_ROLES
from handlers.context import Ctx
from handlers.forms.engine import start_form
from handlers.forms.spec import Answers, Field, Form, FormError, Kind, register_form
from handlers.records.common import not_future
from handlers.replies import ASK_CATEGORY, DONE, NOT_ALLOWED, NOT_FOUND, POSITIVE_AMOUNT
from handlers.router import Router
from services.i18n.catalogs import N_
from services.messaging.messages import Button, OutMessage
from services.office import assets
from services.platform.text_limits import max_length

KEEPERS = OVERSIGHT_ROLES
MAX_LISTED = 30


def _asset_no(_ctx: Ctx, value: Any, _answers: Answers) -> str | None:
    """Letters, digits and - _ / only."""
    return None if valid_asset_no(str(value)) else N_("Use letters, digits and - _ / only, e.g. ZC-2026-001.")


def _positive(_ctx: Ctx, value: Any, _answers: Answers) -> str | None:
    """A value above zero."""
    return None if float(value) > 0 else POSITIVE_AMOUNT


def _save(ctx: Ctx, answers: Answers, _context: dict[str, Any]) -> str:
    """Register through the service; a taken number sends the person back to it."""
    outcome, _id = assets.register(ctx.app.uow(), viewer=ctx.me, data=answers, now=ctx.app.now())
    if outcome == "duplicate":
        raise FormError("asset_no", N_("This asset number is already registered."))
    if outcome != "done":
        raise FormError(None, NOT_ALLOWED)
    return ctx._("🏷 Asset {no} registered in the office store. /assets lists the register.").format(
        no=answers["asset_no"])


ASSET_FORM = register_form(Form(
    name="asset",
    title=N_("Fixed asset"),
    fields=(
        Field("asset_no", N_("Asset number"), N_("Asset number? For example ZC-2026-001."),
              max_length=max_length("fixed_assets.asset_no"), check=_asset_no),
        Field("name", N_("Name"), N_("What is it? For example: ThinkPad laptop."),
              max_length=max_length("fixed_assets.name")),
        Field("category", N_("Category"), ASK_CATEGORY, Kind.choice,
              choices=tuple((c.value, label) for c, label in assets.CATEGORY_LABELS.items())),
        Field("value", N_("Value (yuan)"), N_("Its value in yuan?"), Kind.decimal, max_value=99_999_999,
              check=_positive),
        Field("purchased_on", N_("Purchase date"), N_("When was it bought?"), Kind.date, check=not_future),
        Field("location", N_("Place"), N_("Where is it kept?"), required=False,
              max_length=max_length("fixed_assets.location")),
    ),
    save=_save,
))


def new_asset(ctx: Ctx) -> None:
    """/asset: register a fixed asset in one's office."""
    start_form(ctx, ASSET_FORM)


def list_assets(ctx: Ctx) -> None:
    """/assets: the office register with a button per asset; /assets xlsx: the register as a spreadsheet."""
    if ctx.inbound.args and ctx.inbound.args[0].lower() == "xlsx":
        sheet = assets.export(ctx.app.uow(), viewer=ctx.me)
        if sheet is None:
            ctx.reply(ctx._(NOT_ALLOWED))
            return
        ctx.reply(OutMessage(ctx._("The fixed asset register."), file=sheet))
        return
    rows = assets.office_assets(ctx.app.uow(), viewer=ctx.me)
    if rows is None:
        ctx.reply(ctx._(NOT_ALLOWED))
        return
    if not rows:
        ctx.reply(ctx._("No fixed assets registered yet. Send /asset to add one."))
        return
    lines = [ctx._("Fixed assets ({n}):").format(n=len(rows))]
    lines += [f"• {r.asset_no} {r.name} — {r.holder or ctx._(assets.IN_STORE)}" for r in rows]
    buttons = tuple((Button(f"{r.asset_no} {r.name}"[:40], pack(ASSET, asset=r.id)),) for r in rows[:MAX_LISTED])
    ctx.reply(OutMessage("\n".join(lines), buttons=buttons))


def on_show(ctx: Ctx) -> None:
    """`ASSET`: a press on the register shows the asset's card; a forged id finds nothing."""
    shown = assets.card(ctx.app.uow(), viewer=ctx.me, asset_id=ctx.pressed.id("asset"))
    if shown is None:
        ctx.answer(ctx._(NOT_FOUND), alert=True)
    else:
        ctx.reply(shown)


def on_move(ctx: Ctx) -> None:
    """A move on an asset's card (to a person, the store, another office); a repeated move changes nothing."""
    press = ctx.pressed
    asset_id = press.id("asset")
    holder = press.id("staff") if press.kind is ASSET_TO_PERSON else None
    office = press.id("office") if press.kind is ASSET_TO_OFFICE else None
    result = assets.move(ctx.app.uow(), viewer=ctx.me, asset_id=asset_id, to_holder=holder, to_office=office,
                         now=ctx.app.now())
    if result.outcome != "done":
        ctx.answer(ctx._("Nothing changed: it is already there.") if result.outcome == "unchanged"
                   else ctx._(NOT_FOUND), alert=True)
        return
    ctx.answer(ctx._(DONE))
    if result.card is not None and ctx.inbound.message_id:
        ctx.edit(ctx.inbound.message_id, result.card)


def register(router: Router) -> None:
    """Declare the asset commands and buttons."""
    router.command("asset", new_asset, N_("register a fixed asset"), roles=OFFICE_MANAGER_ROLES, order=760)
    router.command("assets", list_assets, N_("the fixed asset register (add xlsx for a spreadsheet)"),
                   roles=KEEPERS, order=770)
    router.callback(ASSET, on_show)
    for move in (ASSET_TO_PERSON, ASSET_TO_STORE, ASSET_TO_OFFICE):
        router.callback(move, on_move)
