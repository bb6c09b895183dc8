from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.attendance import (
    DEFAULT_WORKING_HOURS,
    ArrivalStatus,
    DayAssessment,
    DayStatus,
    DepartureStatus,
    Geofence,
    LocalPunch,
    LocationProblem,
    Timeliness,
    WorkingHours,
    check_location,
    classify_check_in,
    classify_check_out,
    day_labels,
    day_status,
    distance_m,
    is_inside,
    month_summary,
    to_local_punch,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
HOURS = DEFAULT_WORKING_HOURS
NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)


def shanghai(hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 11, 27, hour, minute, second, tzinfo=SHANGHAI)


def test_default_working_hours() -> None:
    assert (HOURS.start, HOURS.end, str(HOURS)) == (time(8, 30), time(17, 30), "08:30-17:30")


def test_working_hours_must_be_ordered() -> None:
    with pytest.raises(ValueError):
        WorkingHours(start=time(18), end=time(9))


def test_distance_of_one_degree_of_latitude() -> None:
    assert round(distance_m(30.0, 120.0, 31.0, 120.0)) == 111_195
    assert distance_m(31.23, 121.47, 31.23, 121.47) == 0.0


def test_distance_beijing_to_shanghai() -> None:
    assert round(distance_m(39.9087, 116.3975, 31.2304, 121.4737) / 1000) == 1068  # ellipsoid: ~1067


def test_is_inside_geofence() -> None:
    office = Geofence(lat=31.2304, lon=121.4737, radius_m=150)
    about_100_m_north = 31.2304 + 0.0009
    assert is_inside(office, about_100_m_north, 121.4737) is True
    assert is_inside(Geofence(31.2304, 121.4737, 50), about_100_m_north, 121.4737) is False


def test_geofence_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        Geofence(lat=95, lon=0, radius_m=10)
    with pytest.raises(ValueError):
        Geofence(lat=30, lon=120, radius_m=0)


@pytest.mark.parametrize(
    ("sent_at", "forwarded", "expected"),
    [
        (NOW - timedelta(minutes=1), False, None),
        (NOW - timedelta(minutes=5), False, None),
        (NOW - timedelta(minutes=5, seconds=1), False, LocationProblem.STALE),
        (NOW + timedelta(seconds=20), False, None),
        (NOW + timedelta(minutes=2), False, LocationProblem.FROM_FUTURE),
        (NOW, True, LocationProblem.FORWARDED),
        (NOW - timedelta(hours=1), True, LocationProblem.FORWARDED),
    ],
)
def test_check_location(sent_at: datetime, forwarded: bool, expected: LocationProblem | None) -> None:
    assert check_location(sent_at=sent_at, now=NOW, forwarded=forwarded) == expected


def test_check_location_needs_aware_times() -> None:
    with pytest.raises(ValueError):
        check_location(sent_at=datetime(2026, 11, 27, 9), now=NOW, forwarded=False)


@pytest.mark.parametrize(
    ("at", "grace", "expected"),
    [
        (shanghai(8, 0), timedelta(0), ArrivalStatus(Timeliness.ON_TIME)),
        (shanghai(8, 30), timedelta(0), ArrivalStatus(Timeliness.ON_TIME)),
        (shanghai(8, 30, 20), timedelta(0), ArrivalStatus(Timeliness.LATE, minutes_late=1)),
        (shanghai(8, 35), timedelta(minutes=5), ArrivalStatus(Timeliness.ON_TIME)),
        (shanghai(8, 40), timedelta(minutes=5), ArrivalStatus(Timeliness.LATE, minutes_late=10)),
    ],
)
def test_classify_check_in(at: datetime, grace: timedelta, expected: ArrivalStatus) -> None:
    assert classify_check_in(at=at, tz=SHANGHAI, hours=HOURS, grace=grace) == expected


def test_check_in_is_judged_on_the_office_clock() -> None:
    at_utc = datetime(2026, 11, 27, 0, 45, tzinfo=UTC)  # 08:45 in Shanghai
    expected = ArrivalStatus(Timeliness.LATE, minutes_late=15)
    assert classify_check_in(at=at_utc, tz=SHANGHAI, hours=HOURS) == expected


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (shanghai(17, 0), DepartureStatus(Timeliness.EARLY_LEAVE, minutes_early=30)),
        (shanghai(17, 30), DepartureStatus(Timeliness.ON_TIME)),
        (shanghai(19, 0), DepartureStatus(Timeliness.ON_TIME)),
    ],
)
def test_classify_check_out(at: datetime, expected: DepartureStatus) -> None:
    assert classify_check_out(at=at, tz=SHANGHAI, hours=HOURS) == expected


def test_to_local_punch() -> None:
    actual = to_local_punch(at=datetime(2026, 11, 27, 0, 25, tzinfo=UTC), tz=SHANGHAI, field=True)
    assert actual == LocalPunch(at=time(8, 25), field=True)


