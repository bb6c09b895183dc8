"""Delivery through the real Application: a blocked person is marked, their manager told once,
and writing to the bot again makes them reachable."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from services.messaging.messages import OutMessage
from services.messaging.outbox import enqueue
from storage.models import OutboxMessage, Staff
from tests.e2e.harness import BotHarness

pytestmark = pytest.mark.wire  # over HTTP, on both databases (tests/conftest.py)



def _queue(bot: BotHarness, name: str, text: str) -> None:
    with bot.app.uow() as uow:
        staff = uow.session.scalars(select(Staff).where(Staff.name == name)).one()
        enqueue(uow.session, staff_id=staff.id, message=OutMessage(text), now=bot.clock())
        uow.commit()


def _reachable(bot: BotHarness, name: str) -> bool:
    with bot.app.uow() as uow:
        return bool(uow.session.scalars(select(Staff.reachable).where(Staff.name == name)).one())


async def test_blocked_then_back(bot: BotHarness) -> None:
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"], manager="张伟")
    bot.standin.block_user(li)
    _queue(bot, "李娜", "通知一")
    _queue(bot, "李娜", "通知二")
    await bot.flush()
    assert not _reachable(bot, "李娜")
    told = [t for t in bot.texts(head) if "李娜 已屏蔽机器人" in t]
    assert len(told) == 1
    await bot.send(li, "/help")
    assert _reachable(bot, "李娜")
    _queue(bot, "李娜", "通知三")
    await bot.flush()
    assert bot.texts(li)[-1] == "通知三"
    with bot.app.uow() as uow:
        statuses = set(uow.session.scalars(select(OutboxMessage.status)))
    assert "pending" not in statuses and "sending" not in statuses
