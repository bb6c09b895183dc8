"""The past month's attendance sheet to HR on the 1st, from 09:00 (headquarters' time zone).

An hourly sweep rather than one cron instant, so a bot that was down at 09:00 on the 1st still sends
the sheet when it comes back (within the first CATCH_UP_DAYS days of the month).

The slot `attendance-sheet` / `YYYY-MM` is claimed first, so a second instance or a rerun sends
nothing; files cannot go through the outbox, so the sheet is sent directly through the channel to
every HR person with a Telegram account.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from schedules.runner import job
from services import attendance_sheet
from services.i18n import N_, translator
from services.jobs import claim_slot
from services.messages import OutMessage

if TYPE_CHECKING:
    from bot.bootstrap import Runtime

log = logging.getLogger(__name__)

SEND_FROM_HOUR = 9
CATCH_UP_DAYS = 5
SHEET_TEXT = N_("Attendance sheet of {month} for all offices.")


def previous_month(today: date) -> date:
    """The first day of the month before `today`'s."""
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


@job("attendance-sheet", every_minutes=60)
async def send_sheet_to_hr(runtime: Runtime) -> str:
    """Build last month's sheet once and send it to HR."""
    app = runtime.app
    now = app.now()
    local = now.astimezone(ZoneInfo(app.default_timezone))
    if local.day > CATCH_UP_DAYS or (local.day == 1 and local.hour < SEND_FROM_HOUR):
        return "not due"
    month = previous_month(local.date())
    slot = f"{month:%Y-%m}"
    if not claim_slot(app.uow(), job="attendance-sheet", slot=slot, instance=app.instance_id, now=now):
        return f"{slot}: already sent"
    file = attendance_sheet.build_month_sheet(app.uow(), month=month, office_ids=None, now=now,
                                              grace_minutes=app.checkin_grace_minutes, company=app.company_name)
    sent = 0
    for staff_id, chat_id, locale in attendance_sheet.hr_recipients(app.uow()):
        try:
            assert runtime.channel is not None, "no channel attached"
            text = translator(locale)(SHEET_TEXT).format(month=slot)
            await runtime.channel.send(chat_id, OutMessage(text, file=file))
            sent += 1
        except Exception:
            log.exception("attendance sheet %s to staff %s failed", slot, staff_id)
    return f"{slot}: sent to {sent} HR recipient(s)"
