"""The office head's monthly report carries the month's contracts, receivables, expenses, KPI a and the
4.5 % cap figure from the records; the contract count is prefilled in the form."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from tests.e2e.harness import BotHarness
from tests.e2e.test_approvals import card_for, claim
from tests.e2e.test_contracts import record_contract
from tests.e2e.test_records_support import add_customer
from tests.e2e.test_reports import answer_all

SHANGHAI = ZoneInfo("Asia/Shanghai")


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
    summary = (await answer_all(bot, head, ["1", "0"]))[-1]
    await bot.press(head, summary, "提交报告")
    notice = bot.last(gm)["text"]
    assert notice.startswith("📝 月度工作总结及下月计划 2026-11 — 张伟（上海办事处）")
    for line in ("• 签订合同金额（元）: 500000", "• 应收账款（元）: 150000", "• 费用（元）: 3900",
                 "• 费用考核 a 值（年初至今）: 0.78", "• 年度费用上限（4.5%）已用（%）: 17.3"):
        assert line in notice, line
