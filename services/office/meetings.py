"""Office meetings (例会): scheduling, reminders, attendance, minutes with tasks, and chasing the tasks.

The sweep reminds every attendee once in the two hours before a meeting starts, and chases each open
task once the day before it is due and once after (the head is told then); keys in `reminders_sent`
make every message go once, across restarts and instances. Attendance is set per person (present /
absent, idempotent); absences are counted per month, as the seed's 扣罚 needs.

A repeating meeting (每周 / 每两周 / 每月) is planned as a series: every occurrence is its own meeting
(reminded, attended, minuted on its own), and the attendees are told once, with the plan. The head
cancels one occurrence, or the series from an occurrence on (the ones already held stay); a cancelled
meeting is not reminded, listed or counted, and its attendees are told at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.orm import Session

from domain import workdays
from domain.callbacks import MEETING_MARK, pack
from domain.meetings import (
    MeetingKind,
    Repeat,
    TaskStep,
    monthly_meeting_missing,
    occurrences,
    parse_tasks,
    reminder_due,
    task_steps,
)
from domain.report_rules import in_working_hours
from domain.roles import OFFICE_MANAGER_ROLES
from services.i18n.catalogs import N_, Translate, translator
from services.messaging import outbox
from services.messaging.messages import Button, OutMessage
from services.platform import audit, zones
from services.platform.jobs import claim_reminder
from services.platform.staff import StaffView, holders_of
from storage.models import Meeting, MeetingAttendance, MeetingSeries, MeetingTask, Office, Staff
from storage.uow import UnitOfWork

KIND_LABELS = {MeetingKind.WEEKLY: N_("weekly work meeting"), MeetingKind.MONTHLY: N_("monthly meeting")}
REPEAT_LABELS = {Repeat.WEEKLY: N_("every week"), Repeat.BIWEEKLY: N_("every two weeks"),
                 Repeat.MONTHLY: N_("every month")}
HOSTS = OFFICE_MANAGER_ROLES
LISTED_SINCE = timedelta(days=31)  # /meetings: the past month's meetings (their minutes) and the upcoming ones


def _office_people(session: Session, office_id: int) -> list[Staff]:
    """The office's active staff, who are all expected at its meetings."""
    return list(session.scalars(select(Staff).where(Staff.office_id == office_id, Staff.active.is_(True))
                                .order_by(Staff.id)))


def title(_: Translate, meeting: Meeting, tz: ZoneInfo) -> str:
    """'weekly work meeting 12-01 09:00 (topic)'."""
    text = f"{_(KIND_LABELS[MeetingKind(meeting.kind)])} {meeting.starts_at.astimezone(tz):%m-%d %H:%M}"
    return text + (f"（{meeting.topic}）" if meeting.topic else "")


@dataclass(frozen=True)
class Scheduled:
    """The meetings planned: their ids and starts, soonest first (one unless it repeats)."""

    ids: tuple[int, ...]
    starts: tuple[datetime, ...]


def schedule(uow: UnitOfWork, *, viewer: StaffView, kind: str, starts_at: datetime, topic: str | None,
             now: datetime, repeat: str = Repeat.NONE.value, until: date | None = None, count: int | None = None
             ) -> Scheduled | None:
    """The head schedules a meeting of their office, repeating or not; every attendee is told once. None: not
    allowed (or nothing to plan: the time has passed, or the series would end before it starts)."""
    if "office_head" not in viewer.roles or viewer.office_id is None or starts_at <= now:
        return None
    rule = Repeat(repeat)
    starts = occurrences(starts_at.astimezone(viewer.tz), rule, until=until, count=count)
    if not starts:
        return None
    with uow:
        session = uow.session
        series = None
        if rule != Repeat.NONE:
            series = MeetingSeries(office_id=viewer.office_id, repeat=rule.value, until=until, count=count,
                                   created_by=viewer.id, created_at=now)
            session.add(series)
            session.flush()
        people = _office_people(session, viewer.office_id)
        planned = [_plan(session, viewer, kind=kind, starts_at=start, topic=topic, series=series, people=people,
                         now=now) for start in starts]
        for person in people:
            if person.id != viewer.id:
                _ = translator(person.locale)
                text = _("📅 {title} scheduled by {who}. Please attend.").format(
                    title=title(_, planned[0], viewer.tz), who=viewer.name)
                if series is not None:
                    text += "\n" + plan_line(_, rule, planned[-1].starts_at, len(planned), viewer.tz)
                outbox.enqueue(session, staff_id=person.id, now=now, message=OutMessage(text))
        audit.record(session, actor_id=viewer.id, action="meeting.schedule", entity="meeting",
                     entity_id=planned[0].id, at=now, detail={"kind": kind, "repeat": rule.value,
                                                              "meetings": [m.id for m in planned]})
        uow.commit()
        return Scheduled(tuple(m.id for m in planned), tuple(m.starts_at for m in planned))


