"""kill -9 of a real bot process at the worst moments, then an immediate restart: no answer lost, none doubled.

The bot runs as `officebot run` in a process of its own against the Bot API stand-in here, on SQLite
and PostgreSQL. A person fills the customer form; the process is killed (SIGKILL, nothing runs
after it) once between the commit of an answer and its reply (the stand-in holds the bot's sends,
as a network that stopped answering would), and once right after an answer was sent, whatever the
bot was doing. After each kill a new process starts at once. Every answer must get exactly one
reply, within seconds (the dead process's claimed replies are taken over at start, not after
delivery.STALE_CLAIM), the form must go on at the right question, and Save must store every answer.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import exists, func, select

from services.people import onboarding
from standins.telegram.keyboards import buttons
from standins.telegram.server import BotApiStandIn
from standins.telegram.users import FakeUser
from storage.db import make_engine, make_session_factory
from storage.models import Customer, InboxUpdate, OutboxMessage, ProcessedUpdate
from storage.uow import UnitOfWork
from tests.e2e.harness import TOKEN

pytestmark = [pytest.mark.wire, pytest.mark.long]  # over HTTP (its own), on both databases (tests/conftest.py)


ROOT = Path(__file__).resolve().parents[2]
RECOVERY_SECONDS = 20.0  # far below delivery.STALE_CLAIM (2 minutes): the takeover is at start


class BotProcess:
    """`officebot run` (polling) in a child process; `kill()` is SIGKILL."""

    def __init__(self, database_url: str, standin: BotApiStandIn, log: Path) -> None:
        self.env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": standin.base_url,
                    "DATABASE_URL": database_url, "OFFICEBOT_SCHEDULER": "false", "OFFICEBOT_WEBHOOK_URL": "",
                    "OFFICEBOT_CHAT_SEND_INTERVAL": "0"}  # the stand-in has no flood control: no pacing waits
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen([sys.executable, "-c", "import sys; from bot.cli import main; "
                                          "sys.exit(main(['run']))"], cwd=ROOT, env=self.env, stdout=out,
                                         stderr=subprocess.STDOUT)

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    async def stop(self) -> None:
        """SIGTERM and wait off the event loop: the stand-in in this loop must answer the bot's last calls."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                await asyncio.to_thread(self.proc.wait, timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def uow(migrated_url: str) -> Iterator[Callable[[], UnitOfWork]]:
    engine = make_engine(migrated_url)
    factory = make_session_factory(engine)
    yield lambda: UnitOfWork(factory)
    engine.dispose()


@pytest.fixture
async def running(migrated_url: str, tmp_path: Path) -> AsyncIterator[tuple[BotApiStandIn, BotProcess]]:
    async with BotApiStandIn(token=TOKEN) as standin:
        bot = BotProcess(migrated_url, standin, tmp_path / "bot.log")
        bot.start()
        try:
            yield standin, bot
        finally:
            standin.resume()
            await bot.stop()


async def until(check: Callable[[], bool], what: str, timeout: float = RECOVERY_SECONDS) -> None:
    """Wait until `check()` is true (polling every 50 ms); `what` names it when it never is."""
    try:
        async with asyncio.timeout(timeout):
            while not check():
                await asyncio.sleep(0.05)
    except TimeoutError:
        raise AssertionError(f"waited {timeout} s for {what}") from None


def settled(uow: Callable[[], UnitOfWork]) -> bool:
    """Nothing more can come: every stored update is handled and every outbox row sent (the stand-in took it)."""
    with uow() as unit:
        s = unit.session
        unhandled = s.scalar(select(func.count()).select_from(InboxUpdate).where(~exists().where(
            (ProcessedUpdate.channel == InboxUpdate.channel) & (ProcessedUpdate.update_id == InboxUpdate.update_id))))
        unsent = s.scalar(select(func.count()).select_from(OutboxMessage)
                          .where(OutboxMessage.status.in_(("pending", "sending"))))
        return unhandled == 0 and unsent == 0


def processed(uow: Callable[[], UnitOfWork], update_id: int) -> bool:
    with uow() as unit:
        return bool(unit.session.scalar(select(func.count()).select_from(ProcessedUpdate)
                                       .where(ProcessedUpdate.update_id == update_id)))


async def test_kill_9_between_commit_and_reply_and_mid_update_loses_no_answer(
        running: tuple[BotApiStandIn, BotProcess], uow: Callable[[], UnitOfWork], tmp_path: Path) -> None:
    standin, bot = running
    onboarding.create_office(uow(), name="上海办事处", timezone="Asia/Shanghai", now=datetime.now(UTC))
    code = onboarding.invite(uow(), office_name="上海办事处", roles=["sales"], name="李娜", now=datetime.now(UTC))
    li = FakeUser(id=4711, first_name="李娜")
    await standin.send_command(li, "/start", code)
    await standin.wait_for_text(li.id, "欢迎", timeout=30)  # the first start of the process takes a moment
    await standin.send_command(li, "/customer")
    await standin.wait_for_text(li.id, "客户名称", timeout=10)

    def replies() -> int:
        return len(standin.messages(li.id))

    # 1. killed between the commit of "某市公安局" and its reply: the reply is in the outbox, claimed, not sent
    before = replies()
    standin.stall()
    update = await standin.send_text(li, "某市公安局")
    await until(lambda: processed(uow, update["update_id"]) and standin.stalled > 0, "committed, reply on the wire")
    bot.kill()
    standin.resume(lose_held=True)  # the reply was on the wire when the process died: it never arrived
    await asyncio.sleep(0.2)
    assert replies() == before
    bot.start()
    await until(lambda: replies() > before, "the reply after the restart")
    await until(lambda: settled(uow), "nothing more to send")
    assert replies() == before + 1, (tmp_path / "bot.log").read_text()[-3000:]
    assert "客户地址" in str(standin.messages(li.id)[-1].get("text"))

    # 2. killed right after an answer was sent, whatever the bot was doing
    before = replies()
    await standin.send_text(li, "人民路 1 号")
    await asyncio.sleep(0.05)
    bot.kill()
    bot.start()
    await until(lambda: replies() > before, "the reply after the restart")
    await until(lambda: settled(uow), "nothing more to send")
    assert replies() == before + 1, [m.get("text") for m in standin.messages(li.id)[before:]]
    assert "联系人" in str(standin.messages(li.id)[-1].get("text"))

    for answer in ("王科长", "13812345678"):  # the rest of the form, on the restarted process
        count = replies()
        await standin.send_text(li, answer)
        await until(lambda n=count: replies() > n, f"the reply to {answer}")  # type: ignore[misc]
    while not any("保存" in label for label, _data in buttons(standin.messages(li.id)[-1])):
        last, count = standin.messages(li.id)[-1], replies()
        skip = [label for label, _data in buttons(last) if "跳过" in label]
        if skip:
            await standin.press_button(li, last, skip[0])
        else:
            await standin.send_text(li, "2")
        await until(lambda n=count, m=last: replies() > n or standin.messages(li.id)[-1] != m,  # type: ignore[misc]
                    "the next question")
    review = standin.messages(li.id)[-1]
    await standin.press_button(li, review, next(label for label, _data in buttons(review) if "保存" in label))
    await until(lambda: "客户档案已保存" in str(standin.messages(li.id)[-1].get("text")), "saved")
    with uow() as unit:
        saved = unit.session.scalars(select(Customer)).one()
        assert (saved.name, saved.address, saved.contact, saved.phone) == ("某市公安局", "人民路 1 号", "王科长",
                                                                            "13812345678")

