"""The requester's own cards lose their buttons when what they offered is over, wherever they were shown:
the submission reply (撤回 / 催办), a progress notice (催办), the 退回修改 notice (修改 / 撤回), /requests and
the head's waiting list under /status. Through the real Application and the Bot API stand-in."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from domain.callbacks import RESUBMIT, WITHDRAW, pack
from standins.telegram.keyboards import buttons
from standins.telegram.users import FakeUser
from storage.models import ShownCard
from tests.e2e.harness import BotHarness
from tests.e2e.test_approvals import alert, card_for, claim, register_hq


def current(bot: BotHarness, user: FakeUser, message: dict[str, Any]) -> dict[str, Any]:
    """The message as the user's chat shows it now (edits applied)."""
    return next(m for m in bot.standin.messages(user.id) if m["message_id"] == message["message_id"])


def labels(message: dict[str, Any]) -> list[str]:
    """The labels of a message's inline buttons."""
    return [label for label, _data in buttons(message)]


async def submit(bot: BotHarness, user: FakeUser, amount: str) -> dict[str, Any]:
    """Submit an expense; the reply message itself."""
    await claim(bot, user, amount)
    return bot.last(user)


@pytest.mark.wire  # this feature over HTTP and on PostgreSQL too (tests/conftest.py)
async def test_the_submission_reply_offers_withdraw_and_nudge_until_the_head_decides(bot: BotHarness) -> None:
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    reply = await submit(bot, li, "300")
    assert "已提交，等待 张伟（办事处负责人）审批" in reply["text"]
    assert labels(reply) == ["↩ 撤回 #1", "🔔 催办 #1"]
    listing = (await bot.send(li, "/requests"))[-1]
    assert buttons(listing)

    await bot.press(head, card_for(bot, head), "同意")

    for message in (reply, listing):
        now = current(bot, li, message)
        assert buttons(now) == [], f"still live: {now['text']}"
        assert "状态：已通过" in now["text"]
    assert "请重新发送 /requests" in current(bot, li, listing)["text"]
    await bot.press_data(li, reply, pack(WITHDRAW, request=1))
    assert alert(bot).startswith("已被处理：张伟"), "an old 撤回 tapped anyway changes nothing"
    with bot.app.uow() as uow:
        assert uow.session.scalars(select(ShownCard)).all() == [], "every retired view is forgotten"


async def test_withdrawing_from_the_reply_retires_it_the_listing_and_the_heads_card(bot: BotHarness) -> None:
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    reply = await submit(bot, li, "300")
    listing = (await bot.send(li, "/requests"))[-1]
    pushed = card_for(bot, head)

    await bot.press(li, reply, "撤回")

    assert bot.texts(li)[-1] == "费用报销 #1 已撤回。"
    for user, message in ((li, reply), (li, listing), (head, pushed)):
        now = current(bot, user, message)
        assert buttons(now) == [] and "已撤回" in now["text"], now["text"]


async def test_each_progress_notice_offers_a_nudge_until_its_step_is_decided(bot: BotHarness) -> None:
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    hq = await register_hq(bot)
    reply = await submit(bot, li, "6000")
    await bot.press(head, card_for(bot, head), "同意")
    notice = bot.last(li)
    assert "现等待 王芳（财务总监）审批" in notice["text"] and labels(notice) == ["🔔 催办 #1"]
    assert buttons(current(bot, li, reply)) == [], "withdrawing is over once the head decided"
    await bot.press(li, notice, "催办")
    assert alert(bot) == "🔔 已催办 王芳（财务总监）。"

    await bot.press(hq["finance_director"], card_for(bot, hq["finance_director"]), "同意")

    now = current(bot, li, notice)
    assert buttons(now) == [] and "当前：等待 赵强（分管副总裁）审批，第 3/4 步。" in now["text"]
    assert labels(bot.last(li)) == ["🔔 催办 #1"]


async def test_the_sent_back_notice_offers_change_and_withdraw_until_resubmitted(bot: BotHarness) -> None:
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    await submit(bot, li, "300")
    await bot.press(head, card_for(bot, head), "退回修改")
    await bot.send(head, "请附上行程单")
    notice = bot.last(li)
    assert labels(notice) == ["✏️ 修改并重新提交", "↩ 撤回 #1"]

    summary = (await bot.press(li, notice, "修改并重新提交"))[-1]
    again = (await bot.press(li, summary, "提交"))[-1]

    assert "已重新提交" in again["text"] and labels(again) == ["↩ 撤回 #1", "🔔 催办 #1"]
    now = current(bot, li, notice)
    assert buttons(now) == [] and "当前：等待 张伟（办事处负责人）审批" in now["text"]
    await bot.press(li, again, "撤回")
    assert buttons(current(bot, li, again)) == [] and "状态：已撤回" in current(bot, li, again)["text"]


async def test_a_sent_back_request_can_be_withdrawn_from_its_notice(bot: BotHarness) -> None:
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    await submit(bot, li, "300")
    await bot.press(head, card_for(bot, head), "退回修改")
    await bot.send(head, "请附上行程单")
    notice = bot.last(li)

    await bot.press(li, notice, "撤回")

    assert bot.texts(li)[-1] == "费用报销 #1 已撤回。" and "李娜 已撤回" in bot.texts(head)[-1]
    assert buttons(current(bot, li, notice)) == [] and "状态：已撤回" in current(bot, li, notice)["text"]
    await bot.press_data(li, notice, pack(RESUBMIT, request=1))
    assert alert(bot) == "此申请现在不能修改或复制。"


async def test_the_heads_waiting_list_under_status_is_retired_when_a_request_moves_on(bot: BotHarness) -> None:
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    hq = await register_hq(bot)
    await submit(bot, li, "6000")
    await bot.press(head, card_for(bot, head), "同意")
    status = (await bot.send(head, "/status"))[-1]
    assert labels(status) == ["🔔 催办 #1"]

    fd = hq["finance_director"]
    await bot.press(fd, card_for(bot, fd), "同意")

    now = current(bot, head, status)
    assert buttons(now) == [] and "等待 赵强（分管副总裁）审批" in now["text"] and "/status" in now["text"]
