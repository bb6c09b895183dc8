"""Turning what a person typed or shared into a stored answer (JSON-safe), or a polite error.

Answers are stored as JSON: dates as ISO strings, amounts as decimal strings, locations as dicts.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from domain.cn_numbers import parse_amount, parse_hours, parse_numerals
from domain.natural_dates import Lean, month_day, parse_clock, parse_relative_day
from domain.records import MAX_QUANTITY
from domain.validation import parse_phone
from handlers.forms.spec import Field, Kind
from handlers.inbound import Inbound
from handlers.replies import ERROR_TEXTS, SHARE_LOCATION
from services.i18n.catalogs import N_

NOW_WORDS = {"now", "现在", "刚才"}
YES_WORDS = {"yes", "y", "是", "有", "对"}
NO_WORDS = {"no", "n", "否", "没有", "无"}
PAIR = re.compile(r"([^\s,，;；:：=xX×*\d][^,，;；:：=×*\d]*?)\s*[:：=xX×*]?\s*(\d+)")
NUMERIC_KINDS = {Kind.integer, Kind.decimal, Kind.date, Kind.datetime}
MAX_ITEM_NAME = 60  # a product or part name: longer is a sentence, not a name
MAX_DIGITS = 15  # more than any field's maximum: longer numbers are refused before they are converted
INTEGER = re.compile(r"(-?\d+(?:,\d{3})*)\s*[^\d\s.,]{0,4}", re.ASCII)
AMOUNT = re.compile(r"[¥]?\s*(?P<whole>-?(?:\d{1,3}(?:,\d{3})+|\d+))(?:\.(?P<fraction>\d+))?\s*"
                    r"(?:元|块|yuan|rmb|cny)?", re.ASCII | re.IGNORECASE)
FULL_DATE = re.compile(r"(\d{4})(?:\s*(?:[-/.]|年)\s*|\s+)(\d{1,2})(?:\s*(?:[-/.]|月)\s*|\s+)(\d{1,2})\s*[日号]?",
                       re.ASCII)
MONTH_DAY_DASHED = re.compile(r"(\d{1,2})\s*[-.]\s*(\d{1,2})", re.ASCII)
CLOCK_START = re.compile(r"凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|今晚|\d{1,2}\s*[:点]"
                         r"|[零一二两三四五六七八九十]{1,3}点")
UNIT_WORD = re.compile(r"(?P<number>.+?)\s*(?:个|年|元|块|台|次|人|天|月|套|件|张|小时|分钟)?")


class InputError(Exception):
    """An answer that cannot be used; `message` is a message id with `{placeholders}`."""

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.params = params


def parse_answer(field: Field, inbound: Inbound, *, tz: ZoneInfo, now: datetime,
                 catalog: tuple[str, ...] = ()) -> Any:
    """Parse an inbound event as the answer to `field` (choices and lookups come as buttons)."""
    if field.kind == Kind.location:
        raise InputError(SHARE_LOCATION)
    if field.kind == Kind.photos:
        raise InputError(N_("Please send a photo, or press Done."))
    if field.kind == Kind.phone and inbound.contact_phone:
        return normalize_phone(inbound.contact_phone)
    text = (inbound.text or "").strip()
    if not text:
        raise InputError(N_("Please answer with text."))
    return parse_text(field, text, tz=tz, now=now, catalog=catalog)


def parse_text(field: Field, text: str, *, tz: ZoneInfo, now: datetime, catalog: tuple[str, ...] = ()) -> Any:
    """Parse typed text for every text-like kind."""
    kind = field.kind
    if kind in (Kind.text, Kind.long_text):
        if len(text) > field.max_length:
            raise InputError(N_("That is too long (at most {n} characters)."), n=field.max_length)
        return text
    if kind in NUMERIC_KINDS:  # full-width digits and punctuation from a Chinese keyboard → ASCII
        text = unicodedata.normalize("NFKC", text)
    if kind == Kind.integer:
        return _bounded(field, _integer(field, text))
    if kind == Kind.decimal:
        return str(_bounded(field, _decimal(field, text)))
    if kind == Kind.date:
        today = now.astimezone(tz).date()
        return _in_window(field, parse_date(text, today=today, lean=field.date_lean), today=today).isoformat()
    if kind == Kind.datetime:
        moment = parse_datetime(text, tz=tz, now=now, lean=field.date_lean)
        _in_window(field, moment.date(), today=now.astimezone(tz).date())
        return moment.isoformat()
    if kind == Kind.clock:
        clock = parse_clock(unicodedata.normalize("NFKC", text))
        if clock is None:
            raise InputError(N_("Please enter a time such as 09:30, 上午10点 or 下午3点半."))
        return f"{clock[0]:02d}:{clock[1]:02d}"
    if kind == Kind.phone:
        return normalize_phone(text)
    if kind == Kind.boolean:
        return _boolean(text)
    if kind == Kind.choice:
        return _choice(field, text)
    if kind == Kind.quantities:
        return parse_quantities(text, catalog=catalog)
    raise InputError(N_("Please use the buttons."))


def _integer(field: Field, text: str) -> int:
    """Whole numbers, allowing a unit word after them; digits counted before they are converted."""
    match = INTEGER.fullmatch(text.strip())
    if not match:
        return _integer_in_words(text)
    digits = match.group(1).replace(",", "")
    if len(digits.lstrip("-")) > MAX_DIGITS:
        raise _too_large(field)
    return int(digits)


def _integer_in_words(text: str) -> int:
    """三年, 零, 十二个: Chinese numerals with an optional unit word."""
    words = UNIT_WORD.fullmatch(text.strip())
    value = parse_numerals(words["number"].strip()) if words else None
    if value is None:
        raise InputError(N_("Please enter a whole number, for example 3."))
    return value


def _decimal_in_words(text: str) -> Decimal:
    """五千, 5千, 3.5万, 一万二 (an amount), 两个半小时, 2.5小时 (hours); at most two decimals."""
    compact = text.strip().lstrip("¥").strip()
    for unit in ("元", "块钱", "块"):
        compact = compact.removesuffix(unit).strip()
    value = parse_amount(compact)
    if value is None:
        value = parse_hours(text)
    if value is None:
        raise InputError(N_("Please enter a number, for example 4800 or 12.5."))
    if value != value.quantize(Decimal("0.01")):
        raise InputError(ERROR_TEXTS["too_many_decimals"])
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def _decimal(field: Field, text: str) -> Decimal:
    """Amounts like 4800, 4,800.50, ¥4800, 4800元, 3.5万 or 五千; at most two decimals; '12 34' is not 1234."""
    match = AMOUNT.fullmatch(text.strip())
    if not match:
        return _decimal_in_words(text)
    whole, fraction = match.group("whole").replace(",", ""), match.group("fraction") or ""
    if len(whole.lstrip("-")) > MAX_DIGITS:
        raise _too_large(field)
    if len(fraction) > 2:
        raise InputError(ERROR_TEXTS["too_many_decimals"])
    return Decimal(f"{whole}.{fraction}" if fraction else whole)


def _too_large(field: Field) -> InputError:
    """The refusal for a number with more digits than any field takes."""
    if field.max_value is not None:
        return InputError(N_("The value must be at most {n}."), n=_shown(field.max_value))
    return InputError(N_("That number is too large."))


def _shown(value: float) -> str:
    """A bound as people read it: 99,999,999 rather than 99999999.0."""
    return f"{int(value):,}" if value == int(value) else f"{value:,}"


def _bounded(field: Field, value: Any) -> Any:
    """Apply the field's minimum and maximum."""
    if field.min_value is not None and value < field.min_value:
        raise InputError(N_("The value must be at least {n}."), n=_shown(field.min_value))
    if field.max_value is not None and value > field.max_value:
        raise InputError(N_("The value must be at most {n}."), n=_shown(field.max_value))
    return value


