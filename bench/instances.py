"""Benchmark and proof: several instances behind nginx on one PostgreSQL, one of them killed with -9.

Starts `deploy/run-local N` (N officebot processes in webhook mode behind a real nginx) against the
Bot API stand-in, which runs here and delivers every update to nginx like Telegram would. Then:

1. every person redeems an invite (`/start CODE`) through the load balancer;
2. notices are queued in the outbox for everyone (the reminders' path), and everyone sends `/help`
   several times; half-way through, one instance is killed with SIGKILL;
3. we wait until every reply and notice has arrived (a dead instance's claimed rows are taken over
   after delivery.STALE_CLAIM; what it stored but never handled is replayed by the living ones).

Checks, printed as PASS/FAIL: every update handled exactly once (processed ids = updates sent, each
person's replies = their messages), every notice delivered exactly once, nothing lost. Also prints
updates/s through the balancer and how long recovery took. Run on demand (needs PostgreSQL and
nginx; deploy/install installs nginx):

    .venv/bin/python bench/instances.py [--instances 3] [--people 100] [--helps 3] [--notices 1]

The stand-in posts webhook updates one at a time, as Telegram does per bot by default when its
connections are few, so updates/s here measures the balancer path, not officebot's ceiling
(bench/throughput.py measures that).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from sqlalchemy import func, select

from bench.common import scratch_postgres
from services.messaging import delivery, outbox
from services.messaging.messages import OutMessage
from services.people import onboarding
from standins.telegram.server import BotApiStandIn
from standins.telegram.users import FakeUser
from storage.db import make_engine, make_session_factory
from storage.migrate import upgrade
from storage.models import ProcessedUpdate, Staff
from storage.uow import UnitOfWork

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "123456:BENCH-instances-token"
SECRET = "bench-instances-secret-0123"
HELP_START = "您可以使用"




def free_port_block(size: int) -> int:
    """A port p such that p..p+size look free (the balancer and one port per instance)."""
    for _ in range(50):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            base = int(sock.getsockname()[1])
        if base + size < 65000 and all(_free(base + i) for i in range(size + 1)):
            return base
    raise RuntimeError("no free block of ports")


def _free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


async def wait_until(check: Callable[[], bool], timeout: float, what: str) -> float:
    """Poll `check()` until true; seconds it took (raises after `timeout`)."""
    start = time.monotonic()
    while not check():
        if time.monotonic() - start > timeout:
            raise TimeoutError(f"{what}: not done after {timeout:.0f}s")
        await asyncio.sleep(0.2)
    return time.monotonic() - start


async def run(args: argparse.Namespace) -> bool:
    """One run; True when every check passed."""
    with scratch_postgres() as url, tempfile.TemporaryDirectory() as run_dir:
        upgrade(url)
        factory = make_session_factory(make_engine(url))

        def uow() -> UnitOfWork:
            return UnitOfWork(factory)

        now = datetime.now(UTC)
        onboarding.create_office(uow(), name="上海办事处", timezone="Asia/Shanghai", now=now)
        codes = [onboarding.invite(uow(), office_name="上海办事处", roles=["sales"], name=f"员工{i}", now=now)
                 for i in range(args.people)]
        lb = free_port_block(args.instances)
        async with BotApiStandIn(token=TOKEN) as standin:
            env = {**os.environ, "DATABASE_URL": url, "TELEGRAM_BOT_TOKEN": TOKEN,
                   "TELEGRAM_API_BASE_URL": standin.base_url, "OFFICEBOT_WEBHOOK_SECRET": SECRET,
                   "OFFICEBOT_RUN_DIR": run_dir, "OFFICEBOT_SCHEDULER": "true", "OFFICEBOT_LOG_LEVEL": "WARNING"}
            deploy = subprocess.Popen(["bash", str(ROOT / "deploy" / "run-local"), str(args.instances), str(lb)],
                                      env=env, cwd=ROOT, start_new_session=True)
            try:
                return await drive(args, standin, uow, codes, lb, Path(run_dir))
            finally:
                os.killpg(deploy.pid, signal.SIGTERM)
                deploy.wait(timeout=30)


async def drive(args: argparse.Namespace, standin: BotApiStandIn, uow: Callable[[], UnitOfWork], codes: list[str],
                lb: int, run_dir: Path) -> bool:
    """Register everyone, then the load with a kill -9 half-way; check what arrived."""
    async with httpx.AsyncClient() as client:
        async def healthy() -> bool:
            try:
                return (await client.get(f"http://127.0.0.1:{lb}/healthz")).status_code == 200
            except httpx.HTTPError:
                return False

        start = time.monotonic()
        while not await healthy() or standin.feed.webhook is None:
            if time.monotonic() - start > 60:
                raise TimeoutError("the instances did not come up")
            await asyncio.sleep(0.3)
    print(f"{args.instances} instances up behind nginx on :{lb} in {time.monotonic() - start:.1f}s")

    people = [FakeUser(id=700_000 + i, first_name=f"员工{i}") for i in range(args.people)]
    sent_updates = 0
    t0 = time.monotonic()
    for person, code in zip(people, codes, strict=True):
        await standin.send_command(person, "/start", code)
        sent_updates += 1
    await wait_until(lambda: all(standin.messages(p.id) for p in people), 120, "registrations")
    print(f"registered {len(people)} people through the balancer in {time.monotonic() - t0:.1f}s")

    with uow() as u:
        staff = list(u.session.scalars(select(Staff.id).where(Staff.telegram_user_id.is_not(None))))
        notices = [(sid, OutMessage(f"通知 #{sid}-{k}")) for sid in staff for k in range(args.notices)]
        outbox.enqueue_all(u.session, notices, now=datetime.now(UTC))
        u.commit()

    victim = int((run_dir / "instance-1.pid").read_text())
    total_helps = len(people) * args.helps
    t1 = time.monotonic()
    killed_at = None
    for round_ in range(args.helps):
        for person in people:
            await standin.send_command(person, "/help")
            sent_updates += 1
            if killed_at is None and round_ * len(people) + people.index(person) >= total_helps // 2:
                os.kill(victim, signal.SIGKILL)
                killed_at = time.monotonic()
                print(f"killed instance 1 (pid {victim}) with SIGKILL after {total_helps // 2} /help")

    def helps_of(person: FakeUser) -> int:
        return sum(1 for m in standin.messages(person.id) if (m.get("text") or "").startswith(HELP_START))

    def notice_counts() -> Counter[str]:
        return Counter(m.get("text") or "" for p in people for m in standin.messages(p.id)
                       if (m.get("text") or "").startswith("通知 #"))

    def done() -> bool:
        return all(helps_of(p) >= args.helps for p in people) and len(notice_counts()) >= len(notices)

    limit = delivery.STALE_CLAIM.total_seconds() + 120
    recovered = await wait_until(done, limit, "replies and notices")
    elapsed = time.monotonic() - t1
    await asyncio.sleep(3)  # anything doubled would arrive now
    with uow() as u:
        processed = int(u.session.scalar(select(func.count()).select_from(ProcessedUpdate)) or 0)
    counts = notice_counts()
    checks = {
        "every update handled exactly once (processed ids = updates sent)": processed == sent_updates,
        "every /help answered exactly once": all(helps_of(p) == args.helps for p in people),
        "every notice delivered exactly once": len(counts) == len(notices) and set(counts.values()) == {1},
    }
    print(f"{total_helps} /help and {len(notices)} notices, first post to last arrival {elapsed:.1f}s "
          f"({total_helps / elapsed:.0f} updates/s through the balancer, kill -9 and its recovery included; "
          f"{recovered:.1f}s after the last post)")
    print(f"processed ids {processed}, notices {sum(counts.values())} of {len(notices)} "
          f"(distinct {len(counts)}), recovery after kill -9 included")
    for name, ok in checks.items():
        print(f"  {'PASS' if ok else 'FAIL'}  {name}")
    return all(checks.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--instances", type=int, default=3)
    parser.add_argument("--people", type=int, default=100)
    parser.add_argument("--helps", type=int, default=3)
    parser.add_argument("--notices", type=int, default=1)
    sys.exit(0 if asyncio.run(run(parser.parse_args())) else 1)


if __name__ == "__main__":
    main()
