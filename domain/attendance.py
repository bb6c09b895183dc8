"""Attendance rules (考勤): locations, lateness, and the status of one person's working day.

All times are judged on the office's wall clock; callers pass aware datetimes and the office time
zone, or punches already converted with `to_local_punch`.

Part of a day may be excused (`Away`): a half-day leave (上午 or 下午, split at the lunch break) or an
outing (外出) of some hours. The rest of the day is still expected at work (`expected_hours`), and
lateness and 早退 are judged against that part: after a 下午 leave one may leave at noon, after a 上午
leave one is expected from the afternoon start. `day_status` is the one rule for /today, the office view
and the monthly sheet; check-in replies use `expected_hours` too.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from domain.leave_rules import HALF, DayPart, part_on

EARTH_RADIUS_M = 6_371_008.8
"""Mean radius of the WGS-84 ellipsoid; haversine on it is within ~0.5 % for office-sized distances."""


DEFAULT_LUNCH = (time(12, 0), time(13, 0))
"""The lunch break (午休) that splits a day into 上午 and 下午 for half-day leave: the one place it is written."""


@dataclass(frozen=True)
class WorkingHours:
    """An office's daily working hours that lateness is measured against, and its lunch break (午休).

    `lunch` None means the default break when it lies inside the hours, else noon is the hours' midpoint.
    """

    start: time
    end: time
    lunch: tuple[time, time] | None = None

    def __post_init__(self) -> None:
        if self.start >= self.end:
            raise ValueError(f"working hours must start before they end: {self.start}–{self.end}")
        if self.lunch is not None and not self.start < self.lunch[0] <= self.lunch[1] < self.end:
            raise ValueError(f"the lunch break must lie inside the working hours: {self.lunch}")

    def __str__(self) -> str:
        """'08:30-17:30', the form the CLI and the import file take."""
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    @property
    def noon(self) -> tuple[time, time]:
        """(the morning ends, the afternoon starts): the lunch break, or the midpoint when none fits."""
        if self.lunch is not None:
            return self.lunch
        if self.start < DEFAULT_LUNCH[0] and DEFAULT_LUNCH[1] < self.end:
            return DEFAULT_LUNCH
        middle = _clock((_seconds(self.start) + _seconds(self.end)) / 2)
        return middle, middle


DEFAULT_WORKING_HOURS = WorkingHours(time(8, 30), time(17, 30))
"""The seeds' office hours, for an office created without its own: the one place they are written."""


