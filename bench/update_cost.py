"""Benchmark: what one update costs inside officebot — CPU time and SQL statements per `handle_inbound`.

bench/throughput.py measures the whole bot over HTTP against the echo bot; this one isolates our part:
the transaction that claims the update, identifies the sender, runs the handler and queues the reply,
called directly in this thread (no stand-in, no sender, no event loop). It prints CPU microseconds
(this thread's, so other load on the machine counts little) per update, min / median / max over
`--rounds` rounds, statements and commits per update, and, with `--show-sql`, the statements of one
/help and one form answer — the list to shorten when the hot path gets slower. Run on demand (from the worktree):

    .venv/bin/python bench/update_cost.py [--db sqlite|postgres|both] [--people 200] [--rounds 5] [--show-sql]
        [--untuned-gc]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event

from bench.common import TOKEN, SqlCounter, database, databases, spread
from bench.throughput import answer_text, register_people
from bot import collector
from bot.bootstrap import bootstrap
from bot.settings import Settings
from handlers.dispatch import handle_inbound
from handlers.inbound import Inbound
from standins.telegram.users import FakeUser


def inbound(user: FakeUser, update_id: int, text: str) -> Inbound:
    """The neutral event a Telegram message from `user` becomes."""
    command, args = (text[1:].split()[0], tuple(text.split()[1:])) if text.startswith("/") else (None, ())
    return Inbound(channel="telegram", update_id=update_id, user_id=str(user.id), chat_id=str(user.id),
                   at=datetime.now(UTC), user_language="zh-CN", display_name=user.first_name,
                   text=None if command else text, command=command, args=args)


def show_sql(engine: Any, label: str, run: Callable[[], None]) -> None:
    """Print every statement one call runs."""
    lines: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        lines.append(" ".join(statement.split())[:150])

    event.listen(engine, "before_cursor_execute", note)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", note)
    print(f"  {label}: {len(lines)} statements")
    for line in lines:
        print(f"    {line}")


def measure(kind: str, label: str, args: argparse.Namespace) -> None:
    """One database: the timed phases, then (with --show-sql) one /help and one answer statement by statement."""
    with database(kind) as url:
        people = register_people(url, args.people)
        runtime = bootstrap(Settings(TELEGRAM_BOT_TOKEN=TOKEN, DATABASE_URL=url, OFFICEBOT_SCHEDULER=False,
                                     OFFICEBOT_LOG_LEVEL="WARNING"))
        app, router = runtime.app, runtime.router
        next_id = iter(range(1, 10**9))

        def handle(user: FakeUser, text: str) -> None:
            handle_inbound(inbound(user, next(next_id), text), app=app, router=router)

        timings: dict[str, list[float]] = {"help": [], "answers": []}
        counters = {"help": SqlCounter(), "answers": SqlCounter()}
        for round_no in range(args.rounds):
            start = time.thread_time()
            with counters["help"].attached(runtime.engine):
                for user in people:
                    handle(user, "/help")
            timings["help"].append((time.thread_time() - start) / len(people) * 1e6)
            for user in people:
                handle(user, "/cancel")
                handle(user, "/customer")
            start = time.thread_time()
            with counters["answers"].attached(runtime.engine):
                for step in range(3):
                    for i, user in enumerate(people):
                        handle(user, answer_text(i, step, round_no))
            timings["answers"].append((time.thread_time() - start) / (3 * len(people)) * 1e6)
        print(f"\n{label}: {args.people} people, {args.rounds} rounds, one thread, no HTTP")
        for phase, values in timings.items():
            units = len(people) * args.rounds * (1 if phase == "help" else 3)
            print(f"  {phase:8} CPU µs/update min/med/max {spread(values)}; "
                  f"median {statistics.median(values):.0f} µs; {counters[phase].per(units)}")
        if args.show_sql:
            first = people[0]
            handle(first, "/cancel")
            show_sql(runtime.engine, "/help", lambda: handle(first, "/help"))
            handle(first, "/customer")
            show_sql(runtime.engine, "form answer", lambda: handle(first, answer_text(0, 0, 99)))
        runtime.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="sqlite")
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--show-sql", action="store_true")
    parser.add_argument("--untuned-gc", action="store_true",
                        help="leave the garbage collector as CPython starts it (the bot tunes it: bot/collector.py)")
    args = parser.parse_args()
    if not args.untuned_gc:
        collector.tune()  # as `officebot run` does once it is up
    for kind, label in databases(args.db):
        measure(kind, label, args)


if __name__ == "__main__":
    main()
