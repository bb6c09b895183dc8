"""The past month's attendance sheet to HR on the 1st, from 09:00 (headquarters' time zone).

An hourly sweep rather than one cron instant, so a bot that was down at 09:00 on the 1st still sends
the sheet when it comes back (within the first CATCH_UP_DAYS days of the month).

The sheet goes through the outbox like every message (the file's bytes in the row), to every HR
person with a chat account. Each recipient's slot `attendance-sheet` / `YYYY-MM:<staff id>` is
claimed in the same transaction that queues their sheet, so a second instance or a rerun does not
send it again, a failed build claims nothing (the next hourly run tries again), and a failed send is
retried by the sender like any other message.
"""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from schedules.runner import job
from services.attendance import sheet as attendance_sheet
from services.i18n.catalogs import N_, translator
from services.messaging import outbox
from services.messaging.messages import OutMessage
from services.platform import zones
from services.platform.context import AppContext
from services.platform.jobs import claim_slot, claimed_slots

SEND_FROM_HOUR = 9
CATCH_UP_DAYS = 5
JOB = "attendance-sheet"
SHEET_TEXT = N_("Attendance sheet of {month} for all offices.")


def previous_month(today: date) -> date:
    """The first day of the month before `today`'s."""
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


@job("attendance-sheet", every_minutes=60)
async def send_sheet_to_hr(app: AppContext) -> str:
    """Build last month's sheet once and queue it to each HR person not yet sent it."""
    now = app.now()
    local = now.astimezone(zones.company_zone())
    if local.day > CATCH_UP_DAYS or (local.day == 1 and local.hour < SEND_FROM_HOUR):
        return "not due"
    month = previous_month(local.date())
    slot = f"{month:%Y-%m}"
    recipients = {f"{slot}:{staff_id}": (staff_id, locale)
                  for staff_id, _chat, locale in attendance_sheet.hr_recipients(app.uow())}
    if not recipients:
        return f"{slot}: no HR recipient"
    due = set(recipients) - claimed_slots(app.uow(), job=JOB, slots=list(recipients))
    if not due:
        return f"{slot}: already sent"
    file = await asyncio.to_thread(
        attendance_sheet.build_month_sheet, app.uow(), month=month, office_ids=None, now=now,
        grace_minutes=app.checkin_grace_minutes, company=app.company_name)
    queued = 0
    for recipient_slot in sorted(due):
        staff_id, locale = recipients[recipient_slot]
        with app.uow() as uow:  # the claim and the queued sheet commit together: once, and never lost
            if claim_slot(uow, job=JOB, slot=recipient_slot, instance=app.instance_id, now=now):
                text = translator(locale)(SHEET_TEXT).format(month=slot)
                outbox.enqueue(uow.session, staff_id=staff_id, message=OutMessage(text, file=file), now=now)
                queued += 1
            uow.commit()
    return f"{slot}: sent to {queued} HR recipient(s)" if queued else f"{slot}: already sent"
