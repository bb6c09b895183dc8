"""Expense claims and leave walking their approval chains in chat, through the stand-in."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from domain.callbacks import APPROVAL_STEP, COPY, WITHDRAW, pack, unpack
from standins.telegram.keyboards import buttons
from standins.telegram.users import FakeUser
from storage.models import AuditEntry
from tests.e2e.harness import STALE, BotHarness


async def claim(bot: BotHarness, user: FakeUser, amount: str, category: str = "差旅费", *, invoice: bool = True) -> str:
    """Fill /expense with one receipt photo and submit; the confirmation text."""
    await bot.send(user, "/expense")
    ask_category = (await bot.send(user, amount))[-1]
    ask_date = (await bot.press(user, ask_category, category))[-1]
    await bot.press(user, ask_date, "今天")
    ask_customer = (await bot.send(user, "拜访客户的差旅费"))[-1]
    await bot.press(user, ask_customer, "跳过")
    await bot.send_photo(user)
    ask_invoice = (await bot.press(user, bot.last(user), "完成"))[-1]
    summary = (await bot.press(user, ask_invoice, "是" if invoice else "否"))[-1]
    assert f"¥{Decimal(amount):,.2f}" in summary["text"]  # issue #10: amounts read with separators
    return (await bot.press(user, summary, "提交"))[-1]["text"]


def card_for(bot: BotHarness, user: FakeUser) -> dict[str, Any]:
    """The latest approval card the user received (a message with approver's step buttons)."""
    cards = [m for m in bot.standin.messages(user.id) if any(is_step(d) for _t, d in buttons(m))]
    assert cards, f"no card for {user.first_name}: {bot.texts(user)}"
    return cards[-1]


def is_step(data: str) -> bool:
    """Whether callback data is an approver's button on a step."""
    pressed = unpack(data)
    return pressed is not None and pressed.kind is APPROVAL_STEP


def alert(bot: BotHarness) -> str:
    """The text of the latest callback answer."""
    return str(bot.standin.callback_answers[-1].get("text") or "")


async def register_hq(bot: BotHarness) -> dict[str, FakeUser]:
    """The finance director, vice president and president at headquarters."""
    bot.add_office("总部", is_hq=True)
    return {role: await bot.register(name, office="总部", roles=[role])
            for name, role in (("王芳", "finance_director"), ("赵强", "vp"), ("钱总", "president"))}


@pytest.mark.wire  # this feature over HTTP and on PostgreSQL too (tests/conftest.py)
async def test_expense_of_4800_is_approved_by_the_office_head(bot: BotHarness) -> None:
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    hq = await register_hq(bot)

    confirmation = await claim(bot, li, "4800")

    assert "已提交，等待 张伟（办事处负责人）审批" in confirmation
    card = card_for(bot, head)
    assert "费用报销 #1 · ¥4,800.00" in card["text"] and "票据：1 张照片" in card["text"]
    receipts = [m for m in bot.standin.messages(head.id) if m.get("photo")]
    assert len(receipts) == 1, "the approver sees the receipt photo itself"
    edited = await bot.press(head, card, "同意")
    assert edited == [] and "✅ 已同意。此申请已全部审批通过。" in alert(bot)
    edited_card = bot.standin.messages(head.id)[card_index(bot, head, card)]
    assert "✅ 张伟（办事处负责人）11-24 10:00：同意" in edited_card["text"]
    assert "状态：已通过" in edited_card["text"] and buttons(edited_card) == []
    assert "已全部审批通过（最后审批：张伟（办事处负责人））" in bot.texts(li)[-1]
    assert not any("费用报销" in text for u in hq.values() for text in bot.texts(u))


def card_index(bot: BotHarness, user: FakeUser, card: dict[str, Any]) -> int:
    """Where a message is in the user's chat (to read its edited version)."""
    return [m["message_id"] for m in bot.standin.messages(user.id)].index(card["message_id"])


async def test_expense_of_6000_walks_four_steps_and_the_requester_hears_each(bot: BotHarness) -> None:
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    hq = await register_hq(bot)
    await claim(bot, li, "6000")

    for step, approver in enumerate((head, hq["finance_director"], hq["vp"], hq["president"]), start=1):
        card = card_for(bot, approver)
        assert f"第 {step}/4 步" in card["text"]
        await bot.press(approver, card, "同意")

    told = [m for m in bot.standin.messages(li.id) if m["text"].startswith(("📝 费用报销 #1", "您的申请"))]
    assert len(told) == 5, "the submission reply, three notices with 催办, the last word"
    assert "已全部审批通过（最后审批：钱总（总裁））" in told[4]["text"]
    for step, earlier in enumerate(told[:4], start=1):  # each one's 催办 retired when its step was decided
        assert buttons(earlier) == [] and f"{step}. " in earlier["text"] and "✅ 同意" in earlier["text"]
    assert "当前：等待 钱总（总裁）审批" in told[2]["text"] and "状态：已通过" in told[3]["text"]


async def test_rejection_asks_for_a_reason_and_stops_the_chain(bot: BotHarness) -> None:
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    hq = await register_hq(bot)
    await claim(bot, li, "6000")
    await bot.press(head, card_for(bot, head), "同意")

    fd = hq["finance_director"]
    ask_reason = (await bot.press(fd, card_for(bot, fd), "驳回"))[-1]
    assert "请填写驳回理由" in ask_reason["text"]
    assert "驳回" not in alert(bot), "one tap opens the question, nothing is decided yet"
    done = (await bot.send(fd, "超出本月预算"))[-1]["text"]

    assert "❌ 已驳回" in done
    assert "被 王芳（财务总监）驳回" in bot.texts(li)[-1] and "理由：超出本月预算" in bot.texts(li)[-1]
    assert not any("费用报销" in t for t in bot.texts(hq["vp"]))
    requests = (await bot.send(li, "/requests"))[-1]
    assert "费用报销 #1 · ¥6,000.00 — 状态：已驳回" in requests["text"]
    assert "2. 王芳（财务总监） — ❌ 驳回 11-24 10:00" in requests["text"]
    assert "3. 赵强（分管副总裁） — 未到达" in requests["text"]
    assert buttons(requests) == [("📄 复制 #1", pack(COPY, request=1))]
    with bot.app.uow() as uow:
        audit = uow.session.scalars(select(AuditEntry).where(AuditEntry.action == "approval.reject")).one()
        assert audit.detail["comment"] == "超出本月预算"

    summary = (await bot.press(li, requests, "复制"))[-1]
    assert "请核对" in summary["text"] and "¥6,000.00" in summary["text"] and "1 张照片" in summary["text"]
    copied = (await bot.press(li, summary, "提交"))[-1]["text"]
    assert "申请 #2 已提交" in copied
    assert "费用报销 #2 · ¥6,000.00" in card_for(bot, head)["text"]


async def test_withdraw_then_a_stale_tap_changes_nothing(bot: BotHarness) -> None:
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    await bot.send(li, "/leave")
    ask_type = (await bot.press(li, bot.last(li), "请假"))[-1]
    ask_first = (await bot.press(li, ask_type, "事假"))[-1]
    ask_last = (await bot.press(li, ask_first, "今天"))[-1]
    assert "结束日期" in ask_last["text"]
    ask_halves = (await bot.send(li, "2026-11-25"))[-1]
    ask_reason = (await bot.press(li, ask_halves, "全天"))[-1]
    assert "请填写事由" in ask_reason["text"]
    summary = (await bot.send(li, "家中有事"))[-1]
    assert "申请 #1 已提交" in (await bot.press(li, summary, "提交"))[-1]["text"]
    card = card_for(bot, head)
    assert "请假 #1 · 2026-11-24 – 2026-11-25" in card["text"]
    assert "日期：2026-11-24 至 2026-11-25（共 2 天）" in card["text"]

    listing = (await bot.send(li, "/requests"))[-1]
    assert "等待 张伟（办事处负责人）审批" in listing["text"]
    await bot.press(li, listing, "撤回 #1")
    assert bot.texts(li)[-1] == "请假 #1 已撤回。"
    assert "李娜 已撤回" in bot.texts(head)[-1]

    await bot.press(head, card, "同意")
    assert alert(bot) == "申请人已撤回此申请。"
    assert (await bot.send(head, "/pending"))[-1]["text"] == "没有等待您审批的申请。"


async def test_double_taps_forged_and_foreign_buttons(bot: BotHarness) -> None:
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    wang = await bot.register("王五", office="上海办事处", roles=["sales"])
    await claim(bot, li, "300", category="办公用品")
    card = card_for(bot, head)
    help_message = (await bot.send(wang, "/help"))[-1]

    step = APPROVAL_STEP
    for data, expected in ((pack(step, request=1, step=0, action="a"), "您无权审批此申请。"),
                           (pack(step, request=99, step=0, action="a"), "未找到。"),
                           (pack(step, request=1, step=7, action="r"), "未找到。"), ("1:apv:1:0:x", STALE),
                           ("apv:1:0:a", STALE), (pack(WITHDRAW, request=1), "未找到。")):
        await bot.press_data(wang, help_message, data)
        assert alert(bot) == expected
    pending = await bot.send(head, "/pending")
    assert "有 1 个申请等待您审批" in pending[0]["text"]

    await bot.press(head, card, "同意")
    await bot.press_data(head, card, pack(APPROVAL_STEP, request=1, step=0, action="r"))
    assert alert(bot).startswith("已被处理：张伟 于 2026-11-24 10:00 同意")
    told = [t for t in bot.texts(li) if t.startswith("您的申请")]
    assert len(told) == 1 and "已全部审批通过" in told[0]
