"""Check-in rules on top of `domain.attendance`: which shared locations to trust, the office day.

A location answer is the form engine's dict {lat, lon, at (ISO, UTC), forwarded, venue}.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from domain.attendance import Geofence, LocationProblem, check_location, distance_m


class PunchKind(StrEnum):
    """A check-in (上班打卡) or a check-out (下班打卡)."""

    IN = "in"
    OUT = "out"


class LocationRefusal(StrEnum):
    """Why a shared location is not accepted for a punch."""

    FORWARDED = "forwarded"
    VENUE = "venue"
    STALE = "stale"
    FROM_FUTURE = "from_future"
    INVALID = "invalid"


def location_refusal(location: Mapping[str, Any], *, now: datetime, max_age_minutes: int) -> LocationRefusal | None:
    """None when the location is fresh, first-hand and a plain pin; else why it is refused."""
    try:
        sent_at = datetime.fromisoformat(str(location["at"]))
        float(location["lat"]), float(location["lon"])
    except (KeyError, TypeError, ValueError):
        return LocationRefusal.INVALID
    if location.get("venue"):
        return LocationRefusal.VENUE
    problem = check_location(sent_at=sent_at, now=now, forwarded=bool(location.get("forwarded")),
                             max_age=timedelta(minutes=max_age_minutes))
    return None if problem is None else _REFUSALS[problem]


_REFUSALS = {
    LocationProblem.FORWARDED: LocationRefusal.FORWARDED,
    LocationProblem.STALE: LocationRefusal.STALE,
    LocationProblem.FROM_FUTURE: LocationRefusal.FROM_FUTURE,
}


@dataclass(frozen=True)
class Placement:
    """Where a punch happened relative to the office: inside its geofence or not, and how far."""

    inside: bool
    distance_m: int | None


def place_of(fence: Geofence | None, *, lat: float, lon: float) -> Placement:
    """Inside when the office has no geofence (nothing to check against) or the point is within it."""
    if fence is None:
        return Placement(True, None)
    distance = distance_m(fence.lat, fence.lon, lat, lon)
    return Placement(distance <= fence.radius_m, round(distance))


def fence_from_answer(value: Any) -> Geofence | None:
    """The [lat, lon, radius] stored in a check-in draft, back as a Geofence."""
    if not isinstance(value, list | tuple) or len(value) != 3:
        return None
    return Geofence(float(value[0]), float(value[1]), float(value[2]))


def outside_fence(answers: Mapping[str, Any]) -> bool:
    """For the check-in form: the shared location lies outside the office geofence."""
    location = answers.get("location")
    if not isinstance(location, Mapping):
        return False
    fence = fence_from_answer(answers.get("fence"))
    return not place_of(fence, lat=float(location["lat"]), lon=float(location["lon"])).inside


def local_day(moment: datetime, tz: ZoneInfo) -> date:
    """The office-local calendar day of an instant."""
    return moment.astimezone(tz).date()


def day_bounds(first: date, last: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The instants an inclusive range of office-local days starts and ends (end exclusive)."""
    start = datetime.combine(first, time(0), tz)
    end = datetime.combine(last + timedelta(days=1), time(0), tz)
    return start, end
