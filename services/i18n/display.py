"""How quantities read in chat: amounts with separators (¥350,000.00), durations (5小时18分), distances (15.6 公里).

One home for these shapes, so a form's summary, a check-in reply and /today say them the same way;
the words come from the catalog (zh-CN: 小时/分/公里/米).
"""

from __future__ import annotations

from decimal import Decimal

from services.i18n.catalogs import N_, Translate

CENT = Decimal("0.01")
HOURS_MINUTES = N_("{h} h {m} min")
HOURS_ONLY = N_("{h} h")
MINUTES_ONLY = N_("{m} min")
KILOMETRES = N_("{km} km")
METRES = N_("{m} m")


def money(amount: Decimal | str | None) -> str:
    """¥350,000.00; a missing amount is a dash."""
    if amount is None or amount == "":
        return "—"
    return f"¥{Decimal(amount).quantize(CENT):,.2f}"


def duration(_: Translate, minutes: int) -> str:
    """211 → 3小时31分, 45 → 45分钟, 120 → 2小时 (in the reader's language)."""
    hours, rest = divmod(max(minutes, 0), 60)
    if hours and rest:
        return _(HOURS_MINUTES).format(h=hours, m=rest)
    if hours:
        return _(HOURS_ONLY).format(h=hours)
    return _(MINUTES_ONLY).format(m=rest)


def distance(_: Translate, metres: int | float | None) -> str:
    """850 → 850 米, 15,600 → 15.6 公里; unknown is a question mark."""
    if metres is None:
        return "?"
    if metres < 1000:
        return _(METRES).format(m=round(metres))
    return _(KILOMETRES).format(km=f"{metres / 1000:.1f}")
