"""Days and clock times as people say them: 明天, 前天, 下周一, 本周五, 周三, 3号, 12月3日, 12/3, 下午3点半.

Pure rules, `today` passed in. A question leans one way: a leave's first day is ahead (`Lean.future`),
money already spent is behind (`Lean.past`). The lean decides only what the words leave open: a bare
周三 is the coming Wednesday for a future question and the last one for a past question (this week's
otherwise); a bare 3号 or 12月3日 rolls to the next month or year (or back) the same way. Written
weeks (本周/下周/上周) and years are taken as said. Anything else is None: the caller refuses it.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from enum import StrEnum

from domain.cn_numbers import parse_numerals


class Lean(StrEnum):
    """Which way a date question looks: ahead, behind, or either."""

    future = "future"
    past = "past"
    either = "either"


RELATIVE_DAYS = {
    "今天": 0, "今日": 0, "today": 0, "明天": 1, "明日": 1, "tomorrow": 1, "后天": 2, "dayafter": 2, "大后天": 3,
    "昨天": -1, "昨日": -1, "yesterday": -1, "前天": -2, "大前天": -3,
}
WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "1": 0, "2": 1, "3": 2,
            "4": 3, "5": 4, "6": 5, "7": 6}
WEEK_SHIFT = {"": None, "本": 0, "这": 0, "这个": 0, "下": 1, "下个": 1, "上": -1, "上个": -1}
WEEKDAY = re.compile(r"(?P<shift>本|这个?|下个?|上个?)?(?:周|星期|礼拜)(?P<day>[一二三四五六日天1-7])")
NUM = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
DAY_OF_MONTH = re.compile(rf"(?P<day>{NUM})\s*[号日]")
MONTH_DAY = re.compile(rf"(?P<month>{NUM})\s*(?:月|/)\s*(?P<day>{NUM})\s*[号日]?")
MORNING = frozenset({"凌晨", "早上", "早晨", "上午", "am"})
AFTERNOON = frozenset({"中午", "下午", "傍晚", "晚上", "今晚", "pm"})
CLOCK = re.compile(
    r"(?P<period>凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|今晚)?\s*"
    r"(?:(?P<h>\d{1,2}):(?P<m>\d{2})|(?P<hh>\d{1,2}|[零一二两三四五六七八九十]{1,3})\s*点\s*"
    r"(?P<rest>半|一刻|三刻|(?:\d{1,2}|[零一二三四五六七八九十]{1,3})\s*分?)?)\s*(?P<ampm>am|pm)?",
    re.IGNORECASE,
)


def parse_relative_day(text: str, *, today: date, lean: Lean = Lean.either) -> date | None:
    """A day in words (今天, 后天, 下周一, 周三, 3号, 12月3日, 12/3); None when it is not one of those."""
    word = text.strip().lower()
    if word in RELATIVE_DAYS:
        return today + timedelta(days=RELATIVE_DAYS[word])
    if named := WEEKDAY.fullmatch(word):
        return _weekday(today, WEEKDAYS[named["day"]], WEEK_SHIFT[named["shift"] or ""], lean)
    if written := MONTH_DAY.fullmatch(word):
        month, day = _small(written["month"]), _small(written["day"])
        return month_day(today, month, day, lean) if month and day else None
    if day_only := DAY_OF_MONTH.fullmatch(word):
        day = _small(day_only["day"])
        return _day_of_month(today, day, lean) if day else None
    return None


def _small(text: str) -> int | None:
    """1-31 in digits or numerals."""
    value = int(text) if text.isascii() and text.isdigit() else parse_numerals(text)
    return value if value is not None and 1 <= value <= 31 else None


def _weekday(today: date, weekday: int, shift: int | None, lean: Lean) -> date:
    """That weekday in the week `shift` weeks away (Monday first); a bare one follows the lean."""
    monday = today - timedelta(days=today.weekday())
    if shift is not None:
        return monday + timedelta(days=7 * shift + weekday)
    this_week = monday + timedelta(days=weekday)
    if lean == Lean.future and this_week < today:
        return this_week + timedelta(days=7)
    if lean == Lean.past and this_week > today:
        return this_week - timedelta(days=7)
    return this_week


def month_day(today: date, month: int, day: int, lean: Lean) -> date | None:
    """Month and day of this year, or of the next/previous one when the lean says it must be."""
    if month > 12:
        return None
    candidate = _safe(today.year, month, day)
    if candidate is None:
        return None
    if lean == Lean.future and candidate < today:
        return _safe(today.year + 1, month, day)
    if lean == Lean.past and candidate > today:
        return _safe(today.year - 1, month, day)
    return candidate


def _day_of_month(today: date, day: int, lean: Lean) -> date | None:
    """A day of this month, or of the next/previous month when the lean says it must be."""
    candidate = _safe(today.year, today.month, day)
    if lean == Lean.future and (candidate is None or candidate < today):
        year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
        return _safe(year, month, day)
    if lean == Lean.past and (candidate is None or candidate > today):
        year, month = (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
        return _safe(year, month, day)
    return candidate


def _safe(year: int, month: int, day: int) -> date | None:
    """The date, or None for 2月30日."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_clock(text: str) -> tuple[int, int] | None:
    """A clock time (上午10点, 下午3点半, 15:30, 10点, 晚上8点15分, 3pm) as (hour, minute); None otherwise."""
    match = CLOCK.fullmatch(text.strip())
    if not match:
        return None
    if match["h"] is not None:
        hour, minute = int(match["h"]), int(match["m"])
    else:
        hour_value = _clock_number(match["hh"])
        minute_value = _minutes(match["rest"])
        if hour_value is None or minute_value is None:
            return None
        hour, minute = hour_value, minute_value
    period = (match["period"] or match["ampm"] or "").lower()
    if period in MORNING and hour > 12:  # 上午15点 contradicts itself
        return None
    if period in AFTERNOON and hour < 12 and not (period == "中午" and hour >= 10):
        hour += 12
    return (hour, minute) if hour <= 23 and minute <= 59 else None


def _clock_number(text: str) -> int | None:
    """An hour in digits or numerals (两点 is 2)."""
    return int(text) if text.isascii() else parse_numerals(text)


def _minutes(rest: str | None) -> int | None:
    """The minutes after 点: 半 30, 一刻 15, 三刻 45, 15分, 十五."""
    if not rest:
        return 0
    words = {"半": 30, "一刻": 15, "三刻": 45}
    if rest in words:
        return words[rest]
    digits = rest.rstrip("分").strip()
    return int(digits) if digits.isascii() else parse_numerals(digits)
