from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from domain.periods import PeriodUnit, parse_period_key, recent_periods
from domain.reports import (
    ReminderKind,
    ReminderSlot,
    ReportConfigError,
    ReportKind,
    deadline,
    is_late,
    parse_report_config,
    reminder_plan,
    reminders_due,
    report_period_to_submit,
)
from domain.roles import Role
from domain.workdays import is_working_day
from services.platform.config import load_report_config, shipped_data

TZ = ZoneInfo("Asia/Shanghai")
CONFIG = load_report_config()
WEEKLY, MONTHLY, REGIONAL = CONFIG.weekly, CONFIG.monthly, CONFIG.regional_monthly


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TZ)


def test_seeded_report_types() -> None:
    actual = {kind: (CONFIG.get(kind).roles, CONFIG.get(kind).reviewer) for kind in ReportKind}
    expected = {
        ReportKind.WEEKLY: (
            (Role.SALES, Role.TECHNICIAN, Role.ADMIN, Role.OFFICE_HEAD, Role.REGIONAL_MANAGER),
            Role.OFFICE_HEAD,
        ),
        ReportKind.MONTHLY: ((Role.OFFICE_HEAD,), Role.GM),
        ReportKind.REGIONAL_MONTHLY: ((Role.REGIONAL_MANAGER,), Role.GM),
    }
    assert actual == expected


def test_deadlines() -> None:
    actual = [
        deadline(WEEKLY, parse_period_key("2026-W48"), TZ),
        deadline(MONTHLY, parse_period_key("2026-11"), TZ),
        deadline(MONTHLY, parse_period_key("2026-12"), TZ),
        deadline(REGIONAL, parse_period_key("2026-11"), TZ),
    ]
    assert actual == [local(2026, 11, 27, 18), local(2026, 12, 3), local(2027, 1, 3), local(2026, 12, 6)]


def test_is_late() -> None:
    due = local(2026, 12, 3)
    second = timedelta(seconds=1)
    actual = [is_late(due - second, due), is_late(due, due), is_late(due + second, due)]
    assert actual == [False, False, True]


@pytest.mark.parametrize(
    ("config_name", "late_days", "on", "expected"),
    [
        ("weekly", 3, date(2026, 11, 27), "2026-W48"),  # Friday, the due day
        ("weekly", 3, date(2026, 11, 28), "2026-W48"),
        ("weekly", 3, date(2026, 11, 30), "2026-W48"),  # Monday, within late_days
        ("weekly", 3, date(2026, 12, 1), "2026-W49"),
        ("weekly", 0, date(2026, 11, 30), "2026-W49"),  # as the brief defines it: the current ISO week
        ("monthly", 10, date(2026, 12, 2), "2026-11"),
        ("monthly", 10, date(2026, 12, 12), "2026-11"),
        ("monthly", 10, date(2026, 12, 13), "2026-12"),
        ("monthly", 10, date(2026, 11, 30), "2026-11"),
        ("monthly", 0, date(2026, 12, 2), "2026-11"),  # days 1..due day report the previous month
        ("monthly", 0, date(2026, 12, 3), "2026-12"),
        ("monthly", 0, date(2027, 1, 1), "2026-12"),
    ],
)
def test_report_period_to_submit(config_name: str, late_days: int, on: date, expected: str) -> None:
    config = CONFIG.get(config_name).model_copy(update={"late_days": late_days})
    assert report_period_to_submit(config, on).key == expected


def test_report_period_to_submit_accepts_a_datetime() -> None:
    assert report_period_to_submit(MONTHLY, local(2026, 12, 1, 8)).key == "2026-11"


def plan(config_name: str, key: str) -> list[tuple[str, datetime, datetime]]:
    slots = reminder_plan(
        config=CONFIG.get(config_name), period=parse_period_key(key), tz=TZ, is_working_day=is_working_day
    )
    return [(s.slot, s.at, s.until) for s in slots]


def test_weekly_plan_in_an_ordinary_week() -> None:
    expected = [
        ("remind:2026-11-27", local(2026, 11, 27, 15), local(2026, 11, 27, 18)),
        ("chase:2026-11-30", local(2026, 11, 30, 9), local(2026, 12, 2, 9)),
        ("digest:2026-11-30", local(2026, 11, 30, 9), local(2026, 12, 2, 9)),
        ("escalate:2026-11-30", local(2026, 11, 30, 10), local(2026, 12, 2, 10)),
    ]
    assert plan("weekly", "2026-W48") == expected


def test_weekly_plan_when_friday_is_national_day() -> None:
    expected = [
        ("remind:2025-09-30", local(2025, 9, 30, 15), local(2025, 10, 3, 18)),
        ("chase:2025-10-09", local(2025, 10, 9, 9), local(2025, 10, 11, 9)),
        ("digest:2025-10-09", local(2025, 10, 9, 9), local(2025, 10, 11, 9)),
        ("escalate:2025-10-09", local(2025, 10, 9, 10), local(2025, 10, 11, 10)),
    ]
    assert plan("weekly", "2025-W40") == expected


def test_weekly_chase_on_a_saturday_makeup_day() -> None:
    assert [slot for slot, _, _ in plan("weekly", "2025-W41")][1] == "chase:2025-10-11"


def test_monthly_reminders_skip_days_off() -> None:
    # September 2025: last working day Tue 30th; 1st and 2nd of October are National Day.
    slots = [slot for slot, _, _ in plan("monthly", "2025-09")]
    assert slots == ["remind:2025-09-30", "chase:2025-10-09", "digest:2025-10-09", "escalate:2025-10-09"]


