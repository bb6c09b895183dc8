"""Meetings in chat: /meeting schedules, /meetings lists (attendance, minutes), /tasks for the owners.

```mermaid
flowchart LR
  M[/meeting: kind, time, repeat?, until or how many, topic/] --> T[attendees told once] --> R[sweep: each 2 h before]
  L -->|MEETING_CANCEL q/qs| X{cancel: o this one / s it and the later ones} --> Y[attendees told]
  L[/meetings/] -->|MEETING| A[attendance: MEETING_MARK p/x, set not toggled]
  L -->|MEETING_MINUTES| N[minutes form: text + task lines OWNER DATE WHAT] --> K[tasks: owners told]
  K --> C[sweep: due tomorrow → owner; overdue → owner + head, once each]
  O[/tasks/] -->|MEETING_TASK| D[done once]
```
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from domain import callbacks as cb
from domain.meetings import MAX_OCCURRENCES, Repeat
from domain.natural_dates import Lean
from handlers.context import Ctx
from handlers.forms.engine import start_form
from handlers.forms.spec import Answers, Field, Form, FormError, Kind, register_form
from handlers.replies import ALREADY_MARKED, DONE, NOT_ALLOWED, NOT_FOUND
from handlers.router import Router
from services.i18n.catalogs import N_
from services.messaging.messages import Button, OutMessage
from services.office import meetings


def _future(ctx: Ctx, value: Any, _answers: Answers) -> str | None:
    """A meeting is scheduled ahead."""
    return None if datetime.fromisoformat(value) > ctx.app.now() else N_("The meeting must be in the future.")


def _save_meeting(ctx: Ctx, answers: Answers, _context: dict[str, Any]) -> str:
    """Schedule through the service: one meeting, or every meeting of a series."""
    until = date.fromisoformat(answers["until"]) if answers.get("until") else None
    count = int(answers["count"]) if answers.get("count") else None
    planned = meetings.schedule(ctx.app.uow(), viewer=ctx.me, kind=answers["kind"],
                                starts_at=datetime.fromisoformat(answers["starts_at"]),
                                topic=answers.get("topic") or None, now=ctx.app.now(),
                                repeat=answers.get("repeat") or Repeat.NONE.value, until=until, count=count)
    if planned is None:
        raise FormError("starts_at", N_("The meeting must be in the future."))
    if len(planned.ids) == 1:
        return ctx._("📅 Meeting no. {id} scheduled; everyone in the office has been told.").format(id=planned.ids[0])
    return ctx._("📅 {n} meetings scheduled (no. {first}–{last}, {every}, up to {day}); everyone in the office has "
                 "been told.").format(n=len(planned.ids), first=planned.ids[0], last=planned.ids[-1],
                                      every=ctx._(meetings.REPEAT_LABELS[Repeat(answers["repeat"])]),
                                      day=f"{planned.starts[-1].astimezone(ctx.me.tz):%Y-%m-%d}")


def _repeats(answers: Answers) -> bool:
    """The until/how-many questions only for a repeating meeting."""
    return answers.get("repeat") not in (None, Repeat.NONE.value)


def _after_start(_ctx: Ctx, value: Any, answers: Answers) -> str | None:
    """A series ends on or after its first meeting's day."""
    first = datetime.fromisoformat(answers["starts_at"]).date() if answers.get("starts_at") else None
    return None if first is None or date.fromisoformat(value) >= first else N_(
        "The last day must not be before the first meeting.")


REPEATS = (("none", N_("Does not repeat")), (Repeat.WEEKLY.value, N_("Every week")),
           (Repeat.BIWEEKLY.value, N_("Every two weeks")), (Repeat.MONTHLY.value, N_("Every month")))

