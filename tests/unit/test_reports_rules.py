"""Pure report rules: who writes what, keys, warranty window, working hours, tallies."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from domain.periods import parse_period_key
from domain.report_rules import (
    FigureScope,
    capped,
    clip,
    figure_scope,
    in_working_hours,
    joined_in_time,
    period_bounds,
    reminder_key,
    tally,
    warranty_key,
    warranty_reminder_due,
    writes,
)
from domain.workdays import is_working_day
from services.platform.config import load_report_config

CONFIGS = load_report_config()
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_weekly_is_written_by_full_time_office_staff_only() -> None:
    actual = [
        writes(CONFIGS.weekly, roles={"sales"}, full_time=True),
        writes(CONFIGS.weekly, roles={"sales"}, full_time=False),
        writes(CONFIGS.weekly, roles={"gm"}, full_time=True),
        writes(CONFIGS.monthly, roles={"sales", "office_head"}, full_time=True),
    ]
    assert actual == [True, False, False, True]


def test_keys_are_stable_and_short() -> None:
    assert reminder_key("monthly", "2026-11", "chase:2026-12-03", 42) == "rep:monthly:2026-11:chase:2026-12-03:42"
    assert warranty_key(7, date(2026, 12, 20)) == "warranty:7:2026-12-20"


def test_period_bounds_are_office_local() -> None:
    start, end = period_bounds(parse_period_key("2026-W48"), SHANGHAI)
    assert (start, end) == (datetime(2026, 11, 23, tzinfo=SHANGHAI), datetime(2026, 11, 30, tzinfo=SHANGHAI))


def test_only_people_who_joined_before_the_deadline_owe_the_report() -> None:
    due = datetime(2026, 11, 27, 18, tzinfo=SHANGHAI)
    joined = [datetime(2026, 11, 25, tzinfo=SHANGHAI), datetime(2026, 11, 28, tzinfo=SHANGHAI)]
    assert [joined_in_time(joined_at=j, due=due) for j in joined] == [True, False]


def test_warranty_window_is_thirty_days_and_not_past_the_end() -> None:
    today = date(2026, 11, 24)
    ends = [date(2026, 11, 23), date(2026, 11, 24), date(2026, 12, 24), date(2026, 12, 25)]
    assert [warranty_reminder_due(warranty_end=e, today=today) for e in ends] == [False, True, True, False]


def test_working_hours_skip_nights_weekends_and_holidays() -> None:
    def at(*args: int) -> datetime:
        return datetime(*args, tzinfo=SHANGHAI)

    hours = {"start": time(8, 30), "end": time(17, 30), "is_working_day": is_working_day}
    moments = [at(2026, 11, 24, 9), at(2026, 11, 24, 18), at(2026, 11, 28, 10), at(2026, 10, 1, 10)]
    assert [in_working_hours(m, **hours) for m in moments] == [True, False, False, False]


def test_tally_counts_submitted_late_away_and_names_the_missing() -> None:
    writers = [(1, "甲"), (2, "乙"), (3, "丙"), (4, "丁")]
    result = tally(writers=writers, submitted={1: False, 2: True}, away={3})
    assert (result.expected, result.submitted, result.late, result.away, result.missing) == (4, 2, 1, 1, ("丁",))


def test_capped_and_clip() -> None:
    assert capped(["a", "b", "c"], 2) == (["a", "b"], 1)
    assert clip("abcdef", 4) == ("abc…", True)
    assert clip("abc", 4) == ("abc", False)


def test_the_heads_monthly_report_counts_the_office_and_the_regional_managers_the_region() -> None:
    actual = [
        figure_scope("monthly", roles={"office_head"}),
        figure_scope("weekly", roles={"office_head"}),
        figure_scope("weekly", roles={"sales"}),
        figure_scope("regional_monthly", roles={"regional_manager", "office_head"}),  # his office in no region
        figure_scope("regional_monthly", roles={"regional_manager"}, in_region=True),
        figure_scope("monthly", roles={"office_head", "regional_manager"}, in_region=True),
        figure_scope("weekly", roles={"regional_manager"}, in_region=True),
    ]
    assert actual == [FigureScope.OFFICE, FigureScope.OWN, FigureScope.OWN, FigureScope.OWN, FigureScope.REGION,
                      FigureScope.OFFICE, FigureScope.OWN]
