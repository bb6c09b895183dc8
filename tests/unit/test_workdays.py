from datetime import date

from domain.workdays import (
    holiday_name,
    is_holiday,
    is_makeup_workday,
    is_working_day,
    last_working_day_of_month,
    next_working_day,
    working_days,
)


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
