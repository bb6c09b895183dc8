"""The past month's attendance sheet to HR on the 1st (09:00 Shanghai = 01:00 UTC).

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

SHEET_TEXT = N_("Attendance sheet of {month} for all offices.")


def previous_month(today: date) -> date:
    """The first day of the month before `today`'s."""
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


@job("attendance-sheet", day="1", hour="1", minute="0")
async def send_sheet_to_hr(runtime: Runtime) -> str:
    """Build last month's sheet once and send it to HR."""
    app = runtime.app
    now = app.now()
    month = previous_month(now.astimezone(ZoneInfo(app.default_timezone)).date())
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
