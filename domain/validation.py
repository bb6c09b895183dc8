"""Shared building blocks for record schemas: error codes, text and phone types, date checks.

Validation errors carry a *code* (`ErrorCode`), never prose: the UI layer translates codes (zh-CN
first) and may use `FieldError.params` (e.g. `max_length`) in its message.
"""

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, StringConstraints, ValidationError, ValidationInfo
from pydantic_core import PydanticCustomError


class ErrorCode(StrEnum):
    """Every error code a record can report, for the UI's message catalog."""

    REQUIRED = "required"
    TOO_LONG = "too_long"
    OUT_OF_RANGE = "out_of_range"
    NOT_A_NUMBER = "not_a_number"
    TOO_MANY_DECIMALS = "too_many_decimals"
    DATE_INVALID = "date_invalid"
    DATETIME_INVALID = "datetime_invalid"
    CHOICE_INVALID = "choice_invalid"
    UNKNOWN_FIELD = "unknown_field"
    INVALID = "invalid"
    PHONE_INVALID = "phone_invalid"
    DATE_IN_FUTURE = "date_in_future"
    DATE_TOO_FAR = "date_too_far"
    ENDS_BEFORE_START = "ends_before_start"
    REPAIRED_BEFORE_REPORTED = "repaired_before_reported"
    REPAIR_NOT_DONE = "repair_not_done"
    REPAIR_TRANSITION_INVALID = "repair_transition_invalid"
    QUANTITY_NEGATIVE = "quantity_negative"
    SATISFACTION_REQUIRED = "satisfaction_required"
    SATISFACTION_NOT_APPLICABLE = "satisfaction_not_applicable"
    NEXT_STEP_REQUIRED = "next_step_required"
    DATE_BEFORE_VISIT = "date_before_visit"
    LOCATION_INCOMPLETE = "location_incomplete"
    DESTINATION_REQUIRED = "destination_required"
    PURPOSE_REQUIRED = "purpose_required"
    PROJECT_REQUIRED = "project_required"


_PYDANTIC_CODES: dict[str, ErrorCode] = {
    "missing": ErrorCode.REQUIRED,
    "string_too_short": ErrorCode.REQUIRED,
    "string_too_long": ErrorCode.TOO_LONG,
    "extra_forbidden": ErrorCode.UNKNOWN_FIELD,
    "decimal_max_places": ErrorCode.TOO_MANY_DECIMALS,
    "enum": ErrorCode.CHOICE_INVALID,
    "literal_error": ErrorCode.CHOICE_INVALID,
}
_PYDANTIC_PREFIXES: tuple[tuple[str, ErrorCode], ...] = (
    ("greater_than", ErrorCode.OUT_OF_RANGE),
    ("less_than", ErrorCode.OUT_OF_RANGE),
    ("decimal_max_digits", ErrorCode.OUT_OF_RANGE),
    ("decimal_whole_digits", ErrorCode.OUT_OF_RANGE),
    ("int_", ErrorCode.NOT_A_NUMBER),
    ("float_", ErrorCode.NOT_A_NUMBER),
    ("decimal_", ErrorCode.NOT_A_NUMBER),
    ("finite_number", ErrorCode.NOT_A_NUMBER),
    ("datetime_", ErrorCode.DATETIME_INVALID),
    ("timezone_", ErrorCode.DATETIME_INVALID),
    ("date_", ErrorCode.DATE_INVALID),
)
_OWN_CODES = frozenset(code.value for code in ErrorCode)


def domain_error(code: ErrorCode, **params: Any) -> PydanticCustomError:
    """An error to raise inside a validator; pass `field=` from a model-level check to name the field."""
    return PydanticCustomError(code.value, code.value, params)


@dataclass(frozen=True)
class FieldError:
    """One problem with user input: which field, the code to translate, and values for the message."""

    field: str
    code: str
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)


def field_errors(exc: ValidationError) -> list[FieldError]:
    """Turn a pydantic error into coded field errors the UI can translate."""
    return [_to_field_error(error) for error in exc.errors(include_url=False)]


def _to_field_error(error: Any) -> FieldError:
    params = dict(error.get("ctx") or {})
    loc = error["loc"]
    name = str(loc[0]) if loc else str(params.pop("field", ""))
    return FieldError(name, _code_for(str(error["type"])), params)


def _code_for(pydantic_type: str) -> str:
    if pydantic_type in _OWN_CODES:
        return pydantic_type
    if pydantic_type in _PYDANTIC_CODES:
        return _PYDANTIC_CODES[pydantic_type].value
    matches = (code for prefix, code in _PYDANTIC_PREFIXES if pydantic_type.startswith(prefix))
    return next(matches, ErrorCode.INVALID).value


