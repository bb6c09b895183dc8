"""Check-in / check-out and the day views at the service level, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from domain.attendance import DayStatus
from domain.checkin import LocationRefusal, PunchKind
from services.attendance import days as attendance_days
from services.attendance import punches as attendance
from services.attendance.punches import PunchOutcome, PunchResult
from tests.services.approval_support import TZ, UowFactory, office, person

OFFICE = (31.230416, 121.473701)
FAR = (31.2500, 121.5000)  # about 3.3 km away
URUMQI = ZoneInfo("Asia/Urumqi")


def loc(point: tuple[float, float], at: datetime, **flags: Any) -> dict[str, Any]:
    """A location answer as the form engine stores it."""
    return {"lat": point[0], "lon": point[1], "at": at.astimezone(UTC).isoformat(), "forwarded": False,
            "venue": False, **flags}


def punch(uow_factory: UowFactory, staff_id: int, now: datetime, *, kind: PunchKind = PunchKind.IN,
          point: tuple[float, float] = OFFICE, place: str | None = None, **flags: Any) -> PunchResult:
    """A punch with a fresh location taken at `now`."""
    return attendance.punch(uow_factory(), staff_id=staff_id, kind=kind, location=loc(point, now, **flags),
                            place=place, now=now, grace_minutes=5, max_age_minutes=5)


def shanghai(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in November 2026, Shanghai time."""
    return datetime(2026, 11, day, hour, minute, tzinfo=ZoneInfo(TZ))


def test_inside_on_time_then_a_second_check_in_says_when(uow_factory: UowFactory) -> None:
    office(uow_factory)
    li = person(uow_factory, "李娜", ["sales"])
    first = punch(uow_factory, li, shanghai(24, 8, 34))
    assert (first.outcome, first.field, first.late_minutes, first.local_time) == (PunchOutcome.DONE, False, 0, "08:34")
    again = punch(uow_factory, li, shanghai(24, 9, 0))
    assert (again.outcome, again.local_time) == (PunchOutcome.DUPLICATE, "08:34")
    start = attendance.start_punch(uow_factory(), staff_id=li, kind=PunchKind.IN, now=shanghai(24, 12))
    assert start.existing is not None and start.existing.local_time == "08:34"
    assert start.fence == [OFFICE[0], OFFICE[1], 300.0]


def test_outside_needs_a_place_then_is_a_field_punch(uow_factory: UowFactory) -> None:
    office(uow_factory)
    li = person(uow_factory, "李娜", ["sales"])
    assert punch(uow_factory, li, shanghai(24, 9), point=FAR).outcome == PunchOutcome.NEED_PLACE
    result = punch(uow_factory, li, shanghai(24, 9), point=FAR, place="华东医院")
    expected = (PunchOutcome.DONE, True, "华东医院", 30)
    assert (result.outcome, result.field, result.place, result.late_minutes) == expected
    assert result.distance_m is not None and 3000 < result.distance_m < 4000


def test_late_and_early_in_a_non_utc_office(uow_factory: UowFactory) -> None:
    office(uow_factory, "乌鲁木齐办事处", timezone="Asia/Urumqi", geofence=(43.8256, 87.6168, 300),
           work_start=time(10, 0), work_end=time(19, 0))
    ma = person(uow_factory, "马强", ["sales"], office_name="乌鲁木齐办事处")
    here = (43.8256, 87.6168)
    arrive = datetime(2026, 11, 24, 10, 20, tzinfo=URUMQI)  # 04:20 UTC, 12:20 in Shanghai
    assert punch(uow_factory, ma, arrive, point=here).late_minutes == 20
    leave = datetime(2026, 11, 24, 18, 15, tzinfo=URUMQI)
    out = punch(uow_factory, ma, leave, point=here, kind=PunchKind.OUT)
    assert (out.early_minutes, out.local_time) == (45, "18:15")


def test_grace_period_and_check_out_on_time(uow_factory: UowFactory) -> None:
    office(uow_factory)
    li = person(uow_factory, "李娜", ["sales"])
    assert punch(uow_factory, li, shanghai(24, 8, 35)).late_minutes == 0
    assert punch(uow_factory, li, shanghai(24, 17, 31), kind=PunchKind.OUT).early_minutes == 0


def test_untrustworthy_locations_are_refused(uow_factory: UowFactory) -> None:
    office(uow_factory)
    li = person(uow_factory, "李娜", ["sales"])
    now = shanghai(24, 9)
    stale = attendance.punch(uow_factory(), staff_id=li, kind=PunchKind.IN,
                             location=loc(OFFICE, now - timedelta(minutes=10)), place=None, now=now,
                             grace_minutes=5, max_age_minutes=5)
    assert stale.refusal == LocationRefusal.STALE
    assert punch(uow_factory, li, now, forwarded=True).refusal == LocationRefusal.FORWARDED
    assert punch(uow_factory, li, now, venue=True).refusal == LocationRefusal.VENUE
    assert attendance.start_punch(uow_factory(), staff_id=li, kind=PunchKind.IN, now=now).existing is None


def test_office_day_groups_people(uow_factory: UowFactory) -> None:
    office(uow_factory)
    head = person(uow_factory, "张伟", ["office_head"])
    li = person(uow_factory, "李娜", ["sales"])
    person(uow_factory, "王五", ["technician"])
    punch(uow_factory, head, shanghai(24, 8, 20))
    punch(uow_factory, li, shanghai(24, 9, 10), point=FAR, place="客户甲")
    report = attendance_days.day_report(uow_factory(), staff_id=head, whole_office=True, now=shanghai(24, 10),
                                        grace_minutes=5)
    assert report is not None and report.working_day
    statuses = {p.name: p.days[report.day] for p in report.people}
    assert statuses["张伟"].primary == DayStatus.PRESENT
    assert statuses["李娜"].flags >= {DayStatus.LATE, DayStatus.FIELD}
    assert statuses["王五"].primary == DayStatus.PENDING
