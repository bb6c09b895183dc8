"""The report reminder sweep: who gets which reminder, chase, escalation or digest now — each once.

Flow (see reminders.mmd): load the roster → work out the due slots per report type and time zone →
load the reports and absences of those periods → plan notices → drop keys already sent → render their
texts (an office whose texts fail is skipped and logged, unclaimed) → claim the rest (insert-or-ignore
RETURNING) and queue their messages in the same transaction → commit.
A fixed number of queries per sweep, whatever the head count; a second sweep finds nothing new.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from domain import workdays
from domain.periods import Period, recent_periods
from domain.report_rules import is_quiet_hour, joined_in_time, reminder_key, writes
from domain.reports import (
    ReminderKind,
    ReminderSlot,
    ReportConfig,
    ReportKind,
    ReportsConfig,
    deadline,
    reminders_due,
)
from domain.roles import HQ_ROLES
from services.i18n.catalogs import translator
from services.messaging import outbox
from services.messaging.messages import OutMessage
from services.platform.jobs import claim_reminders
from services.reports.roster import (
    Person,
    ReportStub,
    Roster,
    away_by_day,
    load_reports,
    load_roster,
    load_sent_keys,
)
from services.reports.texts import (
    About,
    digest_message,
    due_label,
    escalation_message,
    reminder_message,
    report_title,
)
from storage.uow import UnitOfWork

WorkingDay = Callable[[date], bool]
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Notice:
    """One planned message: its exactly-once key, who gets it, and whom it is about."""

    key: str
    staff_id: int
    kind: ReminderKind
    report: ReportKind
    period: Period
    at: datetime
    recipients: tuple[Person, ...]
    about: tuple[Person, ...]


@dataclass
class SweepResult:
    """What one sweep did, for the job log and tests."""

    planned: int = 0
    sent: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        """One line for the log."""
        parts = ", ".join(f"{kind} {n}" for kind, n in sorted(self.sent.items())) or "nothing new"
        return f"{self.planned} due, sent: {parts}"


class SlotBook:
    """Due reminder slots per report type and time zone, worked out once per sweep."""

    def __init__(self, configs: ReportsConfig, *, now: datetime, is_working_day: WorkingDay) -> None:
        self.configs, self.now, self.is_working_day = configs, now, is_working_day
        self._cache: dict[tuple[str, str], list[tuple[Period, ReminderSlot]]] = {}
        self._deadlines: dict[tuple[str, str, str], datetime] = {}

    def due(self, kind: ReportKind, timezone: str) -> list[tuple[Period, ReminderSlot]]:
        """(period, slot) pairs of `kind` due now on `timezone`'s clock."""
        if (kind, timezone) not in self._cache:
            config, tz = self.configs.get(kind), ZoneInfo(timezone)
            local_day = self.now.astimezone(tz).date()
            self._cache[(kind, timezone)] = [
                (period, slot)
                for period in recent_periods(config.period, local_day)
                for slot in reminders_due(config=config, period=period, tz=tz, now=self.now,
                                          is_working_day=self.is_working_day)
            ]
        return self._cache[(kind, timezone)]

    def deadline(self, kind: ReportKind, period: Period, timezone: str) -> datetime:
        """The deadline of `kind` for `period` on `timezone`'s clock."""
        key = (kind, period.key, timezone)
        if key not in self._deadlines:
            self._deadlines[key] = deadline(self.configs.get(kind), period, ZoneInfo(timezone))
        return self._deadlines[key]

    def all_due(self) -> list[tuple[ReportKind, Period, ReminderSlot]]:
        """Everything worked out so far."""
        return [(ReportKind(kind), p, s) for (kind, _tz), due in self._cache.items() for p, s in due]


