from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from domain.workdays import (
    HolidayCalendar,
    active_calendar,
    calendar_ends_soon,
    holiday_name,
    is_holiday,
    is_makeup_workday,
    is_working_day,
    known_until,
    last_working_day_of_month,
    next_working_day,
    parse_holiday_config,
    use_calendar,
    working_days,
)
from services.platform.config import load_holiday_calendar


def test_public_holiday_is_not_a_working_day() -> None:
    assert is_working_day(date(2025, 10, 1)) is False
    assert is_holiday(date(2025, 10, 1)) is True


def test_weekend_inside_a_holiday_break_is_a_holiday() -> None:
    assert is_holiday(date(2025, 10, 4)) is True


def test_makeup_sundays_are_working_days() -> None:
    for sunday in (date(2025, 9, 28), date(2025, 1, 26), date(2024, 2, 4)):
        assert (is_working_day(sunday), is_makeup_workday(sunday), is_holiday(sunday)) == (True, True, False)


def test_ordinary_weekend_is_rest_not_holiday() -> None:
    saturday = date(2025, 11, 15)
    actual = (is_working_day(saturday), is_holiday(saturday), is_makeup_workday(saturday))
    assert actual == (False, False, False)


def test_holiday_name() -> None:
    assert (holiday_name(date(2025, 10, 1)), holiday_name(date(2025, 11, 12))) == ("National Day", None)


def test_outside_supported_years_falls_back_to_monday_to_friday() -> None:
    actual = [is_working_day(date(2030, 1, d)) for d in range(1, 8)]
    assert actual == [True, True, True, True, False, False, True]
    assert (is_holiday(date(2030, 1, 1)), holiday_name(date(2030, 1, 1))) == (False, None)
    assert next_working_day(date(2030, 1, 4)) == date(2030, 1, 7)
    assert last_working_day_of_month(2030, 8) == date(2030, 8, 30)


def test_next_working_day_skips_a_holiday_break() -> None:
    assert next_working_day(date(2025, 9, 30)) == date(2025, 10, 9)
    assert next_working_day(date(2025, 10, 10)) == date(2025, 10, 11)  # Saturday make-up day


def test_last_working_day_of_month() -> None:
    assert last_working_day_of_month(2025, 9) == date(2025, 9, 30)
    assert last_working_day_of_month(2026, 2) == date(2026, 2, 28)  # Saturday make-up day
    assert last_working_day_of_month(2024, 12) == date(2024, 12, 31)
    assert last_working_day_of_month(2025, 5) == date(2025, 5, 30)


def test_working_days_around_national_day_2025() -> None:
    expected = [date(2025, 9, d) for d in (28, 29, 30)] + [date(2025, 10, d) for d in (9, 10, 11)]
    assert working_days(date(2025, 9, 27), date(2025, 10, 12)) == expected


def test_working_days_of_an_empty_range() -> None:
    assert working_days(date(2025, 3, 5), date(2025, 3, 4)) == []


# --- config/holidays.yaml merged over the package's data ------------------------------------------

CONFIGURED = {
    "holidays": {date(2030, 1, 1): "元旦", "2026-10-09": "测试假日"},  # YAML dates or ISO strings
    "workdays": {date(2030, 1, 5): "元旦调休"},
    "covers": [2027],
}


@pytest.fixture
def configured() -> Iterator[HolidayCalendar]:
    """The calendar above registered as at start-up, and the previous one restored afterwards."""
    calendar = parse_holiday_config(CONFIGURED)
    previous = use_calendar(calendar)
    yield calendar
    use_calendar(previous)


def test_a_configured_holiday_on_a_weekday_is_not_a_working_day(configured: HolidayCalendar) -> None:
    tuesday = date(2030, 1, 1)
    assert (is_working_day(tuesday), is_holiday(tuesday), holiday_name(tuesday)) == (False, True, "元旦")
    assert next_working_day(date(2029, 12, 31)) == date(2030, 1, 2)
    assert is_working_day(date(2026, 10, 9)) is False  # a configured date wins over the package's


def test_a_configured_makeup_saturday_is_a_working_day(configured: HolidayCalendar) -> None:
    saturday = date(2030, 1, 5)
    assert (is_working_day(saturday), is_makeup_workday(saturday), is_holiday(saturday)) == (True, True, False)
    assert working_days(date(2030, 1, 1), date(2030, 1, 6)) == [date(2030, 1, d) for d in (2, 3, 4, 5)]


def test_the_package_data_still_applies_under_a_configured_calendar(configured: HolidayCalendar) -> None:
    test_working_days_around_national_day_2025()
    test_makeup_sundays_are_working_days()
    assert (is_working_day(date(2030, 1, 7)), is_working_day(date(2030, 1, 6))) == (True, False)


def test_known_until_is_the_package_end_without_configuration() -> None:
    assert active_calendar() == HolidayCalendar()
    assert known_until() == date(2026, 12, 31)
    assert calendar_ends_soon(date(2026, 12, 1)) is True  # 30 days before
    assert calendar_ends_soon(date(2026, 11, 30)) is False  # 31 days before
    assert calendar_ends_soon(date(2027, 3, 1)) is True  # already past: still worth saying


def test_known_until_extends_by_consecutive_covered_years(configured: HolidayCalendar) -> None:
    assert known_until() == date(2027, 12, 31)
    assert calendar_ends_soon(date(2026, 12, 2)) is False
    use_calendar(parse_holiday_config({"covers": [2027, 2029]}))  # 2028 missing: the range stops at 2027
    assert known_until() == date(2027, 12, 31)
    use_calendar(parse_holiday_config({"covers": [2025, 2028]}))
    assert known_until() == date(2026, 12, 31)


@pytest.mark.parametrize(("data", "error"), [
    ({"holidays": {date(2027, 1, 1): "元旦"}, "workdays": {"2027-01-01": "调休"}}, "both as a holiday"),
    ({"holidays": {"2027-13-01": "元旦"}}, "not a date"),
    ({"holidays": {date(2027, 1, 1): ""}}, "needs a name"),
    ({"holidays": [date(2027, 1, 1)]}, "must map dates"),
    ({"covers": "2027"}, "list of years"),
    ({"known_until": date(2027, 12, 31)}, "unknown key"),
])
def test_a_malformed_holiday_config_is_refused(data: dict[str, Any], error: str) -> None:
    with pytest.raises(ValueError, match=error):
        parse_holiday_config(data)


def test_the_shipped_file_loads_and_adds_nothing_until_2027_is_published() -> None:
    assert load_holiday_calendar(None) == HolidayCalendar()


def test_a_holiday_file_is_read_with_yaml_dates(tmp_path: Path) -> None:
    path = tmp_path / "holidays.yaml"
    path.write_text("holidays:\n  2027-01-01: 元旦\nworkdays:\n  2027-02-06: 春节调休\ncovers: [2027]\n",
                    encoding="utf-8")
    expected = HolidayCalendar(holidays={date(2027, 1, 1): "元旦"}, workdays={date(2027, 2, 6): "春节调休"},
                               covers=frozenset({2027}))
    assert load_holiday_calendar(str(path)) == expected
    path.write_text("covers: [1999]\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"holidays\.yaml: holidays: covers"):
        load_holiday_calendar(str(path))
