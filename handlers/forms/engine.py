"""Runs any declared form as a conversation; the draft is saved after every step.

Flow (see forms.mmd): start → ask field → answer (validated; wrong → ask again) → … → summary →
Save | Edit a field (→ ask it → summary) | Cancel. Back and Skip work on every question.
Buttons carry the prompt's sequence number, so a stale button changes nothing.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from domain.callbacks import FORM
from handlers.context import Ctx
from handlers.forms.parse import InputError, parse_answer
from handlers.forms.render import (
    SUMMARY,
    cb,
    edit_menu,
    lookup_results,
    photo_received,
    prompt_message,
    summary_message,
)
from handlers.forms.spec import FORMS, Field, Form, FormError, Kind
from handlers.ids import parse_id
from handlers.main_menu import with_menu
from handlers.replies import NOT_FOUND, OUT_OF_DATE, SHARE_LOCATION
from handlers.router import Router
from services.i18n.catalogs import N_
from services.messaging.messages import Button, OutMessage
from services.platform import drafts
from services.platform.drafts import DraftState

CANCEL_WORDS = {"cancel", "取消", "✖ cancel", "✖ 取消"}
BACK_WORDS = {"back", "返回", "上一步"}
SKIP_WORDS = {"skip", "跳过"}
MAX_QUERY = 60  # a lookup searches (and echoes) at most this much of what was typed


def _load(ctx: Ctx) -> DraftState | None:
    """The sender's open draft."""
    return drafts.load(ctx.app.uow(), staff_id=ctx.me.id)


def _save(ctx: Ctx, state: DraftState) -> None:
    """Persist the draft now."""
    drafts.save(ctx.app.uow(), staff_id=ctx.me.id, state=state, now=ctx.app.now())


def start_form(ctx: Ctx, form: Form, *, answers: dict[str, Any] | None = None,
                     context: dict[str, Any] | None = None, at_summary: bool = False, after: str | None = None) -> None:
    """Open `form` (at its summary when revising a saved record; after the field `after` when that one is
    given already, e.g. the customer from its card); if another draft is open, ask first."""
    context = {**(context or {}), "editing": True} if at_summary else context
    existing = _load(ctx)
    if existing is not None and existing.form in FORMS:
        existing.context["pending"] = {"form": form.name, "answers": answers or {}, "context": context or {},
                                       "after": after}
        existing.context["seq"] = existing.context.get("seq", 0) + 1
        _save(ctx, existing)
        old = FORMS[existing.form]
        ctx.reply(OutMessage(
            ctx._("You have an unfinished form: {title}. Drop it and start a new one?").format(title=ctx._(old.title)),
            buttons=((Button(ctx._("Drop it, start new"), cb(existing, "new")),
                      Button(ctx._("Continue the old one"), cb(existing, "keep"))),),
        ))
        return
    history = [after] if after else []
    state = DraftState(form.name, None, dict(answers or {}), {**(context or {}), "history": history, "seq": 0})
    _advance(ctx, form, state, after=after)


def _advance(ctx: Ctx, form: Form, state: DraftState, *, after: str | None) -> None:
    """Move to the next question, or to the summary when none is left (or after an edit)."""
    nxt = None if state.context.pop("editing", False) else form.next_field(after, state.answers)
    if nxt is None and not form.review:
        state.step = SUMMARY
        _finish(ctx, form, state)
    elif nxt is None:
        state.step = SUMMARY
        _show_summary(ctx, form, state)
    else:
        state.step = nxt.name
        if not _settled_by_options(ctx, form, state, nxt):
            _ask(ctx, form, state, nxt)


def _settled_by_options(ctx: Ctx, form: Form, state: DraftState, field: Field) -> bool:
    """A lookup whose options leave no choice: none skips it (when optional), exactly one is taken."""
    if field.kind != Kind.lookup or field.lookup is None or field.lookup.options is None:
        return False
    options = field.lookup.options(ctx, state.answers)
    if not options and not field.required:  # nothing to choose: not asked, and Back passes over it
        state.answers.pop(field.name, None)
        _advance(ctx, form, state, after=field.name)
        return True
    if len(options) == 1:
        _picked(ctx, form, state, field, *options[0])
        return True
    return False