def _in_window(field: Field, day: date, *, today: date) -> date:
    """Refuse a day outside the field's window: a polite range, or 'not in the future' when that is the rule."""
    first, last = field.window.bounds(today)
    if day > last and last == today:
        raise InputError(ERROR_TEXTS["date_in_future"])
    if not first <= day <= last:
        raise InputError(N_("Please enter a date between {earliest} and {latest}."),
                         earliest=first.isoformat(), latest=last.isoformat())
    return day


def parse_date(text: str, *, today: date, lean: Lean = Lean.either) -> date:
    """今天/明天/前天, 周三/下周一, 3号, 12月3日, 12/3, 11-24, 2026-12-3, 2026年12月3日; never '1 1'.

    A date without a year (or a month) is placed by the question's lean (domain/natural_dates.py).
    """
    lowered = unicodedata.normalize("NFKC", text).strip().lower()
    try:
        if full := FULL_DATE.fullmatch(lowered):
            return date(int(full[1]), int(full[2]), int(full[3]))
    except ValueError:
        pass
    if (spoken := parse_relative_day(lowered, today=today, lean=lean)) is not None:
        return spoken
    if (dashed := MONTH_DAY_DASHED.fullmatch(lowered)) and (
            day := month_day(today, int(dashed[1]), int(dashed[2]), lean)) is not None:
        return day
    raise InputError(N_("Please enter a date such as {example}, or tap Today."), example=date_example(today, lean))


