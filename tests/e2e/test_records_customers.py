"""The customer archive in chat: fill, correct, skip, back, edit, restart, duplicates, lookup and rights."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from domain.callbacks import CUSTOMER, pack
from storage.models import AuditEntry, Customer
from tests.e2e.harness import STALE, BotHarness
from tests.e2e.test_records_support import add_customer, data_of, labels, say, text_of


@pytest.mark.wire  # this feature over HTTP and on PostgreSQL too (tests/conftest.py)
async def test_a_customer_is_entered_field_by_field_with_corrections(bot: BotHarness) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    first = (await bot.send(li, "/customer"))[-1]
    assert "客户档案" in first["text"] and "请输入客户名称" in first["text"]
    await say(bot, li, "某市公安局", "人民路 1 号", "王科长")
    wrong = await say(bot, li, "12345")
    assert "电话号码" in wrong["text"] and "联系人的电话" in wrong["text"]
    route = await say(bot, li, "138 1234 5678")
    assert "乘车路线" in route["text"] or "怎么去" in route["text"]
    products = (await bot.press(li, route, "跳过"))[-1]
    assert "枪柜 3" in products["text"]
    unknown = await say(bot, li, "保险箱 2")
    assert "枪柜、弹柜、枪弹一体柜" in unknown["text"]
    await say(bot, li, "枪柜 3，弹柜 2")
    bad_date = await say(bot, li, "2025-13-45")
    yesterday = bot.clock().astimezone(ZoneInfo("Asia/Shanghai")).date() - timedelta(days=1)
    assert f"例如 {yesterday.isoformat()}" in bad_date["text"]  # an example near today, on the past side
    future = await say(bot, li, "2027-01-01")
    assert "日期不能晚于今天" in future["text"]
    back = (await bot.press(li, future, "上一步"))[-1]
    assert "安装了哪些产品" in back["text"] and "枪柜×3、弹柜×2" in back["text"]
    await say(bot, li, "枪柜 3，弹柜 2", "2025-03-01")
    summary = await say(bot, li, "2")
    assert "请核对" in summary["text"] and "乘车路线: —" in summary["text"]
    menu = (await bot.press(li, summary, "修改"))[-1]
    asked = (await bot.press(li, menu, "联系人"))[-1]
    assert "当前：王科长" in asked["text"]
    summary = await say(bot, li, "王主任")
    assert "王主任" in summary["text"]
    saved = (await bot.press(li, summary, "保存"))[-1]
    assert "客户档案已保存：某市公安局" in saved["text"]
    assert "质保：2 年，至 2027-03-01" in saved["text"] and "13812345678" in saved["text"]


async def test_cancel_drops_the_form_and_saves_nothing(bot: BotHarness) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    await bot.send(li, "/customer")
    asked = await say(bot, li, "某市公安局")
    replies = await bot.press(li, asked, "取消")
    assert "已取消：客户档案" in replies[-1]["text"]
    assert "没有找到" in (await bot.send(li, "/customer 公安"))[-1]["text"]


async def test_a_restart_in_the_middle_resumes_the_form(bot: BotHarness) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    await bot.send(li, "/customer")
    await say(bot, li, "某市公安局", "人民路 1 号")
    await bot.restart()
    asked = await say(bot, li, "王科长")
    assert "联系人的电话" in asked["text"] and "4/8" in asked["text"]
    await say(bot, li, "13812345678", "跳过", "跳过", "跳过")
    summary = await say(bot, li, "跳过")
    assert "联系人: 王科长" in summary["text"]
    assert "客户档案已保存" in (await bot.press(li, summary, "保存"))[-1]["text"]


async def test_a_duplicate_name_shows_the_existing_record(bot: BotHarness) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    wang = await bot.register("王强", office="上海办事处", roles=["technician"])
    await add_customer(bot, li, "某市公安局")
    await bot.send(wang, "/customer")
    again = await say(bot, wang, "某市公安局")
    assert "“某市公安局”已在客户档案中" in again["text"] and "人民路 1 号" in again["text"]
    assert "/customer 某市公安局" in again["text"] and "请输入客户名称" in again["text"]
    assert "请输入客户地址" in (await say(bot, wang, "某市公安局分局"))["text"]


async def test_lookup_and_edit_are_audited(bot: BotHarness) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    await add_customer(bot, li, "某市公安局")
    await add_customer(bot, li, "某县公安局")
    several = (await bot.send(head, "/customer 公安"))[-1]
    assert sorted(labels(several)) == ["某县公安局", "某市公安局"]
    card = (await bot.press(head, several, "某市公安局"))[-1]
    assert "联系人：王科长 13812345678" in card["text"]
    summary = (await bot.press(head, card, "修改"))[-1]
    assert "请核对" in summary["text"] and "某市公安局" in summary["text"]
    menu = (await bot.press(head, summary, "修改"))[-1]
    await bot.press(head, menu, "联络电话")
    summary = await say(bot, head, "021-66667777")
    saved = (await bot.press(head, summary, "保存"))[-1]
    assert "客户档案已更新：某市公安局" in saved["text"] and "021-66667777" in saved["text"]
    with bot.app.uow() as uow:
        entry = uow.session.scalars(select(AuditEntry).where(AuditEntry.action == "update")).one()
        assert entry.detail == {"before": {"phone": "13812345678"}, "after": {"phone": "021-66667777"}}
    listing = (await bot.send(li, "/customers"))[-1]
    assert sorted(labels(listing)) == ["某县公安局", "某市公安局"]


async def test_another_office_cannot_read_or_edit_even_with_forged_buttons(bot: BotHarness) -> None:
    bot.add_office("乌鲁木齐办事处", timezone="Asia/Urumqi")
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    ali = await bot.register("艾力", office="乌鲁木齐办事处", roles=["office_head"])
    gm = await bot.register("刘总", office="上海办事处", roles=["gm"])
    await add_customer(bot, li, "某市公安局")
    with bot.app.uow() as uow:
        customer_id = uow.session.scalars(select(Customer.id)).one()
    assert "没有找到" in (await bot.send(ali, "/customer 某市公安局"))[-1]["text"]
    assert "客户档案为空" in (await bot.send(ali, "/customers"))[-1]["text"]
    anchor = bot.last(ali)
    for forged in (pack(CUSTOMER, customer=customer_id, action="v"), pack(CUSTOMER, customer=customer_id, action="e"),
                   pack(CUSTOMER, customer=99999, action="v")):
        replies = await bot.press_data(ali, anchor, forged)
        assert [text_of(m) for m in replies] == ["未找到该记录。"], forged
    for garbled in ("1:cu:x:e", "1:cu:", f"cu:{customer_id}:v"):
        assert await bot.press_data(ali, anchor, garbled) == [], garbled
        assert bot.standin.callback_answers[-1]["text"] == STALE, garbled
    mine = (await bot.send(li, "/customer 某市公安局"))[-1]
    assert data_of(mine, "修改") == pack(CUSTOMER, customer=customer_id, action="e")
    assert "某市公安局（上海办事处）" in (await bot.send(gm, "/customer 某市公安局"))[-1]["text"]
