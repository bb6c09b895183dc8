"""Meetings in chat: /meeting schedules, /meetings lists (attendance, minutes), /tasks for the owners.

```mermaid
flowchart LR
  M[/meeting: kind, time, topic/] --> T[attendees told] --> R[sweep: reminder 2 h before, once]
  L[/meetings/] -->|MEETING| A[attendance: MEETING_MARK p/x, set not toggled]
  L -->|MEETING_MINUTES| N[minutes form: text + task lines OWNER DATE WHAT] --> K[tasks: owners told]
  K --> C[sweep: due tomorrow → owner; overdue → owner + head, once each]
  O[/tasks/] -->|MEETING_TASK| D[done once]
```
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain import callbacks as cb
from handlers.context import Ctx
from handlers.forms.engine import start_form
from handlers.forms.spec import Answers, Field, Form, FormError, Kind, register_form
from handlers.router import Router
from services import meetings
from services.i18n import N_
from services.messages import Button, OutMessage

NOT_FOUND = N_("Not found.")


def _future(ctx: Ctx, value: Any, _answers: Answers) -> str | None:
    """A meeting is scheduled ahead."""
    return None if datetime.fromisoformat(value) > ctx.app.now() else N_("The meeting must be in the future.")


def _save_meeting(ctx: Ctx, answers: Answers, _context: dict[str, Any]) -> str:
    """Schedule through the service."""
    meeting_id = meetings.schedule(ctx.app.uow(), viewer=ctx.me, kind=answers["kind"],
                                   starts_at=datetime.fromisoformat(answers["starts_at"]),
                                   topic=answers.get("topic") or None, now=ctx.app.now())
    if meeting_id is None:
        raise FormError("starts_at", N_("The meeting must be in the future."))
    return ctx._("📅 Meeting no. {id} scheduled; everyone in the office has been told.").format(id=meeting_id)


MEETING = register_form(Form("meeting", N_("Meeting"), fields=(
    Field("kind", N_("Kind"), N_("Which meeting?"), Kind.choice,
          choices=tuple((k.value, label) for k, label in meetings.KIND_LABELS.items())),
    Field("starts_at", N_("Time"), N_("When? For example 2026-11-30 09:00."), Kind.datetime, check=_future),
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
    rows = meetings.recent(ctx.app.uow(), viewer=ctx.me)
    if rows is None:
        ctx.reply(ctx._("Sorry, your role does not allow this command."))
        return
    if not rows:
        ctx.reply(ctx._("No meetings yet. Send /meeting to schedule one."))
        return
    for meeting_id, title, written in rows:
        buttons = [Button(ctx._("Attendance"), cb.pack(cb.MEETING, meeting=meeting_id))]
        if not written:
            buttons.append(Button(ctx._("Minutes"), cb.pack(cb.MEETING_MINUTES, meeting=meeting_id)))
        ctx.reply(OutMessage(f"#{meeting_id} {title}", buttons=(tuple(buttons),)))


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
        ctx.answer(ctx._("Already marked.") if outcome == "already" else ctx._(NOT_FOUND), alert=True)
        return
    ctx.answer(ctx._("Done."))
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
    router.callback(cb.MEETING_TASK, on_task)
