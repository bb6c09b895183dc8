"""Finding and exporting field records: /my, /records [type] [YYYY-MM] [office], /export [YYYY-MM] [office].

Buttons: `RECORD_LIST` (type, YYYY-MM|all, office id|0) lists, `EXPORT` (office id|0, YYYY-MM|all) exports; the
service re-checks the office against the presser's rights, so a forged office id finds nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.callbacks import EXPORT, RECORD_LIST, REPAIR, pack
from domain.periods import Period, PeriodUnit, parse_period_key, period_for
from domain.roles import OVERSIGHT_ROLES
from handlers.context import Ctx
from handlers.records import render
from handlers.records.common import NOT_FOUND, today
from handlers.router import Router
from services.i18n.catalogs import N_
from services.messaging.messages import Button, OutFile, OutMessage, button_rows
from services.records import exports
from services.records import queries as records_query
from services.records.queries import KIND_LABELS, RecordKind

KIND_WORDS = {
    "customers": RecordKind.customers, "customer": RecordKind.customers, "客户": RecordKind.customers,
    "客户档案": RecordKind.customers, "repairs": RecordKind.repairs, "repair": RecordKind.repairs,
    "维修": RecordKind.repairs, "报修": RecordKind.repairs, "visits": RecordKind.visits,
    "visit": RecordKind.visits, "拜访": RecordKind.visits, "回访": RecordKind.visits,
}
MONTH = re.compile(r"^\d{4}-\d{2}$")


@dataclass(frozen=True)
class Query:
    """What /records or /export asked for; office_id None means the person's default scope."""

    kind: RecordKind | None
    period: Period | None
    office_id: int | None


def _parse(ctx: Ctx) -> Query | None:
    """Read type, month and office name from the command's words; None for an unknown office."""
    kind, period, rest = None, None, []
    for word in ctx.inbound.args:
        if word.lower() in KIND_WORDS:
            kind = KIND_WORDS[word.lower()]
        elif MONTH.match(word) and 1 <= int(word[5:]) <= 12:
            period = parse_period_key(word)
        else:
            rest.append(word)
    office_id = None
    if rest:
        office_id = records_query.office_named(ctx.app.uow(), name=" ".join(rest))
        if office_id is None:
            return None
    return Query(kind, period, office_id)


def _period_arg(value: str) -> tuple[bool, Period | None]:
    """(valid, period) from a button: a month key, or 'all' for no period."""
    if value == "all":
        return True, None
    if MONTH.match(value) and 1 <= int(value[5:]) <= 12:
        return True, parse_period_key(value)
    return False, None


def my_command(ctx: Ctx) -> None:
    """/my lists the person's recent records; open repair jobs get buttons."""
    listing = records_query.my_records(ctx.app.uow(), viewer=ctx.me)
    buttons = [Button(f"🔧 #{r.id} {r.customer_name}"[:40], pack(REPAIR, repair=r.id, action="v"))
               for r in listing.repairs if r.status != "accepted"]
    ctx.reply(OutMessage(render.my_records_text(ctx, listing), buttons=button_rows(buttons[:6], per_row=1)))


def records_command(ctx: Ctx) -> None:
    """/records repairs 2026-11 lists an office's records; without a type, offers the types."""
    query = _parse(ctx)
    if query is None:
        ctx.reply(ctx._(NOT_FOUND))
        return
    period = query.period or period_for(PeriodUnit.MONTH, today(ctx))
    if query.kind is None:
        buttons = [Button(ctx._(label), pack(RECORD_LIST, records=kind.value, period=period.key,
                                                  office=query.office_id or 0))
                   for kind, label in KIND_LABELS.items()]
        ctx.reply(OutMessage(ctx._("Which records? ({period})").format(period=period.key),
                                   buttons=button_rows(buttons, per_row=3)))
        return
    _send_listing(ctx, query.kind, period, query.office_id)


def _send_listing(ctx: Ctx, kind: RecordKind, period: Period | None, office_id: int | None) -> None:
    """One type of records, or 'not found' when the office is not the person's to see."""
    listing = records_query.office_records(ctx.app.uow(), viewer=ctx.me, office_id=office_id, period=period,
                                           kinds=frozenset({kind}))
    ctx.reply(ctx._(NOT_FOUND) if listing is None else render.listing_text(ctx, listing, kind.value))


def on_list_button(ctx: Ctx) -> None:
    """`RECORD_LIST`: one type of records, a period and an office (0: one's own)."""
    press = ctx.pressed
    valid, period = _period_arg(press.word("period"))
    if not valid or press.word("records") not in RecordKind.__members__:
        ctx.reply(ctx._(NOT_FOUND))
        return
    _send_listing(ctx, RecordKind(press.word("records")), period, press.id("office") or None)


def export_command(ctx: Ctx) -> None:
    """/export sends the workbook; headquarters first pick an office (or all)."""
    query = _parse(ctx)
    if query is None:
        ctx.reply(ctx._(NOT_FOUND))
        return
    key = query.period.key if query.period else "all"
    if ctx.me.is_hq and query.office_id is None:
        offices = records_query.offices(ctx.app.uow(), viewer=ctx.me)
        buttons = [Button(ctx._("All offices"), pack(EXPORT, office=0, period=key)),
                   *(Button(name, pack(EXPORT, office=oid, period=key)) for oid, name in offices)]
        ctx.reply(OutMessage(ctx._("Export which office?"), buttons=button_rows(buttons)))
        return
    _send_export(ctx, query.office_id, query.period)


def on_export_button(ctx: Ctx) -> None:
    """`EXPORT`: an office (0: all, or one's own) and a period."""
    valid, period = _period_arg(ctx.pressed.word("period"))
    if not valid:
        ctx.reply(ctx._(NOT_FOUND))
        return
    _send_export(ctx, ctx.pressed.id("office") or None, period)


def _send_export(ctx: Ctx, office_id: int | None, period: Period | None) -> None:
    """Build and send the .xlsx, or 'not found' for an office the person may not export."""
    made = exports.export_records(ctx.app.uow(), viewer=ctx.me, office_id=office_id, period=period,
                                  company=ctx.app.company_name, catalog=ctx.app.product_catalog)
    if made is None:
        ctx.reply(ctx._(NOT_FOUND))
        return
    caption = ctx._("Customers: {c}, repairs: {r}, visits: {v}").format(c=made.customers, r=made.repairs,
                                                                          v=made.visits)
    ctx.reply(OutMessage(caption, file=OutFile(made.name, made.data)))


def register(router: Router) -> None:
    """Declare the finding and export commands and their buttons."""
    router.command("my", my_command, N_("your recent customers, repairs and visits"), order=330)
    router.command("records", records_command, N_("office records by type and month: /records repairs 2026-11"),
                   roles=OVERSIGHT_ROLES, order=340)
    router.command("export", export_command, N_("export customers, repairs and visits as a spreadsheet"),
                   roles=OVERSIGHT_ROLES, order=341)
    router.callback(RECORD_LIST, on_list_button)
    router.callback(EXPORT, on_export_button)