def _plan(session: Session, viewer: StaffView, *, kind: str, starts_at: datetime, topic: str | None,
          series: MeetingSeries | None, people: list[Staff], now: datetime) -> Meeting:
    """One occurrence with everyone of the office expected."""
    meeting = Meeting(office_id=viewer.office_id, kind=MeetingKind(kind).value, starts_at=starts_at, topic=topic,
                      created_by=viewer.id, created_at=now, series_id=series.id if series else None)
    session.add(meeting)
    session.flush()
    for person in people:
        session.add(MeetingAttendance(meeting_id=meeting.id, staff_id=person.id))
    return meeting


def plan_line(_: Translate, rule: Repeat, last: datetime, count: int, tz: ZoneInfo) -> str:
    """'Repeats every week: 4 meetings, the last on 12-21 09:00.'"""
    return _("Repeats {every}: {n} meetings, the last on {last}.").format(
        every=_(REPEAT_LABELS[rule]), n=count, last=f"{last.astimezone(tz):%Y-%m-%d %H:%M}")


@dataclass(frozen=True)
class Cancelled:
    """What a cancellation did: 'done' (with the meetings called off), 'already' or 'not_found'."""

    outcome: str
    count: int = 0
    first: str = ""


def cancel(uow: UnitOfWork, *, viewer: StaffView, meeting_id: int, whole_series: bool, now: datetime) -> Cancelled:
    """Call off one upcoming meeting, or it and every later one of its series; attendees told once."""
    if "office_head" not in viewer.roles:
        return Cancelled("not_found")
    with uow:
        session = uow.session
        meeting = session.get(Meeting, meeting_id)
        if meeting is None or meeting.office_id != viewer.office_id or (whole_series and meeting.series_id is None):
            return Cancelled("not_found")
        if meeting.cancelled_at is not None or meeting.starts_at <= now:
            return Cancelled("already")
        scope = (Meeting.series_id == meeting.series_id, Meeting.starts_at >= meeting.starts_at) if whole_series \
            else (Meeting.id == meeting.id,)
        stmt = (update(Meeting).where(*scope, Meeting.starts_at > now, Meeting.cancelled_at.is_(None))
                .values(cancelled_at=now).returning(Meeting.id).execution_options(synchronize_session=False))
        ids = sorted(session.scalars(stmt))
        if not ids:
            return Cancelled("already")
        if whole_series:
            session.execute(update(MeetingSeries).where(MeetingSeries.id == meeting.series_id)
                            .values(cancelled_at=now).execution_options(synchronize_session=False))
        _tell_cancelled(session, viewer, meeting, count=len(ids), now=now)
        audit.record(session, actor_id=viewer.id, action="meeting.cancel", entity="meeting", entity_id=meeting.id,
                     at=now, detail={"series": meeting.series_id if whole_series else None, "meetings": ids})
        uow.commit()
        _ = translator(viewer.locale)
        return Cancelled("done", len(ids), title(_, meeting, viewer.tz))


def _tell_cancelled(session: Session, viewer: StaffView, meeting: Meeting, *, count: int, now: datetime) -> None:
    """Everyone expected hears that the meeting (and how many after it) will not take place."""
    for person in _office_people(session, meeting.office_id):
        if person.id == viewer.id:
            continue
        _ = translator(person.locale)
        text = (_("❌ {title} has been cancelled by {who}.") if count == 1 else
                _("❌ {title} and the following meetings of the series ({n} in all) have been cancelled by {who}."))
        outbox.enqueue(session, staff_id=person.id, now=now, message=OutMessage(
            text.format(title=title(_, meeting, viewer.tz), who=viewer.name, n=count)))


