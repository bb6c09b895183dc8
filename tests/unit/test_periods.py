from datetime import date

import pytest

from domain.periods import Period, PeriodUnit, parse_period_key, period_for, previous_period, recent_periods


def test_iso_week() -> None:
    expected = Period(PeriodUnit.WEEK, "2026-W48", date(2026, 11, 23), date(2026, 11, 29))
    assert period_for(PeriodUnit.WEEK, date(2026, 11, 27)) == expected


def test_iso_week_across_new_year() -> None:
    assert period_for(PeriodUnit.WEEK, date(2027, 1, 1)).key == "2026-W53"
    assert period_for(PeriodUnit.WEEK, date(2024, 12, 31)).key == "2025-W01"


def test_month() -> None:
    expected = Period(PeriodUnit.MONTH, "2024-02", date(2024, 2, 1), date(2024, 2, 29))
    assert period_for(PeriodUnit.MONTH, date(2024, 2, 15)) == expected


def test_previous_period() -> None:
    assert previous_period(parse_period_key("2026-01")).key == "2025-12"
    assert previous_period(parse_period_key("2026-W01")).key == "2025-W52"


def test_recent_periods_oldest_first() -> None:
    actual = [p.key for p in recent_periods(PeriodUnit.MONTH, date(2026, 1, 10))]
    assert actual == ["2025-11", "2025-12", "2026-01"]


@pytest.mark.parametrize("key", ["2026-W48", "2026-W53", "2026-11", "2025-01"])
def test_parse_period_key_round_trips(key: str) -> None:
    assert parse_period_key(key).key == key


@pytest.mark.parametrize("key", ["2026-13", "2025-W53", "2026/11", "W48", ""])
def test_parse_period_key_refuses_nonsense(key: str) -> None:
    with pytest.raises(ValueError):
        parse_period_key(key)
