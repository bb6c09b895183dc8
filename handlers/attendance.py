"""Attendance in chat: /checkin, /checkout, /today and /attendance_sheet.

```mermaid
flowchart LR
  A[/checkin/] -->|already today| D[says when]
  A --> L[share location] -->|stale, forwarded, venue| L
  L -->|inside geofence| S[summary → Check in]
  L -->|outside| F[field check-in 外勤] --> P[customer or place] --> S
  S --> R[time, late / early]
```
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from domain.checkin import LocationRefusal, PunchKind, location_refusal, outside_fence
from domain.roles import ATTENDANCE_SHEET_ROLES, REGION_ROLES
from handlers.attendance_view import render_day
from handlers.context import Ctx
from handlers.forms.engine import start_form
from handlers.forms.spec import Answers, Field, Form, FormError, Kind, register_form
from handlers.replies import NOT_ALLOWED, SHARE_LOCATION
from handlers.router import Router
from services.attendance import days as attendance_days
from services.attendance import punches as attendance
from services.attendance import sheet as attendance_sheet
from services.attendance.punches import PunchOutcome, PunchResult
from services.i18n.catalogs import N_
from services.i18n.display import distance, duration
from services.messaging.messages import OutMessage

REFUSALS = {
    LocationRefusal.FORWARDED: N_("Forwarded locations are not accepted. Please share your own current location."),
    LocationRefusal.VENUE: N_("A place picked on the map is not accepted. Please share your current location."),
    LocationRefusal.STALE: N_("That location is too old. Please share your current location again."),
    LocationRefusal.FROM_FUTURE: N_("That location has a wrong time. Please share your current location again."),
    LocationRefusal.INVALID: SHARE_LOCATION,
}


def _fresh_location(ctx: Ctx, value: Any, _answers: Answers) -> str | None:
    """Refuse stale, forwarded and venue locations right when they are shared."""
    refusal = location_refusal(value, now=ctx.app.now(), max_age_minutes=ctx.app.location_max_age_minutes)
    return REFUSALS[refusal] if refusal else None


def _punch_form(kind: PunchKind, title: str, save_label: str) -> Form:
    """The check-in or check-out conversation."""
    return register_form(Form(f"check{kind.value}", title, fields=(
        Field("location", N_("Location"), N_("Tap the button below to share your current location."),
              Kind.location, check=_fresh_location),
        Field("field", N_("Type"),
              N_("You are outside the office area. Choose field attendance (外勤) to go on, or cancel."),
              Kind.choice, choices=(("field", N_("Field (外勤)")),), when=outside_fence),
        Field("place", N_("Customer or place"), N_("Which customer or place are you at?"), Kind.text,
              max_length=200, when=outside_fence),
    ), save=_save_punch, save_label=save_label))


def _save_punch(ctx: Ctx, answers: Answers, context: dict[str, Any]) -> str:
    """Record the punch through the service; a refused location sends the person back to share again."""
    kind = PunchKind(context.get("kind", "in"))
    app = ctx.app
    result = attendance.punch(app.uow(), staff_id=ctx.me.id, kind=kind, location=answers["location"],
                              place=answers.get("place"), now=app.now(), grace_minutes=app.checkin_grace_minutes,
                              max_age_minutes=app.location_max_age_minutes)
    if result.outcome == PunchOutcome.REFUSED and result.refusal is not None:
        raise FormError("location", REFUSALS[result.refusal])
    if result.outcome == PunchOutcome.NEED_PLACE:
        raise FormError("place", N_("Which customer or place are you at?"))
    return punch_text(ctx, kind, result)


def punch_text(ctx: Ctx, kind: PunchKind, result: PunchResult) -> str:
    """The confirmation (or the earlier punch of today) in the person's language."""
    _ = ctx._
    if result.outcome == PunchOutcome.DUPLICATE:
        msgid = N_("You already checked in today at {time}.") if kind == PunchKind.IN \
            else N_("You already checked out today at {time}.")
        return _(msgid).format(time=result.local_time)
    lines = [(_("✅ Checked in at {time}.") if kind == PunchKind.IN else _("✅ Checked out at {time}."))
             .format(time=result.local_time)]
    if result.field:
        lines.append(_("Field (外勤) at {place}, {distance} from the office.").format(
            place=result.place or "—", distance=distance(_, result.distance_m)))
    if result.late_minutes:
        lines.append(_("That is {late} late (work starts at {start}).").format(
            late=duration(_, result.late_minutes),
            start=f"{result.expected.start if result.expected else ctx.me.work_start:%H:%M}"))
    if result.early_minutes:
        lines.append(_("That is {early} before the end of work ({end}).").format(
            early=duration(_, result.early_minutes),
            end=f"{result.expected.end if result.expected else ctx.me.work_end:%H:%M}"))
    return "\n".join(lines)