MEETING = register_form(Form("meeting", N_("Meeting"), fields=(
    Field("kind", N_("Kind"), N_("Which meeting?"), Kind.choice,
          choices=tuple((k.value, label) for k, label in meetings.KIND_LABELS.items())),
    Field("starts_at", N_("Time"), N_("When? For example 2026-11-30 09:00."), Kind.datetime, check=_future),
    Field("repeat", N_("Repeat"), N_("Does it repeat?"), Kind.choice, choices=REPEATS),
    Field("until", N_("Repeat until"), N_("Until which day does it repeat? Or Skip to give the number of meetings."),
          Kind.date, required=False, when=_repeats, check=_after_start, lean=Lean.future),
    Field("count", N_("Number of meetings"), N_("How many meetings in all?"), Kind.integer, min_value=2,
          max_value=MAX_OCCURRENCES, when=lambda a: _repeats(a) and not a.get("until")),
    Field("topic", N_("Topic"), N_("Topic (optional)?"), required=False, max_length=200),
), save=_save_meeting))


def _check_tasks(ctx: Ctx, value: Any, _answers: Answers) -> str | None:
    """Every task line names a colleague, a date and the task."""
    bad = meetings.check_tasks(ctx.app.uow(), viewer=ctx.me, text=str(value))
    if not bad:
        return None
    return N_("Each line: NAME YYYY-MM-DD task, with a colleague's exact name. Please check the lines with a "
              "problem and send the list again.")


def _save_minutes(ctx: Ctx, answers: Answers, context: dict[str, Any]) -> str:
    """Store minutes and tasks once."""
    outcome = meetings.write_minutes(ctx.app.uow(), viewer=ctx.me, meeting_id=int(context["meeting_id"]),
                                     minutes=str(answers["minutes"]), tasks_text=str(answers.get("tasks") or ""),
                                     now=ctx.app.now())
    if outcome == "bad_tasks":
        raise FormError("tasks", N_("Each line: NAME YYYY-MM-DD task, with a colleague's exact name. Please check "
                                    "the lines with a problem and send the list again."))
    if outcome == "already":
        raise FormError(None, N_("The minutes of this meeting are already written."))
    if outcome != "done":
        raise FormError(None, NOT_FOUND)
    return ctx._("📝 Minutes saved; the owners of the tasks have been told.")


MINUTES = register_form(Form("meeting_minutes", N_("Meeting minutes"), fields=(
    Field("minutes", N_("Minutes"), N_("The minutes: what was discussed and decided?"), Kind.long_text,
          max_length=4000),
    Field("tasks", N_("Tasks"), N_("Tasks given, one per line: NAME YYYY-MM-DD task. Or Skip."), Kind.long_text,
          required=False, max_length=4000, check=_check_tasks),
), save=_save_minutes))


def schedule(ctx: Ctx) -> None:
    """/meeting: schedule a weekly or monthly meeting."""
    start_form(ctx, MEETING)


def list_meetings(ctx: Ctx) -> None:
    """/meetings: the office's recent meetings with their attendance and minutes buttons."""
    rows = meetings.recent(ctx.app.uow(), viewer=ctx.me, now=ctx.app.now())
    if rows is None:
        ctx.reply(ctx._(NOT_ALLOWED))
        return
    if not rows:
        ctx.reply(ctx._("No meetings yet. Send /meeting to schedule one."))
        return
    for row in rows:
        buttons = [Button(ctx._("Attendance"), cb.pack(cb.MEETING, meeting=row.id))]
        if not row.written:
            buttons.append(Button(ctx._("Minutes"), cb.pack(cb.MEETING_MINUTES, meeting=row.id)))
        if row.upcoming and "office_head" in ctx.me.roles:
            buttons.append(Button(ctx._("Cancel…"), cb.pack(cb.MEETING_CANCEL, meeting=row.id,
                                                             step="qs" if row.in_series else "q")))
        ctx.reply(OutMessage(f"#{row.id} {row.title}", buttons=(tuple(buttons),)))


