"""How /today reads: one person's day, or an office's day grouped by present, late, early, away and missing.

Both read a day through `domain.attendance.day_labels`, the same reading the monthly sheet uses, so a
late 外勤 day that ends early shows all three here too, not only its primary status.
"""

from __future__ import annotations

from datetime import date

from domain.attendance import DayAssessment, DayStatus, day_labels
from handlers.context import Ctx
from services.attendance.days import LATE, DayReport, PersonDays, Punch
from services.i18n.catalogs import N_
from services.i18n.display import duration
from services.i18n.words import STATUS_LINE

STATUS_TEXT = {
    DayStatus.PRESENT: N_("present"),
    DayStatus.LATE: N_("late"),
    DayStatus.EARLY_LEAVE: N_("left early"),
    DayStatus.MISSING_PUNCH: N_("missing a punch"),
    DayStatus.FIELD: N_("field (外勤)"),
    DayStatus.LEAVE: N_("on leave"),
    DayStatus.HALF_LEAVE: N_("half-day leave"),
    DayStatus.OUT_ON_BUSINESS: N_("out (outing / business trip)"),
    DayStatus.ABSENT: N_("absent"),
    DayStatus.HOLIDAY: N_("public holiday"),
    DayStatus.REST: N_("rest day"),
    DayStatus.PENDING: N_("not checked in yet"),
    DayStatus.FUTURE: N_("not yet"),
    DayStatus.NOT_EMPLOYED: N_("not on the staff yet"),
}
GROUPS = (
    ("present", N_("Present")),
    ("late", LATE),
    ("early", N_("Left early")),
    ("leave", N_("On leave")),
    ("out", N_("Out (field, outing, trip)")),
    ("missing", N_("Not checked in")),
)
GROUP_OF = {
    DayStatus.PRESENT: "present", DayStatus.LATE: "late", DayStatus.EARLY_LEAVE: "early",
    DayStatus.FIELD: "out", DayStatus.OUT_ON_BUSINESS: "out", DayStatus.LEAVE: "leave", DayStatus.HALF_LEAVE: "leave",
    DayStatus.MISSING_PUNCH: "missing", DayStatus.PENDING: "missing", DayStatus.ABSENT: "missing",
}
"""The office-view group of each shown status; a person is listed in the group of every status of their day."""
NOT_EXPECTED = frozenset({DayStatus.REST, DayStatus.HOLIDAY})
"""Days nobody is expected at work (a weekend, a public holiday): nobody is missing, a check-in is overtime."""


def render_day(ctx: Ctx, report: DayReport, *, whole_office: bool) -> str:
    """The reply to /today."""
    header = f"📅 {report.office} · {report.day.isoformat()}"
    lines = [header]
    if not report.working_day:
        lines.append(ctx._("Today is not a working day."))
    if whole_office:
        return "\n".join(lines + _office_lines(ctx, report))
    if report.people:
        lines += _person_lines(ctx, report.people[0], report.day)
    return "\n".join(lines)


def _person_lines(ctx: Ctx, person: PersonDays, day: date) -> list[str]:
    """Check-in, check-out and the verdict of one person."""
    _ = ctx._
    lines = []
    for kind, label in (("in", N_("Check-in: {time}")), ("out", N_("Check-out: {time}"))):
        punch = person.punches.get((day, kind))
        shown = "—" if punch is None else f"{punch.at:%H:%M}" + (f" ({_('field (外勤)')}: {punch.place})"
                                                                 if punch.field else "")
        lines.append(_(label).format(time=shown))
    status = status_text(ctx, person.days[day])
    if _overtime_check_in(person, day):
        status += " · " + _("came in (overtime)")
    lines.append(_(STATUS_LINE).format(status=status))
    return lines


def status_text(ctx: Ctx, assessment: DayAssessment) -> str:
    """Every status of the day (primary first), with minutes after late and early."""
    return " / ".join(_label(ctx, status, assessment) for status in day_labels(assessment))


def _label(ctx: Ctx, status: DayStatus, assessment: DayAssessment) -> str:
    """One status in words; late and early say by how many minutes."""
    text = ctx._(STATUS_TEXT[status])
    if status == DayStatus.LATE and assessment.minutes_late:
        text += " " + ctx._("({late} late)").format(late=duration(ctx._, assessment.minutes_late))
    if status == DayStatus.EARLY_LEAVE and assessment.minutes_early:
        text += " " + ctx._("({early} early)").format(early=duration(ctx._, assessment.minutes_early))
    return text


def _office_lines(ctx: Ctx, report: DayReport) -> list[str]:
    """Everyone in the office, grouped; someone late, early and in the field is in all three groups."""
    groups: dict[str, list[str]] = {key: [] for key, _label in GROUPS}
    for person in report.people:
        for key, note in _groups_of(ctx, person, report.day):
            groups[key].append(f"{person.name}{note}")
    lines = []
    for key, label in GROUPS:
        names = groups[key]
        lines.append(f"{ctx._(label)} ({len(names)}): " + ("、".join(names) if names else "—"))
    return lines


def _groups_of(ctx: Ctx, person: PersonDays, day: date) -> list[tuple[str, str]]:
    """The groups a person's day falls in, each with its short note (time, place, minutes)."""
    assessment = person.days[day]
    overtime = _overtime_check_in(person, day)
    if overtime:
        return [("present", _at(overtime))]
    if assessment.primary in NOT_EXPECTED:
        return []
    found: dict[str, str] = {}
    for status in day_labels(assessment):
        key = GROUP_OF.get(status)
        if key is not None and key not in found:
            found[key] = _note(ctx, status, assessment, person, day)
    return list(found.items())


def _note(ctx: Ctx, status: DayStatus, assessment: DayAssessment, person: PersonDays, day: date) -> str:
    """What to say after the name in one group: the punch that put them there and why."""
    check_in, check_out = person.punches.get((day, "in")), person.punches.get((day, "out"))
    if status == DayStatus.LATE:
        return _at(check_in) + " " + ctx._("({late} late)").format(late=duration(ctx._, assessment.minutes_late))
    if status == DayStatus.EARLY_LEAVE:
        return _at(check_out) + " " + ctx._("({early} early)").format(early=duration(ctx._, assessment.minutes_early))
    if status == DayStatus.FIELD:
        punch = check_in if check_in and check_in.field else check_out
        return _at(punch) + " " + ctx._("(field: {place})").format(place=punch.place if punch and punch.place else "—")
    if status in (DayStatus.OUT_ON_BUSINESS, DayStatus.HALF_LEAVE):
        return f" ({ctx._(STATUS_TEXT[status])})"
    if status == DayStatus.PRESENT:
        return _at(check_in)
    return ""


def _overtime_check_in(person: PersonDays, day: date) -> Punch | None:
    """On a day nobody is expected, the check-in of someone who came in anyway (加班): shown as present, as
    DingTalk's and WeCom's day views show a rest-day punch; None on a working day or without a check-in."""
    return person.punches.get((day, "in")) if person.days[day].primary in NOT_EXPECTED else None


def _at(punch: Punch | None) -> str:
    """A space and the HH:MM of a punch, or nothing."""
    return f" {punch.at:%H:%M}" if punch else ""
