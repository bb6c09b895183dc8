"""The time-zone rule has one home (services/platform/zones.py): an office's own zone, else the company's default."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytest

from services.platform import zones
from storage.models import Office

ROOT = Path(__file__).resolve().parents[2]
PLACES = ("bot", "handlers", "schedules", "services", "domain", "storage", "bench")
# the composition root sets the default, the resolver keeps it; nobody else passes it around
HOMES = {"bot/bootstrap.py", "services/platform/zones.py"}


@pytest.fixture
def company_in_urumqi() -> Iterator[None]:
    before = zones.company_zone_name()
    zones.configure(default_timezone="Asia/Urumqi")
    yield
    zones.configure(default_timezone=before)


def test_an_office_keeps_its_own_zone(company_in_urumqi: None) -> None:
    assert zones.zone_of(Office(name="上海办事处", timezone="Asia/Shanghai")) == ZoneInfo("Asia/Shanghai")


def test_no_office_or_no_zone_means_the_company_default(company_in_urumqi: None) -> None:
    assert zones.zone_of(None) == ZoneInfo("Asia/Urumqi")
    assert zones.zone_name(Office(name="临时", timezone="")) == "Asia/Urumqi"
    assert zones.company_zone() == ZoneInfo("Asia/Urumqi")


def test_a_bad_default_is_refused_and_the_old_one_kept(company_in_urumqi: None) -> None:
    with pytest.raises(ZoneInfoNotFoundError):
        zones.configure(default_timezone="Mars/Base")
    assert zones.company_zone_name() == "Asia/Urumqi"


DEFAULT_PASSED = r"\bdefault_timezone\b"
FALLBACK_WRITTEN = r"timezone (if|or) (?!zones\.)"


def lines_matching(pattern: str, *, homes: set[str]) -> list[str]:
    """Where `pattern` occurs in the product's code outside `homes`, as path:line."""
    return [f"{path.relative_to(ROOT)}:{number}"
            for place in PLACES for path in sorted((ROOT / place).rglob("*.py"))
            if str(path.relative_to(ROOT)) not in homes
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
            if re.search(pattern, line)]


def test_the_default_is_not_threaded_through_the_code() -> None:
    assert lines_matching(DEFAULT_PASSED, homes=HOMES) == []


def test_nobody_else_writes_the_fallback() -> None:
    # `office.timezone if office else ...` / `... or "Asia/Shanghai"`: the rule again, outside its home
    assert lines_matching(FALLBACK_WRITTEN, homes={"services/platform/zones.py"}) == []


def test_the_guards_see_the_rule_written_again() -> None:
    assert re.search(DEFAULT_PASSED, "sweep(uow, now=now, default_timezone=app.default_timezone)")
    assert re.search(FALLBACK_WRITTEN, 'tz = ZoneInfo(office.timezone if office else "Asia/Shanghai")')
    assert re.search(FALLBACK_WRITTEN, "tz = ZoneInfo(office.timezone or default)")
    assert not re.search(FALLBACK_WRITTEN, "name = args.timezone or zones.company_zone_name()")
