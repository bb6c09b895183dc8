"""Early each month the office head and headquarters' finance get the past month's expense KPI a and the
4.5 % cap standing (issue #11), once per office and month: a second run, a restart or a later day sends
nothing new; nobody is told outside working hours; sales staff are not told."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from schedules.expenses import expense_kpi_monthly
from tests.e2e.harness import BotHarness
from tests.e2e.test_approvals import card_for, claim, register_hq
from tests.e2e.test_contracts import record_contract
from tests.e2e.test_records_support import add_customer

SHANGHAI = ZoneInfo("Asia/Shanghai")
EXPECTED = ("📊 上海办事处 2026-11 费用考核\n"
            "2026-11：签订合同 500,000.00 元，费用 3,900.00 元（其中居间服务费 0.00）；费用考核 a = 0.78（优秀）\n"
            "本年截至 2026-11-30：\n本年签订合同：500,000.00 元\n本年费用：3,900.00 元（其中居间服务费 0.00）\n"
            "费用考核 a = 0.78（优秀；低于 1.8 优秀，低于 2.0 良好）\n"
            "年度费用上限（合同额 4.5%）：22,500.00 元，已用 17%")


@pytest.mark.wire  # this feature over HTTP and on PostgreSQL too (tests/conftest.py)
async def test_the_past_months_kpi_reaches_the_head_and_finance_once(bot: BotHarness) -> None:
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    hq = await register_hq(bot)
    finance = await bot.register("周敏", office="总部", roles=["finance"])
    gm = await bot.register("孙总", office="总部", roles=["gm"])
    await add_customer(bot, li, "某市公安局")
    await record_contract(bot, li, "某市公安局", "30% 2026-12-01", "跳过", "跳过", "跳过")  # 500,000
    await claim(bot, li, "3900")
    await bot.press(head, card_for(bot, head), "同意")
    assert await expense_kpi_monthly(bot.app) == "0 KPI report(s) queued"  # the 24th: not the first week

    bot.clock.set(datetime(2026, 12, 1, 7, 0, tzinfo=SHANGHAI))  # before working hours
    assert await expense_kpi_monthly(bot.app) == "0 KPI report(s) queued"
    bot.clock.set(datetime(2026, 12, 1, 9, 30, tzinfo=SHANGHAI))
    assert await expense_kpi_monthly(bot.app) == "1 KPI report(s) queued"
    await bot.flush()
    for person in (head, finance, hq["finance_director"], gm):
        assert bot.texts(person)[-1] == EXPECTED, person.first_name
    assert not any("费用考核 a" in text for text in bot.texts(li) + bot.texts(hq["vp"]))

    assert await expense_kpi_monthly(bot.app) == "0 KPI report(s) queued"
    await bot.restart()
    assert await expense_kpi_monthly(bot.app) == "0 KPI report(s) queued"
    bot.clock.set(datetime(2026, 12, 2, 10, 0, tzinfo=SHANGHAI))
    assert await expense_kpi_monthly(bot.app) == "0 KPI report(s) queued"
    assert sum(text == EXPECTED for text in bot.texts(head)) == 1