def _ask(ctx: Ctx, form: Form, state: DraftState, field: Field, error: str | None = None) -> None:
    """Send the question and save the draft with its new sequence number."""
    state.context["seq"] = state.context.get("seq", 0) + 1
    note = state.context.pop("note", None)
    _save(ctx, state)
    ctx.reply(prompt_message(ctx, form, state, field, error, note=note))


def _show_summary(ctx: Ctx, form: Form, state: DraftState) -> None:
    """Show the answers with Save / Edit / Cancel."""
    state.context["seq"] = state.context.get("seq", 0) + 1
    _save(ctx, state)
    ctx.reply(summary_message(ctx, form, state))


def _reask(ctx: Ctx, form: Form, state: DraftState, error: InputError | str) -> None:
    """Say what was wrong, politely, and ask the same question again."""
    text = ctx._(error.message).format(**error.params) if isinstance(error, InputError) else error
    _ask(ctx, form, state, form.field(state.step or ""), text)


def _field_at(form: Form, step: str | None) -> Field | None:
    """The field a draft is on; None at the summary or when an upgrade removed that field."""
    return next((f for f in form.fields if f.name == step), None)


def on_input(ctx: Ctx) -> bool:
    """Free input while a form is open is an answer to the current question."""
    state = _load(ctx)
    if state is None:
        return False
    form = FORMS.get(state.form)
    if form is None:  # an upgrade renamed or removed the form: say so rather than fail on every message
        drafts.delete(ctx.app.uow(), staff_id=ctx.me.id)
        ctx.reply(ctx._("Your unfinished form is no longer available. Please start it again."))
        return True
    field = _field_at(form, state.step)
    if ctx.inbound.edited:  # a live location moving: only a location question takes it, silently otherwise
        if field is not None and field.kind == Kind.location and "pending" not in state.context:
            _answer(ctx, form, state, field)
        return True
    word = (ctx.inbound.text or "").strip().lower()
    if word in CANCEL_WORDS:
        _cancel(ctx, state)
        return True
    if state.step == SUMMARY or "pending" in state.context:
        ctx.reply(ctx._("Please use the buttons above."))
        return True
    if word in BACK_WORDS:
        _back(ctx, form, state)
        return True
    if field is None:  # the question no longer exists: show what was answered
        state.step = SUMMARY
        _show_summary(ctx, form, state)
        return True
    if word in SKIP_WORDS and not field.required:
        _skip(ctx, form, state, field)
        return True
    _answer(ctx, form, state, field)
    return True


def _answer(ctx: Ctx, form: Form, state: DraftState, field: Field) -> None:
    """Parse, check, store and move on — or re-ask with the reason."""
    inbound = ctx.inbound
    if field.kind == Kind.photos and inbound.photo_file_id:
        photos = [*state.answers.get(field.name, []), inbound.photo_file_id]
        state.answers[field.name] = photos
        state.context["seq"] = state.context.get("seq", 0) + 1
        _save(ctx, state)
        ctx.reply(photo_received(ctx, state, len(photos)))
        return
    if field.kind == Kind.lookup and field.lookup:
        _lookup(ctx, form, state, field, (inbound.text or "").strip())
        return
    try:
        value = _value_of(ctx, field)
    except InputError as error:
        _reask(ctx, form, state, error)
        return
    _accept(ctx, form, state, field, value)


