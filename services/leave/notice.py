"""What an approver reads about a leave or overtime request: its type, half day, working days or hours, flags.

The leave type and day-part labels live here, once: the /leave form offers them and the card names them.
"""

from __future__ import annotations

from typing import Any

from domain.leave_rules import DayPart, LeaveType
from services.i18n.catalogs import N_, Translate

LEAVE_TYPE_LABELS: dict[str, str] = {
    LeaveType.PERSONAL: N_("Personal leave (事假)"), LeaveType.SICK: N_("Sick leave (病假)"),
    LeaveType.ANNUAL: N_("Annual leave (年假)"), LeaveType.COMP: N_("Time off in lieu (调休)"),
    LeaveType.MARRIAGE: N_("Marriage leave (婚假)"), LeaveType.MATERNITY: N_("Maternity leave (产假)"),
    LeaveType.PATERNITY: N_("Paternity leave (陪产假)"), LeaveType.BEREAVEMENT: N_("Bereavement leave (丧假)"),
}
DAY_PART_LABELS: dict[str, str] = {
    DayPart.FULL: N_("Whole day"), DayPart.MORNING: N_("Morning (上午)"), DayPart.AFTERNOON: N_("Afternoon (下午)"),
}

START_LABELS: dict[str, str] = {DayPart.AFTERNOON: N_("From the afternoon (下午) of the first day")}
END_LABELS: dict[str, str] = {DayPart.MORNING: N_("Until noon (上午) of the last day")}


def leave_lines(_: Translate, kind: str, payload: dict[str, Any]) -> list[str]:
    """The leave-specific lines of a card (none for other kinds or for requests stored before they existed)."""
    lines = []
    if payload.get("leave_type") in LEAVE_TYPE_LABELS:
        part = payload.get("day_part")
        shown = _(LEAVE_TYPE_LABELS[payload["leave_type"]])
        if part in DAY_PART_LABELS and part != DayPart.FULL:
            shown += " · " + _(DAY_PART_LABELS[part])
        for value, labels in ((payload.get("first_part"), START_LABELS), (payload.get("last_part"), END_LABELS)):
            if value in labels:
                shown += " · " + _(labels[value])
        lines.append(_("Leave type: {type}").format(type=shown))
    if kind in ("leave", "trip") and payload.get("days"):
        lines.append(_("Working days: {n}").format(n=payload["days"]))
    if kind == "outing" and payload.get("from_time") and payload.get("until_time"):
        lines.append(_("Time: {start}–{end} ({n} h)").format(start=payload["from_time"], end=payload["until_time"],
                                                            n=payload.get("hours", "?")))
    if kind == "overtime" and payload.get("days"):
        lines.append(_("Time off in lieu earned: {n} day(s)").format(n=payload["days"]))
    if payload.get("over_balance"):
        lines.append(_("⚠️ More than the requester's balance left."))
    return lines
