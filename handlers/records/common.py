"""What the record conversations share: the customer picker, answer checks, domain errors → FormError."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from domain.attendance import check_location
from domain.validation import field_errors, parse_record
from handlers.context import Ctx
from handlers.forms.spec import Answers, Field, Form, FormError, Kind, Lookup
from handlers.replies import ERROR_TEXTS, error_text
from services.i18n.catalogs import N_
from services.records import customers

NOT_FOUND = N_("Record not found.")
ASK_CUSTOMER = N_("Which customer? Type part of the name, or tap a recent one.")

FIELD_ALIASES = {"lat": "location", "lon": "location"}
Model = TypeVar("Model", bound=BaseModel)


def today(ctx: Ctx) -> date:
    """Today on the person's office clock."""
    return ctx.today


def to_record(ctx: Ctx, form: Form, model: type[Model], data: Mapping[str, Any]) -> Model:
    """Validate answers with the domain schema; the first problem sends the person back to its field."""
    try:
        return parse_record(model, data, today=today(ctx))
    except ValidationError as exc:
        raise form_error(form, exc) from None


def form_error(form: Form, exc: ValidationError) -> FormError:
    """The first domain error as a FormError on the form's matching field."""
    first = field_errors(exc)[0]
    name = FIELD_ALIASES.get(first.field, first.field)
    known = {f.name for f in form.fields}
    return FormError(name if name in known else None, error_text(first.code))


def not_future(_ctx: Ctx, value: Any, _answers: Answers) -> str | None:
    """A date that must already have happened."""
    return ERROR_TEXTS["date_in_future"] if date.fromisoformat(value) > today(_ctx) else None


def not_future_time(ctx: Ctx, value: Any, _answers: Answers) -> str | None:
    """A time that must already have happened (a few minutes of clock skew allowed)."""
    future = datetime.fromisoformat(value) > ctx.app.now() + timedelta(minutes=5)
    return N_("The time cannot be in the future.") if future else None


def trusted_location(ctx: Ctx, value: Any, _answers: Answers) -> str | None:
    """A freshly shared location of one's own (no forwards, venues or old pins)."""
    if value.get("venue"):
        return N_("Please share your own location, not a place picked from the map.")
    problem = check_location(sent_at=datetime.fromisoformat(value["at"]), now=ctx.app.now(),
                             forwarded=bool(value.get("forwarded")),
                             max_age=timedelta(minutes=ctx.app.location_max_age_minutes))
    return None if problem is None else N_("Please share your current location (not a forwarded or old one).")


def _search(ctx: Ctx, text: str) -> list[tuple[int, str]]:
    """Customers the person sees whose name contains `text`."""
    return customers.search(ctx.app.uow(), viewer=ctx.me, query=text)


def _resolve(ctx: Ctx, customer_id: int) -> str | None:
    """Re-check a picked customer with the person's rights."""
    return customers.label(ctx.app.uow(), viewer=ctx.me, customer_id=customer_id)


def _browse(ctx: Ctx) -> list[tuple[int, str]]:
    """Recently touched customers as quick picks."""
    return customers.recent(ctx.app.uow(), viewer=ctx.me, limit=6)


def customer_prefill(ctx: Ctx, customer_id: int) -> dict[str, Any]:
    """The archive's contact and phone for the form's 报修人 / 联络电话 / 接待人 questions."""
    card = customers.get(ctx.app.uow(), viewer=ctx.me, customer_id=customer_id)
    if card is None:
        return {}
    return {"reporter": card.contact, "people_met": card.contact, "phone": card.phone}


def _create(ctx: Ctx, name: str) -> tuple[int, str] | None:
    """A customer made on the spot from the typed name (completed later with /customer)."""
    card = customers.create_short(ctx.app.uow(), viewer=ctx.me, name=name, now=ctx.app.now())
    return None if card is None else (card.id, card.name)


CUSTOMER_LOOKUP = Lookup(search=_search, resolve=_resolve, browse=_browse, prefill=customer_prefill, create=_create,
                         create_label=N_("➕ New customer “{name}”"))


def customer_field(question: str = ASK_CUSTOMER, *, required: bool = True) -> Field:
    """The customer a record is about, looked up from the archive (made on the spot if new): every form's
    `customer_id` field, with the form's own question."""
    return Field("customer_id", N_("Customer"), question, kind=Kind.lookup, lookup=CUSTOMER_LOOKUP, required=required)