def describe_errors(exc: ValidationError) -> str:
    """One line per problem, "where: what (got …)", for configuration errors read by an operator."""
    lines = []
    for error in exc.errors(include_url=False):
        where = ".".join(str(part) for part in error["loc"]) or "(top level)"
        got = "" if error["type"] == "missing" else f" (got {_short_repr(error['input'])})"
        lines.append(f"{where}: {error['msg']}{got}")
    return "\n  ".join(lines)


def _short_repr(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


_MOBILE = re.compile(r"^(?:\+?86)?(1[3-9]\d{9})$")
_LANDLINE = re.compile(r"^(?:0\d{2,3}-?)?[2-9]\d{6,7}(?:-\d{1,6})?$")
_SERVICE_NUMBER = re.compile(r"^[48]00-?\d{3}-?\d{4}$")


def parse_phone(raw: str) -> str | None:
    """The one phone rule: the stored form of a Chinese number, or None when `raw` is not one.

    A mobile (+86 allowed, spaces and dashes dropped → 11 digits); a landline with an optional area
    code (0 + 2–3 digits), a local number of 7–8 digits that never starts with 0 or 1, and an optional
    extension of up to 6 digits; or a 400/800 service number. Spaces and brackets are dropped.
    """
    compact = re.sub(r"[\s()（）]", "", raw)
    if mobile := _MOBILE.match(compact.replace("-", "")):
        return mobile[1]
    if _LANDLINE.match(compact) or _SERVICE_NUMBER.match(compact):
        return compact
    return None


def normalize_phone(raw: str) -> str:
    """`parse_phone` as a schema validator: the stored form, or the `phone_invalid` error."""
    phone = parse_phone(raw)
    if phone is None:
        raise domain_error(ErrorCode.PHONE_INVALID)
    return phone


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
"""A short required text such as a name or an address."""

LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
"""A free-text answer such as a fault description or an outcome."""

Phone = Annotated[str, AfterValidator(normalize_phone)]
"""A Chinese phone number, normalised by `normalize_phone`."""


@dataclass(frozen=True)
class DateWindow:
    """The days a date question accepts; each end is a fixed date or a number of days from today (-31, 0, 366)."""

    earliest: date | int
    latest: date | int

    def bounds(self, today: date) -> tuple[date, date]:
        """The first and the last accepted day, seen from `today`."""
        return _window_end(self.earliest, today), _window_end(self.latest, today)

    def contains(self, day: date, *, today: date) -> bool:
        """Whether `day` is inside the window (both ends included)."""
        first, last = self.bounds(today)
        return first <= day <= last


def _window_end(end: date | int, today: date) -> date:
    """A fixed end as it is, a relative one counted from `today`."""
    return end if isinstance(end, date) else today + timedelta(days=end)


DEFAULT_DATE_WINDOW = DateWindow(date(2000, 1, 1), 5 * 365)
"""Any date question that declares no window of its own: this century up to five years ahead."""

INSTALLED_WINDOW = DateWindow(date(1990, 1, 1), 0)
"""Acceptance and installation dates: the oldest installations in the archive date from 1990; not future."""


def validate_not_future(d: date, *, today: date) -> date:
    """Refuse a date after `today` for things that must already have happened."""
    if d > today:
        raise domain_error(ErrorCode.DATE_IN_FUTURE, today=today.isoformat())
    return d


def context_today(info: ValidationInfo) -> date | None:
    """The `today` a caller put in the validation context, or None when it was not given."""
    context = info.context if isinstance(info.context, Mapping) else {}
    today = context.get("today")
    return today if isinstance(today, date) else None


def not_future_in_context(d: date | None, info: ValidationInfo) -> date | None:
    """Field-validator body: refuse a future date when the context carries `today`."""
    today = context_today(info)
    return validate_not_future(d, today=today) if d is not None and today is not None else d


ModelT = TypeVar("ModelT", bound=BaseModel)


def parse_record(model: type[ModelT], data: Mapping[str, Any], *, today: date) -> ModelT:
    """Validate user input with `today` in the context, so "not in the future" checks always run."""
    return model.model_validate(data, context={"today": today})


def field_labels(model: type[BaseModel]) -> dict[str, str]:
    """The Chinese label of every field (for prompts and exports), from each field's metadata."""
    labels: dict[str, str] = {}
    for name, info in model.model_fields.items():
        extra = info.json_schema_extra
        label = extra.get("label") if isinstance(extra, dict) else None
        labels[name] = str(label) if label else name
    return labels
