"""退回修改 then resubmitted: the chain is resolved again for the new amount, and the flow restarts at step 1
(as DingTalk does); the requester sees the new chain. Through the real Application and the stand-in."""

from __future__ import annotations

import pytest

from standins.telegram.users import FakeUser
from storage.models import ApprovalRequest
from tests.e2e.harness import BotHarness
from tests.e2e.test_approvals import card_for, claim, register_hq


async def send_back_and_change(bot: BotHarness, approver: FakeUser, requester: FakeUser, amount: str) -> str:
    """The approver sends the request back; the requester changes its amount and resubmits: the reply."""
    await bot.press(approver, card_for(bot, approver), "退回修改")
    await bot.send(approver, "金额不对，请改正")
    notice = bot.standin.messages(requester.id)[-1]
    summary = (await bot.press(requester, notice, "修改并重新提交"))[-1]
    menu = (await bot.press(requester, summary, "修改"))[-1]
    await bot.press(requester, menu, "金额")
    summary = (await bot.send(requester, amount))[-1]
    return str((await bot.press(requester, summary, "提交"))[-1]["text"])


def chain_of(bot: BotHarness) -> list[str]:
    """The stored chain's roles of request 1."""
    with bot.app.uow() as uow:
        req = uow.session.get(ApprovalRequest, 1)
        assert req is not None
        return [step["role"] for step in req.chain]


@pytest.mark.wire  # this feature over HTTP and on PostgreSQL too (tests/conftest.py)
async def test_a_resubmitted_expense_raised_over_5000_climbs_the_longer_chain(bot: BotHarness) -> None:
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    hq = await register_hq(bot)
    await claim(bot, li, "300")
    assert chain_of(bot) == ["office_head"]

    reply = await send_back_and_change(bot, head, li, "6000")

    assert "申请 #1 已重新提交，等待 张伟（办事处负责人）审批" in reply
    assert "审批流程：" in reply and "王芳（财务总监）" in reply and "钱总（总裁）" in reply
    assert chain_of(bot) == ["office_head", "finance_director", "vp", "president"]
    for step, approver in enumerate((head, hq["finance_director"], hq["vp"], hq["president"]), start=1):
        card = card_for(bot, approver)
        assert f"第 {step}/4 步" in card["text"] and "¥6,000.00" in card["text"]
        await bot.press(approver, card, "同意")
    assert "已全部审批通过（最后审批：钱总（总裁））" in bot.texts(li)[-1]


async def test_a_resubmitted_expense_lowered_under_5000_restarts_at_the_head_and_ends_there(
        bot: BotHarness) -> None:
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    hq = await register_hq(bot)
    fd = hq["finance_director"]
    await claim(bot, li, "6000")
    await bot.press(head, card_for(bot, head), "同意")

    reply = await send_back_and_change(bot, fd, li, "3000")

    assert "等待 张伟（办事处负责人）审批" in reply and "财务总监" not in reply.split("审批流程：")[1]
    assert chain_of(bot) == ["office_head"]
    again = card_for(bot, head)
    assert "第 1/1 步" in again["text"] and "¥3,000.00" in again["text"]
    assert "↩ 王芳（财务总监）" in again["text"], "the earlier round stays in the history, with its roles"
    await bot.press(head, again, "同意")
    assert "已全部审批通过（最后审批：张伟（办事处负责人））" in bot.texts(li)[-1]
    assert not any("¥3,000.00" in text for text in bot.texts(fd)), "the finance director is no longer asked"
    with bot.app.uow() as uow:
        req = uow.session.get(ApprovalRequest, 1)
        assert req is not None and (req.status, req.round) == ("approved", 1)