@dataclass
class Facts:
    """What the planner needs, loaded in bulk."""

    roster: Roster
    book: SlotBook
    reports: dict[tuple[str, str], dict[int, ReportStub]]
    away: dict[date, set[int]]
    now: datetime
    _overdue: dict[tuple[str, str], list[Person]] = field(default_factory=dict)
    _overdue_in: dict[tuple[str, str, int | None], list[Person]] = field(default_factory=dict)
    _owes: dict[tuple[int, str, str], bool] = field(default_factory=dict)
    _configs: dict[str, ReportConfig] = field(default_factory=dict)
    _days: dict[str, date] = field(default_factory=dict)

    def overdue(self, kind: ReportKind, period: Period, *, office_id: int | None) -> list[Person]:
        """Who still owes `kind` for `period` after their own deadline: in one office, or anywhere (None)."""
        key = (kind, period.key)
        if key not in self._overdue:
            self._overdue[key] = [
                p for p in sorted(self.roster.people.values(), key=lambda p: p.id)
                if self.owes(p, kind, period) and self.book.deadline(kind, period, p.timezone) <= self.now
            ]
            for person in self._overdue[key]:
                self._overdue_in.setdefault((*key, person.office_id), []).append(person)
        return self._overdue[key] if office_id is None else self._overdue_in.get((*key, office_id), [])

    def owes(self, person: Person, kind: ReportKind, period: Period) -> bool:
        """A writer who has not submitted, joined before the deadline and is not away today (memoized)."""
        # StrEnum members hash and compare as their strings: keys use them directly (`.value` is slow)
        key = (person.id, kind, period.key)
        if key not in self._owes:
            self._owes[key] = (
                self.writes(person, kind)
                and person.id not in self.reports.get((kind, period.key), {})
                and joined_in_time(joined_at=person.joined_at, due=self.book.deadline(kind, period, person.timezone))
                and person.id not in self.away.get(self._today(person.timezone), set())
            )
        return self._owes[key]

    def writes(self, person: Person, kind: ReportKind) -> bool:
        """Whether the person writes this report type at all."""
        if kind not in self._configs:
            self._configs[kind] = self.book.configs.get(kind)
        return writes(self._configs[kind], roles=person.roles, full_time=person.full_time)

    def quiet(self, timezone: str) -> bool:
        """Whether it is night on a time zone's clock (reminders wait for the morning)."""
        return is_quiet_hour(self.now.astimezone(ZoneInfo(timezone)))

    def _today(self, timezone: str) -> date:
        """Today's date on a time zone's clock."""
        if timezone not in self._days:
            self._days[timezone] = self.now.astimezone(ZoneInfo(timezone)).date()
        return self._days[timezone]


def sweep(
    uow: UnitOfWork, *, configs: ReportsConfig, now: datetime,
    is_working_day: WorkingDay = workdays.is_working_day,
) -> SweepResult:
    """Send every report reminder due now that was not sent before; safe to run twice or on two hosts."""
    result = SweepResult()
    with uow:
        session = uow.session
        roster = load_roster(session)
        book = SlotBook(configs, now=now, is_working_day=cache(is_working_day))
        for kind in ReportKind:
            for timezone in {p.timezone for p in roster.people.values()}:
                book.due(kind, timezone)
        due = book.all_due()
        if not due:
            return result
        reports = load_reports(session, pairs={(kind.value, period.key) for kind, period, _ in due})
        days = {now.astimezone(ZoneInfo(p.timezone)).date() for p in roster.people.values()}
        notices = plan_notices(Facts(roster, book, reports, away_by_day(session, days=days), now))
        result.planned = len(notices)
        since = min(slot.at for _, _, slot in due)
        sent = load_sent_keys(session, keys={n.key for n in notices}, since=since)
        fresh, messages = render_isolated([n for n in notices if n.key not in sent], roster=roster,
                                          configs=configs)
        won = claim_reminders(session, keys={n.key: n.staff_id for n in fresh}, now=now) if fresh else set()
        claimed = [n for n in fresh if n.key in won]
        if len(claimed) != len(fresh):  # another instance claimed some: only ours go out
            claimed, messages = render_isolated(claimed, roster=roster, configs=configs)
        outbox.enqueue_all(session, messages, now=now)
        for notice in claimed:
            result.sent[notice.kind] = result.sent.get(notice.kind, 0) + 1
        uow.commit()
    return result


def plan_notices(facts: Facts) -> list[Notice]:
    """Every notice due now, before looking at what was already sent."""
    notices: list[Notice] = []
    for person in sorted(facts.roster.people.values(), key=lambda p: p.id):
        for kind in ReportKind:
            due = facts.book.due(kind, person.timezone)
            if not due or not facts.writes(person, kind):
                continue
            for period, slot in due:
                if slot.kind != ReminderKind.DIGEST and facts.owes(person, kind, period):
                    notices.append(_personal(facts, person, kind, period, slot))
    for kind in ReportKind:
        notices += _digests(facts, kind)
    return [n for n in notices if n.recipients and not all(facts.quiet(r.timezone) for r in n.recipients)]


def _personal(facts: Facts, person: Person, kind: ReportKind, period: Period, slot: ReminderSlot) -> Notice:
    """A reminder or chase to the person, or an escalation about them to their manager."""
    if slot.kind in (ReminderKind.REMIND, ReminderKind.CHASE):
        recipients: tuple[Person, ...] = (person,)
    else:
        recipients = escalation_targets(facts.roster, person, facts.book.configs.get(kind).escalate_to)
    key = reminder_key(kind, period.key, slot.slot, person.id)
    return Notice(key, person.id, slot.kind, kind, period, slot.at, recipients, (person,))


