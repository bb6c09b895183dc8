"""/dashboard in chat: four PNG charts for heads, HQ and finance, and the same figures as .xlsx on a tap."""

from __future__ import annotations

from domain.callbacks import DASHBOARD_XLSX
from domain.roles import DASHBOARD_ROLES
from handlers.context import Ctx
from handlers.records.common import today
from handlers.router import Router
from services import dashboard
from services.i18n import N_
from services.messages import OutMessage

WATCHERS = DASHBOARD_ROLES


def dashboard_command(ctx: Ctx) -> None:
    """/dashboard: the charts as photos, each with one line."""
    for message in dashboard.dashboard_messages(ctx.app.uow(), viewer=ctx.me, today=today(ctx), now=ctx.app.now(),
                                                _=ctx._):
        ctx.reply(message)


def on_button(ctx: Ctx) -> None:
    """`DASHBOARD_XLSX` sends the figures as .xlsx (rights re-checked: the button may be old or forged)."""
    if not ctx.me.has_any(WATCHERS):
        ctx.reply(ctx._("Not allowed."))
        return
    file = dashboard.workbook(ctx.app.uow(), viewer=ctx.me, today=today(ctx), _=ctx._)
    ctx.reply(OutMessage(ctx._("📥 Dashboard figures"), file=file))


def register(router: Router) -> None:
    """Declare /dashboard and its .xlsx button."""
    router.command("dashboard", dashboard_command, N_("charts: contracts, payments, receivables, expenses, KPI"),
                   roles=WATCHERS, order=336)
    router.callback(DASHBOARD_XLSX, on_button)
