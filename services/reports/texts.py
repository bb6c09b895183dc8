"""How reports and their reminders read, in the recipient's language (titles, periods, deadlines).

Used by the reminder sweep (messages to other people) and by the report handlers (replies).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from domain.callbacks import REPORT_REVIEW, pack
from domain.periods import Period, PeriodUnit
from domain.report_rules import capped, clip
from domain.reports import ReminderKind, ReportKind, ReportsConfig
from services.i18n.catalogs import N_, Translate
from services.messaging.messages import Button, OutMessage

KIND_LABELS = {
    ReportKind.WEEKLY: N_("Weekly summary and plan"),
    ReportKind.MONTHLY: N_("Monthly summary and next month's plan"),
    ReportKind.REGIONAL_MONTHLY: N_("Regional manager's monthly summary and plan"),
}
COMMANDS = {ReportKind.WEEKLY: "/weekly", ReportKind.MONTHLY: "/monthly", ReportKind.REGIONAL_MONTHLY: "/monthly"}
FIGURE_LABELS = {
    "visits": N_("Customer visits"),
    "new_customers": N_("New customers"),
    "contracts": N_("Contracts signed"),
    "payments": N_("Payments collected (yuan)"),
    "contract_amount": N_("Contract amount signed (yuan)"),
    "receivables": N_("Receivables due (yuan)"),
    "expenses": N_("Expenses (yuan)"),
    "expense_kpi": N_("Expense KPI a (year to date)"),
    "yearly_cap_used": N_("Yearly 4.5% cap used (%)"),
}
OPTIONAL_FIGURES = {"contract_amount", "receivables", "expenses", "expense_kpi", "yearly_cap_used"}
"""Figures only the office head's monthly report has (issue #11): not listed as '—' elsewhere."""
MAX_NAMES = 40
MAX_PART = 1500


def report_title(configs: ReportsConfig, kind: str, *, locale: str, _: Translate) -> str:
    """The configured (Chinese) title for Chinese readers, the English label for others."""
    if locale == "zh_CN":
        return configs.get(kind).title
    return _(KIND_LABELS[ReportKind(kind)])


def period_label(period: Period) -> str:
    """'2026-11', or '2026-W48 (11-23–11-29)' for a week."""
    if period.unit == PeriodUnit.WEEK:
        return f"{period.key} ({period.start:%m-%d}–{period.end:%m-%d})"
    return period.key


def due_label(due: datetime, tz: ZoneInfo) -> str:
    """A deadline on the office's wall clock; midnight reads as 24:00 of the day before."""
    local = due.astimezone(tz)
    if local.hour == 0 and local.minute == 0:
        return f"{(local - timedelta(days=1)):%Y-%m-%d} 24:00"
    return f"{local:%Y-%m-%d %H:%M}"


@dataclass(frozen=True)
class About:
    """What a reminder is about: the report type's title, the period, the deadline."""

    kind: ReportKind
    title: str
    period: Period
    due: str


def reminder_message(kind: ReminderKind, about: About, *, _: Translate) -> OutMessage:
    """The reminder or chase a person gets about their own report."""
    command = COMMANDS[about.kind]
    if kind == ReminderKind.REMIND:
        text = _("⏰ Reminder: your {title} for {period} is due by {due}. Send {command} to write it.")
    else:
        text = _("⚠️ Your {title} for {period} was due by {due} and has not arrived yet. Please send it now: "
                 "{command}")
    return OutMessage(text.format(title=about.title, period=period_label(about.period), due=about.due,
                                  command=command))


def escalation_message(about: About, names: Sequence[str], *, _: Translate) -> OutMessage:
    """To a manager: who in their team is overdue with this report."""
    shown, more = capped(sorted(names), MAX_NAMES)
    text = _("⚠️ Overdue {title} for {period} (due by {due}): {names}").format(
        title=about.title, period=period_label(about.period), due=about.due, names="、".join(shown))
    return OutMessage(text + (_(" … and {n} more").format(n=more) if more else ""))


def digest_message(about: About, missing: Sequence[tuple[str, str]], *, _: Translate) -> OutMessage:
    """To office heads and headquarters: who has not submitted, grouped by office."""
    by_office: dict[str, list[str]] = {}
    for office, name in sorted(missing):
        by_office.setdefault(office, []).append(name)
    lines = [_("📋 {title} {period}: not submitted yet ({n})").format(
        title=about.title, period=period_label(about.period), n=len(missing))]
    shown, more = capped(sorted(by_office), MAX_NAMES)
    lines += [f"• {office}：{'、'.join(capped(by_office[office], MAX_NAMES)[0])}" for office in shown]
    if more:
        lines.append(_(" … and {n} more offices").format(n=more))
    return OutMessage("\n".join(lines))


