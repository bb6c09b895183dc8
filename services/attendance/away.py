"""Approved leave, outings and trips as what they excuse on each day (`domain.attendance.Away`).

The one reading of a stored request for attendance: /today, the office view, the monthly sheet and the
check-in reply all take their windows from here. A leave's half days come from its answers
(`day_part`, `first_part`, `last_part`), an outing's hours from `from_time` / `until_time`.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.attendance import Away, WorkingHours, request_away
from domain.leave_rules import leave_parts
from storage.models import ApprovalRequest

AWAY_KINDS = ("leave", "outing", "trip")


def away_by_day(session: Session, *, staff_ids: Collection[int], first: date, last: date,
                hours: WorkingHours) -> dict[tuple[int, date], list[Away]]:
    """(staff id, day) → what that person's approved requests excuse that day, for days first..last (one query)."""
    rows = session.scalars(select(ApprovalRequest).where(
        ApprovalRequest.requester_id.in_(list(staff_ids)), ApprovalRequest.status == "approved",
        ApprovalRequest.kind.in_(AWAY_KINDS), ApprovalRequest.first_day <= last, ApprovalRequest.last_day >= first))
    result: dict[tuple[int, date], list[Away]] = {}
    for req in rows:
        if req.first_day is None or req.last_day is None:
            continue
        payload = req.payload or {}
        parts = leave_parts(req.first_day, req.last_day, one_day=payload.get("day_part"),
                            starts=payload.get("first_part"), ends=payload.get("last_part"))
        window = _window(payload)
        day = max(req.first_day, first)
        while day <= min(req.last_day, last):
            away = request_away(kind=req.kind, day=day, first=req.first_day, last=req.last_day, parts=parts,
                                window=window, hours=hours)
            if away is not None:
                result.setdefault((req.requester_id, day), []).append(away)
            day += timedelta(days=1)
    return result


def _window(payload: dict[str, Any]) -> tuple[time, time] | None:
    """An outing's from–until on the office's wall clock, when both were given and make sense."""
    try:
        starts, ends = time.fromisoformat(str(payload["from_time"])), time.fromisoformat(str(payload["until_time"]))
    except (KeyError, ValueError):
        return None
    return (starts, ends) if starts < ends else None
