"""The seed's cost figures in chat: /ceiling (HQ sets an office's monthly ceiling) and /expense_kpi
(KPI a and the 4.5 % yearly cap, year to date, for heads and headquarters)."""

from __future__ import annotations

import re
from decimal import Decimal

from domain.roles import EXPENSE_FIGURE_ROLES
from handlers.context import Ctx
from handlers.records.common import today
from handlers.router import Router
from services.expenses import control as expense_control
from services.expenses.control import CEILING_SETTERS
from services.i18n.catalogs import N_
from services.payments.incoming import money

HEADS_AND_HQ = EXPENSE_FIGURE_ROLES
AMOUNT = re.compile(r"^\d{1,12}(?:\.\d{1,2})?$")


def ceiling_command(ctx: Ctx) -> None:
    """/ceiling OFFICE AMOUNT sets the office's monthly expense ceiling for this year."""
    words = ctx.inbound.args
    amount = words[-1].replace(",", "") if words else ""
    if len(words) < 2 or not AMOUNT.match(amount) or Decimal(amount) <= 0:
        ctx.reply(ctx._("Usage: /ceiling OFFICE AMOUNT, e.g. /ceiling 上海办事处 30000"))
        return
    office, value, year = " ".join(words[:-1]), Decimal(amount), today(ctx).year
    if not expense_control.set_ceiling(ctx.app.uow(), viewer=ctx.me, office_name=office, amount=value, year=year,
                                       now=ctx.app.now()):
        ctx.reply(ctx._("No office is called “{name}”.").format(name=office))
        return
    ctx.reply(ctx._("Monthly expense ceiling of {office} for {year}: {amount} yuan.").format(
        office=office, year=year, amount=money(value)))


def kpi_command(ctx: Ctx) -> None:
    """/expense_kpi: KPI a and the yearly cap, year to date, per office the person may see."""
    figures = expense_control.office_figures(ctx.app.uow(), viewer=ctx.me, today=today(ctx))
    if not figures:
        ctx.reply(ctx._("No office figures for you to see."))
        return
    blocks = []
    for item in figures:
        blocks.append("\n".join([f"📊 {item.office_name} {today(ctx).year}",
                                 *expense_control.figures_lines(item, ctx._)]))
    ctx.reply("\n\n".join(blocks))


def register(router: Router) -> None:
    """Declare /ceiling and /expense_kpi."""
    router.command("ceiling", ceiling_command, N_("set an office's monthly expense ceiling: /ceiling OFFICE AMOUNT"),
                   roles=set(CEILING_SETTERS), order=334)
    router.command("expense_kpi", kpi_command, N_("expense KPI a and the 4.5% yearly cap, year to date"),
                   roles=HEADS_AND_HQ, order=335)
