"""Check-in rules: which shared locations are trusted, inside or outside the geofence, local days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from domain.attendance import Geofence
from domain.checkin import LocationRefusal, day_bounds, local_day, location_refusal, outside_fence, place_of

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
FENCE = [31.230416, 121.473701, 300]


def loc(minutes_ago: float = 0, **flags: Any) -> dict[str, Any]:
    return {"lat": 31.2305, "lon": 121.4738, "at": (NOW - timedelta(minutes=minutes_ago)).isoformat(),
            "forwarded": False, "venue": False, **flags}


def test_fresh_own_pin_is_accepted() -> None:
    assert location_refusal(loc(4), now=NOW, max_age_minutes=5) is None


def test_refusals() -> None:
    assert location_refusal(loc(6), now=NOW, max_age_minutes=5) == LocationRefusal.STALE
    assert location_refusal(loc(forwarded=True), now=NOW, max_age_minutes=5) == LocationRefusal.FORWARDED
    assert location_refusal(loc(venue=True), now=NOW, max_age_minutes=5) == LocationRefusal.VENUE
    assert location_refusal(loc(-5), now=NOW, max_age_minutes=5) == LocationRefusal.FROM_FUTURE
    assert location_refusal({"lat": 1}, now=NOW, max_age_minutes=5) == LocationRefusal.INVALID


def test_geofence_placement() -> None:
    fence = Geofence(*FENCE)
    inside = place_of(fence, lat=31.2310, lon=121.4740)
    assert inside.inside and inside.distance_m is not None and inside.distance_m < 100
    assert not place_of(fence, lat=31.25, lon=121.50).inside
    assert place_of(None, lat=0, lon=0).inside


def test_outside_fence_reads_the_draft_answers() -> None:
    assert not outside_fence({"fence": FENCE})
    assert not outside_fence({"fence": FENCE, "location": loc()})
    assert outside_fence({"fence": FENCE, "location": {**loc(), "lat": 31.25, "lon": 121.50}})
    assert not outside_fence({"fence": None, "location": {**loc(), "lat": 31.25, "lon": 121.50}})


def test_local_day_and_bounds_follow_the_office_time_zone() -> None:
    late_utc = datetime(2026, 11, 24, 20, 0, tzinfo=UTC)
    assert local_day(late_utc, ZoneInfo("Asia/Shanghai")) == date(2026, 11, 25)
    assert local_day(late_utc, ZoneInfo("Asia/Urumqi")) == date(2026, 11, 25)
    assert local_day(late_utc, ZoneInfo("UTC")) == date(2026, 11, 24)
    start, end = day_bounds(date(2026, 11, 25), date(2026, 11, 26), ZoneInfo("Asia/Shanghai"))
    assert (start.astimezone(UTC), end.astimezone(UTC)) == (datetime(2026, 11, 24, 16, tzinfo=UTC),
                                                            datetime(2026, 11, 26, 16, tzinfo=UTC))
