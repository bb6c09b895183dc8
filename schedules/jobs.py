"""The sweeps the bot runs on a schedule; each module-level @job registers itself."""

from __future__ import annotations

from schedules import approvals, attendance  # noqa: F401 - pending-approval chasing, monthly sheet to HR
from schedules import assets as stocktake  # noqa: F401 - the yearly 盘点 checklist per office
from schedules import expenses as expense_reminders  # noqa: F401 - 80 % of the ceiling; receipts by the 25th
from schedules import holidays as holiday_calendar  # noqa: F401 - the holiday calendar ends within 30 days
from schedules import housekeeping as prune_updates  # noqa: F401 - old update ids and stored updates forgotten
from schedules import meetings as meeting_reminders  # noqa: F401 - before meetings; tasks chased
from schedules import payments as draft_reminders  # noqa: F401 - bank drafts maturing within 7 days
from schedules import people as probation  # noqa: F401 - evaluations, 转正 request, HR reminders
from schedules import receivables as collection_chasing  # noqa: F401 - 催款 and the weekly digest to finance
from schedules import repairs as overdue_repairs  # noqa: F401 - repair jobs past their due time
from schedules import reports as report_reminders  # noqa: F401 - reminders, chasing, escalation, digests
from schedules import warranty as warranty_reminders  # noqa: F401 - warranty ends within 30 days