def _meeting_for(session: Session, viewer: StaffView, meeting_id: int) -> Meeting | None:
    """A meeting of the viewer's office, for its head or admin."""
    meeting = session.get(Meeting, meeting_id)
    if (meeting is None or meeting.office_id != viewer.office_id or not viewer.has_any(HOSTS)
            or meeting.cancelled_at is not None):
        return None
    return meeting


@dataclass(frozen=True)
class Listed:
    """One meeting as /meetings shows it."""

    id: int
    title: str
    written: bool
    upcoming: bool
    in_series: bool


def recent(uow: UnitOfWork, *, viewer: StaffView, now: datetime) -> list[Listed] | None:
    """The office's meetings of the past month and the next ones (ten at most, soonest first), cancelled ones
    left out. None: not a head or admin."""
    if not viewer.has_any(HOSTS) or viewer.office_id is None:
        return None
    with uow:
        _ = translator(viewer.locale)
        rows = uow.session.scalars(select(Meeting).where(Meeting.office_id == viewer.office_id,
                                                         Meeting.cancelled_at.is_(None),
                                                         Meeting.starts_at >= now - LISTED_SINCE)
                                   .order_by(Meeting.starts_at, Meeting.id).limit(10)).all()
        return [Listed(m.id, title(_, m, viewer.tz), m.minutes_at is not None, m.starts_at > now,
                       m.series_id is not None) for m in rows]


def attendance_card(uow: UnitOfWork, *, viewer: StaffView, meeting_id: int) -> OutMessage | None:
    """Who was there: ✅ / ❌ / ⬜ per person, with present and absent buttons."""
    with uow:
        session = uow.session
        meeting = _meeting_for(session, viewer, meeting_id)
        return _attendance_card(session, meeting, viewer) if meeting is not None else None


def _attendance_card(session: Session, meeting: Meeting, viewer: StaffView) -> OutMessage:
    """Render the attendance card."""
    _ = translator(viewer.locale)
    rows = session.execute(select(MeetingAttendance, Staff.name).join(Staff, Staff.id == MeetingAttendance.staff_id)
                           .where(MeetingAttendance.meeting_id == meeting.id).order_by(Staff.id)).all()
    marks = {True: "✅", False: "❌", None: "⬜"}
    lines = [_("Attendance: {title}").format(title=title(_, meeting, viewer.tz))]
    lines += [f"{marks[a.present]} {name}" for a, name in rows]
    buttons = tuple((Button(f"✅ {name}", pack(MEETING_MARK, meeting=meeting.id, mark="p", staff=a.staff_id)),
                     Button(f"❌ {name}", pack(MEETING_MARK, meeting=meeting.id, mark="x", staff=a.staff_id)))
                    for a, name in rows)
    return OutMessage("\n".join(lines), buttons=buttons)


def set_attendance(uow: UnitOfWork, *, viewer: StaffView, meeting_id: int, staff_id: int, present: bool,
                   now: datetime) -> OutMessage | None:
    """Mark one person present or absent (setting, not toggling: a double tap changes nothing more)."""
    with uow:
        session = uow.session
        meeting = _meeting_for(session, viewer, meeting_id)
        row = session.get(MeetingAttendance, (meeting_id, staff_id)) if meeting is not None else None
        if meeting is None or row is None or meeting.starts_at > now:
            return None
        if row.present is not present:
            row.present = present
            audit.record(session, actor_id=viewer.id, action="meeting.attendance", entity="meeting",
                         entity_id=meeting.id, at=now, detail={"staff": staff_id, "present": present})
            session.flush()
        card = _attendance_card(session, meeting, viewer)
        uow.commit()
        return card


def check_tasks(uow: UnitOfWork, *, viewer: StaffView, text: str) -> list[int]:
    """Lines of the task list (1-based) that are malformed or name nobody of the office."""
    with uow:
        names = {p.name for p in _office_people(uow.session, viewer.office_id or 0)}
    bad = []
    for number, line in enumerate(text.splitlines(), start=1):
        tasks, malformed = parse_tasks(line)
        if line.strip() and (malformed or tasks[0].owner not in names):
            bad.append(number)
    return bad


