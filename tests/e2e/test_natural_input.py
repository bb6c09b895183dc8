"""Issue #10, natural input on a phone: the main keyboard, plain phrases, dates/times/numbers in words.

Through the real Application and the Bot API stand-in, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.harness import BotHarness
from tests.e2e.test_records_support import add_customer, labels, say

SHANGHAI = ZoneInfo("Asia/Shanghai")
KEYS = [["签到", "签退", "拜访", "维修"], ["周报", "请假", "报销", "待办"]]


@pytest.mark.wire  # this feature over HTTP and on PostgreSQL too (tests/conftest.py)
async def test_the_main_keyboard_stays_and_its_keys_start_the_commands(bot: BotHarness) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    help_text = (await bot.send(li, "/help"))[-1]["text"]
    assert "我想请假" in help_text
    keyboard = bot.standin.reply_keyboard(li)
    assert keyboard is not None and keyboard.get("is_persistent") is True and not keyboard.get("one_time_keyboard")
    assert [[key["text"] if isinstance(key, dict) else key for key in row] for row in keyboard["keyboard"]] == KEYS

    assert "【请假/外出申请】" in (await bot.send(li, "请假"))[-1]["text"]
    unfinished = (await bot.send(li, "报销"))[-1]  # a key mid-form asks before dropping the open form
    assert "未填完的表单：请假/外出申请" in unfinished["text"]
    expense = (await bot.press(li, unfinished, "开始新的"))[-1]
    assert "【费用报销】" in expense["text"]
    await bot.send(li, "/cancel")
    assert bot.standin.reply_keyboard(li) is not None  # cancelling shows the main keyboard again
    pending = (await bot.send(li, "待办"))[-1]["text"]
    assert pending == "没有等待您审批的申请。"


async def test_plain_phrases_start_the_right_form_and_others_are_not_guessed(bot: BotHarness) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    assert "【请假/外出申请】" in (await bot.send(li, "我想请假"))[-1]["text"]
    await bot.send(li, "/cancel")
    assert "【周工作总结和计划】" in (await bot.send(li, "写周报"))[-1]["text"]
    await bot.send(li, "/cancel")
    assert "【费用报销】" in (await bot.send(li, "我要报销。"))[-1]["text"]
    await bot.send(li, "/cancel")
    assert "发送您当前的位置" in (await bot.send(li, "签到"))[-1]["text"]
    await bot.send(li, "/cancel")
    assert "没有看懂" in (await bot.send(li, "我想请假但是还没想好"))[-1]["text"]


async def test_a_phrase_typed_as_an_answer_stays_an_answer(bot: BotHarness) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    bot.clock.set(datetime(2026, 12, 2, 9, 0, tzinfo=SHANGHAI))
    first = (await bot.send(li, "/leave"))[-1]
    ask_type = (await bot.press(li, first, "请假"))[-1]
    ask_first = (await bot.press(li, ask_type, "事假"))[-1]
    await bot.press(li, await say(bot, li, "明天", "后天"), "全天")
    summary = (await bot.send(li, "写周报"))[-1]  # the reason question takes it as the reason
    assert "请核对" in summary["text"] and "写周报" in summary["text"]
    assert ask_first["text"]


async def test_date_questions_offer_the_days_they_look_at_and_read_days_in_words(bot: BotHarness) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    bot.clock.set(datetime(2026, 12, 2, 9, 0, tzinfo=SHANGHAI))  # a Wednesday
    kinds = (await bot.send(li, "/leave"))[-1]
    ask_type = (await bot.press(li, kinds, "请假"))[-1]
    ask_first = (await bot.press(li, ask_type, "事假"))[-1]
    assert labels(ask_first)[:3] == ["今天", "明天", "后天"]
    assert "例如 2026-12-03" in ask_first["text"]  # the example is near today, never a fixed date
    ask_last = (await bot.send(li, "下周一"))[-1]
    refused = (await bot.send(li, "下礼拜"))[-1]
    assert "例如 2026-12-03" in refused["text"]
    assert ask_last["text"]
    ask_reason = (await bot.press(li, (await bot.send(li, "12月9日"))[-1], "全天"))[-1]
    summary = (await bot.send(li, "家里有事"))[-1]
    assert "2026-12-07" in summary["text"] and "2026-12-09" in summary["text"]
    assert ask_reason["text"]
    await bot.send(li, "/cancel")

    amount = (await bot.send(li, "/expense"))[-1]
    assert amount["text"]
    category = (await bot.send(li, "3.5万"))[-1]
    project = (await bot.press(li, category, "差旅费"))[-1]
    assert labels(project)[:2] == ["今天", "昨天"] and "明天" not in labels(project)
    ask_reason = (await bot.send(li, "前天"))[-1]
    ask_customer = (await bot.send(li, "出差北京"))[-1]
    await bot.press(li, ask_customer, "跳过")
    await bot.send_photo(li)
    summary = (await bot.press(li, (await bot.press(li, bot.last(li), "完成"))[-1], "否"))[-1]
    assert "¥35,000.00" in summary["text"] and "2026-11-30" in summary["text"]
    assert ask_reason["text"]


async def test_a_visit_time_in_words(bot: BotHarness) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    bot.clock.set(datetime(2026, 12, 2, 9, 0, tzinfo=SHANGHAI))
    await add_customer(bot, li, "某市公安局")
    first = (await bot.send(li, "/visit"))[-1]
    when = (await bot.press(li, first, "某市公安局"))[-1]
    assert "2026-12-02 08:00" in when["text"]  # the example is an hour ago, today
    purpose = (await bot.send(li, "昨天 下午3点半"))[-1]
    assert labels(purpose)[:2] == ["新客户开发", "跟进"]
    summary_field = (await bot.press(li, purpose, "跟进"))[-1]
    assert summary_field["text"]
    await bot.send(li, "/cancel")
