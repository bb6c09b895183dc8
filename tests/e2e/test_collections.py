"""催款: an instalment is chased before and after its due date, escalated to the head once, each stage sent
once across runs and restarts; finance gets the weekly digest once."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from schedules.receivables import collection_chasing, receivables_digest
from tests.e2e.harness import BotHarness
from tests.e2e.test_contracts import record_contract
from tests.e2e.test_records_support import add_customer

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.wire  # this feature over HTTP and on PostgreSQL too (tests/conftest.py)
async def test_an_overdue_instalment_is_chased_and_escalated_once(bot: BotHarness) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    await add_customer(bot, li, "某市公安局")
    await record_contract(bot, li, "某市公安局", "30% 2026-11-10", "200000 2026-11-28", "跳过", "跳过")
    seen_li, seen_head = len(bot.texts(li)), len(bot.texts(head))

    bot.clock.set(datetime(2026, 11, 24, 20, tzinfo=SHANGHAI))  # evening: nobody is chased
    assert await collection_chasing(bot.app) == "0 collection reminder(s) queued"
    bot.clock.set(datetime(2026, 11, 24, 10, tzinfo=SHANGHAI))
    assert await collection_chasing(bot.app) == "2 collection reminder(s) queued"
    assert await collection_chasing(bot.app) == "0 collection reminder(s) queued"
    await bot.flush()
    chased = bot.texts(li)[seen_li:]
    assert chased == [
        "⏰ 一笔合同款已逾期 14 天（2026-11-10 到期），请向客户催款。\n"
        "合同 #1 监控系统，预付款：某市公安局 尚欠 150,000.00 元；负责人：李娜（上海办事处）。",
        "⏳ 一笔合同款将于 2026-11-28 到期（还有 4 天），请提醒客户付款。\n"
        "合同 #1 监控系统，到货款：某市公安局 尚欠 200,000.00 元；负责人：李娜（上海办事处）。",
    ]
    assert bot.texts(head)[seen_head:] == []

    await bot.restart()
    assert await collection_chasing(bot.app) == "0 collection reminder(s) queued"
    bot.clock.set(datetime(2026, 11, 25, 10, tzinfo=SHANGHAI))  # 15 days overdue: the head is told
    assert await collection_chasing(bot.app) == "1 collection reminder(s) queued"
    bot.clock.set(datetime(2026, 11, 26, 10, tzinfo=SHANGHAI))
    assert await collection_chasing(bot.app) == "0 collection reminder(s) queued"
    await bot.flush()
    escalated = "🚨 升级提醒：一笔合同款已逾期 15 天（2026-11-10 到期），仍未收回。"
    assert [t.split("\n")[0] for t in bot.texts(head)[seen_head:]] == [escalated]
    assert [t.split("\n")[0] for t in bot.texts(li)[seen_li + 2:]] == [escalated]


async def test_finance_gets_the_weekly_digest_once(bot: BotHarness) -> None:
    bot.add_office("总部", is_hq=True)
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    finance = await bot.register("王会计", office="总部", roles=["finance"])
    await add_customer(bot, li, "某市公安局")
    await record_contract(bot, li, "某市公安局", "30% 2026-08-10", "200000 2026-11-28", "跳过", "跳过")
    seen = len(bot.texts(finance))

    bot.clock.set(datetime(2026, 11, 30, 8, 59, tzinfo=SHANGHAI))  # Monday, before 09:00
    assert await receivables_digest(bot.app) == "digest not due or already sent"
    bot.clock.set(datetime(2026, 11, 30, 9, 5, tzinfo=SHANGHAI))
    assert await receivables_digest(bot.app) == "digest sent"
    bot.clock.set(datetime(2026, 12, 3, 9, 5, tzinfo=SHANGHAI))
    assert await receivables_digest(bot.app) == "digest not due or already sent"
    await bot.flush()
    assert bot.texts(finance)[seen:] == [
        "📒 每周应收账款汇总（2026-11-30）：应收 350,000.00 元（2 笔）\n  逾期 30 天以内：200,000.00\n"
        "  31–60 天：0.00\n  61–90 天：0.00\n  90 天以上：150,000.00\n按办事处：\n  上海办事处：350,000.00"]
