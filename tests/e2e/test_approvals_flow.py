"""Approvals as DingTalk / WeCom users know them, through the real Application and the stand-in:
old cards retired wherever shown, reasons, 退回修改, the chain up front, 抄送, 同意并评论, 催办, 代理审批."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from domain.callbacks import APPROVAL_STEP, NUDGE, pack
from services.approvals import reminders as approval_reminders
from standins.telegram.keyboards import buttons
from standins.telegram.users import FakeUser
from storage.models import ApprovalRequest, ShownCard
from tests.e2e.harness import BotHarness
from tests.e2e.test_approvals import alert, card_for, claim, register_hq

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEAR = (31.2310, 121.4740)


def current(bot: BotHarness, user: FakeUser, message: dict[str, Any]) -> dict[str, Any]:
    """The message as the user's chat shows it now (edits applied)."""
    return next(m for m in bot.standin.messages(user.id) if m["message_id"] == message["message_id"])


def approval_cards(bot: BotHarness, user: FakeUser) -> list[dict[str, Any]]:
    """Every message in the user's chat that is (or was) an approval card."""
    return [m for m in bot.standin.messages(user.id) if "费用报销 #" in (m.get("text") or "")
            and ("第 1/" in m["text"] or "状态：" in m["text"])]


@pytest.mark.wire  # this feature over HTTP and on PostgreSQL too (tests/conftest.py)
async def test_a_decision_from_pending_retires_the_pushed_card_and_the_other_approvers(bot: BotHarness) -> None:
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    deputy = await bot.register("陈静", office="上海办事处", roles=["office_head"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    await claim(bot, li, "300", category="办公用品")
    pushed, other = card_for(bot, head), card_for(bot, deputy)

    listed = (await bot.send(head, "/pending"))[-1]
    assert buttons(listed) and listed["message_id"] != pushed["message_id"]
    await bot.press(head, listed, "同意")

    for user, message in ((head, pushed), (head, listed), (deputy, other)):
        now = current(bot, user, message)
        assert buttons(now) == [], f"{user.first_name}'s card still has live buttons: {now['text']}"
        assert "状态：已通过" in now["text"] and "✅ 张伟（办事处负责人）" in now["text"]
    with bot.app.uow() as uow:
        assert uow.session.scalars(select(ShownCard)).all() == [], "retired views are forgotten"


async def test_a_confirmed_check_in_card_loses_its_buttons(bot: BotHarness) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    bot.clock.set(datetime(2026, 11, 24, 8, 20, tzinfo=SHANGHAI))
    await bot.send(li, "/checkin")
    summary = (await bot.share_location(li, *NEAR, date=bot.clock()))[-1]
    assert buttons(summary)
    await bot.press(li, summary, "签到")
    assert buttons(current(bot, li, summary)) == []
    assert "请核对" in current(bot, li, summary)["text"]


async def test_withdrawal_retires_the_approvers_card(bot: BotHarness) -> None:
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    await claim(bot, li, "300", category="办公用品")
    pushed = card_for(bot, head)
    await bot.press(li, (await bot.send(li, "/requests"))[-1], "撤回")
    assert buttons(current(bot, head, pushed)) == [] and "状态：已撤回" in current(bot, head, pushed)["text"]


async def test_the_whole_chain_up_front_in_the_reply_and_in_requests(bot: BotHarness) -> None:
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    hq = await register_hq(bot)
    reply = await claim(bot, li, "6000")

    assert "审批流程：" in reply
    assert "1. 张伟（办事处负责人） — ⏳ 审批中" in reply and "4. 钱总（总裁） — 待审批" in reply
    await bot.press(head, card_for(bot, head), "同意")
    listing = (await bot.send(li, "/requests"))[-1]["text"]
    assert "1. 张伟（办事处负责人） — ✅ 同意 11-24 10:00" in listing
    assert "2. 王芳（财务总监） — ⏳ 审批中" in listing and "3. 赵强（分管副总裁） — 待审批" in listing
    assert hq


async def test_approve_with_a_comment_in_two_taps(bot: BotHarness) -> None:
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    await claim(bot, li, "300", category="办公用品")
    card = card_for(bot, head)

    question = (await bot.press(head, card, "同意并评论"))[-1]
    assert "请输入评论" in question["text"]
    done = (await bot.send(head, "下次请先报预算"))[-1]["text"]

    assert "此申请已全部审批通过" in done
    told = bot.texts(li)[-1]
    assert "已全部审批通过" in told and "意见：下次请先报预算" in told
    assert buttons(current(bot, head, card)) == [] and "“下次请先报预算”" in current(bot, head, card)["text"]
    await bot.press_data(head, card, pack(APPROVAL_STEP, request=1, step=0, action="c"))
    assert alert(bot).startswith("已被处理：张伟")


async def test_send_back_then_the_same_request_is_changed_and_resubmitted(bot: BotHarness) -> None:
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    await claim(bot, li, "300", category="办公用品")
    first = card_for(bot, head)

    await bot.press(head, first, "退回修改")
    assert "已退回修改" in (await bot.send(head, "金额写错了，应为 350"))[-1]["text"]
    notice = bot.standin.messages(li.id)[-1]
    assert "被 张伟（办事处负责人）退回修改" in notice["text"] and "修改意见：金额写错了，应为 350" in notice["text"]
    assert buttons(current(bot, head, first)) == []

    summary = (await bot.press(li, notice, "修改并重新提交"))[-1]
    assert "1 张照片" in summary["text"]
    menu = (await bot.press(li, summary, "修改"))[-1]
    await bot.press(li, menu, "金额")
    summary = (await bot.send(li, "350"))[-1]
    done = (await bot.press(li, summary, "提交"))[-1]["text"]

    assert "申请 #1 已重新提交，等待 张伟（办事处负责人）审批" in done
    again = card_for(bot, head)
    assert again["message_id"] != first["message_id"] and "费用报销 #1 · ¥350.00" in again["text"]
    assert "申请人已修改并重新提交" in again["text"] and "票据：1 张照片" in again["text"]
    assert "↩ 张伟（办事处负责人）" in again["text"], "the earlier send-back stays in the history"
    await bot.press(head, again, "同意")
    assert "已全部审批通过" in bot.texts(li)[-1]
    await bot.press(li, notice, "修改并重新提交")
    assert alert(bot) == "此申请现在不能修改或复制。"
    with bot.app.uow() as uow:
        req = uow.session.get(ApprovalRequest, 1)
        assert req is not None and (req.status, req.round, len(req.photos)) == ("approved", 1, 1)


async def test_cc_by_configuration_and_by_choice_hears_the_end_without_buttons(bot: BotHarness) -> None:
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    bot.add_office("总部", is_hq=True)
    finance = await bot.register("周敏", office="总部", roles=["finance"])
    wang = await bot.register("王五", office="上海办事处", roles=["sales"])

    await bot.send(li, "/expense")
    ask_category = (await bot.send(li, "300"))[-1]
    ask_date = (await bot.press(li, ask_category, "办公用品"))[-1]
    await bot.press(li, ask_date, "今天")
    await bot.press(li, (await bot.send(li, "打印纸"))[-1], "跳过")
    await bot.send_photo(li)
    summary = (await bot.press(li, (await bot.press(li, bot.last(li), "完成"))[-1], "是"))[-1]
    assert "抄送" in summary["text"]
    menu = (await bot.press(li, summary, "修改"))[-1]
    await bot.press(li, menu, "抄送")
    summary = (await bot.send(li, "王"))[-1]  # one match: chosen without a tap
    assert "抄送: 王五" in summary["text"] or "抄送：王五" in summary["text"]
    reply = (await bot.press(li, summary, "提交"))[-1]["text"]
    assert "抄送：周敏、王五" in reply
    assert not any("费用报销" in t for t in bot.texts(finance) + bot.texts(wang)), "CC hears only the end"

    await bot.press(head, card_for(bot, head), "同意")
    for person in (finance, wang):
        last = bot.standin.messages(person.id)[-1]
        assert "📋 抄送给您：费用报销 #1 · ¥300.00 已通过" in last["text"] and buttons(last) == []


async def test_nudge_once_per_hour_from_requests(bot: BotHarness) -> None:
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    await claim(bot, li, "300", category="办公用品")
    cards_before = len(approval_cards(bot, head))

    listing = (await bot.send(li, "/requests"))[-1]
    await bot.press(li, listing, "催办")
    assert alert(bot) == "🔔 已催办 张伟（办事处负责人）。"
    nudged = card_for(bot, head)
    assert "🔔 李娜 催办" in nudged["text"] and len(approval_cards(bot, head)) == cards_before + 1
    await bot.press(li, listing, "催办")
    assert alert(bot) == "一小时内已催办过，11:00 后可再次催办。"
    assert len(approval_cards(bot, head)) == cards_before + 1

    bot.clock.advance(minutes=61)
    await bot.press(li, listing, "催办")
    assert alert(bot).startswith("🔔 已催办") and len(approval_cards(bot, head)) == cards_before + 2
    await bot.press(head, card_for(bot, head), "同意")
    assert all(buttons(m) == [] for m in approval_cards(bot, head)), "every copy, nudges included, is retired"
    await bot.press(li, listing, "催办")
    assert alert(bot) == "此申请已不在审批中。"


async def personal_leave(bot: BotHarness, user: FakeUser, first: str, last: str, reason: str) -> dict[str, Any]:
    """Fill /leave as a 事假 (personal leave) from `first` to `last`, whole days; the summary to submit."""
    await bot.send(user, "/leave")
    await bot.press(user, bot.last(user), "请假")
    await bot.press(user, bot.last(user), "事假")
    await bot.send(user, first)
    asked = (await bot.send(user, last))[-1]
    if any("全天" in label for label, _data in buttons(asked)):
        await bot.press(user, asked, "全天")
    return (await bot.send(user, reason))[-1]


async def test_an_approver_on_leave_hands_the_step_to_a_stand_in(bot: BotHarness) -> None:
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    bot.add_office("总部", is_hq=True)
    gm = await bot.register("刘总", office="总部", roles=["gm"])
    summary = await personal_leave(bot, head, "2026-11-24", "2026-11-25", "年假")
    assert "等待 刘总" in (await bot.press(head, summary, "提交"))[-1]["text"]
    await bot.press(gm, card_for(bot, gm), "同意")

    await claim(bot, li, "300", category="办公用品")
    told = "\n".join(bot.texts(li))
    assert "等待 刘总（总经理）审批" in told and "1. 刘总（总经理） — ⏳ 审批中" in told and "代理休假的 张伟" in told
    assert "张伟 今天休假，费用报销 #2 · ¥300.00 已转由 刘总（总经理）代理审批。" in told
    assert not any("费用报销 #2" in t for t in bot.texts(head))
    await bot.press(gm, card_for(bot, gm), "同意")
    assert "已全部审批通过（最后审批：刘总" in bot.texts(li)[-1]


async def test_the_head_nudges_from_status_what_waits_at_headquarters(bot: BotHarness) -> None:
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    hq = await register_hq(bot)
    await claim(bot, li, "6000")
    await bot.press(head, card_for(bot, head), "同意")
    fd = hq["finance_director"]
    cards_before = len([m for m in bot.standin.messages(fd.id) if buttons(m)])

    status = (await bot.send(head, "/status"))[-1]
    assert "本办事处待审批的申请" in status["text"] and "等待 王芳（财务总监）审批" in status["text"]
    await bot.press(head, status, "催办 #1")
    assert alert(bot) == "🔔 已催办 王芳（财务总监）。"
    assert "🔔 张伟 催办" in card_for(bot, fd)["text"]
    assert len([m for m in bot.standin.messages(fd.id) if buttons(m)]) == cards_before + 1
    await bot.press(li, (await bot.send(li, "/requests"))[-1], "催办")
    assert alert(bot).startswith("一小时内已催办过"), "once per step per hour, whoever nudges"

    stranger = await bot.register("王五", office="上海办事处", roles=["sales"])
    await bot.press_data(stranger, (await bot.send(stranger, "/help"))[-1], pack(NUDGE, request=1))
    assert alert(bot) == "未找到。"


async def test_a_step_waiting_when_the_approvers_leave_begins_goes_to_the_stand_in(bot: BotHarness) -> None:
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    bot.add_office("总部", is_hq=True)
    gm = await bot.register("刘总", office="总部", roles=["gm"])
    await claim(bot, li, "300", category="办公用品")
    waiting = card_for(bot, head)
    await bot.press(head, await personal_leave(bot, head, "2026-11-25", "2026-11-25", "年假"), "提交")
    await bot.press(gm, card_for(bot, gm), "同意")

    sweep = partial(approval_reminders.chase_pending, bot.app.uow)
    sweep(now=bot.clock())
    await bot.flush()
    assert not any("费用报销 #1" in t for t in bot.texts(gm)), "on the day before the leave, nothing moves"

    bot.clock.set(datetime(2026, 11, 25, 9, 0, tzinfo=SHANGHAI))
    sweep(now=bot.clock())
    sweep(now=bot.clock())
    await bot.flush()
    handed = [m for m in bot.standin.messages(gm.id) if "费用报销 #1" in (m.get("text") or "") and buttons(m)]
    assert len(handed) == 1 and "🔁 张伟 休假中，此申请由您代理审批" in handed[0]["text"]
    assert "张伟 今天休假，费用报销 #1 · ¥300.00 已转由 刘总（总经理）代理审批。" in bot.texts(li)
    old = current(bot, head, waiting)
    assert buttons(old) == [] and "当前：等待 刘总（总经理）" in old["text"]
    await bot.press(head, waiting, "同意")  # the old copy, replayed from the client
    assert alert(bot) == "您无权审批此申请。"
    await bot.press(gm, handed[0], "同意")
    assert "已全部审批通过（最后审批：刘总" in bot.texts(li)[-1]
