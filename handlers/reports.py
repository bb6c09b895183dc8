"""Weekly and monthly reports: /weekly, /monthly, /status and the reviewer's buttons (REPORT_REVIEW c|ok|r).

Flow (see reports.mmd): /weekly → the period's form (a saved report opens at its summary, to revise)
→ Submit → reviewers get it with buttons → 批示 asks for the comment → the author gets it.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from domain.callbacks import REPORT_REVIEW
from domain.payments import MAX_AMOUNT
from domain.report_rules import FigureScope
from domain.reports import ReportKind
from domain.roles import HQ_ROLES, OFFICE_ROLES, REGION_ROLES, Role
from handlers import approvals
from handlers.context import Ctx
from handlers.forms.engine import start_form
from handlers.forms.spec import Field, Form, FormError, Kind, register_form
from handlers.replies import NOT_FOUND
from handlers.router import Router
from services.i18n.catalogs import N_
from services.reports import reviews as report_reviews
from services.reports import submissions as reports
from services.reports.reviews import ReviewOutcome
from services.reports.submissions import Opened, Problem
from services.reports.texts import FIGURE_LABELS, KIND_LABELS, due_label, period_label, report_title, status_message

PROBLEMS = {
    Problem.NOT_A_WRITER: N_("Your role does not write this report."),
    Problem.BAD_PERIOD: N_("Please give this period or one of the two before it, e.g. 2026-W48 or 2026-11."),
    Problem.REVIEWED: N_("This report has been reviewed and can no longer be changed."),
}
REVIEW_REPLIES = {
    ReviewOutcome.NOT_FOUND: NOT_FOUND,
    ReviewOutcome.NOT_ALLOWED: N_("Sorry, you may not review this report."),
    ReviewOutcome.ALREADY_REVIEWED: N_("This report was already marked reviewed."),
}


FIGURE_PROMPTS = {
    FigureScope.OWN: (
        N_("How many customer visits? Counted from your visit log; type the number to confirm or correct it."),
        N_("How many new customers? Counted from the customer archive; type the number to confirm or correct it."),
        N_("How much was collected, in yuan? (prefilled from the payments you logged with /payment)"),
        N_("Visits, new customers and payments collected are counted from your records."),
    ),
    FigureScope.OFFICE: (
        N_("How many customer visits? Counted from this office's visit log; type the number to confirm or "
           "correct it."),
        N_("How many new customers? Counted from this office's customer archive; type the number to confirm or "
           "correct it."),
        N_("How much was collected, in yuan? (prefilled from the payments this office logged with /payment)"),
        N_("Visits, new customers and payments collected are counted from this office's records."),
    ),
    FigureScope.REGION: (
        N_("How many customer visits? Counted from the visit logs of your region's offices; type the number to "
           "confirm or correct it."),
        N_("How many new customers? Counted from the customer archives of your region's offices; type the number "
           "to confirm or correct it."),
        N_("How much was collected, in yuan? (prefilled from the payments your region's offices logged with "
           "/payment)"),
        N_("Visits, new customers and payments collected are counted from the records of your region's offices: "
           "{offices}."),
    ),
}
"""Per scope: the visits, new customers and payments prompts, and the intro line, saying whose records count."""


def _report_form(kind: ReportKind, scope: FigureScope, title: str, summary: str, plan: str) -> Form:
    """One report type's form: summary, plan, then figures (prefilled from the scope's records)."""
    visits, customers, payments, _intro_line = FIGURE_PROMPTS[scope]
    name = f"report_{kind}" if scope == FigureScope.OWN else f"report_{kind}_{scope}"
    return register_form(Form(name, title, save=save_report, save_label=N_("Submit report"), fields=(
        Field("summary", N_("Work summary"), summary, Kind.long_text, max_length=3000),
        Field("plan", N_("Work plan"), plan, Kind.long_text, max_length=3000),
        Field("visits", FIGURE_LABELS["visits"], visits, Kind.integer, min_value=0, max_value=10_000),
        Field("new_customers", FIGURE_LABELS["new_customers"], customers, Kind.integer, min_value=0, max_value=10_000),
        Field("contracts", FIGURE_LABELS["contracts"], N_("How many contracts were signed?"), Kind.integer,
              min_value=0, max_value=10_000),
        Field("payments", FIGURE_LABELS["payments"], payments, Kind.decimal, min_value=0,
              max_value=MAX_AMOUNT),
        *(COST_FIELDS if kind == ReportKind.MONTHLY and scope == FigureScope.OFFICE else ()),
    )))


COST_FIELDS = (
    Field("contract_amount", FIGURE_LABELS["contract_amount"], N_("Contract amount signed this month, in yuan? "
          "Prefilled from the contracts recorded; keep it or type the right figure."), Kind.decimal, min_value=0,
          max_value=MAX_AMOUNT, money=True),
    Field("receivables", FIGURE_LABELS["receivables"], N_("Receivables due at the month's end, in yuan? Prefilled "
          "from the contracts' instalments; keep it or type the right figure."), Kind.decimal, min_value=0,
          max_value=MAX_AMOUNT, money=True),
    Field("expenses", FIGURE_LABELS["expenses"], N_("The office's expenses this month, in yuan? Prefilled from the "
          "approved claims; keep it or type the right figure."), Kind.decimal, min_value=0, max_value=MAX_AMOUNT,
          money=True),
    Field("expense_kpi", FIGURE_LABELS["expense_kpi"], N_("Expense KPI a, year to date (expenses less "
          "intermediary fees, per 100 yuan of contracts)? Keep it, correct it, or Skip when there are no contracts."),
          Kind.decimal, min_value=0, max_value=1000, required=False),
    Field("yearly_cap_used", FIGURE_LABELS["yearly_cap_used"], N_("Share of the yearly 4.5% expense cap used so far, "
          "in per cent? Keep it, correct it, or Skip."), Kind.decimal, min_value=0, max_value=100_000, required=False),
)
"""The office head's monthly cost figures (issue #11): questions prefilled from the records, correctable; what the
head changed is kept next to the records' figure and shown to the reviewer."""


