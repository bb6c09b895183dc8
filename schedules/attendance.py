"""The past month's attendance sheet to HR on the 1st, from 09:00 (headquarters' time zone).

An hourly sweep rather than one cron instant, so a bot that was down at 09:00 on the 1st still sends
the sheet when it comes back (within the first CATCH_UP_DAYS days of the month).

Files cannot go through the outbox, so the sheet is sent directly through the channel to every HR
person with a Telegram account. Each recipient's slot `attendance-sheet` / `YYYY-MM:<staff id>` is
claimed before the sheet is built and sent, so a second instance or a rerun does not send it again, and
released when the build or that send fails, so a later run (hourly, within the catch-up days) retries it.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from schedules.runner import job
from services import attendance_sheet
from services.i18n import N_, translator
from services.jobs import claim_slot, release_slot
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
    """Build last month's sheet and send it once to each HR person; failures are retried next run."""
    app = runtime.app
    now = app.now()
    local = now.astimezone(ZoneInfo(app.default_timezone))
    if local.day > CATCH_UP_DAYS or (local.day == 1 and local.hour < SEND_FROM_HOUR):
        return "not due"
    month = previous_month(local.date())
    slot = f"{month:%Y-%m}"
    recipients = attendance_sheet.hr_recipients(app.uow())
    if not recipients:
        return f"{slot}: no HR recipient"
    claimed = [(f"{slot}:{staff_id}", staff_id, chat_id, locale) for staff_id, chat_id, locale in recipients
               if claim_slot(app.uow(), job="attendance-sheet", slot=f"{slot}:{staff_id}",
                             instance=app.instance_id, now=now)]
    if not claimed:
        return f"{slot}: already sent"
    delivered: set[str] = set()
    try:
        file = await asyncio.to_thread(
            attendance_sheet.build_month_sheet, app.uow(), month=month, office_ids=None, now=now,
            grace_minutes=app.checkin_grace_minutes, company=app.company_name)
        for recipient_slot, staff_id, chat_id, locale in claimed:
            try:
                assert runtime.channel is not None, "no channel attached"
                text = translator(locale)(SHEET_TEXT).format(month=slot)
                await runtime.channel.send(chat_id, OutMessage(text, file=file))
                delivered.add(recipient_slot)
            except Exception:
                log.exception("attendance sheet %s to staff %s failed; retried on the next run", slot, staff_id)
    finally:  # whatever was not delivered (send failed, build failed, cancelled) is claimed again next run
        for recipient_slot, *_ in claimed:
            if recipient_slot not in delivered:
                release_slot(app.uow(), job="attendance-sheet", slot=recipient_slot)
    failed = len(claimed) - len(delivered)
    return f"{slot}: sent to {len(delivered)} HR recipient(s)" + (f", {failed} failed, retried next run"
                                                                  if failed else "")