def date_example(today: date, lean: Lean) -> str:
    """An example date near today, on the side the question looks at (prompts never show a fixed date)."""
    day = today + timedelta(days=1) if lean == Lean.future else today - timedelta(days=1)
    return day.isoformat()


def parse_datetime(text: str, *, tz: ZoneInfo, now: datetime, lean: Lean = Lean.either) -> datetime:
    """now, 14:30 or 下午3点半 (today), 昨天 上午10点, 2026-11-24 14:30, 11-24 14:30 — in the office's time zone."""
    lowered = unicodedata.normalize("NFKC", text).strip().lower()
    local_now = now.astimezone(tz)
    if lowered in NOW_WORDS:
        return local_now.replace(second=0, microsecond=0)
    example = (local_now.replace(second=0, microsecond=0) - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M")
    refusal = InputError(N_("Please enter a date and time such as {example}, or tap Now."), example=example)
    start = _clock_start(lowered)
    if start is None:
        raise refusal
    day_part, clock_part = lowered[:start].strip(), lowered[start:].strip()
    clock = parse_clock(clock_part)
    if clock is None:
        raise refusal
    day = parse_date(day_part, today=local_now.date(), lean=lean) if day_part else local_now.date()
    return datetime(day.year, day.month, day.day, clock[0], clock[1], tzinfo=tz)


def _clock_start(text: str) -> int | None:
    """Where the clock time begins: after the date part (a date's own digits are skipped)."""
    for match in CLOCK_START.finditer(text):
        before = text[: match.start()].rstrip()
        if not before or not before[-1].isdigit() or text[match.start() - 1].isspace():
            return match.start()
    return None


PHONE_HINT = N_("That does not look like a phone number. Example: 13812345678 or 021-62345678.")


def normalize_phone(text: str) -> str:
    """A phone answer by the one phone rule (`domain.validation.parse_phone`), the same one the save applies."""
    phone = parse_phone(text)
    if phone is None:
        raise InputError(PHONE_HINT)
    return phone


def _boolean(text: str) -> bool:
    """Yes or no in either language."""
    lowered = text.lower()
    if lowered in YES_WORDS:
        return True
    if lowered in NO_WORDS:
        return False
    raise InputError(N_("Please tap Yes or No."))


def _choice(field: Field, text: str) -> str:
    """A typed choice must match a value; choices are normally tapped."""
    for value, _label in field.choices:
        if text.lower() == value.lower():
            return value
    raise InputError(N_("Please choose one of the buttons."))


def parse_quantities(text: str, *, catalog: tuple[str, ...]) -> dict[str, int]:
    """'枪柜 3，弹柜 2' or '锁芯x2, 电池 1' → {name: quantity}; names must be in the catalog if one is given."""
    pairs = PAIR.findall(unicodedata.normalize("NFKC", text))
    if not pairs:
        raise InputError(N_("Please write each item with its quantity, for example: {example}"),
                         example=f"{catalog[0]} 3, {catalog[1]} 2" if len(catalog) > 1 else "锁芯 x2, 电池 1")
    result: dict[str, int] = {}
    for raw_name, raw_qty in pairs:
        name = raw_name.strip()
        if len(name) > MAX_ITEM_NAME:
            raise InputError(N_("That is too long (at most {n} characters)."), n=MAX_ITEM_NAME)
        if catalog and name not in catalog:
            raise InputError(N_("Unknown item {name}. Choose from: {items}"), name=name, items="、".join(catalog))
        quantity = int(raw_qty) if len(raw_qty) <= len(str(MAX_QUANTITY)) else MAX_QUANTITY + 1
        if not 1 <= quantity <= MAX_QUANTITY or result.get(name, 0) + quantity > MAX_QUANTITY:
            raise InputError(N_("Each quantity must be from 1 to {max}."), max=MAX_QUANTITY)
        result[name] = result.get(name, 0) + quantity
    return result