def write_minutes(uow: UnitOfWork, *, viewer: StaffView, meeting_id: int, minutes: str, tasks_text: str,
                  now: datetime) -> str:
    """Minutes and tasks, once per meeting: 'done', 'already', 'not_found' or 'bad_tasks'."""
    tasks, bad = parse_tasks(tasks_text)
    if bad:
        return "bad_tasks"
    with uow:
        session = uow.session
        meeting = _meeting_for(session, viewer, meeting_id)
        if meeting is None:
            return "not_found"
        people = {p.name: p for p in _office_people(session, meeting.office_id)}
        if any(t.owner not in people for t in tasks):
            return "bad_tasks"
        stmt = (update(Meeting).where(Meeting.id == meeting_id, Meeting.minutes_at.is_(None))
                .values(minutes=minutes, minutes_at=now).execution_options(synchronize_session=False))
        if cast(CursorResult[Any], session.execute(stmt)).rowcount != 1:
            return "already"
        for task in tasks:
            owner = people[task.owner]
            session.add(MeetingTask(meeting_id=meeting_id, office_id=meeting.office_id, owner_id=owner.id,
                                    text=task.text, due_on=task.due_on))
            _ = translator(owner.locale)
            outbox.enqueue(session, staff_id=owner.id, now=now, message=OutMessage(
                _("📌 New task from the meeting: {text} (due {due}). See /tasks.").format(
                    text=task.text, due=task.due_on.isoformat())))
        audit.record(session, actor_id=viewer.id, action="meeting.minutes", entity="meeting", entity_id=meeting_id,
                     at=now, detail={"tasks": len(tasks)})
        uow.commit()
        return "done"


def my_tasks(uow: UnitOfWork, *, viewer: StaffView) -> list[tuple[int, str, date]]:
    """The viewer's open tasks, soonest first."""
    with uow:
        rows = uow.session.scalars(select(MeetingTask).where(MeetingTask.owner_id == viewer.id,
                                                             MeetingTask.done_at.is_(None))
                                   .order_by(MeetingTask.due_on, MeetingTask.id)).all()
        return [(t.id, t.text, t.due_on) for t in rows]


def open_tasks_text(session: Session, *, staff_id: int) -> str:
    """The person's open meeting tasks, one per line with the due date, for their weekly plan."""
    rows = session.scalars(select(MeetingTask).where(MeetingTask.owner_id == staff_id, MeetingTask.done_at.is_(None))
                           .order_by(MeetingTask.due_on, MeetingTask.id)).all()
    return "\n".join(f"{t.text} ({t.due_on.isoformat()})" for t in rows)


def finish_task(uow: UnitOfWork, *, viewer: StaffView, task_id: int, now: datetime) -> str:
    """The owner marks a task done once: 'done', 'already' or 'not_found'."""
    with uow:
        session = uow.session
        task = session.get(MeetingTask, task_id)
        if task is None or task.owner_id != viewer.id:
            return "not_found"
        stmt = (update(MeetingTask).where(MeetingTask.id == task_id, MeetingTask.done_at.is_(None))
                .values(done_at=now).execution_options(synchronize_session=False))
        if cast(CursorResult[Any], session.execute(stmt)).rowcount != 1:
            return "already"
        audit.record(session, actor_id=viewer.id, action="meeting.task_done", entity="meeting_task",
                     entity_id=task_id, at=now)
        uow.commit()
        return "done"


def absences(session: Session, *, staff_ids: list[int], first: datetime, last: datetime) -> dict[int, int]:
    """Meetings missed per person between two instants (absence counts, as the seed says)."""
    rows = session.execute(select(MeetingAttendance.staff_id, func.count()).join(
        Meeting, Meeting.id == MeetingAttendance.meeting_id).where(
        MeetingAttendance.staff_id.in_(staff_ids), MeetingAttendance.present.is_(False),
        Meeting.starts_at >= first, Meeting.starts_at < last).group_by(MeetingAttendance.staff_id)).all()
    return {int(staff): int(n) for staff, n in rows}