def _lookup(ctx: Ctx, form: Form, state: DraftState, field: Field, query: str) -> None:
    """Search what was typed: one match is taken, several are offered, a new item may be made from the text."""
    assert field.lookup is not None
    if field.lookup.options is not None:
        needle = query[:MAX_QUERY].casefold()
        results = [item for item in field.lookup.options(ctx, state.answers) if needle in item[1].casefold()]
    else:
        results = field.lookup.search(ctx, query[:MAX_QUERY]) if query else []
    creatable = field.lookup.create is not None and bool(query) and all(label != query for _id, label in results)
    auto = state.context.pop("auto_pick", True)
    if not query:
        _reask(ctx, form, state, InputError(N_("Please type part of the name, or tap one of the buttons.")))
    elif not results and not creatable:
        shown = query if len(query) <= MAX_QUERY else query[:MAX_QUERY] + "…"
        _reask(ctx, form, state, ctx._("Nothing matches “{q}”. Try another name.").format(q=shown))
    elif len(results) == 1 and auto:  # one match: take it, say so on the next question (Back undoes it)
        item_id, label = results[0]
        _picked(ctx, form, state, field, item_id, label)
    else:
        state.context["seq"] = state.context.get("seq", 0) + 1
        state.context["typed"] = query if creatable else None
        _save(ctx, state)
        ctx.reply(lookup_results(ctx, state, results, field=field, typed=query if creatable else None))


def _value_of(ctx: Ctx, field: Field) -> Any:
    """The answer in stored form, for every kind answered by typing or sharing."""
    inbound = ctx.inbound
    if field.kind == Kind.location:
        if inbound.location is None:
            raise InputError(SHARE_LOCATION)
        loc = inbound.location
        return {"lat": loc.lat, "lon": loc.lon, "at": loc.sent_at.astimezone(UTC).isoformat(),
                "forwarded": loc.forwarded or loc.via_bot, "venue": loc.venue}
    catalog = field.catalog(ctx) if field.catalog else ()
    return parse_answer(field, inbound, tz=ctx.me.tz, now=ctx.app.now(), catalog=catalog)


def _accept(ctx: Ctx, form: Form, state: DraftState, field: Field, value: Any) -> None:
    """Run the field's own check, store the answer and advance."""
    if field.check is not None:
        problem = field.check(ctx, value, {**state.answers, field.name: value})
        if problem:
            _reask(ctx, form, state, ctx._(problem))
            return
    state.answers[field.name] = value
    state.context.setdefault("history", []).append(field.name)
    _advance(ctx, form, state, after=field.name)


def _skip(ctx: Ctx, form: Form, state: DraftState, field: Field) -> None:
    """Leave an optional field empty."""
    state.answers.pop(field.name, None)
    state.context.setdefault("history", []).append(field.name)
    _advance(ctx, form, state, after=field.name)


def _back(ctx: Ctx, form: Form, state: DraftState) -> None:
    """Return to the previous question (its answer is kept and shown)."""
    history = state.context.get("history", [])
    while history:
        previous = _field_at(form, history.pop())
        if previous is not None:
            if previous.kind == Kind.lookup:  # back to a taken match: next time, show it rather than take it
                state.context["auto_pick"] = False
            state.step = previous.name
            _ask(ctx, form, state, previous)
            return
    current = _field_at(form, state.step)
    if current is None:
        _show_summary(ctx, form, state)
    else:
        _ask(ctx, form, state, current, ctx._("This is the first question."))


def _cancel(ctx: Ctx, state: DraftState) -> None:
    """Drop the draft."""
    drafts.delete(ctx.app.uow(), staff_id=ctx.me.id)
    title = ctx._(FORMS[state.form].title) if state.form in FORMS else state.form
    ctx.reply(with_menu(ctx, ctx._("Cancelled: {title}. Nothing was saved.").format(title=title)))


def on_button(ctx: Ctx) -> None:
    """A form button (`FORM`: seq, action, arg), accepted only for the current prompt."""
    press = ctx.pressed
    state = _load(ctx)
    if state is None or state.form not in FORMS or press.id("seq") != state.context.get("seq"):
        ctx.answer(ctx._(OUT_OF_DATE), alert=False)
        return
    ctx.answer()
    action, arg = press.word("action"), press.word("arg")
    form = FORMS[state.form]
    handler = BUTTON_ACTIONS.get(action)
    if handler is None or (action in FIELD_ACTIONS and _field_at(form, state.step) is None):
        return  # unknown action, or a field button pressed at the summary (forged): nothing changes
    handler(ctx, form, state, arg)


