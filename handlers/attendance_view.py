"""How /today reads: one person's day, or an office's day grouped by present, late, away and missing."""

from __future__ import annotations

from datetime import date

from domain.attendance import DayAssessment, DayStatus
from handlers.context import Ctx
from services.attendance_days import DayReport, PersonDays
from services.i18n import N_

STATUS_TEXT = {
    DayStatus.PRESENT: N_("present"),
    DayStatus.LATE: N_("late"),
    DayStatus.EARLY_LEAVE: N_("left early"),
    DayStatus.MISSING_PUNCH: N_("missing a punch"),
    DayStatus.FIELD: N_("field (外勤)"),
    DayStatus.LEAVE: N_("on leave"),
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
    ("late", N_("Late")),
    ("leave", N_("On leave")),
    ("out", N_("Out (field, outing, trip)")),
    ("missing", N_("Not checked in")),
)


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
    lines.append(_("Status: {status}").format(status=status_text(ctx, person.days[day])))
    return lines


def status_text(ctx: Ctx, assessment: DayAssessment) -> str:
    """The primary status, with minutes when late or early."""
    text = ctx._(STATUS_TEXT[assessment.primary])
    if assessment.minutes_late:
        text += " " + ctx._("({n} min late)").format(n=assessment.minutes_late)
    if assessment.minutes_early and assessment.primary != DayStatus.LATE:
        text += " " + ctx._("({n} min early)").format(n=assessment.minutes_early)
    return text


def _office_lines(ctx: Ctx, report: DayReport) -> list[str]:
    """Everyone in the office, grouped."""
    groups: dict[str, list[str]] = {key: [] for key, _label in GROUPS}
    for person in report.people:
        key, note = _group_of(ctx, person, report.day)
        if key in groups:
            groups[key].append(f"{person.name}{note}")
    lines = []
    for key, label in GROUPS:
        names = groups[key]
        lines.append(f"{ctx._(label)} ({len(names)}): " + ("、".join(names) if names else "—"))
    return lines


def _group_of(ctx: Ctx, person: PersonDays, day: date) -> tuple[str, str]:
    """Which group a person's day falls in, and a short note (time, place, minutes)."""
    assessment = person.days[day]
    punch = person.punches.get((day, "in"))
    at = f" {punch.at:%H:%M}" if punch else ""
    if assessment.primary == DayStatus.LEAVE:
        return "leave", ""
    if assessment.primary == DayStatus.OUT_ON_BUSINESS:
        return "out", f" ({ctx._(STATUS_TEXT[DayStatus.OUT_ON_BUSINESS])})"
    if DayStatus.LATE in assessment.flags:
        return "late", at + " " + ctx._("({n} min late)").format(n=assessment.minutes_late)
    if DayStatus.FIELD in assessment.flags:
        place = punch.place if punch and punch.place else "—"
        return "out", at + " " + ctx._("(field: {place})").format(place=place)
    if DayStatus.PRESENT in assessment.flags:
        return "present", at
    if assessment.primary in (DayStatus.PENDING, DayStatus.ABSENT):
        return "missing", ""
    return "", ""
