"""Collection chasing (催款): remind the responsible person before and after an instalment's due date,
escalate to the office head once, and a weekly digest of what is owed to finance.

Each message is claimed under a key (`domain.receivables.chase_key` / `digest_key`) in
`reminders_sent` in the transaction that queues it, so a second run, a restart or a second instance
sends nothing new. Chasing happens in each office's working hours on working days; the digest from
Monday 09:00 (the default time zone) on, once a week.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from domain import workdays
from domain.receivables import (
    CHASE_DAYS_BEFORE,
    ESCALATE_AFTER_DAYS,
    ESCALATE_WINDOW_DAYS,
    Age,
    ChaseStage,
    chase_key,
    chase_stage,
    digest_key,
)
from services.i18n.catalogs import translator
from services.messaging.messages import OutMessage
from services.payments.incoming import money
from services.payments.receivables import AGE_LABELS, BY_OFFICE, Receivable, open_instalments
from services.platform import zones
from services.records.reminders import offices_at_work, send_once
from services.reports.roster import Person, Roster, load_roster
from services.sales.contracts import KIND_LABELS
from storage.models import Contract
from storage.uow import UnitOfWork

DIGEST_ROLES = ("finance",)
DIGEST_FROM = time(9, 0)
AGE_ORDER = (Age.UP_TO_30, Age.UP_TO_60, Age.UP_TO_90, Age.OVER_90)


@dataclass(frozen=True)
class Chase:
    """An instalment at a chasing stage, judged on its office's local day."""

    item: Receivable
    stage: ChaseStage
    today: date


def sweep_chasing(uow: UnitOfWork, *, now: datetime,
                  is_working_day: Callable[[date], bool] = workdays.is_working_day) -> int:
    """Queue the chasing reminders due now, each stage of each instalment once; how many were claimed.

    Queries: the roster (3), the open instalments of the offices at work (1), sent keys (1), the claim (1).
    """
    with uow:
        session = uow.session
        roster = load_roster(session)
        today = offices_at_work(roster, now=now, is_working_day=is_working_day)
        if not today:
            return 0
        first = min(today.values()) - timedelta(days=ESCALATE_AFTER_DAYS + ESCALATE_WINDOW_DAYS)
        items = open_instalments(session, where=[Contract.office_id.in_(sorted(today))],
                                 until=max(today.values()) + timedelta(days=CHASE_DAYS_BEFORE),
                                 today=max(today.values()))
        chases: dict[str, Chase] = {}
        for item in items:
            local = today[item.office_id]
            stage = chase_stage(item.due_on, local) if item.due_on >= first else None
            if stage is not None:
                chases[chase_key(item.instalment_id, stage)] = Chase(item, stage, local)
        since = now - timedelta(days=CHASE_DAYS_BEFORE + ESCALATE_AFTER_DAYS + ESCALATE_WINDOW_DAYS + 2)
        sent = send_once(session, items=chases, owner=lambda c: c.item.staff_id,
                         recipients=lambda c: _chased(roster, c), render=chase_message, since=since, now=now)
        uow.commit()
        return sent


def _chased(roster: Roster, chase: Chase) -> list[Person]:
    """The responsible person; at escalation the office's heads as well (each once)."""
    heads = ("office_head",) if chase.stage == ChaseStage.ESCALATE else ()
    return roster.recipients(office_id=chase.item.office_id, roles=heads, people=(chase.item.staff_id,))


def chase_message(chase: Chase, person: Person) -> OutMessage:
    """The chasing reminder in the recipient's language."""
    _ = translator(person.locale)
    item = chase.item
    days = (chase.today - item.due_on).days
    if chase.stage == ChaseStage.BEFORE:
        head = _("⏳ An instalment falls due on {day} ({days} days left): please remind the customer.").format(
            day=item.due_on.isoformat(), days=-days)
    elif chase.stage == ChaseStage.AFTER:
        head = _("⏰ An instalment is {days} days overdue (due {day}): please chase the customer (催款).").format(
            day=item.due_on.isoformat(), days=days)
    else:
        head = _("🚨 Escalated: an instalment is {days} days overdue (due {day}) and still unpaid.").format(
            day=item.due_on.isoformat(), days=days)
    details = _("Contract #{id} {project}, {kind}: {amount} yuan owed by {customer}; responsible: {name} "
                "({office}).").format(id=item.contract_id, project=item.project, kind=_(KIND_LABELS[item.kind]),
                                      amount=money(item.owed), customer=item.customer_name, name=item.staff_name,
                                      office=item.office_name)
    return OutMessage(head + "\n" + details)


@dataclass(frozen=True)
class Digest:
    """Everything owed on a day, by age and by office."""

    today: date
    total: Decimal
    count: int
    by_age: dict[Age, Decimal]
    by_office: dict[str, Decimal]


def sweep_digest(uow: UnitOfWork, *, now: datetime) -> int:
    """Send finance this week's receivables digest once, from Monday 09:00 on; 1 when it was sent now."""
    local = now.astimezone(zones.company_zone())
    monday = local.date() - timedelta(days=local.weekday())
    if local < datetime.combine(monday, DIGEST_FROM, tzinfo=local.tzinfo):
        return 0
    with uow:
        session = uow.session
        roster = load_roster(session)
        finance = {p.id: p for role in DIGEST_ROLES for p in roster.holders(role, office_id=None)}
        if not finance:
            return 0
        items = open_instalments(session, where=[], until=local.date(), today=local.date())
        by_age: dict[Age, Decimal] = defaultdict(Decimal)
        by_office: dict[str, Decimal] = defaultdict(Decimal)
        for item in items:
            by_age[item.age] += item.owed
            by_office[item.office_name] += item.owed
        digest = Digest(local.date(), sum((i.owed for i in items), Decimal(0)), len(items), dict(by_age),
                        dict(by_office))
        sent = send_once(session, items={digest_key(local.date()): digest}, owner=lambda _d: None,
                         recipients=lambda _d: [finance[k] for k in sorted(finance)], render=digest_message,
                         since=now - timedelta(days=8), now=now)
        uow.commit()
        return sent


def digest_message(digest: Digest, person: Person) -> OutMessage:
    """The weekly digest in the recipient's language."""
    _ = translator(person.locale)
    lines = [_("📒 Weekly receivables digest ({day}): {amount} yuan due ({n} instalments)").format(
        day=digest.today.isoformat(), amount=money(digest.total), n=digest.count)]
    lines += [f"  {_(AGE_LABELS[age])}：{money(digest.by_age.get(age, Decimal(0)))}" for age in AGE_ORDER]
    if digest.by_office:
        lines.append(_(BY_OFFICE))
        ranked = sorted(digest.by_office.items(), key=lambda pair: (-pair[1], pair[0]))
        lines += [f"  {name}：{money(amount)}" for name, amount in ranked]
    return OutMessage("\n".join(lines))