CHECK_IN = _punch_form(PunchKind.IN, N_("Check in"), N_("Check in"))
CHECK_OUT = _punch_form(PunchKind.OUT, N_("Check out"), N_("Check out"))


def checkin(ctx: Ctx) -> None:
    """/checkin: share the location, then the punch is judged against the office's hours."""
    _start_punch(ctx, PunchKind.IN, CHECK_IN)


def checkout(ctx: Ctx) -> None:
    """/checkout: like /checkin, at the end of the day."""
    _start_punch(ctx, PunchKind.OUT, CHECK_OUT)


def _start_punch(ctx: Ctx, kind: PunchKind, form: Form) -> None:
    """Say when the person punched already, or open the form with the office geofence."""
    start = attendance.start_punch(ctx.app.uow(), staff_id=ctx.me.id, kind=kind, now=ctx.app.now())
    if start.existing is not None:
        ctx.reply(punch_text(ctx, kind, start.existing))
        return
    start_form(ctx, form, answers={"fence": start.fence}, context={"kind": kind.value})


def today(ctx: Ctx) -> None:
    """/today: my day; office heads and admins see their whole office, regional managers every office of
    their region."""
    if ctx.me.roles & REGION_ROLES and not ctx.me.manages_office:
        region = attendance_days.region_day_reports(ctx.app.uow(), staff_id=ctx.me.id, now=ctx.app.now(),
                                                    grace_minutes=ctx.app.checkin_grace_minutes)
        if region:
            ctx.reply("\n\n".join(render_day(ctx, report, whole_office=True) for report in region))
            return
    report = attendance_days.day_report(ctx.app.uow(), staff_id=ctx.me.id, whole_office=ctx.me.manages_office,
                                        now=ctx.app.now(), grace_minutes=ctx.app.checkin_grace_minutes)
    if report is None:
        ctx.reply(ctx._("You are not assigned to an office, so there is no attendance to show."))
        return
    ctx.reply(render_day(ctx, report, whole_office=ctx.me.manages_office))


def parse_month(args: tuple[str, ...], *, today: date) -> date | None:
    """YYYY-MM (also YYYY/MM, YYYY.MM, YYYYMM) → its first day; no argument → this month."""
    if not args:
        return today.replace(day=1)
    match = re.fullmatch(r"(\d{4})[-/.年]?(\d{1,2})月?", args[0].strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        return None
    return date(int(match.group(1)), int(match.group(2)), 1)


def sheet(ctx: Ctx) -> None:
    """/attendance_sheet [YYYY-MM]: the month's attendance as an Excel file."""
    month = parse_month(ctx.inbound.args, today=ctx.today)
    if month is None:
        ctx.reply(ctx._("Please give the month as YYYY-MM, for example /attendance_sheet 2026-10"))
        return
    file = attendance_sheet.sheet_for(ctx.app.uow(), staff_id=ctx.me.id, month=month, now=ctx.app.now(),
                                      grace_minutes=ctx.app.checkin_grace_minutes, company=ctx.app.company_name)
    if file is None:
        ctx.reply(ctx._(NOT_ALLOWED))
        return
    text = ctx._("Attendance sheet {month}. For another month send /attendance_sheet YYYY-MM").format(
        month=f"{month:%Y-%m}")
    ctx.reply(OutMessage(text, file=file))


def register(router: Router) -> None:
    """Declare the attendance commands."""
    router.command("checkin", checkin, N_("check in with your location"), order=10)
    router.command("checkout", checkout, N_("check out with your location"), order=11)
    router.command("today", today, N_("today's attendance"), order=12)
    router.command("attendance_sheet", sheet, N_("monthly attendance sheet (Excel)"), roles=ATTENDANCE_SHEET_ROLES,
                   order=60)