def escalation_targets(roster: Roster, person: Person, escalate_to: tuple[str, ...]) -> tuple[Person, ...]:
    """The person's manager; without one, the holders of the escalation roles (never the person)."""
    manager = roster.manager_of(person)
    if manager is not None and manager.id != person.id:
        return (manager,)
    holders = {h.id: h for role in escalate_to for h in roster.holders(role, office_id=person.office_id)}
    return tuple(h for h in holders.values() if h.id != person.id)


def _digests(facts: Facts, kind: ReportKind) -> list[Notice]:
    """"Who has not submitted" lists for the escalation roles: an office's, or every office's for HQ."""
    config, notices = facts.book.configs.get(kind), []
    for role in config.escalate_to:
        for recipient in facts.roster.holders(role, office_id=None):
            scope = None if role in HQ_ROLES else recipient.office_id
            for period, slot in facts.book.due(kind, recipient.timezone):
                if slot.kind != ReminderKind.DIGEST:
                    continue
                missing = tuple(p for p in facts.overdue(kind, period, office_id=scope) if p.id != recipient.id)
                if missing:
                    key = reminder_key(kind, period.key, slot.slot, recipient.id)
                    notices.append(Notice(key, recipient.id, slot.kind, kind, period, slot.at, (recipient,), missing))
    return notices


def render_isolated(notices: list[Notice], *, roster: Roster, configs: ReportsConfig
                    ) -> tuple[list[Notice], list[tuple[int, OutMessage]]]:
    """The notices that render, with their messages; an office whose texts fail is skipped and logged.

    Rendering happens before claiming, so a skipped office's notices stay unclaimed and go out in a later
    sweep once the fault (say a translation with a bad placeholder) is fixed; the other offices' go out now.
    Normally everything renders at once (escalations to one recipient stay one message).
    """
    try:
        return notices, render(notices, roster=roster, configs=configs)
    except Exception:
        log.exception("rendering %d reminders failed; retrying office by office", len(notices))
    by_office: dict[int | None, list[Notice]] = defaultdict(list)
    for notice in notices:
        by_office[_office_of(notice, roster)].append(notice)
    kept: list[Notice] = []
    messages: list[tuple[int, OutMessage]] = []
    for office_id, group in by_office.items():
        try:
            messages += render(group, roster=roster, configs=configs)
        except Exception:
            log.exception("reminders of office %s skipped: %s", office_id, ", ".join(n.key for n in group))
            continue
        kept += group
    return kept, messages


def _office_of(notice: Notice, roster: Roster) -> int | None:
    """The office a notice belongs to: its person's (the one who owes, or the digest's recipient)."""
    person = roster.people.get(notice.staff_id)
    return person.office_id if person is not None else None


def render(notices: list[Notice], *, roster: Roster, configs: ReportsConfig) -> list[tuple[int, OutMessage]]:
    """Messages in each recipient's language; escalations about several people go out as one."""
    out: list[tuple[int, OutMessage]] = []
    escalations: dict[tuple[int, str, str], list[Notice]] = defaultdict(list)
    abouts: dict[tuple[Any, ...], About] = {}  # the same few per office and language: computed once each
    for notice in notices:
        if notice.kind == ReminderKind.ESCALATE:
            for recipient in notice.recipients:
                escalations[(recipient.id, notice.report, notice.period.key)].append(notice)
            continue
        recipient = notice.recipients[0]
        _, about = translator(recipient.locale), _about(notice, recipient, configs, abouts)
        if notice.kind == ReminderKind.DIGEST:
            missing = [(roster.office_name(p.office_id), p.name) for p in notice.about]
            out.append((recipient.id, digest_message(about, missing, _=_)))
        else:
            out.append((recipient.id, reminder_message(notice.kind, about, _=_)))
    for (recipient_id, _kind, _period), group in escalations.items():
        recipient = roster.people[recipient_id]
        names = [n.about[0].name for n in group]
        message = escalation_message(_about(group[0], recipient, configs, abouts), names,
                                     _=translator(recipient.locale))
        out.append((recipient_id, message))
    return out


def _about(notice: Notice, recipient: Person, configs: ReportsConfig, memo: dict[tuple[Any, ...], About]) -> About:
    """The report type, period and deadline, as the recipient reads them (kept in `memo` for the next alike)."""
    tz = notice.about[0].tz if notice.kind != ReminderKind.DIGEST else recipient.tz
    key = (notice.report, notice.period, tz, recipient.locale)
    if key not in memo:
        due = deadline(configs.get(notice.report), notice.period, tz)
        title = report_title(configs, notice.report, locale=recipient.locale, _=translator(recipient.locale))
        memo[key] = About(notice.report, title, notice.period, due_label(due, tz))
    return memo[key]
