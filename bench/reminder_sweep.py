"""Benchmark: the report reminder sweep over 10,000 staff in 200 offices, on SQLite and PostgreSQL.

Prints, per database and sweep, the SQL statements run (counted with a `before_cursor_execute`
listener), the time to decide who gets what (the in-memory planning) and the whole sweep's time.
Run on demand, not in the test suite:

    .venv/bin/python bench/reminder_sweep.py [--db sqlite|postgres|both] [--staff 10000] [--offices 200]
        [--untuned-gc]

The garbage collector is tuned first, as `officebot run` tunes it once it is up (bot/collector.py);
`--untuned-gc` shows the sweep under CPython's start-up defaults.

PostgreSQL: a scratch database is created on OFFICEBOT_TEST_PG's server (default
postgresql+psycopg://postgres@127.0.0.1:5432/test) and dropped afterwards.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Engine, event, insert

from bench.common import scratch_postgres
from bot import collector
from services.platform.config import load_report_config
from services.reports import reminders
from storage.db import make_engine, make_session_factory
from storage.migrate import upgrade
from storage.models import ApprovalRequest, Office, Report, Staff, StaffRole
from storage.uow import UnitOfWork

CONFIGS = load_report_config()
SHANGHAI = ZoneInfo("Asia/Shanghai")
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)
SWEEPS = [
    ("Fri 15:30, weekly reminders due (first run)", datetime(2026, 11, 27, 15, 30, tzinfo=SHANGHAI)),
    ("Fri 15:45, same slot again (nothing new)", datetime(2026, 11, 27, 15, 45, tzinfo=SHANGHAI)),
    ("Mon 10:15, chase + digest + escalation + monthly reminder", datetime(2026, 11, 30, 10, 15, tzinfo=SHANGHAI)),
    ("Mon 10:30, same slots again (nothing new)", datetime(2026, 11, 30, 10, 30, tzinfo=SHANGHAI)),
]


def populate(engine: Engine, *, staff: int, offices: int) -> None:
    """Offices (a few in Urumqi time), a head and an admin each, the rest sales and technicians;
    40 % have written week 48, 2 % are on leave."""
    rng = random.Random(48)
    per_office = staff // offices
    with engine.begin() as conn:
        conn.execute(insert(Office), [{"id": o + 1, "name": f"办事处{o + 1:03d}", "created_at": LONG_AGO,
                                       "timezone": "Asia/Urumqi" if o % 10 == 9 else "Asia/Shanghai"}
                                      for o in range(offices)])
        people, roles = [], []
        for i in range(per_office * offices):
            office, rank = i // per_office + 1, i % per_office
            role = "office_head" if rank == 0 else "admin" if rank == 1 else ("sales", "technician")[rank % 2]
            people.append({"id": i + 1, "name": f"员工{i + 1}", "office_id": office, "active": True,
                           "full_time": rank % 25 != 24, "locale": "zh_CN", "created_at": LONG_AGO,
                           "telegram_user_id": 100_000 + i})
            roles.append({"staff_id": i + 1, "role": role})
        conn.execute(insert(Staff), people)
        conn.execute(insert(StaffRole), roles)
        gm = len(people) + 1
        conn.execute(insert(Staff), [{"id": gm, "name": "总经理", "office_id": None, "active": True,
                                      "full_time": True, "locale": "zh_CN", "created_at": LONG_AGO}])
        conn.execute(insert(StaffRole), [{"staff_id": gm, "role": "gm"}])
        ids = [p["id"] for p in people]
        conn.execute(insert(Report), [
            {"staff_id": sid, "office_id": (sid - 1) // per_office + 1, "kind": "weekly", "period_key": "2026-W48",
             "summary": "总结", "plan": "计划", "figures": {}, "submitted_at": LONG_AGO, "late": False,
             "status": "submitted"} for sid in rng.sample(ids, int(len(ids) * 0.4))])
        conn.execute(insert(ApprovalRequest), [
            {"kind": "leave", "requester_id": sid, "status": "approved", "first_day": date(2026, 11, 26),
             "last_day": date(2026, 12, 1), "chain": [], "payload": {}, "photos": [], "created_at": LONG_AGO,
             "step_since": LONG_AGO} for sid in rng.sample(ids, int(len(ids) * 0.02))])
        if engine.dialect.name == "postgresql":
            for table in ("offices", "staff"):
                conn.exec_driver_sql(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")


def timed_planner() -> list[float]:
    """Wrap the pure planning step to time it (the sweep looks it up at call time)."""
    spent: list[float] = []
    original: Callable[..., Any] = reminders.plan_notices

    def plan(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - start)

    reminders.plan_notices = plan  # type: ignore[assignment]
    return spent


def run(url: str, label: str, *, staff: int, offices: int) -> None:
    """Migrate, populate, then run the sweeps and print one line each."""
    upgrade(url)
    engine = make_engine(url)
    start = time.perf_counter()
    populate(engine, staff=staff, offices=offices)
    print(f"\n{label}: {staff:,} staff in {offices} offices (populated in {time.perf_counter() - start:.1f} s)")
    factory = make_session_factory(engine)
    planning = timed_planner()
    for title, at in SWEEPS:
        before = len(planning)
        with counting(engine) as seen:
            start = time.perf_counter()
            result = reminders.sweep(UnitOfWork(factory), configs=CONFIGS, now=at.astimezone(UTC))
            total = time.perf_counter() - start
        decide = sum(planning[before:])
        statements = ", ".join(f"{kind} {n}" for kind, n in sorted(seen.items()))
        print(f"  {title}\n    {sum(seen.values())} statements ({statements}); decide {decide * 1000:.0f} ms; "
              f"sweep {total * 1000:.0f} ms; {result.summary()}")
    engine.dispose()


@contextmanager
def counting(engine: Engine) -> Iterator[Counter[str]]:
    """Counts statements by their first word (SELECT, INSERT, …) while inside the block."""
    seen: Counter[str] = Counter()

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen[statement.lstrip().split(None, 1)[0].upper()] += 1

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)




def main() -> None:
    """Parse the arguments and run the chosen databases."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--staff", type=int, default=10_000)
    parser.add_argument("--offices", type=int, default=200)
    parser.add_argument("--untuned-gc", action="store_true",
                        help="leave the garbage collector as CPython starts it (the bot tunes it: bot/collector.py)")
    args = parser.parse_args()
    if not args.untuned_gc:
        collector.tune()  # as `officebot run` does once it is up
    if args.db in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as folder:
            run(f"sqlite:///{folder}/bench.sqlite3", "SQLite", staff=args.staff, offices=args.offices)
    if args.db in ("postgres", "both"):
        with scratch_postgres() as url:
            run(url, "PostgreSQL", staff=args.staff, offices=args.offices)


if __name__ == "__main__":
    main()
