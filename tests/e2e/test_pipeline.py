"""One update, one transaction: the claim, the effect and the replies commit together or not at all."""

from __future__ import annotations

import random
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.telegram.app import REPLAY_AFTER, replay_inbox
from handlers.context import Ctx
from services.messaging import delivery, inbox
from storage.models import ProcessedUpdate, Staff
from tests.e2e.harness import BotHarness

pytestmark = pytest.mark.wire  # over HTTP, on both databases (tests/conftest.py)



def claimed(bot: BotHarness, update_id: int) -> bool:
    with bot.app.uow() as uow:
        return uow.session.scalar(select(ProcessedUpdate.id).where(ProcessedUpdate.update_id == update_id)) is not None


def locale_of(bot: BotHarness, name: str) -> str:
    with bot.app.uow() as uow:
        return uow.session.scalars(select(Staff.locale).where(Staff.name == name)).one()


async def test_a_crash_before_the_commit_leaves_nothing_and_the_update_is_replayed_once(
        bot: BotHarness, monkeypatch: pytest.MonkeyPatch) -> None:
    user = await bot.register("李娜", office="上海办事处", roles=["sales"])
    before = len(bot.standin.messages(user.id))

    def die(*_args: object, **_kwargs: object) -> None:
        raise SystemError("the process died here, after the effect and before the commit")

    monkeypatch.setattr(delivery, "queue_and_hand", die)
    update = await bot.standin.send_command(user, "/language", "en")
    await bot.handled(update["update_id"])
    monkeypatch.undo()
    assert not claimed(bot, update["update_id"])  # nothing of it exists: not the claim,
    assert locale_of(bot, "李娜") == "zh_CN"  # not the effect,
    assert len(bot.standin.messages(user.id)) == before  # not the reply

    bot.clock.advance(seconds=5)
    await bot.restart()
    assert bot.replayed == 1
    await bot.handled(update["update_id"])
    assert locale_of(bot, "李娜") == "en"
    assert len(bot.standin.messages(user.id)) == before + 1
    await bot.restart()
    assert bot.replayed == 0


async def test_replies_committed_before_a_crash_are_sent_once_after_it(bot: BotHarness) -> None:
    user = await bot.register("李娜", office="上海办事处", roles=["sales"])
    before = len(bot.standin.messages(user.id))
    update = await bot.standin.send_command(user, "/help")
    await bot.handled(update["update_id"], flush=False)  # committed, handed to the sender, not yet sent
    await bot.restart()  # the process dies: what the sender held in memory is gone
    assert bot.replayed == 0 and claimed(bot, update["update_id"])
    await bot.flush()
    assert len(bot.standin.messages(user.id)) == before  # still claimed by the dead instance

    bot.clock.advance(seconds=(delivery.STALE_CLAIM + timedelta(seconds=1)).total_seconds())
    await bot.flush()
    await bot.flush()
    assert len(bot.standin.messages(user.id)) == before + 1
    assert bot.standin.messages(user.id)[before]["text"].startswith("您可以使用")


async def test_a_failing_handler_keeps_the_claim_and_the_apology_and_undoes_its_writes(
        bot: BotHarness, monkeypatch: pytest.MonkeyPatch) -> None:
    user = await bot.register("李娜", office="上海办事处", roles=["sales"])
    assert bot.runtime is not None

    def half_done(ctx: object) -> None:
        with bot.app.uow() as uow:
            uow.session.execute(Staff.__table__.update().where(Staff.name == "李娜").values(locale="en"))
            uow.commit()
        raise RuntimeError("kaboom after a write")

    bot.runtime.router.command("half", half_done, "test only")
    replies = await bot.send(user, "/half")
    assert replies[-1]["text"] == "抱歉，系统出了点问题，请稍后再试。"
    assert locale_of(bot, "李娜") == "zh_CN"  # the handler's write was undone with it
    assert len(await bot.send(user, "/help")) == 1


async def test_a_living_instance_replays_what_a_dead_one_stored_but_never_handled(bot: BotHarness) -> None:
    user = await bot.register("李娜", office="上海办事处", roles=["sales"])
    assert bot.application is not None and bot.runtime is not None

    def stored(update_id: int) -> dict[str, object]:
        return {"update_id": update_id, "message": {
            "message_id": update_id % 1000, "date": int(bot.clock().timestamp()), "text": "/help",
            "chat": {"id": user.id, "type": "private", "first_name": user.first_name},
            "from": {"id": user.id, "is_bot": False, "first_name": user.first_name},
            "entities": [{"type": "bot_command", "offset": 0, "length": 5}]}}

    inbox.store(bot.app.uow(), channel="telegram", updates=[stored(910_001)], now=bot.clock())  # the dead one's
    bot.clock.advance(seconds=REPLAY_AFTER.total_seconds() + 1)
    inbox.store(bot.app.uow(), channel="telegram", updates=[stored(910_002)], now=bot.clock())  # still in flight
    before = len(bot.standin.messages(user.id))

    assert await replay_inbox(bot.application, bot.runtime, after=REPLAY_AFTER) == 1
    await bot.handled(910_001)
    assert claimed(bot, 910_001) and not claimed(bot, 910_002)
    assert len(bot.standin.messages(user.id)) == before + 1
    assert await replay_inbox(bot.application, bot.runtime, after=REPLAY_AFTER) == 0  # handled: never again


async def test_people_run_concurrently_and_each_persons_updates_stay_in_order(bot: BotHarness) -> None:
    people = [await bot.register(f"员工{i}", office="上海办事处", roles=["sales"]) for i in range(12)]
    assert bot.runtime is not None
    running, most = [0], [0]
    guard = threading.Lock()

    def echo(ctx: Ctx) -> None:
        with guard:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(random.uniform(0, 0.02))  # a slow query: others overtake unless they must wait
        with guard:
            running[0] -= 1
        ctx.reply(f"echo {ctx.inbound.args[0]}")

    bot.runtime.router.command("echo", echo, "test only")
    before = {p.id: len(bot.standin.messages(p.id)) for p in people}
    last: list[int] = []
    for n in range(5):
        for person in people:
            last.append((await bot.standin.send_command(person, "/echo", str(n)))["update_id"])
    for update_id in last:
        await bot.handled(update_id, flush=False)
    await bot.flush()

    for person in people:
        texts = [m["text"] for m in bot.standin.messages(person.id)[before[person.id]:]]
        assert texts == [f"echo {n}" for n in range(5)]
    assert bot.runtime.pipeline is not None
    workers = bot.runtime.pipeline.workers  # SQLite: one writer, one worker; PostgreSQL: several at once
    assert most[0] == 1 if workers == 1 else 1 < most[0] <= workers
