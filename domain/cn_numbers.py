"""Numbers as people type them on a Chinese phone: 五千, 5千, 3.5万, 35万, 一万二, 两个半小时, 零.

Pure rules, no I/O. A number is read only when it is unambiguous: digits with their own separators
(the form parser's job) or Chinese numerals with their units; anything else is None, and the caller
refuses it politely. Colloquial abbreviations follow common use: 一万二 is 12,000 (the unit below the
last one is implied), 三千五 is 3,500, 一百二 is 120.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
NUMERAL_CHARS = "".join(DIGITS) + "".join(SMALL_UNITS) + "".join(BIG_UNITS)
MAX_NUMERAL_LENGTH = 20  # longer runs of numerals are not a number anyone types
MIXED = re.compile(r"(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>[十百千万亿]+)", re.ASCII)
HALF_HOURS = re.compile(r"(?P<num>.+?)个半(?:小时|钟头)")
HOUR_UNITS = ("个小时", "个钟头", "小时", "钟头", "h", "hours", "hour", "hrs", "hr")
MINUTE_UNITS = ("分钟", "分", "min", "minutes", "mins")


def parse_numerals(text: str) -> int | None:
    """Chinese numerals (十二, 一百零五, 三千五, 一万二, 两亿) as an int; None when not a well-formed number."""
    if not text or len(text) > MAX_NUMERAL_LENGTH or any(ch not in NUMERAL_CHARS for ch in text):
        return None
    total, section, digit, last_unit = 0, 0, None, 0
    pending_zero = False
    for ch in text:
        if ch in DIGITS:
            if digit is not None:  # two digits in a row ("一二") is not a number
                return None
            digit = DIGITS[ch]
            pending_zero = digit == 0
            if pending_zero:
                digit = None
        elif ch in SMALL_UNITS:
            unit = SMALL_UNITS[ch]
            if digit is None and not (unit == 10 and section == 0):  # 十二 alone means 12; 百 alone is nothing
                return None
            section += (1 if digit is None else digit) * unit
            digit, last_unit, pending_zero = None, unit, False
        else:
            unit = BIG_UNITS[ch]
            if digit is None and section == 0:
                return None
            total = (total + section + (digit or 0)) * unit
            section, digit, last_unit, pending_zero = 0, None, unit, False
    if digit is not None:  # a trailing digit: 一万二 → 12,000 (implied unit), 一百零五 → 105, 三 → 3
        implied = last_unit // 10 if last_unit >= 10 and not pending_zero and not _after_zero(text) else 1
        section += digit * max(implied, 1)
    return total + section


def _after_zero(text: str) -> bool:
    """Whether the last digit follows a 零 (一百零五: five ones, not five tens)."""
    return len(text) >= 2 and text[-2] in ("零", "〇")


def parse_amount(text: str) -> Decimal | None:
    """An amount in Chinese numerals or digits with 千/万 (五千, 5千, 3.5万, 35万, 一万二, 零); None otherwise."""
    compact = text.strip()
    if not compact:
        return None
    if mixed := MIXED.fullmatch(compact):
        multiplier = 1
        for ch in mixed["unit"]:
            multiplier *= {**SMALL_UNITS, **BIG_UNITS}[ch]
        try:
            return Decimal(mixed["num"]) * multiplier
        except InvalidOperation:
            return None
    whole = parse_numerals(compact)
    return Decimal(whole) if whole is not None else None


def parse_hours(text: str) -> Decimal | None:
    """A duration in hours: 两个半小时, 2.5小时, 半小时, 一个小时, 90分钟, 3; None when not one."""
    compact = text.strip().lower()  # inner spaces stay: "12 34" is no duration
    if compact in ("半小时", "半个小时", "半个钟头"):
        return Decimal("0.5")
    if half := HALF_HOURS.fullmatch(compact):
        base = _number(half["num"])
        return base + Decimal("0.5") if base is not None else None
    for unit in MINUTE_UNITS:
        if compact.endswith(unit) and (minutes := _number(compact[: -len(unit)].rstrip())) is not None:
            return (minutes / 60).quantize(Decimal("0.01"))
    for unit in HOUR_UNITS:
        if compact.endswith(unit):
            return _number(compact[: -len(unit)].rstrip())
    return _number(compact)


def _number(text: str) -> Decimal | None:
    """Plain digits (2.5) or numerals (两)."""
    if re.fullmatch(r"\d{1,6}(?:\.\d{1,2})?", text, re.ASCII):
        return Decimal(text)
    return parse_amount(text)
