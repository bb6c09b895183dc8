"""How a form looks in chat: the prompt with its keyboard, and the summary before saving."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from domain.callbacks import FORM, pack
from domain.natural_dates import Lean
from handlers.context import Ctx
from handlers.forms.parse import date_example
from handlers.forms.spec import Field, Form, Kind
from handlers.replies import EDIT, PHOTO_COUNT
from services.i18n.catalogs import N_
from services.i18n.display import money
from services.i18n.words import NO, YES, yes_no
from services.messaging.messages import Button, KeyButton, OutMessage, button_rows
from services.platform.drafts import DraftState

SUMMARY = "__summary__"


def cb(state: DraftState, action: str, arg: str | int = "") -> str:
    """Callback data for a form button (`FORM`), stamped with the prompt's sequence number."""
    return pack(FORM, seq=int(state.context.get("seq", 0)), action=action, arg=str(arg))


def prompt_message(ctx: Ctx, form: Form, state: DraftState, field: Field, error: str | None = None, *,
                   note: str | None = None) -> OutMessage:
    """The question for `field`, with the buttons that fit its kind (after a note on the last answer)."""
    _ = ctx._
    position, total = form.progress(field.name, state.answers)
    lines = [f"【{_(form.title)}】 {position}/{total}"]
    if note:
        lines.append(note)
    if error:
        lines.append(f"⚠️ {error}")
    lines.append(prompt_text(ctx, field) + ("" if field.required else " " + _("(optional)")))
    if field.name in state.answers:
        lines.append(_("Current: {value}").format(value=display(ctx, field, state.answers[field.name], state)))
    text = "\n".join(lines)
    if field.kind == Kind.location:
        nav = [KeyButton(_("Skip"))] if not field.required else []
        keyboard = ((KeyButton(_("📍 Share location"), "location"),), (*nav, KeyButton(_("Cancel"))))
        return OutMessage(text, keyboard=keyboard)
    buttons = _kind_buttons(ctx, state, field)
    return OutMessage(text, buttons=(*button_rows(buttons), tuple(_nav_buttons(ctx, state, field))))


DATE_BUTTONS = {
    Lean.future: (("today", N_("Today")), ("tomorrow", N_("Tomorrow")), ("dayafter", N_("Day after tomorrow"))),
    Lean.past: (("today", N_("Today")), ("yesterday", N_("Yesterday"))),
    Lean.either: (("today", N_("Today")), ("tomorrow", N_("Tomorrow")), ("yesterday", N_("Yesterday"))),
}


def prompt_text(ctx: Ctx, field: Field) -> str:
    """The question, its `{example}` a date near today on the side it looks at (never a fixed date)."""
    text = ctx._(field.prompt)
    if "{example}" not in text:
        return text
    local_now = ctx.app.now().astimezone(ctx.me.tz)
    if field.kind == Kind.datetime:
        moment = local_now.replace(second=0, microsecond=0) - timedelta(hours=1)
        return text.format(example=moment.strftime("%Y-%m-%d %H:%M"))
    return text.format(example=date_example(local_now.date(), field.date_lean))


def _kind_buttons(ctx: Ctx, state: DraftState, field: Field) -> list[Button]:
    """Choice buttons, quick picks, lookup suggestions."""
    _ = ctx._
    if field.kind == Kind.choice:
        return [Button(_(label), cb(state, "c", i)) for i, (_v, label) in enumerate(field.choices)]
    if field.kind == Kind.boolean:
        return [Button(_(YES), cb(state, "c", 1)), Button(_(NO), cb(state, "c", 0))]
    if field.kind == Kind.date:
        return [Button(_(label), cb(state, "q", word)) for word, label in DATE_BUTTONS[field.date_lean]]
    if field.kind == Kind.datetime:
        return [Button(_("Now"), cb(state, "q", "now"))]
    if field.kind == Kind.photos:
        return [Button(_("Done"), cb(state, "done"))]
    if field.kind == Kind.lookup and field.lookup and field.lookup.options:
        return [Button(label[:40], cb(state, "pick", item_id))
                for item_id, label in field.lookup.options(ctx, state.answers)[:8]]
    if field.kind == Kind.lookup and field.lookup and field.lookup.browse:
        return [Button(label[:40], cb(state, "pick", item_id)) for item_id, label in field.lookup.browse(ctx)[:8]]
    return [Button(_(q), cb(state, "t", i)) for i, q in enumerate(field.quick)]