def test_regional_monthly_reminds_through_the_fifth() -> None:
    slots = [slot for slot, _, _ in plan("regional_monthly", "2026-11")]
    expected = [f"remind:2026-{d}" for d in ("11-30", "12-01", "12-02", "12-03", "12-04")]
    assert slots == [*expected, "chase:2026-12-07", "digest:2026-12-07", "escalate:2026-12-07"]


def test_month_end_walk_hour_by_hour() -> None:
    """A sweep every hour from 2026-11-27 to 2026-12-04 sends each slot once, at its time."""
    sent: list[tuple[datetime, str, str]] = []
    due_hours: dict[tuple[str, str], list[datetime]] = {}
    now = local(2026, 11, 27)
    while now < local(2026, 12, 5):
        for period in recent_periods(PeriodUnit.MONTH, now.date()):
            due = reminders_due(config=MONTHLY, period=period, tz=TZ, now=now, is_working_day=is_working_day)
            for slot in due:
                due_hours.setdefault((period.key, slot.slot), []).append(now)
                if (period.key, slot.slot) not in {(k, s) for _, k, s in sent}:
                    sent.append((now, period.key, slot.slot))
        now += timedelta(hours=1)

    assert sent == [
        (local(2026, 11, 30, 9), "2026-11", "remind:2026-11-30"),
        (local(2026, 12, 1, 9), "2026-11", "remind:2026-12-01"),
        (local(2026, 12, 2, 9), "2026-11", "remind:2026-12-02"),
        (local(2026, 12, 3, 9), "2026-11", "chase:2026-12-03"),
        (local(2026, 12, 3, 9), "2026-11", "digest:2026-12-03"),
        (local(2026, 12, 3, 10), "2026-11", "escalate:2026-12-03"),
    ]
    windows = {key: (hours[0], hours[-1]) for key, hours in due_hours.items()}
    assert windows == {
        ("2026-11", "remind:2026-11-30"): (local(2026, 11, 30, 9), local(2026, 12, 1, 8)),
        ("2026-11", "remind:2026-12-01"): (local(2026, 12, 1, 9), local(2026, 12, 2, 8)),
        ("2026-11", "remind:2026-12-02"): (local(2026, 12, 2, 9), local(2026, 12, 2, 23)),
        ("2026-11", "chase:2026-12-03"): (local(2026, 12, 3, 9), local(2026, 12, 4, 23)),
        ("2026-11", "digest:2026-12-03"): (local(2026, 12, 3, 9), local(2026, 12, 4, 23)),
        ("2026-11", "escalate:2026-12-03"): (local(2026, 12, 3, 10), local(2026, 12, 4, 23)),
    }


def due_slots(now: datetime) -> list[str]:
    period = parse_period_key("2026-11")
    return [
        s.slot
        for s in reminders_due(config=MONTHLY, period=period, tz=TZ, now=now, is_working_day=is_working_day)
    ]


def test_missed_run_after_the_deadline_skips_reminders_but_still_chases() -> None:
    expected = ["chase:2026-12-03", "digest:2026-12-03", "escalate:2026-12-03"]
    assert due_slots(local(2026, 12, 4, 8)) == expected


def test_missed_run_before_the_deadline_sends_only_the_latest_reminder() -> None:
    assert due_slots(local(2026, 12, 2, 8, 30)) == ["remind:2026-12-01"]


def test_chase_expires_after_the_catch_up_window() -> None:
    assert due_slots(local(2026, 12, 5, 9, 30)) == ["escalate:2026-12-03"]
    assert due_slots(local(2026, 12, 6)) == []


def test_nothing_is_due_before_the_first_reminder() -> None:
    assert due_slots(local(2026, 11, 30, 8, 59)) == []


def test_slot_is_due_from_at_until_until() -> None:
    slot = ReminderSlot(ReminderKind.CHASE, "chase:2026-12-03", local(2026, 12, 3, 9), local(2026, 12, 5, 9))
    moments = [local(2026, 12, 3, 9), local(2026, 12, 5, 9), local(2026, 12, 3)]
    actual = [slot.is_due(moment) for moment in moments]
    assert actual == [True, False, False]


def test_plan_is_deterministic_with_a_fixed_calendar() -> None:
    def weekdays_only(d: date) -> bool:
        return d.weekday() < 5

    period = parse_period_key("2030-08")
    first = reminder_plan(config=MONTHLY, period=period, tz=TZ, is_working_day=weekdays_only)
    second = reminder_plan(config=MONTHLY, period=period, tz=TZ, is_working_day=weekdays_only)
    assert first == second
    assert [s.slot for s in first][:3] == ["remind:2030-08-30", "remind:2030-09-02", "chase:2030-09-03"]


def broken(name: str, **changes: Any) -> str:
    data = shipped_data("reports.yaml")
    data[name] = data[name] | changes
    with pytest.raises(ReportConfigError) as caught:
        parse_report_config(data)
    return str(caught.value)


def test_unquoted_yaml_time_is_refused() -> None:
    assert "weekly.due.at" in broken("weekly", due={"weekday": "friday", "at": 1080})


def test_weekly_report_needs_a_weekday() -> None:
    assert "due.weekday" in broken("weekly", due={"day_of_next_month": 3, "at": "18:00"})


def test_due_needs_exactly_one_anchor() -> None:
    due = {"weekday": "friday", "day_of_next_month": 2, "at": "24:00"}
    assert "exactly one" in broken("monthly", due=due)


def test_end_of_day_only_for_due_times() -> None:
    message = broken("monthly", reminders={"remind_at": "24:00"})
    assert "monthly.reminders.remind_at" in message


def test_unknown_role_is_refused() -> None:
    assert "monthly.roles.0" in broken("monthly", roles=["boss"])


def test_missing_report_type_is_refused() -> None:
    data = shipped_data("reports.yaml")
    del data["regional_monthly"]
    with pytest.raises(ReportConfigError, match="regional_monthly"):
        parse_report_config(data)
