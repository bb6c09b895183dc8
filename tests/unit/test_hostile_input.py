"""The pure rules behind issue #14: text cleaning, date windows, unambiguous numbers, bounded quantities."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from domain.records import LEAVE_WINDOW, MAX_QUANTITY
from domain.text import clean_text, is_blank
from domain.validation import DEFAULT_DATE_WINDOW, INSTALLED_WINDOW
from handlers.forms.parse import InputError, parse_date, parse_quantities, parse_text
from handlers.forms.spec import Field, Kind
from handlers.inbound import Inbound

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
TODAY = date(2026, 11, 24)


def parsed(kind: Kind, text: str, **options: Any) -> Any:
    """`text` parsed as the answer to a field of `kind`."""
    return parse_text(Field("f", "F", "F?", kind=kind, **options), text, tz=SHANGHAI, now=NOW)


def refusal(kind: Kind, text: str, **options: Any) -> str:
    """The message id `text` is refused with."""
    with pytest.raises(InputError) as caught:
        parsed(kind, text, **options)
    return caught.value.message


@pytest.mark.parametrize(("raw", "expected"), [
    ("王科长", "王科长"),
    ("王\x00科长", "王科长"),
    ("\u200b某市\x07公安局\ufeff", "某市公安局"),
    ("a\r\nb\rc\td", "a\nb\nc\td"),
    ("\u202e反转\u202c", "反转"),
    ("👨\u200d👩\u200d👧", "👨\u200d👩\u200d👧"),
    ("\ud800x", "x"),
    ("\u3000全角空格\u3000", "\u3000全角空格\u3000"),
])
def test_clean_text_drops_controls_and_invisible_format_characters(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


@pytest.mark.parametrize("raw", ["", "   ", "\u200b", "\ufeff\u200b", "\u2060\u3000\u200b", "\x00", "\u00a0\n\t"])
def test_invisible_text_is_blank(raw: str) -> None:
    assert is_blank(raw)


def test_every_inbound_string_is_cleaned_where_the_event_is_made() -> None:
    inbound = Inbound(channel="telegram", update_id=1, user_id="1", chat_id="1", at=NOW, text="某\x00市",
                      command="cus\x00tomer", args=("公\x00安", "\u200b"), display_name="李\x00娜", caption="\x00")
    actual = (inbound.text, inbound.command, inbound.args, inbound.display_name, inbound.caption)
    assert actual == ("某市", "customer", ("公安",), "李娜", "")


def test_date_windows() -> None:
    assert LEAVE_WINDOW.bounds(TODAY) == (date(2026, 10, 24), date(2027, 11, 25))
    assert INSTALLED_WINDOW.bounds(TODAY) == (date(1990, 1, 1), TODAY)
    assert DEFAULT_DATE_WINDOW.bounds(TODAY) == (date(2000, 1, 1), date(2031, 11, 23))


@pytest.mark.parametrize(("text", "window"), [
    ("9999-12-31", LEAVE_WINDOW), ("1900-01-01", LEAVE_WINDOW), ("2026-10-23", LEAVE_WINDOW),
    ("1900-01-01", INSTALLED_WINDOW), ("1989-12-31", INSTALLED_WINDOW), ("1999-12-31", DEFAULT_DATE_WINDOW),
    ("9999-12-31", DEFAULT_DATE_WINDOW),
])
def test_a_date_outside_its_window_is_refused(text: str, window: Any) -> None:
    assert refusal(Kind.date, text, window=window) == "Please enter a date between {earliest} and {latest}."


def test_a_window_ending_today_says_not_in_the_future() -> None:
    assert refusal(Kind.date, "2026-11-25", window=INSTALLED_WINDOW) == "The date cannot be in the future."
    assert parsed(Kind.date, "1990-01-01", window=INSTALLED_WINDOW) == "1990-01-01"


def test_a_datetime_far_away_is_refused() -> None:
    assert refusal(Kind.datetime, "9999-12-31 23:59") == "Please enter a date between {earliest} and {latest}."
    assert parsed(Kind.datetime, "11-24 14:30") == "2026-11-24T14:30:00+08:00"


@pytest.mark.parametrize("text", ["1 1", "12 31", "11 24日", "2026", "1", "11-24-", "20261124", "9" * 4090])
def test_ambiguous_dates_are_refused(text: str) -> None:
    with pytest.raises(InputError):
        parse_date(text, today=TODAY)


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-11-24", date(2026, 11, 24)), ("2026/11/24", date(2026, 11, 24)), ("2026.11.24", date(2026, 11, 24)),
    ("2026年11月24日", date(2026, 11, 24)), ("2026 11 24", date(2026, 11, 24)), ("11-24", date(2026, 11, 24)),
    ("11月24日", date(2026, 11, 24)), ("11月24号", date(2026, 11, 24)), ("２０２６－１１－２４", date(2026, 11, 24)),
    ("今天", TODAY), ("昨天", date(2026, 11, 23)),
])
def test_dates_with_separators_are_read(text: str, expected: date) -> None:
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize("text", ["12 34", "1 000", "12,34", "1,2345", "4800 50", "12.5.5", "9" * 4090, "1e5", "NaN"])
def test_ambiguous_amounts_are_refused(text: str) -> None:
    with pytest.raises(InputError):
        parsed(Kind.decimal, text, max_value=99_999_999)


@pytest.mark.parametrize(("text", "expected"), [
    ("4800", "4800"), ("4,800.50", "4800.50"), ("1,234", "1234"), ("4800元", "4800"), ("¥ 4800", "4800"),
    ("￥356.50", "356.50"), ("４８００", "4800"), ("12，345", "12345"), ("4800 yuan", "4800"),
])
def test_amounts_are_read(text: str, expected: str) -> None:
    assert parsed(Kind.decimal, text, max_value=99_999_999) == expected


def test_an_amount_over_the_cap_is_refused_before_it_is_converted() -> None:
    assert refusal(Kind.decimal, "9" * 4090, max_value=99_999_999) == "The value must be at most {n}."
    assert refusal(Kind.decimal, "100000000", max_value=99_999_999) == "The value must be at most {n}."
    assert refusal(Kind.integer, "9" * 4090, max_value=20) == "The value must be at most {n}."
    assert refusal(Kind.integer, "12 34", max_value=20) == "Please enter a whole number, for example 3."


@pytest.mark.parametrize("text", ["枪柜 0", "枪柜 10000", "枪柜 " + "9" * 20, "枪柜 " + "9" * 4090,
                                  "枪柜 9999, 枪柜 1"])
def test_quantities_outside_1_to_9999_are_refused(text: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_quantities(text, catalog=("枪柜", "弹柜"))
    assert caught.value.message == "Each quantity must be from 1 to {max}."
    assert caught.value.params == {"max": MAX_QUANTITY}


def test_quantities_within_bounds_are_read() -> None:
    assert parse_quantities("枪柜 9999，弹柜 １", catalog=("枪柜", "弹柜")) == {"枪柜": 9999, "弹柜": 1}