def sweep_meetings(uow: UnitOfWork, *, now: datetime,
                   is_working_day: Callable[[date], bool] = workdays.is_working_day) -> int:
    """Remind attendees before each meeting and chase open tasks; each message once. How many were sent."""
    with uow:
        session = uow.session
        sent = 0
        offices = {o.id: o for o in session.scalars(select(Office))}
        upcoming = session.scalars(select(Meeting).where(Meeting.starts_at > now, Meeting.cancelled_at.is_(None))).all()
        for meeting in upcoming:
            if reminder_due(meeting.starts_at, now) and claim_reminder(
                    session, key=f"mtg-remind:{meeting.id}", staff_id=None, now=now):
                tz = zones.zone_of(offices[meeting.office_id])
                for person in _office_people(session, meeting.office_id):
                    _ = translator(person.locale)
                    outbox.enqueue(session, staff_id=person.id, now=now, message=OutMessage(
                        _("⏰ Reminder: {title} starts soon.").format(title=title(_, meeting, tz))))
                sent += 1
        sent += _monthly_check(session, offices, now=now, is_working_day=is_working_day)
        for task in session.scalars(select(MeetingTask).where(MeetingTask.done_at.is_(None))).all():
            office = offices[task.office_id]
            local = now.astimezone(zones.zone_of(office))
            if not in_working_hours(local, start=office.work_start, end=office.work_end, is_working_day=is_working_day):
                continue
            for step in task_steps(task.due_on, local.date()):
                if claim_reminder(session, key=f"mtk-{step.value}:{task.id}", staff_id=task.owner_id, now=now):
                    _chase_task(session, task, step, now=now)
                    sent += 1
        uow.commit()
        return sent


def _monthly_check(session: Session, offices: dict[int, Office], *, now: datetime,
                   is_working_day: Callable[[date], bool]) -> int:
    """Heads of offices with no monthly meeting this month are told once (the seed requires one a month)."""
    sent = 0
    for office in offices.values():
        local = now.astimezone(zones.zone_of(office))
        if office.is_hq or not in_working_hours(local, start=office.work_start, end=office.work_end,
                                                is_working_day=is_working_day):
            continue
        first = datetime(local.year, local.month, 1, tzinfo=local.tzinfo)
        after = (first + timedelta(days=32)).replace(day=1)
        held = session.scalars(select(Meeting.id).where(Meeting.office_id == office.id,
                                                        Meeting.kind == MeetingKind.MONTHLY.value,
                                                        Meeting.cancelled_at.is_(None),
                                                        Meeting.starts_at >= first,
                                                        Meeting.starts_at < after)).first() is not None
        heads = holders_of(session, role="office_head", office_id=office.id)
        if not heads or not monthly_meeting_missing(local.date(), held):
            continue
        if claim_reminder(session, key=f"mtg-monthly:{office.id}:{local:%Y-%m}", staff_id=None, now=now):
            for head in heads:
                _ = translator(head.locale)
                outbox.enqueue(session, staff_id=head.id, now=now, message=OutMessage(
                    _("📅 No monthly meeting is scheduled for {month} yet; one is required every month. "
                      "Send /meeting.").format(month=f"{local:%Y-%m}")))
            sent += 1
    return sent


def _chase_task(session: Session, task: MeetingTask, step: TaskStep, *, now: datetime) -> None:
    """The owner is reminded; once overdue the office head is told as well."""
    owner = session.get(Staff, task.owner_id)
    if owner is None or not owner.active:
        return
    _ = translator(owner.locale)
    msgid = (N_("⏰ Task due {due}: {text}. Mark it done with /tasks.") if step == TaskStep.DUE
             else N_("⚠️ Overdue task (due {due}): {text}. Mark it done with /tasks."))
    outbox.enqueue(session, staff_id=owner.id, now=now,
                   message=OutMessage(_(msgid).format(due=task.due_on.isoformat(), text=task.text)))
    if step == TaskStep.OVERDUE:
        for head in holders_of(session, role="office_head", office_id=task.office_id):
            if head.id != owner.id:
                _ = translator(head.locale)
                outbox.enqueue(session, staff_id=head.id, now=now, message=OutMessage(
                    _("⚠️ {name} has not finished the meeting task due {due}: {text}.").format(
                        name=owner.name, due=task.due_on.isoformat(), text=task.text)))
