"""Defect 9 (issue 10): a repair's photo follows its card, and a received photo is acknowledged calmly."""

from __future__ import annotations

import pytest

from tests.e2e.harness import BotHarness
from tests.e2e.test_records_support import add_customer, labels, say


@pytest.mark.wire  # this feature over HTTP and on PostgreSQL too (tests/conftest.py)
async def test_a_received_photo_is_a_calm_acknowledgement_with_done_and_cancel(bot: BotHarness) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    await add_customer(bot, li, "某市公安局")
    started = (await bot.send(li, "/repair"))[-1]
    await bot.press(li, started, "某市公安局")  # the recent customer's quick pick
    date_asked = await say(bot, li, "王科长", "13812345678")
    await bot.press(li, date_asked, "今天")
    await say(bot, li, "柜门锁打不开")

    first = (await bot.send_photo(li))[-1]
    assert "⚠️" not in first["text"] and "已收到第 1 张照片" in first["text"]
    assert labels(first) == ["✅ 完成", "✖ 取消"]
    second = (await bot.send_photo(li))[-1]
    assert "已收到第 2 张照片" in second["text"] and labels(second) == ["✅ 完成", "✖ 取消"]
    stale = await bot.press(li, first, "完成")
    assert stale == [], "the first acknowledgement's button is out of date once a second photo came"
    summary = (await bot.press(li, second, "完成"))[-1]
    assert "• 照片: 2 张照片" in summary["text"]


async def test_the_head_gets_the_repair_card_before_its_photos(bot: BotHarness) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    await bot.register("王强", office="上海办事处", roles=["technician"])
    await add_customer(bot, li, "某市公安局")
    started = (await bot.send(li, "/repair"))[-1]
    await bot.press(li, started, "某市公安局")  # the recent customer's quick pick
    date_asked = await say(bot, li, "王科长", "13812345678")
    await bot.press(li, date_asked, "今天")
    await say(bot, li, "柜门锁打不开")
    received = (await bot.send_photo(li))[-1]
    summary = (await bot.press(li, received, "完成"))[-1]
    await bot.press(li, summary, "保存")

    chat = bot.standin.messages(head.id)
    card = next(i for i, m in enumerate(chat) if "新的维修单" in (m.get("text") or ""))
    photo = next(i for i, m in enumerate(chat) if m.get("photo"))
    assert card < photo, "the card comes first, so the photo is never a bare image out of context"
