"""Bulk onboarding from a YAML file (offices and staff) or a CSV file (staff), as admins keep them."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import datetime, time
from io import StringIO
from pathlib import Path
from typing import Any

import yaml

from services import onboarding
from storage.uow import UnitOfWork


def parse_hours(value: str) -> tuple[time, time]:
    """'08:30-17:30' → (08:30, 17:30)."""
    try:
        start, end = (time.fromisoformat(part.strip()) for part in value.replace("–", "-").split("-"))
    except ValueError as exc:
        raise onboarding.OnboardingError(f"working hours must look like 08:30-17:30, got {value!r}") from exc
    return start, end


def import_file(
    uow_factory: Callable[[], UnitOfWork], *, path: str, now: datetime, default_timezone: str) -> list[tuple[str, str]]:
    """Create the file's offices and staff; return (person, invite code) pairs."""
    text = Path(path).read_text(encoding="utf-8-sig")
    if path.lower().endswith(".csv"):
        data: dict[str, Any] = {"staff": list(csv.DictReader(StringIO(text)))}
    else:
        loaded = yaml.safe_load(text)
        if not isinstance(loaded, dict):
            raise onboarding.OnboardingError(f"{path}: expected 'offices' and 'staff' lists")
        data = loaded
    for office in data.get("offices") or []:
        _create_office(uow_factory(), office, now=now, default_timezone=default_timezone)
    codes = []
    for person in data.get("staff") or []:
        roles = person.get("roles") or ""
        code = onboarding.invite(
            uow_factory(), office_name=str(person["office"]),
            roles=[str(r) for r in roles] if isinstance(roles, list) else str(roles),
            name=str(person["name"]), phone=person.get("phone") or None,
            manager_name=person.get("manager") or None, now=now,
            locale=person.get("locale") or "zh_CN",
        )
        codes.append((str(person["name"]), code))
    return codes


def _create_office(uow: UnitOfWork, office: dict[str, Any], *, now: datetime, default_timezone: str) -> None:
    """One office entry of the YAML file."""
    start, end = parse_hours(office.get("hours") or "08:30-17:30")
    fence = office.get("geofence")
    geofence = (float(fence["lat"]), float(fence["lon"]), int(fence.get("radius_m", 300))) if fence else None
    onboarding.create_office(
        uow, name=str(office["name"]), timezone=office.get("timezone") or default_timezone, now=now,
        work_start=start, work_end=end, address=office.get("address"), geofence=geofence,
        is_hq=bool(office.get("hq", False)),
    )
