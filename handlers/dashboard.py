"""/dashboard in chat: PNG charts (money, attendance, reports) for heads, HQ and finance, and the same figures
as .xlsx on a tap."""

from __future__ import annotations

from domain.callbacks import DASHBOARD_XLSX
from domain.roles import DASHBOARD_ROLES
from handlers.context import Ctx
from handlers.records.common import today
from handlers.router import Router
from services.dashboard import figures as dashboard
from services.i18n.catalogs import N_
from services.messaging.messages import OutMessage

WATCHERS = DASHBOARD_ROLES


def _inputs(ctx: Ctx) -> dashboard.MonthInputs:
    """What the attendance and report charts need from the app: the clock, the grace minutes, the report rules."""
    return dashboard.MonthInputs(ctx.app.now(), ctx.app.checkin_grace_minutes, ctx.app.report_config)


def dashboard_command(ctx: Ctx) -> None:
    """/dashboard: the charts as photos, each with its line as caption."""
    for message in dashboard.dashboard_messages(ctx.app.uow(), viewer=ctx.me, today=today(ctx), now=ctx.app.now(),
                                                _=ctx._, inputs=_inputs(ctx)):
        ctx.reply(message)


def on_button(ctx: Ctx) -> None:
    """`DASHBOARD_XLSX` sends the figures as .xlsx (rights re-checked: the button may be old or forged)."""
    if not ctx.me.has_any(WATCHERS):
        ctx.reply(ctx._("Not allowed."))
        return
    file = dashboard.workbook(ctx.app.uow(), viewer=ctx.me, today=today(ctx), _=ctx._, inputs=_inputs(ctx))
    ctx.reply(OutMessage(ctx._("📥 Dashboard figures"), file=file))


def register(router: Router) -> None:
    """Declare /dashboard and its .xlsx button."""
    router.command("dashboard", dashboard_command,
                   N_("charts: contracts, payments, receivables, expenses, KPI, attendance, reports"),
                   roles=WATCHERS, order=336)
    router.callback(DASHBOARD_XLSX, on_button)