def save_report(ctx: Ctx, answers: dict[str, Any], context: dict[str, Any]) -> str:
    """Submit or revise through the service; a reviewed report sends the person away with the reason."""
    saved = reports.submit_report(
        ctx.app.uow(), staff_id=ctx.me.id, kind=context["kind"], period_key=context["period"], answers=answers,
        now=ctx.app.now(), configs=ctx.app.report_config)
    if saved.problem is not None:
        raise FormError(None, PROBLEMS[saved.problem])
    title = report_title(ctx.app.report_config, saved.kind, locale=ctx.locale, _=ctx._)
    text = ctx._("Submitted: {title} {period}.") if saved.created else ctx._("Updated: {title} {period}.")
    late = " " + ctx._("(submitted late)") if saved.late else ""
    return text.format(title=title, period=period_label(saved.period)) + late


REPORT_TEXTS = {
    ReportKind.WEEKLY: (KIND_LABELS[ReportKind.WEEKLY], N_("Summary of this week's work:"), N_("Plan for next week:")),
    ReportKind.MONTHLY: (KIND_LABELS[ReportKind.MONTHLY], N_("Summary of the month's work:"),
                         N_("Plan for next month:")),
    ReportKind.REGIONAL_MONTHLY: (KIND_LABELS[ReportKind.REGIONAL_MONTHLY], N_("Summary of the month's work:"),
                                  N_("Plan for next month:")),
}
REPORT_FORMS = {(kind, scope): _report_form(kind, scope, *texts)
                for kind, texts in REPORT_TEXTS.items() for scope in FigureScope}


def weekly(ctx: Ctx) -> None:
    """/weekly [2026-W48]: this week's report (or the one just ended), prefilled."""
    _open(ctx, ReportKind.WEEKLY)


def monthly(ctx: Ctx) -> None:
    """/monthly [2026-11]: the office head's or regional manager's monthly report, prefilled."""
    _open(ctx, ReportKind.MONTHLY)


def _open(ctx: Ctx, family: ReportKind) -> None:
    """Open the right period's form; a saved report opens at its summary, ready to revise."""
    opened = reports.open_report(
        ctx.app.uow(), staff_id=ctx.me.id, family=family, period_key=(ctx.inbound.args or (None,))[0],
        now=ctx.app.now(), configs=ctx.app.report_config)
    if isinstance(opened, Problem):
        ctx.reply(ctx._(PROBLEMS[opened]))
        return
    ctx.reply(_intro(ctx, opened))
    context: dict[str, Any] = {"kind": opened.kind.value, "period": opened.period.key}
    start_form(ctx, REPORT_FORMS[(opened.kind, opened.scope)], answers=opened.answers, context=context,
                     at_summary=opened.report_id is not None)


def _intro(ctx: Ctx, opened: Opened) -> str:
    """Which report, which period, the deadline, and what is prefilled."""
    title = report_title(ctx.app.report_config, opened.kind, locale=ctx.locale, _=ctx._)
    lines = [ctx._("📝 {title} {period}, due by {due}.").format(
        title=title, period=period_label(opened.period), due=due_label(opened.due, ZoneInfo(opened.timezone)))]
    if opened.report_id is not None:
        lines.append(ctx._("You already submitted it; you can revise it until it is reviewed."))
    else:
        lines.append(ctx._(FIGURE_PROMPTS[opened.scope][3]).format(offices="、".join(opened.offices)))
        if opened.late_now:
            lines.append(ctx._("The deadline has passed: it will be marked late."))
    return "\n".join(lines)


