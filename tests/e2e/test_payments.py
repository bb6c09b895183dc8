"""Incoming payments in chat: a draft logged and corrected, finance and the head told, a transfer, access."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.models import Customer, Payment
from tests.e2e.harness import BotHarness, repack
from tests.e2e.test_records_support import add_customer, data_of, labels, say, text_of


@pytest.mark.wire  # this feature over HTTP and on PostgreSQL too (tests/conftest.py)
async def test_a_draft_and_a_transfer_are_logged_and_finance_and_the_head_are_told(bot: BotHarness) -> None:
    bot.add_office("总部", is_hq=True)
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    finance = await bot.register("王会计", office="总部", roles=["finance"])
    await add_customer(bot, li, "某市公安局")

    asked = (await bot.send(li, "/payment"))[-1]
    assert "哪位客户的来款" in asked["text"] and "（选填）" in asked["text"]
    kind = (await bot.press(li, asked, "某市公安局"))[-1]
    assert labels(kind)[:2] == ["承兑汇票", "转账/电汇"]
    received = (await bot.press(li, kind, "承兑汇票"))[-1]
    amount = (await bot.press(li, received, "今天"))[-1]
    assert "金额多少元" in amount["text"]
    wrong = await say(bot, li, "十几万")  # 12万 is read now (issue #10); a vague amount is not
    assert "请输入数字" in wrong["text"]
    wrong = await say(bot, li, "120000.555")
    assert "最多两位小数" in wrong["text"]
    draft_no = await say(bot, li, "120000")
    assert "汇票号码是" in draft_no["text"]
    matures = await say(bot, li, "31305100000120261120", "2026-11-20")
    assert "汇票何时到期" in matures["text"]
    early = await say(bot, li, "2026-11-19")
    assert "到期日必须晚于汇票日期" in early["text"]
    term = (await bot.press(li, early, "跳过"))[-1]
    assert "承兑期是多少天" in term["text"]
    note = await say(bot, li, "180")
    summary = (await bot.press(li, note, "跳过"))[-1]
    text = summary["text"]
    assert "• 客户: 某市公安局" in text and "• 款项类型: 承兑汇票" in text and "• 投款日期: 2026-11-24" in text
    assert "• 金额（元）: ¥120,000.00" in text and "• 承兑汇票到期时间: —" in text and "• 承兑期（天）: 180" in text
    saved = (await bot.press(li, summary, "保存"))[-1]["text"]
    assert saved.startswith("来款已登记，已通知财务。\n来款 #1 — 120,000.00 元，承兑汇票")
    assert "汇票号码：31305100000120261120，汇票日期 2026-11-20" in saved
    assert "到期时间：2027-05-19（承兑期 180 天）" in saved
    for told in (finance, head):
        notice = bot.last(told)["text"]
        assert notice.startswith("💰 新来款登记\n来款 #1 — 120,000.00 元，承兑汇票\n客户：某市公安局")
        assert "登记人：李娜（上海办事处）" in notice

    await bot.send(li, "/payment")
    kind = (await bot.press(li, bot.last(li), "跳过"))[-1]
    received = (await bot.press(li, kind, "转账"))[-1]
    amount = (await bot.press(li, received, "今天"))[-1]
    note = await say(bot, li, "4,800.50元")
    assert "有什么需要补充的" in note["text"]
    summary = await say(bot, li, "预付款")
    assert "汇票号码" not in summary["text"] and "承兑期" not in summary["text"] and amount
    assert "• 款项类型: 转账/电汇" in summary["text"] and "• 金额（元）: ¥4,800.50" in summary["text"]
    saved = (await bot.press(li, summary, "保存"))[-1]["text"]
    assert saved.startswith("来款已登记，已通知财务。\n来款 #2 — 4,800.50 元，转账/电汇\n客户：—")
    assert "备注：预付款" in saved
    assert "来款 #2" in bot.last(finance)["text"] and "来款 #2" in bot.last(head)["text"]

    listing = (await bot.send(head, "/payments"))[-1]["text"]
    assert listing.startswith("💰 2026-11 来款：\n#1 11-24 120,000.00 承兑汇票 — 某市公安局，李娜（2027-05-19 到期）")
    assert listing.endswith("\n#2 11-24 4,800.50 转账/电汇 — 李娜\n合计：124,800.50 元（2 笔）")
    everywhere = (await bot.send(finance, "/payments 2026-11"))[-1]["text"]
    assert "某市公安局，李娜（上海办事处）" in everywhere and "合计：124,800.50 元（2 笔）" in everywhere
    with bot.app.uow() as uow:
        rows = uow.session.scalars(select(Payment).order_by(Payment.id)).all()
        assert [(p.kind, p.matures_on.isoformat() if p.matures_on else None, p.acceptance_days) for p in rows] == [
            ("draft", "2027-05-19", 180), ("transfer", None, None)]


async def test_another_office_sees_nothing_and_a_forged_customer_is_refused(bot: BotHarness) -> None:
    bot.add_office("北京办事处")
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    zhao = await bot.register("赵强", office="北京办事处", roles=["office_head"])
    await add_customer(bot, li, "某市公安局")
    await bot.send(li, "/payment")
    kind = (await bot.press(li, bot.last(li), "某市公安局"))[-1]
    received = (await bot.press(li, kind, "转账"))[-1]
    await bot.press(li, received, "今天")
    summary = await say(bot, li, "5000", "跳过")
    assert "来款 #1" in (await bot.press(li, summary, "保存"))[-1]["text"]

    assert (await bot.send(zhao, "/payments"))[-1]["text"] == "2026-11 没有登记来款。"
    assert (await bot.send(zhao, "/payment 1"))[-1]["text"] == "未找到该记录。"
    assert (await bot.send(zhao, "/payments 2026-13"))[-1]["text"] == "请给出月份，如 2026-11。"
    assert "某市公安局" in (await bot.send(li, "/payments"))[-1]["text"]

    with bot.app.uow() as uow:
        theirs = uow.session.scalars(select(Customer.id).where(Customer.name == "某市公安局")).one()
    asked = (await bot.send(zhao, "/payment"))[-1]
    forged = repack(data_of(asked, "跳过"), action="pick", arg=str(theirs))
    refused = (await bot.press_data(zhao, asked, forged))[-1]
    assert "未找到" in text_of(refused) and "哪位客户的来款" in text_of(refused)
    with bot.app.uow() as uow:
        assert len(uow.session.scalars(select(Payment)).all()) == 1
