"""Customer visits in chat: return visit with satisfaction, location pinning and distance, restart, /my."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from domain.callbacks import VISIT, pack
from storage.models import Customer, Visit
from tests.e2e.harness import STALE, BotHarness
from tests.e2e.test_records_support import add_customer, labels, say

SITE = (31.2304, 121.4737)
COUNTER = re.compile(r"】 (\d+)/(\d+)")


def counter(message: dict[str, Any]) -> tuple[int, int]:
    """The 'k/n' step counter of a form prompt."""
    found = COUNTER.search(message["text"])
    assert found, f"no step counter in {message['text']!r}"
    return int(found.group(1)), int(found.group(2))


@pytest.mark.wire  # this feature over HTTP and on PostgreSQL too (tests/conftest.py)
async def test_a_return_visit_pins_the_customer_and_the_next_visit_is_measured(bot: BotHarness) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    await add_customer(bot, li, "某市公安局")
    first = (await bot.send(li, "/visit"))[-1]
    when = (await bot.press(li, first, "某市公安局"))[-1]
    purpose = (await bot.press(li, when, "现在"))[-1]
    assert labels(purpose)[:4] == ["新客户开发", "跟进", "回访", "投诉处理"]
    stars = (await bot.press(li, purpose, "回访"))[-1]
    assert "满意度" in stars["text"]
    await bot.press(li, stars, "⭐⭐⭐⭐")
    next_step = await say(bot, li, "王科长", "客户满意，提出增购两台枪柜")
    location = (await bot.press(li, next_step, "跳过"))[-1]
    assert "发送您的位置" in location["text"]
    stale = (await bot.share_location(li, *SITE, date=bot.clock() - timedelta(hours=1)))[-1]
    assert "请发送您当前的位置" in stale["text"]
    photos = (await bot.share_location(li, *SITE, date=bot.clock()))[-1]
    summary = (await bot.press(li, photos, "完成"))[-1]
    assert "• 满意度: ⭐⭐⭐⭐" in summary["text"] and "下一步计划: —" in summary["text"]
    assert "下次跟进日期" not in summary["text"]
    saved = (await bot.press(li, summary, "保存"))[-1]
    assert "拜访记录已保存" in saved["text"] and "满意度：4/5" in saved["text"]
    assert "已将此位置记为该客户的位置" in saved["text"] and "2026-11-24 10:00" in saved["text"]

    await bot.send(li, "/visit")
    await say(bot, li, "公安")
    future = await say(bot, li, "2026-11-24 18:00")
    assert "时间不能晚于现在" in future["text"]
    purpose = await say(bot, li, "2026-11-24 09:30")
    asked = (await bot.press(li, purpose, "跟进"))[-1]
    assert "见了谁" in asked["text"]
    await say(bot, li, "王科长", "演示新款枪弹一体柜", "送样品", "2026-11-30")
    await bot.share_location(li, SITE[0] + 0.01, SITE[1], date=bot.clock())
    photos = (await bot.send_photo(li))[-1]
    summary = (await bot.press(li, photos, "完成"))[-1]
    saved = (await bot.press(li, summary, "保存"))[-1]
    assert "下一步：送样品（2026-11-30）" in saved["text"] and "位置：距客户 111" in saved["text"]
    with bot.app.uow() as uow:
        customer = uow.session.scalars(select(Customer)).one()
        assert (customer.lat, customer.lon) == SITE
        assert [v.satisfaction for v in uow.session.scalars(select(Visit).order_by(Visit.id))] == [4, None]
    mine = (await bot.send(li, "/my"))[-1]["text"]
    assert "某市公安局 — 回访（李娜）" in mine and "某市公安局 — 跟进（李娜）" in mine


async def test_a_follow_up_date_before_the_visit_sends_back_to_that_field(bot: BotHarness) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    await add_customer(bot, li, "某市公安局")
    await bot.send(li, "/visit")
    when = (await bot.press(li, bot.last(li), "某市公安局"))[-1]
    purpose = (await bot.press(li, when, "现在"))[-1]
    await bot.press(li, purpose, "投诉处理")
    location = await say(bot, li, "王科长", "门锁投诉已处理", "三天后回访", "2026-11-20")
    photos = await say(bot, li, "跳过")
    summary = (await bot.press(li, photos, "完成"))[-1]
    back = (await bot.press(li, summary, "保存"))[-1]
    assert "下次跟进日期不能早于本次拜访" in back["text"] and "计划在哪天之前完成" in back["text"]
    summary = await say(bot, li, "2026-11-27")
    assert "已保存" in (await bot.press(li, summary, "保存"))[-1]["text"] and location


async def test_a_visit_survives_a_restart_and_a_new_form_asks_before_dropping_it(bot: BotHarness) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    await add_customer(bot, li, "某市公安局")
    await bot.send(li, "/visit")
    when = (await bot.press(li, bot.last(li), "某市公安局"))[-1]
    purpose = (await bot.press(li, when, "现在"))[-1]
    await bot.press(li, purpose, "新客户开发")
    await bot.restart()
    asked = await say(bot, li, "保卫处刘处长")
    assert "拜访结果如何" in asked["text"]
    offer = (await bot.send(li, "/customer"))[-1]
    assert "您还有未填完的表单：客户拜访" in offer["text"]
    again = (await bot.press(li, offer, "继续填写旧的"))[-1]
    assert "拜访结果如何" in again["text"]
    await say(bot, li, "有采购意向")
    location = await say(bot, li, "跳过")
    photos = await say(bot, li, "跳过")
    assert "照片" in photos["text"] and location
    summary = (await bot.press(li, photos, "完成"))[-1]
    assert "接待人: 保卫处刘处长" in summary["text"]
    assert "拜访记录已保存" in (await bot.press(li, summary, "保存"))[-1]["text"]
    bot.add_office("乌鲁木齐办事处", timezone="Asia/Urumqi")
    ali = await bot.register("艾力", office="乌鲁木齐办事处", roles=["office_head"])
    assert "拜访 #1 — 某市公安局" in (await bot.send(li, "/visit 1"))[-1]["text"]
    assert (await bot.send(ali, "/visit 1"))[-1]["text"] == "未找到该记录。"
    for forged in (pack(VISIT, visit=1), pack(VISIT, visit=2)):
        assert [m["text"] for m in await bot.press_data(ali, bot.last(ali), forged)] == ["未找到该记录。"]
    for garbled in ("1:vi:x", "vi:1:v"):
        assert await bot.press_data(ali, bot.last(ali), garbled) == [], garbled
        assert bot.standin.callback_answers[-1]["text"] == STALE, garbled


async def test_a_visit_with_back_and_edit_before_save_then_one_cancelled(bot: BotHarness) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    await add_customer(bot, li, "某市公安局")
    first = (await bot.send(li, "/visit"))[-1]
    when = (await bot.press(li, first, "某市公安局"))[-1]
    purpose = (await bot.press(li, when, "现在"))[-1]
    back = (await bot.press(li, purpose, "上一步"))[-1]
    assert "2/10" in back["text"] and "当前：2026-11-24 10:00" in back["text"]
    purpose = (await bot.press(li, back, "保持不变"))[-1]
    people = (await bot.press(li, purpose, "跟进"))[-1]
    next_step = await say(bot, li, "王科长", "演示新款")
    location = (await bot.press(li, next_step, "跳过"))[-1]
    photos = await say(bot, li, "跳过")
    summary = (await bot.press(li, photos, "跳过"))[-1]
    assert "• 拜访目的: 跟进" in summary["text"] and "4/9" in people["text"] and location

    menu = (await bot.press(li, summary, "修改"))[-1]
    ask_purpose = (await bot.press(li, menu, "拜访目的"))[-1]
    summary = (await bot.press(li, ask_purpose, "投诉处理"))[-1]
    assert "• 拜访目的: 投诉处理" in summary["text"] and "• 接待人: 王科长" in summary["text"]
    saved = (await bot.press(li, summary, "保存"))[-1]
    assert "拜访记录已保存" in saved["text"]

    again = (await bot.send(li, "/visit"))[-1]
    when = (await bot.press(li, again, "某市公安局"))[-1]
    cancelled = (await bot.press(li, when, "取消"))[-1]
    assert cancelled["text"].startswith("已取消：客户拜访")
    with bot.app.uow() as uow:
        assert [v.purpose for v in uow.session.scalars(select(Visit))] == ["complaint"]


async def test_a_return_visits_step_counter_counts_up_to_a_constant_total(bot: BotHarness) -> None:
    """Issue #10, defect 6: every question that applies is counted from the start, so n never jumps."""
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    await add_customer(bot, li, "某市公安局")
    prompts = [(await bot.send(li, "/visit"))[-1]]
    prompts.append((await bot.press(li, prompts[-1], "某市公安局"))[-1])
    prompts.append((await bot.press(li, prompts[-1], "现在"))[-1])
    prompts.append((await bot.press(li, prompts[-1], "回访"))[-1])
    prompts.append((await bot.press(li, prompts[-1], "⭐⭐⭐⭐"))[-1])
    for answer in ("王科长", "客户满意，提出增购两台枪柜", "送报价"):
        prompts.append(await say(bot, li, answer))
    prompts.append(await say(bot, li, "2026-11-30"))
    prompts.append((await bot.share_location(li, *SITE, date=bot.clock()))[-1])
    assert [counter(p) for p in prompts] == [(k, 10) for k in range(1, 11)]
    assert "请核对" in (await bot.press(li, prompts[-1], "完成"))[-1]["text"]


async def test_a_visits_step_counter_shrinks_as_answers_rule_questions_out(bot: BotHarness) -> None:
    """Follow-up with no next step: satisfaction and the next step's date drop out; n never goes below k."""
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    await add_customer(bot, li, "某市公安局")
    prompts = [(await bot.send(li, "/visit"))[-1]]
    prompts.append((await bot.press(li, prompts[-1], "某市公安局"))[-1])
    prompts.append((await bot.press(li, prompts[-1], "现在"))[-1])
    prompts.append((await bot.press(li, prompts[-1], "跟进"))[-1])
    for answer in ("王科长", "演示新款枪弹一体柜", "跳过", "跳过"):
        prompts.append(await say(bot, li, answer))
    steps = [counter(p) for p in prompts]
    assert [k for k, _n in steps] == list(range(1, len(steps) + 1))
    assert all(n >= k for k, n in steps) and [n for _k, n in steps] == sorted((n for _k, n in steps), reverse=True)
    assert steps[-1] == (8, 8) and steps[:4] == [(1, 10), (2, 10), (3, 10), (4, 9)]
    assert "照片" in prompts[-1]["text"]