def _btn_choice(ctx: Ctx, form: Form, state: DraftState, arg: str) -> None:
    """A tapped choice (or Yes/No)."""
    field = form.field(state.step or "")
    index = parse_id(arg)
    if index is None:
        return
    if field.kind == Kind.boolean:
        _accept(ctx, form, state, field, arg == "1")
    elif index < len(field.choices):
        _accept(ctx, form, state, field, field.choices[index][0])


def _btn_quick(ctx: Ctx, form: Form, state: DraftState, arg: str) -> None:
    """Today / Yesterday / Now: parsed like the typed word."""
    field = form.field(state.step or "")
    fake = ctx.inbound.__class__(**{**ctx.inbound.__dict__, "text": arg, "callback_data": None})
    try:
        value = parse_answer(field, fake, tz=ctx.me.tz, now=ctx.app.now())
    except InputError as error:
        _reask(ctx, form, state, error)
        return
    _accept(ctx, form, state, field, value)


def _btn_text(ctx: Ctx, form: Form, state: DraftState, arg: str) -> None:
    """A quick text answer declared on the field."""
    field = form.field(state.step or "")
    index = parse_id(arg)
    if index is not None and index < len(field.quick):
        _accept(ctx, form, state, field, ctx._(field.quick[index]))


def _btn_pick(ctx: Ctx, form: Form, state: DraftState, arg: str) -> None:
    """A lookup result: re-resolved with the presser's rights, never trusted."""
    field = form.field(state.step or "")
    item_id = parse_id(arg)
    label = field.lookup.resolve(ctx, item_id) if field.lookup and item_id is not None else None
    if label is None or item_id is None:
        _reask(ctx, form, state, ctx._(NOT_FOUND))
        return
    _picked(ctx, form, state, field, item_id, label)


def _picked(ctx: Ctx, form: Form, state: DraftState, field: Field, item_id: int, label: str) -> None:
    """Store a looked-up item, let the form prefill from it, and move on."""
    state.context.setdefault("labels", {})[field.name] = label
    state.context.pop("typed", None)
    state.context["note"] = "✔ " + ctx._("{field}: {value}").format(field=ctx._(field.label), value=label)
    if field.lookup and field.lookup.prefill:
        asked = {f.name for f in form.fields}
        for name, value in field.lookup.prefill(ctx, item_id).items():
            if name in asked and value and not state.answers.get(name):
                state.answers[name] = value
    _accept(ctx, form, state, field, item_id)


def _btn_make(ctx: Ctx, form: Form, state: DraftState, _arg: str) -> None:
    """Make a new item (a customer) from the text typed at the lookup, then take it."""
    field = form.field(state.step or "")
    typed = state.context.get("typed")
    made = field.lookup.create(ctx, str(typed)) if field.lookup and field.lookup.create and typed else None
    if made is None:
        _reask(ctx, form, state, ctx._("That cannot be added here. Try another name."))
        return
    _picked(ctx, form, state, field, *made)


def _btn_keep_value(ctx: Ctx, form: Form, state: DraftState, _arg: str) -> None:
    """Keep the value the field already holds (prefilled, or answered before going back)."""
    field = form.field(state.step or "")
    if field.name in state.answers:
        _accept(ctx, form, state, field, state.answers[field.name])


def _btn_done(ctx: Ctx, form: Form, state: DraftState, _arg: str) -> None:
    """Finished sending photos."""
    field = form.field(state.step or "")
    if field.required and not state.answers.get(field.name):
        _reask(ctx, form, state, ctx._("Please send at least one photo."))
        return
    state.context.setdefault("history", []).append(field.name)
    _advance(ctx, form, state, after=field.name)


def _btn_skip(ctx: Ctx, form: Form, state: DraftState, _arg: str) -> None:
    """Skip button."""
    field = form.field(state.step or "")
    if not field.required:
        _skip(ctx, form, state, field)


def _btn_back(ctx: Ctx, form: Form, state: DraftState, _arg: str) -> None:
    """Back button."""
    _back(ctx, form, state)


def _btn_cancel(ctx: Ctx, form: Form, state: DraftState, _arg: str) -> None:
    """Cancel button; a cancelled summary loses its buttons."""
    if state.step == SUMMARY:
        _retire_summary(ctx, form, state)
    _cancel(ctx, state)