def on_cancel(ctx: Ctx) -> None:
    """`MEETING_CANCEL` q|qs asks which (qs: in a series); o cancels this one, s it and the later ones."""
    meeting_id, step = ctx.pressed.id("meeting"), ctx.pressed.word("step")
    if step.startswith("q"):
        choices = [Button(ctx._("Only this meeting"), cb.pack(cb.MEETING_CANCEL, meeting=meeting_id, step="o"))]
        if step == "qs":
            choices.append(Button(ctx._("This and all later ones"),
                                  cb.pack(cb.MEETING_CANCEL, meeting=meeting_id, step="s")))
        ctx.reply(OutMessage(ctx._("Cancel meeting no. {id}: which?").format(id=meeting_id),
                             buttons=tuple((b,) for b in choices)))
        return
    result = meetings.cancel(ctx.app.uow(), viewer=ctx.me, meeting_id=meeting_id, whole_series=step == "s",
                             now=ctx.app.now())
    if result.outcome != "done":
        ctx.answer(ctx._("Already cancelled or already held.") if result.outcome == "already"
                   else ctx._(NOT_FOUND), alert=True)
        return
    ctx.answer(ctx._(DONE))
    text = ctx._("❌ Cancelled: {title}; {n} meeting(s) called off, everyone has been told.").format(
        title=result.first, n=result.count)
    if ctx.inbound.message_id:
        ctx.edit(ctx.inbound.message_id, text)
    else:
        ctx.reply(text)


def on_attendance(ctx: Ctx) -> None:
    """`MEETING` shows the attendance card."""
    card = meetings.attendance_card(ctx.app.uow(), viewer=ctx.me, meeting_id=ctx.pressed.id("meeting"))
    if card is None:
        ctx.answer(ctx._(NOT_FOUND), alert=True)
    else:
        ctx.reply(card)


def on_mark(ctx: Ctx) -> None:
    """`MEETING_MARK` marks one person present (p) or absent (x)."""
    press = ctx.pressed
    card = meetings.set_attendance(ctx.app.uow(), viewer=ctx.me, meeting_id=press.id("meeting"),
                                   staff_id=press.id("staff"), present=press.word("mark") == "p", now=ctx.app.now())
    if card is None:
        ctx.answer(ctx._("Attendance is recorded once the meeting has started."), alert=True)
        return
    if ctx.inbound.message_id:
        ctx.edit(ctx.inbound.message_id, card)


def on_minutes(ctx: Ctx) -> None:
    """`MEETING_MINUTES`: open the minutes form for a meeting of one's office."""
    meeting_id = ctx.pressed.id("meeting")
    if meetings.attendance_card(ctx.app.uow(), viewer=ctx.me, meeting_id=meeting_id) is None:
        ctx.answer(ctx._(NOT_FOUND), alert=True)
        return
    ctx.answer()
    start_form(ctx, MINUTES, context={"meeting_id": meeting_id})


def tasks(ctx: Ctx) -> None:
    """/tasks: one's open meeting tasks, each with a Done button."""
    rows = meetings.my_tasks(ctx.app.uow(), viewer=ctx.me)
    if not rows:
        ctx.reply(ctx._("No open tasks."))
        return
    for task_id, text, due in rows:
        ctx.reply(OutMessage(ctx._("📌 {text} (due {due})").format(text=text, due=due.isoformat()),
                             buttons=((Button(ctx._("✅ Mark done"), cb.pack(cb.MEETING_TASK, task=task_id)),),)))


def on_task(ctx: Ctx) -> None:
    """`MEETING_TASK`: the owner marks the task done once."""
    outcome = meetings.finish_task(ctx.app.uow(), viewer=ctx.me, task_id=ctx.pressed.id("task"), now=ctx.app.now())
    if outcome != "done":
        ctx.answer(ctx._(ALREADY_MARKED) if outcome == "already" else ctx._(NOT_FOUND), alert=True)
        return
    ctx.answer(ctx._(DONE))
    if ctx.inbound.message_id:
        ctx.edit(ctx.inbound.message_id, ctx._("✅ Task done."))


def register(router: Router) -> None:
    """Declare the meeting commands and buttons."""
    router.command("meeting", schedule, N_("schedule a weekly or monthly meeting"), roles={"office_head"},
                   order=800)
    router.command("meetings", list_meetings, N_("meetings: attendance and minutes"), roles=set(meetings.HOSTS),
                   order=801)
    router.command("tasks", tasks, N_("your open meeting tasks"), order=802)
    router.callback(cb.MEETING, on_attendance)
    router.callback(cb.MEETING_MARK, on_mark)
    router.callback(cb.MEETING_MINUTES, on_minutes)
    router.callback(cb.MEETING_CANCEL, on_cancel)
    router.callback(cb.MEETING_TASK, on_task)