def figures_lines(figures: dict[str, Any], *, _: Translate) -> list[str]:
    """The report's figures, one per line; a cost figure the head corrected shows the records' value too."""
    corrected = figures.get("corrected") or {}
    lines = []
    for name, label in FIGURE_LABELS.items():
        if name in OPTIONAL_FIGURES and name not in figures and name not in corrected:
            continue
        value = figures.get(name)
        line = f"• {_(label)}: {'—' if value is None else value}"
        if name in corrected:
            line += " " + _("(corrected by the head; the records say {value})").format(value=corrected[name] or "—")
        lines.append(line)
    return lines


@dataclass(frozen=True)
class ReportCard:
    """A submitted report as a reviewer reads it."""

    id: int
    author: str
    office: str
    about: About
    summary: str
    plan: str
    figures: dict[str, Any]
    late: bool
    revised: bool
    comment: str | None = None


def review_message(card: ReportCard, *, _: Translate, full: bool = False) -> OutMessage:
    """A report for its reviewer, with 批示 (comment) and mark-reviewed buttons."""
    head = _("📝 {title} {period} — {author} ({office})").format(
        title=card.about.title, period=period_label(card.about.period), author=card.author, office=card.office)
    tags = ([_("submitted late")] if card.late else []) + ([_("revised")] if card.revised else [])
    summary, cut_summary = (card.summary, False) if full else clip(card.summary, MAX_PART)
    plan, cut_plan = (card.plan, False) if full else clip(card.plan, MAX_PART)
    lines = [head + (f" [{'，'.join(tags)}]" if tags else ""), "", _("Summary:"), summary, "", _("Plan:"), plan, "",
             *figures_lines(card.figures, _=_)]
    buttons = [Button(_("✍️ Comment (批示)"), pack(REPORT_REVIEW, report=card.id, action="c")),
               Button(_("✅ Mark reviewed"), pack(REPORT_REVIEW, report=card.id, action="ok"))]
    if cut_summary or cut_plan:
        buttons.append(Button(_("📖 Read in full"), pack(REPORT_REVIEW, report=card.id, action="r")))
    rows = (tuple(buttons[:2]), tuple(buttons[2:])) if len(buttons) > 2 else (tuple(buttons),)
    return OutMessage("\n".join(lines), buttons=rows)


@dataclass(frozen=True)
class StatusRow:
    """One office's counts for one report type and period (see services.reports.submissions.StatusLine)."""

    kind: ReportKind
    period: Period
    due: str
    office: str
    expected: int
    submitted: int
    late: int
    away: int
    missing: tuple[str, ...]


def status_message(rows: Sequence[StatusRow], *, configs: ReportsConfig, locale: str, _: Translate,
                   per_office: bool) -> str:
    """Submitted / late / missing at a glance: names for one office, counts per office for HQ."""
    if not rows:
        return _("Nobody in your scope has to write reports.")
    lines: list[str] = []
    groups: dict[tuple[ReportKind, str], list[StatusRow]] = {}
    for row in rows:
        groups.setdefault((row.kind, row.period.key), []).append(row)
    for (kind, _key), group in groups.items():
        first = group[0]
        lines.append(_("📊 {title} {period} (due by {due})").format(
            title=report_title(configs, kind, locale=locale, _=_), period=period_label(first.period), due=first.due))
        shown, more = capped(sorted(group, key=lambda r: (-len(r.missing), r.office)), MAX_NAMES)
        lines += [_status_line(row, _=_, per_office=per_office) for row in shown]
        if more:
            lines.append(_(" … and {n} more offices").format(n=more))
    return "\n".join(lines)


def _status_line(row: StatusRow, *, _: Translate, per_office: bool) -> str:
    """'submitted 5/8 (late 1), away 1, missing: A、B' — prefixed with the office for HQ."""
    text = _("submitted {done}/{expected} (late {late}), away {away}").format(
        done=row.submitted, expected=row.expected, late=row.late, away=row.away)
    if row.missing:
        names, more = capped(list(row.missing), MAX_NAMES if not per_office else 10)
        text += _(", missing: {names}").format(names="、".join(names) + (f" +{more}" if more else ""))
    return f"• {row.office}：{text}" if per_office else f"• {text}"