@dataclass(frozen=True)
class Geofence:
    """A circle around an office (WGS-84 coordinates) inside which a check-in counts as at the office."""

    lat: float
    lon: float
    radius_m: float

    def __post_init__(self) -> None:
        if not (-90 <= self.lat <= 90 and -180 <= self.lon <= 180):
            raise ValueError(f"coordinates out of range: {self.lat}, {self.lon}")
        if self.radius_m <= 0:
            raise ValueError(f"geofence radius must be positive: {self.radius_m}")


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two WGS-84 points (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def is_inside(geofence: Geofence, lat: float, lon: float) -> bool:
    """True when a shared location lies within the office's geofence (the border counts as inside)."""
    return distance_m(geofence.lat, geofence.lon, lat, lon) <= geofence.radius_m


class LocationProblem(StrEnum):
    """Why a shared location cannot be trusted for a check-in."""

    FORWARDED = "forwarded"
    FROM_FUTURE = "from_future"
    STALE = "stale"


def check_location(
    *,
    sent_at: datetime,
    now: datetime,
    forwarded: bool,
    max_age: timedelta = timedelta(minutes=5),
    max_skew: timedelta = timedelta(seconds=30),
) -> LocationProblem | None:
    """Refuse forwarded, future-dated (beyond clock skew) or old locations; None means usable."""
    _require_aware(sent_at, "sent_at")
    _require_aware(now, "now")
    if forwarded:
        return LocationProblem.FORWARDED
    if sent_at > now + max_skew:
        return LocationProblem.FROM_FUTURE
    if now - sent_at > max_age:
        return LocationProblem.STALE
    return None


class Timeliness(StrEnum):
    """How a punch compares with the working hours."""

    ON_TIME = "on_time"
    LATE = "late"
    EARLY_LEAVE = "early_leave"


@dataclass(frozen=True)
class ArrivalStatus:
    """The verdict on a check-in: on time, or late by whole minutes (rounded up) counted from the start."""

    timeliness: Timeliness
    minutes_late: int = 0


@dataclass(frozen=True)
class DepartureStatus:
    """The verdict on a check-out: on time, or early by whole minutes (rounded up) counted to the end."""

    timeliness: Timeliness
    minutes_early: int = 0


@dataclass(frozen=True)
class LocalPunch:
    """A check-in or check-out on the office's wall clock; `field` marks a 外勤 punch outside the office."""

    at: time
    field: bool = False


def to_local_punch(*, at: datetime, tz: ZoneInfo, field: bool = False) -> LocalPunch:
    """Convert an aware punch time to the office's wall clock."""
    _require_aware(at, "at")
    return LocalPunch(at=at.astimezone(tz).time(), field=field)


def classify_check_in(
    *, at: datetime, tz: ZoneInfo, hours: WorkingHours, grace: timedelta = timedelta(0)
) -> ArrivalStatus:
    """Judge a check-in in the office's local time: late only when after start + grace."""
    return _arrival(to_local_punch(at=at, tz=tz).at, hours, grace)


def classify_check_out(
    *, at: datetime, tz: ZoneInfo, hours: WorkingHours, grace: timedelta = timedelta(0)
) -> DepartureStatus:
    """Judge a check-out in the office's local time: early only when before end − grace."""
    return _departure(to_local_punch(at=at, tz=tz).at, hours, grace)


def _arrival(local: time, hours: WorkingHours, grace: timedelta) -> ArrivalStatus:
    late_by = _seconds(local) - _seconds(hours.start)
    if late_by <= grace.total_seconds():
        return ArrivalStatus(Timeliness.ON_TIME)
    return ArrivalStatus(Timeliness.LATE, minutes_late=math.ceil(late_by / 60))


def _departure(local: time, hours: WorkingHours, grace: timedelta) -> DepartureStatus:
    early_by = _seconds(hours.end) - _seconds(local)
    if early_by <= grace.total_seconds():
        return DepartureStatus(Timeliness.ON_TIME)
    return DepartureStatus(Timeliness.EARLY_LEAVE, minutes_early=math.ceil(early_by / 60))


def _seconds(t: time) -> float:
    return t.hour * 3600 + t.minute * 60 + t.second + t.microsecond / 1_000_000


def _clock(seconds: float) -> time:
    whole = int(seconds)
    return time(whole // 3600, whole % 3600 // 60, whole % 60)


class AwayKind(StrEnum):
    """What excuses (part of) a day: leave (请假), or being out on business (外出 / 出差)."""

    LEAVE = "leave"
    OUT = "out"


@dataclass(frozen=True)
class Away:
    """An approved absence on one day, on the office's wall clock: from `starts` (None: the day's start) to
    `ends` (None: its end); both None is the whole day."""

    kind: AwayKind
    starts: time | None = None
    ends: time | None = None

    @property
    def whole_day(self) -> bool:
        """True when the absence covers the day whatever the hours."""
        return self.starts is None and self.ends is None


def request_away(*, kind: str, day: date, first: date, last: date, parts: tuple[DayPart, DayPart],
                 window: tuple[time, time] | None, hours: WorkingHours) -> Away | None:
    """What an approved leave, outing or trip excuses on `day`; None when it does not cover the day.

    A leave's 上午 ends at the lunch break, its 下午 starts after it; an outing excuses its hours; a trip
    (出差) excuses whole days.
    """
    if not first <= day <= last:
        return None
    if kind == "outing":
        return Away(AwayKind.OUT, *window) if window else Away(AwayKind.OUT)
    if kind != "leave":
        return Away(AwayKind.OUT)
    part = part_on(day, first=first, last=last, parts=parts)
    if part == DayPart.MORNING:
        return Away(AwayKind.LEAVE, None, hours.noon[0])
    if part == DayPart.AFTERNOON:
        return Away(AwayKind.LEAVE, hours.noon[1], None)
    return Away(AwayKind.LEAVE)


def expected_hours(hours: WorkingHours, away: Iterable[Away] = ()) -> WorkingHours | None:
    """The part of the day a person is still expected at work: from the first working moment nobody excused
    to the last (the lunch break is no working time); None when the whole day is excused."""
    morning, afternoon = hours.noon
    spans = [(_seconds(hours.start), _seconds(morning)), (_seconds(afternoon), _seconds(hours.end))]
    for absence in away:
        cut_from = _seconds(absence.starts) if absence.starts is not None else -math.inf
        cut_to = _seconds(absence.ends) if absence.ends is not None else math.inf
        spans = [piece for begin, end in spans
                 for piece in ((begin, min(end, cut_from)), (max(begin, cut_to), end)) if piece[0] < piece[1]]
    if not spans:
        return None
    return WorkingHours(_clock(spans[0][0]), _clock(spans[-1][1]))


def _require_aware(dt: datetime, name: str) -> None:
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {dt!r}")


class DayStatus(StrEnum):
    """What one person's day was, as shown on the monthly attendance sheet."""

    PRESENT = "present"
    LATE = "late"
    EARLY_LEAVE = "early_leave"
    MISSING_PUNCH = "missing_punch"
    FIELD = "field"
    LEAVE = "leave"
    HALF_LEAVE = "half_leave"
    OUT_ON_BUSINESS = "out_on_business"
    ABSENT = "absent"
    HOLIDAY = "holiday"
    REST = "rest"
    PENDING = "pending"
    FUTURE = "future"
    NOT_EMPLOYED = "not_employed"


@dataclass(frozen=True)
class DayAssessment:
    """One person's day: the `primary` status to display plus every status that applies (`flags`).

    `flags` always contains `primary`. An attended day carries PRESENT plus any of LATE, EARLY_LEAVE,
    MISSING_PUNCH (缺卡, a 补卡 is needed) and FIELD, so a day that is both late and early counts in
    both columns of the sheet while showing one primary status. A day partly excused also carries
    HALF_LEAVE (half of it on leave) or OUT_ON_BUSINESS (some hours 外出); `share` is the part of the day
    that was expected at work (0.5 after a half-day leave), which is what its PRESENT or ABSENT counts.
    """

    primary: DayStatus
    flags: frozenset[DayStatus] = frozenset()
    minutes_late: int = 0
    minutes_early: int = 0
    share: Decimal = Decimal(1)

    def __post_init__(self) -> None:
        object.__setattr__(self, "flags", frozenset(self.flags) | {self.primary})


_ATTENDED_PRECEDENCE = (DayStatus.LATE, DayStatus.EARLY_LEAVE, DayStatus.MISSING_PUNCH, DayStatus.FIELD)
_PART_EXCUSED = (DayStatus.HALF_LEAVE, DayStatus.OUT_ON_BUSINESS)


def day_status(
    *,
    day: date,
    check_in: LocalPunch | None,
    check_out: LocalPunch | None,
    on_leave: bool = False,
    out_on_business: bool = False,
    is_working_day: bool,
    today: date,
    is_public_holiday: bool = False,
    hours: WorkingHours = DEFAULT_WORKING_HOURS,
    grace: timedelta = timedelta(0),
    employed: bool = True,
    away: Iterable[Away] = (),
) -> DayAssessment:
    """Combine punches, approved requests and the calendar into one person's status for one day.

    `away` are the day's approved absences (`request_away`); `on_leave` / `out_on_business` say the same
    for a whole day. Precedence, first match wins:
    0. NOT_EMPLOYED when the person was not on the staff that day (before they joined): nobody can be
       absent (旷工) from a job they did not have yet;
    1. the whole day excused: LEAVE (请假), then OUT_ON_BUSINESS (外出/出差); a half-day leave whose other
       half is out on business is HALF_LEAVE with OUT_ON_BUSINESS;
    2. HOLIDAY (public holiday) or REST (weekend) on non-working days — punches there are ignored;
    3. FUTURE for working days after `today`;
    4. no punch at all: PENDING if `day` is today (the day is not over), else ABSENT (旷工);
    5. attended: primary is the first of LATE, EARLY_LEAVE, MISSING_PUNCH, FIELD that applies, else
       PRESENT. A missing check-out is only a MISSING_PUNCH once the day is over.
    Steps 3–5 of a partly excused day carry HALF_LEAVE / OUT_ON_BUSINESS too, and late and early are judged
    against `expected_hours`: the part of the office hours nobody excused.
    """
    absences = [*away, *([Away(AwayKind.LEAVE)] if on_leave else []),
                *([Away(AwayKind.OUT)] if out_on_business else [])]
    if not employed:
        return DayAssessment(DayStatus.NOT_EMPLOYED)
    expected = expected_hours(hours, absences)
    if expected is None:
        return _excused_day(hours, absences)
    if not is_working_day:
        return DayAssessment(DayStatus.HOLIDAY if is_public_holiday else DayStatus.REST)
    partly = _part_flags(absences)
    share = HALF if DayStatus.HALF_LEAVE in partly else Decimal(1)
    if day > today:
        return DayAssessment(DayStatus.FUTURE, partly, share=share)
    if check_in is None and check_out is None:
        return DayAssessment(DayStatus.PENDING if day == today else DayStatus.ABSENT, partly, share=share)
    attended = _attended_day(check_in, check_out, day_over=day < today, hours=expected, grace=grace)
    return DayAssessment(attended.primary, attended.flags | partly, attended.minutes_late, attended.minutes_early,
                         share)


def _excused_day(hours: WorkingHours, absences: list[Away]) -> DayAssessment:
    """A day nobody expected at work: on leave, out on business, or half of each."""
    leave = [a for a in absences if a.kind == AwayKind.LEAVE]
    if leave and expected_hours(hours, leave) is None:
        return DayAssessment(DayStatus.LEAVE)
    if leave:
        return DayAssessment(DayStatus.HALF_LEAVE, frozenset({DayStatus.OUT_ON_BUSINESS}), share=HALF)
    return DayAssessment(DayStatus.OUT_ON_BUSINESS)


def _part_flags(absences: list[Away]) -> frozenset[DayStatus]:
    """HALF_LEAVE and OUT_ON_BUSINESS for the absences that excuse part of a day."""
    return frozenset(DayStatus.HALF_LEAVE if a.kind == AwayKind.LEAVE else DayStatus.OUT_ON_BUSINESS
                     for a in absences)


def _attended_day(
    check_in: LocalPunch | None,
    check_out: LocalPunch | None,
    *,
    day_over: bool,
    hours: WorkingHours,
    grace: timedelta,
) -> DayAssessment:
    flags = {DayStatus.PRESENT}
    arrival = _arrival(check_in.at, hours, grace) if check_in else ArrivalStatus(Timeliness.ON_TIME)
    departure = _departure(check_out.at, hours, grace) if check_out else DepartureStatus(Timeliness.ON_TIME)
    if arrival.timeliness is Timeliness.LATE:
        flags.add(DayStatus.LATE)
    if departure.timeliness is Timeliness.EARLY_LEAVE:
        flags.add(DayStatus.EARLY_LEAVE)
    if check_in is None or (check_out is None and day_over):
        flags.add(DayStatus.MISSING_PUNCH)
    if any(punch is not None and punch.field for punch in (check_in, check_out)):
        flags.add(DayStatus.FIELD)
    primary = next((s for s in _ATTENDED_PRECEDENCE if s in flags), DayStatus.PRESENT)
    return DayAssessment(primary, frozenset(flags), arrival.minutes_late, departure.minutes_early)


def day_labels(assessment: DayAssessment) -> tuple[DayStatus, ...]:
    """The statuses to show for a day: the primary one, then every other notable flag in precedence order.

    The one reading of a day shared by the monthly sheet, a person's /today and the office's /today, so
    a late, early and 外勤 day reads as all three everywhere instead of only as its primary status.
    """
    shown = (*_ATTENDED_PRECEDENCE, *_PART_EXCUSED)
    extra = tuple(s for s in shown if s in assessment.flags and s != assessment.primary)
    return (assessment.primary, *extra)


def month_summary(days: Iterable[DayAssessment]) -> dict[DayStatus, Decimal]:
    """Count days per status for the monthly sheet; every status is a key, a day counts under each flag.

    A half day counts as half: a half-day leave adds 0.5 to LEAVE (and one to HALF_LEAVE, the number of
    such days), and the PRESENT or ABSENT of its other half counts 0.5. Late, early, 缺卡 and 外勤 count days.
    """
    counts = dict.fromkeys(DayStatus, Decimal(0))
    for assessment in days:
        for status in assessment.flags:
            counts[status] += assessment.share if status in (DayStatus.PRESENT, DayStatus.ABSENT) else 1
        if DayStatus.HALF_LEAVE in assessment.flags:
            counts[DayStatus.LEAVE] += HALF
    return counts