def _retire_summary(ctx: Ctx, form: Form, state: DraftState) -> None:
    """The pressed summary card keeps its text and loses Save / Edit / Cancel: no old button looks live."""
    if ctx.inbound.message_id:
        ctx.edit(ctx.inbound.message_id, OutMessage(summary_message(ctx, form, state).text))


def _btn_edit(ctx: Ctx, form: Form, state: DraftState, _arg: str) -> None:
    """Show the list of fields to change."""
    state.context["seq"] = state.context.get("seq", 0) + 1
    _save(ctx, state)
    ctx.reply(edit_menu(ctx, form, state))


def _btn_edit_field(ctx: Ctx, form: Form, state: DraftState, arg: str) -> None:
    """Ask one field again, then come back to the summary."""
    index = parse_id(arg)
    if index is None or index >= len(form.fields):
        return
    field = form.fields[index]
    state.step, state.context["editing"] = field.name, True
    _ask(ctx, form, state, field)


def _btn_summary(ctx: Ctx, form: Form, state: DraftState, _arg: str) -> None:
    """Back from the edit menu to the summary."""
    state.step = SUMMARY
    _show_summary(ctx, form, state)


def _btn_save(ctx: Ctx, form: Form, state: DraftState, _arg: str) -> None:
    """Save through the form's use case; a FormError sends the person back to the field."""
    if state.step != SUMMARY:
        return
    _finish(ctx, form, state, pressed=True)


def _finish(ctx: Ctx, form: Form, state: DraftState, *, pressed: bool = False) -> None:
    """Save through the form's use case (the pressed summary is edited to its text, without buttons)."""
    try:
        confirmation = form.save(ctx, state.answers, state.context)
    except FormError as error:
        message = ctx._(error.message).format(**error.params)
        if error.field is None:
            ctx.reply(message)
            return
        state.step, state.context["editing"] = error.field, True
        _ask(ctx, form, state, form.field(error.field), message)
        return
    drafts.delete(ctx.app.uow(), staff_id=ctx.me.id)
    if pressed:
        _retire_summary(ctx, form, state)
    ctx.reply(confirmation if isinstance(confirmation, OutMessage) else with_menu(ctx, confirmation))


def _btn_new(ctx: Ctx, _form: Form, state: DraftState, _arg: str) -> None:
    """Drop the old draft and start the form that was asked for."""
    pending = state.context.get("pending") or {}
    drafts.delete(ctx.app.uow(), staff_id=ctx.me.id)
    if pending.get("form") in FORMS:
        start_form(ctx, FORMS[pending["form"]], answers=pending.get("answers"),
                         context=pending.get("context"), after=pending.get("after"))


def _btn_keep(ctx: Ctx, form: Form, state: DraftState, _arg: str) -> None:
    """Keep the old draft and ask its current question again."""
    state.context.pop("pending", None)
    if state.step == SUMMARY or state.step is None:
        _show_summary(ctx, form, state)
    else:
        _ask(ctx, form, state, form.field(state.step))


FIELD_ACTIONS = {"c", "q", "t", "pick", "done", "skip", "k", "mk"}
BUTTON_ACTIONS = {
    "c": _btn_choice, "q": _btn_quick, "mk": _btn_make,
    "k": _btn_keep_value, "t": _btn_text, "pick": _btn_pick, "done": _btn_done,
    "skip": _btn_skip, "back": _btn_back, "cancel": _btn_cancel, "edit": _btn_edit, "ef": _btn_edit_field,
    "sum": _btn_summary, "save": _btn_save, "new": _btn_new, "keep": _btn_keep,
}


def cancel_command(ctx: Ctx) -> None:
    """/cancel drops the open form."""
    state = _load(ctx)
    if state is None:
        ctx.reply(with_menu(ctx, ctx._("There is no open form.")))
    else:
        _cancel(ctx, state)


def register(router: Router) -> None:
    """Form buttons, free input and /cancel."""
    router.callback(FORM, on_button)
    router.on_input(on_input)
    router.command("cancel", cancel_command, N_("cancel the form you are filling in"), order=950)
