"""How field records read in chat: cards and short list lines, in the person's language."""

from __future__ import annotations

from handlers.context import Ctx
from services.i18n.words import ACCEPTED_ON_LINE, ADDRESS_LINE, CONTACT_LINE, ROUTE_LINE
from services.payments.incoming import money
from services.records.customer_history import CustomerHistory
from services.records.customers import CustomerCard, is_incomplete
from services.records.queries import Listing
from services.records.repairs import STATUS_LABELS, RepairCard
from services.records.visits import PURPOSE_LABELS, VisitCard

MAX_LINES = 30


def customer_summary(ctx: Ctx, card: CustomerCard) -> str:
    """One line: address, contact and phone."""
    return "、".join(x for x in (card.address, card.contact, card.phone) if x) or "—"


def customer_text(ctx: Ctx, card: CustomerCard) -> str:
    """The archive entry as a card."""
    _ = ctx._
    products = "、".join(f"{name}×{qty}" for name, qty in card.products.items()) or "—"
    lines = [
        f"🏢 {card.name}" + (f"（{card.office_name}）" if ctx.me.is_hq else ""),
        _(ADDRESS_LINE).format(value=card.address or "—"),
        _(CONTACT_LINE).format(name=card.contact or "—", phone=card.phone or ""),
        _(ROUTE_LINE).format(value=card.route or "—"),
        _("Installed products: {value}").format(value=products),
        _(ACCEPTED_ON_LINE).format(day=card.accepted_on.isoformat() if card.accepted_on else "—"),
    ]
    if card.warranty_years is not None:
        end = card.warranty_end.isoformat() if card.warranty_end else "—"
        lines.append(_("Warranty: {years} years, until {end}").format(years=card.warranty_years, end=end))
    return "\n".join(lines)


def customer_history_text(ctx: Ctx, history: CustomerHistory) -> str:
    """The archive entry, then its last visits, open and closed repairs and payments."""
    _ = ctx._
    lines = [customer_text(ctx, history.card)]
    if is_incomplete(history.card):
        lines.append(_("⚠️ This entry is incomplete (address, contact or phone): tap Edit to complete it."))
    visits = [f"{v.local_time:%Y-%m-%d} {_(PURPOSE_LABELS[v.purpose])}（{v.staff_name}）" for v in history.visits]
    open_jobs = [_job_line(ctx, r) for r in history.open_repairs]
    closed = [_job_line(ctx, r) for r in history.closed_repairs]
    paid = [f"{p.received_on.isoformat()} ¥{money(p.amount)}（{p.staff_name}）" for p in history.payments]
    lines += section(ctx, _("Last visits:"), visits)
    lines += section(ctx, _("Open repair jobs:"), open_jobs)
    lines += section(ctx, _("Closed repair jobs:"), closed)
    lines += section(ctx, _("Payments:"), paid)
    return "\n".join(lines)


def _job_line(ctx: Ctx, card: RepairCard) -> str:
    """#id date fault — status (technician)."""
    fault = card.fault if len(card.fault) <= 30 else card.fault[:30] + "…"
    tech = f"（{card.technician_name}）" if card.technician_name else ""
    return f"#{card.id} {card.reported_on.isoformat()} {fault} — {ctx._(STATUS_LABELS[card.status])}{tech}"


def repair_line(ctx: Ctx, card: RepairCard) -> str:
    """#id date customer — status."""
    tech = f"（{card.technician_name}）" if card.technician_name else ""
    return f"#{card.id} {card.reported_on.isoformat()} {card.customer_name} — {ctx._(STATUS_LABELS[card.status])}{tech}"


def visit_line(ctx: Ctx, card: VisitCard) -> str:
    """date time customer — purpose, by whom."""
    at = card.local_time.strftime("%Y-%m-%d %H:%M")
    return f"{at} {card.customer_name} — {ctx._(PURPOSE_LABELS[card.purpose])}（{card.staff_name}）"


def customer_line(ctx: Ctx, card: CustomerCard) -> str:
    """name — contact phone (office for headquarters)."""
    office = f"［{card.office_name}］" if ctx.me.is_hq else ""
    return f"{office}{card.name} — {card.contact or ''} {card.phone or ''}".rstrip()


def section(ctx: Ctx, title: str, lines: list[str]) -> list[str]:
    """A titled block, cut at MAX_LINES with a pointer to /export."""
    if not lines:
        return [title, "  " + ctx._("(none)")]
    shown = ["  " + line for line in lines[:MAX_LINES]]
    if len(lines) > MAX_LINES:
        shown.append("  " + ctx._("… and {n} more (use /export for everything)").format(n=len(lines) - MAX_LINES))
    return [title, *shown]


def my_records_text(ctx: Ctx, listing: Listing) -> str:
    """The person's own recent records in three blocks."""
    _ = ctx._
    return "\n".join([
        _("Your recent records:"),
        *section(ctx, _("Customers you added:"), [customer_line(ctx, c) for c in listing.customers]),
        *section(ctx, _("Repair jobs you reported or were given:"), [repair_line(ctx, r) for r in listing.repairs]),
        *section(ctx, _("Your visits:"), [visit_line(ctx, v) for v in listing.visits]),
    ])


def listing_text(ctx: Ctx, listing: Listing, kind: str) -> str:
    """One record type of an office (or every office) for a period."""
    _ = ctx._
    where = listing.office_name or _("all offices")
    when = listing.period.key if listing.period else _("all time")
    if kind == "customers":
        title = _("Customer archive — {office}").format(office=where)
        lines = [customer_line(ctx, c) for c in listing.customers]
    elif kind == "repairs":
        title = _("Repair jobs — {office}, {period}").format(office=where, period=when)
        lines = [repair_line(ctx, r) for r in listing.repairs]
    else:
        title = _("Customer visits — {office}, {period}").format(office=where, period=when)
        lines = [visit_line(ctx, v) for v in listing.visits]
    return "\n".join(section(ctx, title + f" ({len(lines)})", lines))
