"""Natural input on a phone (issue #10): days, clock times and numbers as people type them; how they read back."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from domain.cn_numbers import parse_amount, parse_hours, parse_numerals
from domain.natural_dates import Lean, parse_clock, parse_relative_day
from handlers.forms.parse import InputError, date_example, parse_date, parse_text
from handlers.forms.spec import Field, Kind
from services.i18n.catalogs import translator
from services.i18n.display import distance, duration, money

TODAY = date(2026, 12, 2)  # a Wednesday
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
F, P, E = Lean.future, Lean.past, Lean.either


@pytest.mark.parametrize(("text", "lean", "expected"), [
    ("今天", E, date(2026, 12, 2)), ("明天", E, date(2026, 12, 3)), ("后天", F, date(2026, 12, 4)),
    ("昨天", P, date(2026, 12, 1)), ("前天", P, date(2026, 11, 30)), ("大后天", F, date(2026, 12, 5)),
    ("周三", E, date(2026, 12, 2)), ("星期三", F, date(2026, 12, 2)), ("下周一", E, date(2026, 12, 7)),
    ("本周五", P, date(2026, 12, 4)), ("上周五", E, date(2026, 11, 27)), ("周一", F, date(2026, 12, 7)),
    ("周一", P, date(2026, 11, 30)), ("周一", E, date(2026, 11, 30)), ("星期日", E, date(2026, 12, 6)),
    ("礼拜五", P, date(2026, 11, 27)), ("下个星期二", E, date(2026, 12, 8)),
    ("3号", E, date(2026, 12, 3)), ("1号", F, date(2027, 1, 1)), ("5号", P, date(2026, 11, 5)),
    ("12月3日", E, date(2026, 12, 3)), ("1月5日", F, date(2027, 1, 5)), ("12月3日", P, date(2025, 12, 3)),
    ("12/3", E, date(2026, 12, 3)), ("十二月三日", E, date(2026, 12, 3)), ("三号", E, date(2026, 12, 3)),
])
def test_days_in_words(text: str, lean: Lean, expected: date) -> None:
    assert parse_relative_day(text, today=TODAY, lean=lean) == expected


@pytest.mark.parametrize("text", ["周八", "32号", "13月1日", "2月30日", "明天后", "3", "12 3", "号", "下下周一"])
def test_what_is_not_a_day_in_words(text: str) -> None:
    assert parse_relative_day(text, today=TODAY) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-12-3", date(2026, 12, 3)), ("2026年12月3日", date(2026, 12, 3)), ("12-3", date(2026, 12, 3)),
    ("后天", date(2026, 12, 4)), ("下周一", date(2026, 12, 7)), ("１２／３", date(2026, 12, 3)),
])
def test_parse_date_reads_every_shape(text: str, expected: date) -> None:
    assert parse_date(text, today=TODAY, lean=Lean.future) == expected


def test_a_refused_date_gives_an_example_near_today() -> None:
    with pytest.raises(InputError) as caught:
        parse_date("下礼拜", today=TODAY, lean=Lean.future)
    assert caught.value.params == {"example": "2026-12-03"}
    assert date_example(TODAY, Lean.past) == "2026-12-01"


@pytest.mark.parametrize(("text", "expected"), [
    ("上午10点", (10, 0)), ("下午3点半", (15, 30)), ("15:30", (15, 30)), ("10点", (10, 0)),
    ("晚上8点15分", (20, 15)), ("中午12点", (12, 0)), ("中午1点", (13, 0)), ("两点", (2, 0)),
    ("下午三点一刻", (15, 15)), ("早上7:05", (7, 5)), ("下午15点", (15, 0)), ("十点半", (10, 30)),
])
def test_clock_times(text: str, expected: tuple[int, int]) -> None:
    assert parse_clock(text) == expected


@pytest.mark.parametrize("text", ["上午15点", "25点", "10:75", "10", "点", "下午", "一二点"])
def test_what_is_not_a_clock_time(text: str) -> None:
    assert parse_clock(text) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("昨天 下午3点半", "2026-12-01T15:30:00+08:00"), ("上午10点", "2026-12-02T10:00:00+08:00"),
    ("12月1日 15:30", "2026-12-01T15:30:00+08:00"), ("2026-11-24 14:30", "2026-11-24T14:30:00+08:00"),
    ("前天10点", "2026-11-30T10:00:00+08:00"),
])
def test_datetimes_in_words(text: str, expected: str) -> None:
    assert parse_text(Field("f", "F", "F?", kind=Kind.datetime, lean=Lean.past), text, tz=SHANGHAI,
                      now=NOW) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("五千", 5000), ("零", 0), ("三", 3), ("十二", 12), ("二十", 20), ("一百零五", 105), ("三千五", 3500),
    ("一万二", 12000), ("两万五千", 25000), ("一万零五百", 10500), ("一百二", 120), ("两亿", 200_000_000),
])
def test_chinese_numerals(text: str, expected: int) -> None:
    assert parse_numerals(text) == expected


@pytest.mark.parametrize("text", ["一二", "百", "万", "五五", "", "十" * 30, "五千abc"])
def test_what_is_not_a_numeral(text: str) -> None:
    assert parse_numerals(text) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("五千", "5000"), ("5千", "5000"), ("3.5万", "35000"), ("35万", "350000"), ("一万二", "12000"),
    ("零", "0"), ("¥3.5万", "35000"), ("五千元", "5000"), ("4800", "4800"), ("1.25万", "12500"),
])
def test_amounts_in_words(text: str, expected: str) -> None:
    assert parse_text(Field("f", "F", "F?", kind=Kind.decimal, max_value=99_999_999), text, tz=SHANGHAI,
                      now=NOW) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("两个半小时", Decimal("2.5")), ("2.5小时", Decimal("2.5")), ("半小时", Decimal("0.5")),
    ("一个小时", Decimal("1")), ("90分钟", Decimal("1.50")), ("3 小时", Decimal("3")),
])
def test_hours_in_words(text: str, expected: Decimal) -> None:
    assert parse_hours(text) == expected


@pytest.mark.parametrize(("text", "expected"), [("三年", 3), ("零", 0), ("十二个", 12), ("5年", 5), ("两台", 2)])
def test_whole_numbers_in_words(text: str, expected: int) -> None:
    assert parse_text(Field("f", "F", "F?", kind=Kind.integer, max_value=1000), text, tz=SHANGHAI,
                      now=NOW) == expected


@pytest.mark.parametrize(("kind", "text"), [
    (Kind.decimal, "12 34"), (Kind.decimal, "五五"), (Kind.decimal, "1.2345678万"), (Kind.decimal, "很多"),
    (Kind.integer, "三点五"), (Kind.integer, "一二年"), (Kind.decimal, "1.2.3万"),
])
def test_ambiguous_numbers_in_words_are_refused(kind: Kind, text: str) -> None:
    with pytest.raises(InputError):
        parse_text(Field("f", "F", "F?", kind=kind, max_value=99_999_999), text, tz=SHANGHAI, now=NOW)


def test_a_number_in_words_still_meets_the_cap() -> None:
    with pytest.raises(InputError) as caught:
        parse_amount_field("两亿")
    assert caught.value.message == "The value must be at most {n}."


def parse_amount_field(text: str) -> Any:
    """`text` as the answer to an amount capped at 99,999,999."""
    return parse_text(Field("f", "F", "F?", kind=Kind.decimal, max_value=99_999_999), text, tz=SHANGHAI, now=NOW)


@pytest.mark.parametrize(("value", "expected"), [
    (Decimal("350000"), "¥350,000.00"), ("4800.5", "¥4,800.50"), (None, "—"), (Decimal("0"), "¥0.00"),
])
def test_amounts_read_with_separators(value: Any, expected: str) -> None:
    assert money(value) == expected


@pytest.mark.parametrize(("locale", "minutes", "expected"), [
    ("zh_CN", 318, "5小时18分"), ("zh_CN", 45, "45 分钟"), ("zh_CN", 120, "2小时"), ("en", 211, "3 h 31 min"),
])
def test_durations(locale: str, minutes: int, expected: str) -> None:
    assert duration(translator(locale), minutes) == expected


@pytest.mark.parametrize(("locale", "metres", "expected"), [
    ("zh_CN", 15_600, "15.6 公里"), ("zh_CN", 850, "850 米"), ("en", 15_600, "15.6 km"), ("zh_CN", None, "?"),
])
def test_distances(locale: str, metres: int | None, expected: str) -> None:
    assert distance(translator(locale), metres) == expected


def test_amount_parser_refuses_plain_text() -> None:
    assert parse_amount("很多") is None
