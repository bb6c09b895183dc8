"""The one list of feature modules; each declares its commands and buttons in `register(router)`."""

from __future__ import annotations

from handlers import (
    approvals,
    assets,
    attendance,
    contracts,
    core,
    dashboard,
    expense_figures,
    expense_invoice,
    leaving,
    logistics,
    main_menu,
    meetings,
    payments,
    people,
    purchases,
    receivables,
    reports,
    scoring,
    tenders,
)
from handlers import records as field_records
from handlers import requests as approval_requests
from handlers.forms import engine
from handlers.router import Router

FEATURES = [core, engine, field_records, payments, contracts, receivables, tenders, expense_figures, expense_invoice,
            dashboard, reports, attendance, approval_requests, approvals, people, leaving, scoring, assets, purchases,
            logistics, meetings, main_menu]  # last: its phrase table reads free text no form took


def build_router() -> Router:
    """A router with every feature's commands and buttons declared."""
    router = Router()
    for feature in FEATURES:
        feature.register(router)
    return router
