"""Customer visits in chat: /visit asks who, when, why, what came of it and what is next.

```mermaid
flowchart LR
    V["/visit"] --> C[customer lookup] --> T[time, Now] --> P{purpose}
    P -- 回访 --> S[satisfaction 1–5] --> M
    P -- other --> M[people met, outcome] --> N[next step? date?] --> L[location?] --> F[photos?] --> Sum{summary}
```
A shared location is measured against the customer's coordinates; a customer without coordinates
gets them from the first trusted visit location.
"""

from __future__ import annotations

from typing import Any

from domain.callbacks import VISIT
from domain.natural_dates import Lean
from domain.records import VisitIn, VisitPurpose
from domain.roles import OFFICE_ROLES
from handlers.context import Ctx
from handlers.forms.engine import start_form
from handlers.forms.spec import Answers, Field, Form, FormError, Kind, register_form
from handlers.ids import parse_id
from handlers.records.common import (
    NOT_FOUND,
    customer_field,
    not_future_time,
    to_record,
    trusted_location,
)
from handlers.router import Router
from services.i18n.catalogs import N_
from services.records import visits
from services.records.visits import PURPOSE_LABELS

FIELDS = ("customer_id", "visited_at", "purpose", "people_met", "outcome", "satisfaction", "next_step",
          "next_step_on")


def _record_data(answers: Answers) -> dict[str, Any]:
    """The domain's input from the answers (satisfaction is tapped as text, location is a dict)."""
    data = {k: answers[k] for k in FIELDS if answers.get(k) not in (None, "")}
    if "satisfaction" in data:
        data["satisfaction"] = int(data["satisfaction"])
    if data.get("purpose") != VisitPurpose.REVISIT:
        data.pop("satisfaction", None)
    if not data.get("next_step"):
        data.pop("next_step_on", None)
    location = answers.get("location")
    if location:
        data["lat"], data["lon"] = location["lat"], location["lon"]
    return data


def _save(ctx: Ctx, answers: Answers, _context: dict[str, Any]) -> str:
    """Save the visit through the visits service."""
    data = to_record(ctx, VISIT_FORM, VisitIn, _record_data(answers))
    result = visits.log_visit(ctx.app.uow(), viewer=ctx.me, data=data, photos=list(answers.get("photos") or []),
                              now=ctx.app.now())
    if result is None:
        raise FormError("customer_id", NOT_FOUND)
    text = ctx._("Visit saved.") + "\n" + visits.describe(result.card, ctx._)
    if result.pinned_customer:
        text += "\n" + ctx._("📍 This location is now the customer's location.")
    return text


VISIT_FORM = register_form(Form(
    name="visit",
    title=N_("Customer visit"),
    fields=(
        customer_field(),
        Field("visited_at", N_("Time"), N_("When was the visit? Tap Now or type e.g. {example}."),
              kind=Kind.datetime, check=not_future_time, lean=Lean.past),
        Field("purpose", N_("Purpose"), N_("What was the purpose of the visit?"), kind=Kind.choice,
              choices=tuple((p.value, label) for p, label in PURPOSE_LABELS.items())),
        Field("satisfaction", N_("Satisfaction"), N_("How satisfied is the customer (1 = not at all, 5 = very)?"),
              kind=Kind.choice, choices=tuple((str(n), "⭐" * n) for n in range(1, 6)),
              when=lambda a: a.get("purpose") == VisitPurpose.REVISIT),
        Field("people_met", N_("People met"), N_("Whom did you meet?"), max_length=200),
        Field("outcome", N_("Outcome"), N_("What came of it?"), kind=Kind.long_text, max_length=2000),
        Field("next_step", N_("Next step"), N_("What is the next step?"), kind=Kind.long_text, required=False,
              max_length=2000),
        Field("next_step_on", N_("Next step date"), N_("By when?"), kind=Kind.date, required=False, lean=Lean.future,
              when=lambda a: bool(a.get("next_step"))),
        Field("location", N_("Location"), N_("Share your location at the customer's site."), kind=Kind.location,
              required=False, check=trusted_location),
        Field("photos", N_("Photos"), N_("Send photos, then tap Done."), kind=Kind.photos, required=False),
    ),
    save=_save,
))


def visit_command(ctx: Ctx) -> None:
    """/visit logs a visit; /visit 12 shows visit #12."""
    if ctx.inbound.args and parse_id(ctx.inbound.args[0].lstrip("#")) is not None:
        _show(ctx, int(ctx.inbound.args[0].lstrip("#")))
    else:
        start_form(ctx, VISIT_FORM)


def _show(ctx: Ctx, visit_id: int) -> None:
    """The visit, or 'not found'."""
    card = visits.get(ctx.app.uow(), viewer=ctx.me, visit_id=visit_id)
    ctx.reply(visits.describe(card, ctx._) if card else ctx._(NOT_FOUND))


def on_button(ctx: Ctx) -> None:
    """`VISIT` opens a visit (re-checked)."""
    _show(ctx, ctx.pressed.id("visit"))


def register(router: Router) -> None:
    """Declare the visit log's command and buttons."""
    router.command("visit", visit_command, N_("log a customer visit or return visit (回访)"),
                   roles=OFFICE_ROLES, order=320)
    router.callback(VISIT, on_button)
