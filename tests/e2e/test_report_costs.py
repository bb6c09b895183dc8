"""The office head's monthly report carries the month's contracts, receivables, expenses, KPI a and the
4.5 % cap figure from the records, as questions prefilled from them: the head keeps or corrects each, the
report stores what the head gave, and the reviewer (HQ's 批示 view) sees a corrected figure next to the records'."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from storage.models import Report
from tests.e2e.harness import BotHarness
from tests.e2e.test_approvals import card_for, claim
from tests.e2e.test_contracts import record_contract
from tests.e2e.test_records_support import add_customer
from tests.e2e.test_reports import answer_all

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.wire  # this feature over HTTP and on PostgreSQL too (tests/conftest.py)
async def test_the_heads_monthly_report_has_the_cost_figures(bot: BotHarness) -> None:
    bot.add_office("总部", is_hq=True)
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    gm = await bot.register("刘总", office="总部", roles=["gm"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    await add_customer(bot, li, "某市公安局")
    await record_contract(bot, li, "某市公安局", "30% 2026-11-10", "跳过", "跳过", "跳过")  # 500,000 on 11-24
    await claim(bot, li, "3900")
    await bot.press(head, card_for(bot, head), "同意")

    bot.clock.set(datetime(2026, 12, 1, 10, tzinfo=SHANGHAI))
    await bot.send(head, "/monthly")
    contracts = (await answer_all(bot, head, ["十一月签约一单", "十二月催回预付款", "0", "1"]))[-1]
    assert "签订了几份合同" in contracts["text"] and "当前：1" in contracts["text"]
    amount = (await answer_all(bot, head, ["1", "0"]))[-1]
    assert "本月签订合同金额" in amount["text"] and "500,000" in amount["text"]
    receivables = (await bot.press(head, amount, "保持不变"))[-1]
    assert "月末应收账款" in receivables["text"] and "150,000" in receivables["text"]
    expenses = (await bot.press(head, receivables, "保持不变"))[-1]
    assert "本月费用" in expenses["text"] and "3,900" in expenses["text"]
    kpi = (await bot.send(head, "4000"))[-1]  # the head corrects the expenses: a claim not in the bot yet
    assert "费用考核 a 值" in kpi["text"] and "0.78" in kpi["text"]
    cap = (await bot.press(head, kpi, "保持不变"))[-1]
    assert "4.5%" in cap["text"] and "17.3" in cap["text"]
    summary = (await bot.press(head, cap, "保持不变"))[-1]
    await bot.press(head, summary, "提交报告")
    notice = bot.last(gm)["text"]
    assert notice.startswith("📝 月度工作总结及下月计划 2026-11 — 张伟（上海办事处）")
    for line in ("• 签订合同金额（元）: 500000\n", "• 应收账款（元）: 150000\n",
                 "• 费用（元）: 4000 （负责人已更正；系统记录为 3900）\n", "• 费用考核 a 值（年初至今）: 0.78\n",
                 "• 年度费用上限（4.5%）已用（%）: 17.3"):
        assert line in notice, line
    with bot.app.uow() as uow:
        figures = uow.session.scalars(select(Report.figures)).one()
    assert figures["expenses"] == "4000" and figures["corrected"] == {"expenses": "3900"}
    assert figures["contract_amount"] == "500000" and figures["expense_kpi"] == "0.78"