DAY = date(2026, 11, 26)
TODAY = date(2026, 11, 27)
ON_TIME_IN, ON_TIME_OUT = LocalPunch(time(8, 20)), LocalPunch(time(17, 40))


def status(**overrides: object) -> DayAssessment:
    arguments: dict[str, object] = {
        "day": DAY,
        "check_in": ON_TIME_IN,
        "check_out": ON_TIME_OUT,
        "on_leave": False,
        "out_on_business": False,
        "is_working_day": True,
        "today": TODAY,
    }
    return day_status(**{**arguments, **overrides})  # type: ignore[arg-type]


def test_a_normal_day_is_present() -> None:
    assert status() == DayAssessment(DayStatus.PRESENT, frozenset({DayStatus.PRESENT}))


def test_leave_wins_over_everything() -> None:
    assert status(on_leave=True, is_working_day=False, check_in=None).primary == DayStatus.LEAVE


def test_out_on_business() -> None:
    assert status(out_on_business=True, check_in=None, check_out=None).primary == DayStatus.OUT_ON_BUSINESS


def test_non_working_days_are_rest_or_holiday_even_with_punches() -> None:
    assert status(is_working_day=False).primary == DayStatus.REST
    assert status(is_working_day=False, is_public_holiday=True).primary == DayStatus.HOLIDAY


def test_days_without_punches() -> None:
    assert status(check_in=None, check_out=None).primary == DayStatus.ABSENT
    assert status(day=TODAY, check_in=None, check_out=None).primary == DayStatus.PENDING
    assert status(day=date(2026, 11, 30), check_in=None, check_out=None).primary == DayStatus.FUTURE


def test_days_before_joining_are_not_absences() -> None:
    assert status(employed=False, check_in=None, check_out=None) == DayAssessment(DayStatus.NOT_EMPLOYED)
    assert status(employed=False, on_leave=True).primary == DayStatus.NOT_EMPLOYED
    assert month_summary([status(employed=False, check_in=None, check_out=None)])[DayStatus.ABSENT] == 0


def test_late_and_early_both_count() -> None:
    actual = status(check_in=LocalPunch(time(8, 45)), check_out=LocalPunch(time(17, 10)))
    expected = DayAssessment(
        DayStatus.LATE,
        frozenset({DayStatus.PRESENT, DayStatus.LATE, DayStatus.EARLY_LEAVE}),
        minutes_late=15,
        minutes_early=20,
    )
    assert actual == expected


def test_grace_applies_to_the_day() -> None:
    assert status(check_in=LocalPunch(time(8, 34)), grace=timedelta(minutes=5)).primary == DayStatus.PRESENT


def test_missing_check_out_counts_only_once_the_day_is_over() -> None:
    assert status(check_out=None).flags == frozenset({DayStatus.PRESENT, DayStatus.MISSING_PUNCH})
    assert status(day=TODAY, check_out=None).flags == frozenset({DayStatus.PRESENT})


def test_check_out_without_check_in_is_a_missing_punch() -> None:
    actual = status(check_in=None, check_out=LocalPunch(time(17, 0)))
    assert actual.primary == DayStatus.EARLY_LEAVE
    assert actual.flags == frozenset({DayStatus.PRESENT, DayStatus.EARLY_LEAVE, DayStatus.MISSING_PUNCH})


def test_field_check_in() -> None:
    actual = status(check_in=LocalPunch(time(8, 10), field=True))
    expected = (DayStatus.FIELD, frozenset({DayStatus.PRESENT, DayStatus.FIELD}))
    assert (actual.primary, actual.flags) == expected


def test_day_labels_show_the_primary_then_every_other_notable_flag() -> None:
    late_field_early = status(check_in=LocalPunch(time(9, 10), field=True), check_out=LocalPunch(time(13, 59)))
    assert day_labels(late_field_early) == (DayStatus.LATE, DayStatus.EARLY_LEAVE, DayStatus.FIELD)
    assert day_labels(status()) == (DayStatus.PRESENT,)
    assert day_labels(status(on_leave=True)) == (DayStatus.LEAVE,)


def test_month_summary_counts_every_flag() -> None:
    days = [
        status(),
        status(check_in=LocalPunch(time(9, 0)), check_out=LocalPunch(time(17, 0))),
        status(check_in=None, check_out=None),
        status(on_leave=True),
        status(is_working_day=False),
    ]
    expected = dict.fromkeys(DayStatus, 0) | {
        DayStatus.PRESENT: 2,
        DayStatus.LATE: 1,
        DayStatus.EARLY_LEAVE: 1,
        DayStatus.ABSENT: 1,
        DayStatus.LEAVE: 1,
        DayStatus.REST: 1,
    }
    assert month_summary(days) == expected