def _nav_buttons(ctx: Ctx, state: DraftState, field: Field) -> list[Button]:
    """Back, Skip (optional fields) and Cancel."""
    _ = ctx._
    nav = []
    if state.answers.get(field.name) not in (None, "", [], {}):  # prefilled or answered before: one tap keeps it
        nav.append(Button(_("✔ Keep"), cb(state, "k")))
    if state.context.get("history"):
        nav.append(Button(_("◀ Back"), cb(state, "back")))
    if not field.required:
        nav.append(Button(_("Skip"), cb(state, "skip")))
    nav.append(Button(_("✖ Cancel"), cb(state, "cancel")))
    return nav


def photo_received(ctx: Ctx, state: DraftState, count: int) -> OutMessage:
    """A calm receipt for a photo: not the question again with every button, just Done or Cancel."""
    text = "📷 " + ctx._("Photo {n} received. Send more, or press Done.").format(n=count)
    return OutMessage(text, buttons=((Button(ctx._("✅ Done"), cb(state, "done")),
                                      Button(ctx._("✖ Cancel"), cb(state, "cancel"))),))


def lookup_results(ctx: Ctx, state: DraftState, results: list[tuple[int, str]], *, field: Field | None = None,
                   typed: str | None = None) -> OutMessage:
    """Search hits as buttons to pick from; with `typed`, also a button that makes a new item of that name."""
    buttons = [Button(label[:40], cb(state, "pick", item_id)) for item_id, label in results[:8]]
    shown = (typed or "") if len(typed or "") <= 20 else (typed or "")[:20] + "…"
    if typed is not None and field is not None and field.lookup is not None:
        buttons.append(Button(ctx._(field.lookup.create_label).format(name=shown), cb(state, "mk")))
    if results:
        text = ctx._("Tap the right one:")
    else:
        text = ctx._("Nothing matches “{q}”. Tap below to add it, or type another name.").format(q=shown)
    return OutMessage(text, buttons=(*button_rows(buttons, per_row=1),
                      (Button(ctx._("✖ Cancel"), cb(state, "cancel")),)))


def summary_message(ctx: Ctx, form: Form, state: DraftState) -> OutMessage:
    """Every answer, then Save / Edit a field / Cancel."""
    _ = ctx._
    lines = [f"【{_(form.title)}】", _("Please check:")]
    for field in form.fields:
        if field.applies(state.answers):
            value = state.answers.get(field.name)
            shown = "—" if value in (None, "", [], {}) else display(ctx, field, value, state)
            lines.append(f"• {_(field.label)}: {shown}")
    note = form.note(ctx, state.answers) if form.note is not None else None
    if note:
        lines.append(note)
    buttons = ((Button("✅ " + _(form.save_label), cb(state, "save")), Button(_(EDIT), cb(state, "edit"))),
               (Button(_("✖ Cancel"), cb(state, "cancel")),))
    return OutMessage("\n".join(lines), buttons=buttons)


def edit_menu(ctx: Ctx, form: Form, state: DraftState) -> OutMessage:
    """Which field to change."""
    buttons = [Button(ctx._(f.label), cb(state, "ef", i)) for i, f in enumerate(form.fields)
               if f.applies(state.answers)]
    return OutMessage(ctx._("Which field do you want to change?"),
                      buttons=(*button_rows(buttons), (Button(ctx._("◀ Back"), cb(state, "sum")),)))


def display(ctx: Ctx, field: Field, value: Any, state: DraftState) -> str:
    """An answer as people read it."""
    _ = ctx._
    if field.kind == Kind.choice:
        return next((_(label) for v, label in field.choices if v == value), str(value))
    if field.kind == Kind.boolean:
        return yes_no(_, value)
    if field.kind == Kind.lookup:
        return str(state.context.get("labels", {}).get(field.name, value))
    if field.kind == Kind.quantities:
        return "、".join(f"{k}×{v}" for k, v in dict(value).items())
    if field.kind == Kind.location:
        return f"📍 {value['lat']:.5f}, {value['lon']:.5f}"
    if field.kind == Kind.photos:
        return _(PHOTO_COUNT).format(n=len(value))
    if field.kind == Kind.datetime:
        return datetime.fromisoformat(value).astimezone(ctx.me.tz).strftime("%Y-%m-%d %H:%M")
    if field.kind == Kind.decimal and field.money:
        return money(value)
    return str(value)


