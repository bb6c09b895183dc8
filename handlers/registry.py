"""The one list of feature modules; each declares its commands and buttons in `register(router)`."""

from __future__ import annotations

from handlers import (
    approvals,
    assets,
    attendance,
    core,
    leaving,
    logistics,
    meetings,
    payments,
    people,
    purchases,
    reports,
    scoring,
)
from handlers import records as field_records
from handlers import requests as approval_requests
from handlers.forms import engine
from handlers.router import Router

FEATURES = [core, engine, field_records, payments, reports, attendance, approval_requests, approvals, people, leaving,
            scoring, assets, purchases, logistics, meetings]


def build_router() -> Router:
    """A router with every feature's commands and buttons declared."""
    router = Router()
    for feature in FEATURES:
        feature.register(router)
    return router
