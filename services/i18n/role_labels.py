"""How roles are named to people (the glossary's English; Chinese in the catalogs)."""

from __future__ import annotations

from services.i18n.catalogs import N_

ROLE_LABELS = {
    "sales": N_("sales representative"),
    "technician": N_("service technician"),
    "admin": N_("office administrator"),
    "office_head": N_("office head"),
    "regional_manager": N_("regional manager"),
    "gm": N_("general manager"),
    "commerce": N_("commerce department"),
    "finance": N_("finance"),
    "hr": N_("HR"),
    "finance_director": N_("finance director"),
    "vp": N_("vice president"),
    "president": N_("president"),
    "manager": N_("manager"),
}
