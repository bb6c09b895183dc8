"""Onboarding checklist and probation with its 转正 chain, through the real Application and the stand-in."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from domain.callbacks import EVALUATION, ONBOARDING_ITEM, WITHDRAW, pack
from schedules.people import evaluation_chasing, probation_sweep
from standins.telegram.keyboards import buttons
from storage.models import ApprovalRequest, OnboardingItem, Probation, Staff
from tests.e2e.harness import BotHarness

SHANGHAI = ZoneInfo("Asia/Shanghai")


def cst(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=SHANGHAI)


def staff_id(bot: BotHarness, name: str) -> int:
    with bot.app.uow() as uow:
        return int(uow.session.scalars(select(Staff.id).where(Staff.name == name)).one())


async def sweep(bot: BotHarness) -> None:
    await probation_sweep(bot.app)
    await bot.flush()


@pytest.mark.wire  # this feature over HTTP and on PostgreSQL too (tests/conftest.py)
async def test_admin_ticks_the_checklist_once_and_the_new_person_sees_theirs(bot: BotHarness) -> None:
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    admin = await bot.register("王芳", office="上海办事处", roles=["admin"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])

    card = bot.last(admin)
    assert card["text"].splitlines()[0] == "🧭 李娜的入职清单"
    assert [label for label, _ in buttons(card)] == ["⬜ 资料提交", "⬜ 办公用品领用", "⬜ 介绍团队",
                                                     "⬜ 岗位职责与制度培训", "⬜ 业务知识培训"]
    data = buttons(card)[0][1]
    await bot.press(admin, card, "资料提交")
    edited = bot.last(admin)
    assert "✅ 资料提交" in edited["text"] and "⬜ 办公用品领用" in edited["text"]
    assert [label for label, _ in buttons(edited)] == [
        "⬜ 办公用品领用", "⬜ 介绍团队", "⬜ 岗位职责与制度培训", "⬜ 业务知识培训"]
    await bot.press_data(admin, card, data)  # a double tap from the old card
    assert bot.standin.callback_answers[-1]["text"] == "此项已勾选过。"
    li_id = staff_id(bot, "李娜")
    with bot.app.uow() as uow:
        done = uow.session.scalars(select(OnboardingItem.item).where(OnboardingItem.staff_id == li_id,
                                                                     OnboardingItem.done_at.is_not(None))).all()
    assert list(done) == ["documents"]

    own = (await bot.send(li, "/onboarding"))
    assert len(own) == 1 and buttons(own[0]) == []
    assert "✅ 资料提交" in own[0]["text"] and "导师：尚未指定" in own[0]["text"]
    assert "试用期：2026-11-24 – 2027-02-23" in own[0]["text"]
    await bot.press_data(li, own[0], buttons(edited)[0][1])  # the new person cannot tick their own list
    assert bot.standin.callback_answers[-1]["text"] == "未找到。"
    await bot.press_data(admin, card, pack(ONBOARDING_ITEM, item=999999))
    assert bot.standin.callback_answers[-1]["text"] == "未找到。"

    assert "用法" in (await bot.send(admin, "/mentor 李娜"))[-1]["text"]
    assert "导师须为" in (await bot.send(admin, "/mentor 李娜 李娜"))[-1]["text"]
    assert (await bot.send(admin, "/mentor 李娜 张伟"))[-1]["text"] == "已指定导师，并已通知双方。"
    assert bot.last(li)["text"] == "您的导师是张伟。"
    assert bot.last(head)["text"] == "您已被指定为李娜的导师。"
    assert "角色无权" in (await bot.send(li, "/mentor 李娜 张伟"))[-1]["text"]

    def current() -> dict[str, Any]:
        return next(m for m in bot.standin.messages(admin.id) if m["message_id"] == card["message_id"])

    for label in ("办公用品领用", "介绍团队", "岗位职责与制度培训", "业务知识培训"):
        await bot.press(admin, current(), label)
    assert "入职各项均已完成" in str(current()["text"]) and buttons(current()) == []
    assert bot.last(li)["text"] == "🎉 您的入职清单已全部完成，欢迎加入！"


async def test_probation_evaluations_reminded_once_across_a_restart_and_confirmed_by_the_chain(
        bot: BotHarness) -> None:
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    hr = await bot.register("赵敏", office="上海办事处", roles=["hr"])
    boss = await bot.register("刘洋", office="上海办事处", roles=["regional_manager"], manager="张伟")
    li = await bot.register("李娜", office="上海办事处", roles=["sales"], manager="刘洋")

    bot.clock.set(cst(2026, 12, 24))  # the first monthly point
    await sweep(bot)
    await sweep(bot)
    prompts = [t for t in bot.texts(boss) if "为李娜填写" in t]
    assert prompts == ["📝 请在 2026-12-31 前为李娜填写一份简短的试用期评价（截至 2026-12-24）。"]
    prompt = bot.last(boss)

    bot.clock.set(cst(2026, 12, 29))
    await bot.restart()
    await sweep(bot)
    await sweep(bot)
    reminders = [t for t in bot.texts(boss) if t.startswith("⏰ 提醒：李娜")]
    assert reminders == ["⏰ 提醒：李娜的试用期评价（截至 2026-12-24）须在 2026-12-31 前填写。"]

    mine = (await bot.send(li, "/onboarding"))[-1]
    await bot.press_data(li, mine, buttons(prompt)[0][1])  # not her manager: refused
    assert bot.standin.callback_answers[-1]["text"] == "未找到。"
    await bot.press_data(boss, prompt, pack(EVALUATION, staff=1, point="20261399"))  # a forged date
    assert bot.standin.callback_answers[-1]["text"] == "未找到。"
    ask = (await bot.press(boss, prompt, "填写评价"))[-1]
    ask_text = (await bot.press(boss, ask, "良好"))[-1]
    assert "优点" in ask_text["text"]
    summary = (await bot.send(boss, "上手快，客户沟通积极"))[-1]
    assert "保存" in str(buttons(summary))
    assert "已保存李娜的试用期评价" in (await bot.press(boss, summary, "保存"))[-1]["text"]
    await bot.press(boss, prompt, "填写评价")
    assert bot.standin.callback_answers[-1]["text"] == "李娜本阶段的试用期评价已经填写过了。"

    bot.clock.set(cst(2027, 2, 9))  # 14 days before the end (2027-02-23): the 转正 request opens
    await sweep(bot)
    await sweep(bot)
    card = bot.last(boss)
    assert card["text"].startswith("📝 转正 #")
    assert "试用期：2026-11-24 – 2027-02-23" in card["text"]
    assert "试用期评价：2026-12-24 ★★★☆ 上手快，客户沟通积极" in card["text"]
    assert "第 1/3 步" in card["text"]
    mine = (await bot.send(li, "/requests"))[-1]  # the probationer cannot withdraw her own 转正
    assert "转正 #" in mine["text"] and not any("撤回" in label for label, _data in buttons(mine))
    request_no = card["text"].split("#")[1].split(" ")[0]
    await bot.press_data(li, mine, pack(WITHDRAW, request=int(request_no)))
    assert bot.standin.callback_answers[-1]["text"] == "未找到。"
    await bot.press(boss, card, "同意")
    head_card = bot.last(head)
    assert head_card["text"].startswith("📝 转正 #") and "第 2/3 步" in head_card["text"]
    await bot.press(head, head_card, "同意")
    hr_card = bot.last(hr)
    assert "第 3/3 步" in hr_card["text"]
    listing = (await bot.send(hr, "/probation"))[-1]["text"]
    assert "• 李娜（上海办事处）2026-11-24 – 2027-02-23；评价 1 次；导师：—；转正待赵敏审批" in listing
    assert "角色无权" in (await bot.send(li, "/probation"))[-1]["text"]

    bot.clock.set(cst(2027, 2, 22))
    await sweep(bot)
    await sweep(bot)
    assert [t for t in bot.texts(hr) if "李娜的试用期将于" in t] == [
        "⏰ 李娜的试用期将于 2027-02-23 结束，转正仍待赵敏审批。"]
    await bot.press(hr, hr_card, "同意")
    assert "已全部审批通过" in bot.last(li)["text"]
    await sweep(bot)
    li_id = staff_id(bot, "李娜")
    with bot.app.uow() as uow:
        probation = uow.session.get(Probation, li_id)
        assert probation is not None and probation.closed
        req = uow.session.get(ApprovalRequest, probation.request_id)
        assert req is not None and (req.kind, req.status) == ("confirmation", "approved")
    assert "李娜" not in (await bot.send(hr, "/probation"))[-1]["text"]


async def chase(bot: BotHarness) -> None:
    await evaluation_chasing(bot.app)
    await bot.flush()


async def test_an_unwritten_evaluation_is_chased_then_escalated_once_across_a_restart(bot: BotHarness) -> None:
    bot.clock.set(cst(2026, 11, 2))  # probation 2026-11-02 – 2027-02-01, first point 12-02, due by 12-09
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    boss = await bot.register("刘洋", office="上海办事处", roles=["regional_manager"], manager="张伟")
    li = await bot.register("李娜", office="上海办事处", roles=["sales"], manager="刘洋")
    bot.clock.set(cst(2026, 12, 2))
    await sweep(bot)

    bot.clock.set(cst(2026, 12, 9))  # the deadline itself: not yet overdue
    await chase(bot)
    assert not [t for t in bot.texts(boss) if t.startswith("⚠️")]
    bot.clock.set(cst(2026, 12, 10))
    await chase(bot)
    await bot.restart()
    await chase(bot)
    chased = [m for m in bot.standin.messages(boss.id) if str(m.get("text", "")).startswith("⚠️")]
    assert [m["text"] for m in chased] == [
        "⚠️ 李娜的试用期评价（截至 2026-12-02）应在 2026-12-09 前填写，目前仍未填写，请尽快填写。"]
    assert not [t for t in bot.texts(head) if t.startswith("🚨")]

    bot.clock.set(cst(2026, 12, 14))  # 3 days and more after the deadline (a Monday): 刘洋's manager is told
    await chase(bot)
    await chase(bot)
    assert [t for t in bot.texts(head) if t.startswith("🚨")] == [
        "🚨 升级提醒：刘洋尚未填写李娜的试用期评价（截至 2026-12-02，应于 2026-12-09 前填写）。"]
    assert not [t for t in bot.texts(li) if t.startswith(("⚠️", "🚨"))]

    ask = (await bot.press(boss, chased[0], "填写评价"))[-1]  # the chase's button opens the form
    await bot.press(boss, ask, "良好")
    summary = (await bot.send(boss, "进步明显"))[-1]
    assert "已保存李娜的试用期评价" in (await bot.press(boss, summary, "保存"))[-1]["text"]
    bot.clock.set(cst(2027, 1, 11))  # the next point (01-02, due 01-09) is chased; the written one never again
    await chase(bot)
    points = [t.split("（")[1][:13] for t in bot.texts(boss) if t.startswith("⚠️")]
    assert points == ["截至 2026-12-02", "截至 2027-01-02"]