def status(ctx: Ctx) -> None:
    """/status: the current period's submitted / late / missing, for one's office or every office."""
    rows = reports.status_overview(ctx.app.uow(), viewer_id=ctx.me.id, now=ctx.app.now(),
                                   configs=ctx.app.report_config)
    ctx.reply(status_message(rows, configs=ctx.app.report_config, locale=ctx.locale, _=ctx._,
                                   per_office=ctx.me.is_hq or bool(ctx.me.roles & REGION_ROLES)))
    if Role.OFFICE_HEAD in ctx.me.roles:
        approvals.office_waiting(ctx)


def _save_comment(ctx: Ctx, answers: dict[str, Any], context: dict[str, Any]) -> str:
    """Send the reviewer's comment to the author."""
    result = report_reviews.comment_report(
        ctx.app.uow(), report_id=int(context["report_id"]), reviewer_id=ctx.me.id, comment=answers["comment"],
        now=ctx.app.now(), configs=ctx.app.report_config)
    if result.outcome != ReviewOutcome.DONE:
        raise FormError(None, REVIEW_REPLIES[result.outcome])
    return ctx._("Your comment was sent to {name}.").format(name=result.author)


COMMENT_FORM = register_form(Form("report_comment", N_("Comment on a report (批示)"), save=_save_comment,
                                  save_label=N_("Send comment"), fields=(
    Field("comment", N_("Review comment (批示)"), N_("Write your comment (批示) for the author:"), Kind.long_text,
          max_length=2000),
)))


def review_button(ctx: Ctx) -> None:
    """`REPORT_REVIEW`: ok marks reviewed, c asks for a comment, r shows the whole report."""
    REVIEW_ACTIONS[ctx.pressed.word("action")](ctx, ctx.pressed.id("report"))


def _mark_reviewed(ctx: Ctx, report_id: int) -> None:
    """Close the report for revision; the author is told."""
    result = report_reviews.mark_reviewed(ctx.app.uow(), report_id=report_id, reviewer_id=ctx.me.id,
                                          now=ctx.app.now(), configs=ctx.app.report_config)
    if result.outcome != ReviewOutcome.DONE:
        ctx.answer(ctx._(REVIEW_REPLIES[result.outcome]), alert=True)
        return
    ctx.answer(ctx._("Marked reviewed."))
    ctx.reply(ctx._("✅ Marked reviewed: {name}'s report.").format(name=result.author))


def _ask_comment(ctx: Ctx, report_id: int) -> None:
    """Check the presser's rights, then ask for the comment with the form engine."""
    check = report_reviews.check_reviewer(ctx.app.uow(), report_id=report_id, reviewer_id=ctx.me.id,
                                          configs=ctx.app.report_config)
    if check.outcome != ReviewOutcome.DONE:
        ctx.answer(ctx._(REVIEW_REPLIES[check.outcome]), alert=True)
        return
    ctx.answer()
    start_form(ctx, COMMENT_FORM, context={"report_id": report_id})


def _read(ctx: Ctx, report_id: int) -> None:
    """Send the whole report (the copy in the notice may be shortened)."""
    message = report_reviews.read_report(ctx.app.uow(), report_id=report_id, reader_id=ctx.me.id,
                                         configs=ctx.app.report_config)
    if message is None:
        ctx.answer(ctx._(REVIEW_REPLIES[ReviewOutcome.NOT_FOUND]), alert=True)
        return
    ctx.answer()
    ctx.reply(message)


REVIEW_ACTIONS = {"ok": _mark_reviewed, "c": _ask_comment, "r": _read}
STATUS_ROLES = {str(Role.OFFICE_HEAD), *(str(r) for r in REGION_ROLES), *(str(r) for r in HQ_ROLES)}


def register(router: Router) -> None:
    """Declare the report commands and the reviewer's buttons."""
    router.command("weekly", weekly, N_("write or revise your weekly report"), roles={str(r) for r in OFFICE_ROLES},
                   order=40)
    router.command("monthly", monthly, N_("write or revise your monthly report"),
                   roles={str(Role.OFFICE_HEAD), str(Role.REGIONAL_MANAGER)}, order=41)
    router.command("status", status, N_("who has submitted this period's reports"), roles=STATUS_ROLES, order=42)
    router.callback(REPORT_REVIEW, review_button)
