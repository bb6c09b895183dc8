"""The seed's cost control through the stand-in: a project expense over its contract's intermediary-fee cap
is flagged on every approver's card; a lost bid's 40 % carries to the next won project, which a won bid
becomes with one tap; a daily expense past the office's monthly ceiling is flagged; KPI a and the cap."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from schedules.expenses import expense_ceiling, receipts_reminders
from standins.telegram.users import FakeUser
from tests.e2e.harness import BotHarness
from tests.e2e.test_approvals import card_for, claim, register_hq
from tests.e2e.test_contracts import record_contract
from tests.e2e.test_records_support import add_customer, say

SHANGHAI = ZoneInfo("Asia/Shanghai")


async def project_claim(bot: BotHarness, user: FakeUser, amount: str, project: str, *, contract: str | None = None,
                        tender: str | None = None, invoice: bool = True) -> str:
    """Claim a project expense tied to a contract or a tender, with one receipt; the confirmation."""
    await bot.send(user, "/expense")
    category = (await bot.send(user, amount))[-1]
    named = (await bot.press(user, category, "项目费用"))[-1]
    contract_asked = await say(bot, user, project)
    assert "属于哪个合同" in contract_asked["text"]
    if contract is not None:
        date_asked = (await bot.press(user, contract_asked, contract))[-1]
    else:
        tender_asked = (await bot.press(user, contract_asked, "跳过"))[-1]
        assert "属于哪个投标项目" in tender_asked["text"]
        date_asked = (await bot.press(user, tender_asked, tender or "跳过"))[-1]
    await bot.press(user, date_asked, "今天")
    customer = await say(bot, user, "项目居间服务")
    await bot.press(user, customer, "跳过")
    await bot.send_photo(user)
    ask_invoice = (await bot.press(user, bot.last(user), "完成"))[-1]
    assert "有无发票" in ask_invoice["text"] or "是否有发票" in ask_invoice["text"]
    summary = (await bot.press(user, ask_invoice, "是" if invoice else "否"))[-1]
    assert named
    return str((await bot.press(user, summary, "提交"))[-1]["text"])


@pytest.mark.wire  # this feature over HTTP and on PostgreSQL too (tests/conftest.py)
async def test_a_project_expense_over_the_cap_is_flagged_to_every_approver(bot: BotHarness) -> None:
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    hq = await register_hq(bot)
    gm = await bot.register("孙总", office="总部", roles=["gm"])
    await add_customer(bot, li, "某市公安局")
    await record_contract(bot, li, "某市公安局", "30% 2026-12-01", "跳过", "跳过", "跳过")  # 500,000, rate unknown

    assert "已提交" in await project_claim(bot, li, "20000", "监控系统", contract="#1 监控系统")
    over = "⚠️ 超出居间服务费上限：合同 #1 居间费 20,000.00 元，上限 15,000.00 元（合同金额的 3%）。"
    card = card_for(bot, head)
    assert over in card["text"] and "项目：监控系统" in card["text"]
    await bot.press(head, card, "同意")
    assert over in card_for(bot, gm)["text"]  # the next approver (HQ pre-approval chain) sees it too
    assert not any(over in text for text in bot.texts(hq["president"]))


async def test_a_lost_bid_carries_40_percent_to_the_next_won_project(bot: BotHarness) -> None:
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    await add_customer(bot, li, "某市公安局")
    for project in ("旧项目", "新项目"):
        await bot.send(li, "/tender")
        named = await say(bot, li, "某市公安局")  # one match: chosen without a tap
        day = await say(bot, li, project)
        deposit = (await bot.press(li, day, "今天"))[-1]
        saved = (await bot.press(li, await say(bot, li, "10000"), "保存"))[-1]["text"]
        assert saved.startswith("投标已登记。") and named and deposit

    assert "已提交" in await project_claim(bot, li, "4000", "旧项目", tender="#1 旧项目")
    await bot.press(head, card_for(bot, head), "同意")
    card = (await bot.send(li, "/tender 1"))[-1]
    assert "项目费用（已批）：4,000.00 元" in card["text"]
    lost = (await bot.press(li, card, "未中标"))[-1]
    assert "结果：未中标" in lost["text"] and "40% 计入办事处下一个中标项目：1,600.00 元" in lost["text"]
    again = (await bot.press(li, card, "🏆 中标"))[-1]  # the old card's other button: decided once
    assert "结果：未中标" in again["text"]

    won = (await bot.press(li, (await bot.send(li, "/tender 2"))[-1], "🏆 中标"))[-1]
    assert "结果：中标" in won["text"]
    asked = (await bot.press(li, won, "登记合同"))[-1]
    project = (await bot.press(li, asked, "保持不变"))[-1]
    signed = (await bot.press(li, project, "保持不变"))[-1]
    amount = (await bot.press(li, signed, "今天"))[-1]
    last = await say(bot, li, "300000", "50% 2026-12-20", "跳过", "跳过", "跳过")
    for _ in range(2):  # accepted on, net profit rate
        last = (await bot.press(li, last, "跳过"))[-1]
    deposit = (await bot.press(li, last, "保持不变"))[-1]  # the bid's deposit, prefilled
    saved = (await bot.press(li, (await bot.press(li, deposit, "跳过"))[-1], "保存"))[-1]["text"]
    assert amount and saved.startswith("合同已登记。\n合同 #1 — 新项目")
    assert "来自投标 #2" in saved and "未中标项目费用结转（40%）：1,600.00 元" in saved
    assert "投标保证金：10,000.00 元" in saved
    assert "合同：#1" in (await bot.send(li, "/tender 2"))[-1]["text"]


async def test_a_daily_expense_past_the_monthly_ceiling_is_flagged_and_kpi_shown(bot: BotHarness) -> None:
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    hq = await register_hq(bot)
    gm = await bot.register("孙总", office="总部", roles=["gm"])
    assert "用法" in (await bot.send(gm, "/ceiling 上海办事处"))[-1]["text"]
    assert (await bot.send(gm, "/ceiling 北京 5000"))[-1]["text"] == "没有名为“北京”的办事处。"
    set_reply = (await bot.send(gm, "/ceiling 上海办事处 5000"))[-1]["text"]
    assert set_reply == "上海办事处 2026 年每月费用上限：5,000.00 元。"

    await claim(bot, li, "3900")
    assert "费用" not in card_for(bot, head)["text"].split("票据")[-1]  # 78 %: no flag yet
    await bot.press(head, card_for(bot, head), "同意")
    await claim(bot, li, "1000")
    assert "办事处 2026-11 费用已达 4,900.00 元，上限 5,000.00 元（已超 80%）。" in card_for(bot, head)["text"]
    await claim(bot, li, "200")
    assert "⚠️ 超出每月费用上限：办事处 2026-11 费用 5,100.00 元，上限 5,000.00 元。" in card_for(bot, head)["text"]

    await add_customer(bot, li, "某市公安局")
    await record_contract(bot, li, "某市公安局", "30% 2026-12-01", "跳过", "跳过", "跳过")
    figures = (await bot.send(head, "/expense_kpi"))[-1]["text"]
    assert figures == ("📊 上海办事处 2026\n本年签订合同：500,000.00 元\n本年费用：3,900.00 元（其中居间服务费 0.00）\n"
                       "费用考核 a = 0.78（优秀；低于 1.8 优秀，低于 2.0 良好）\n"
                       "年度费用上限（合同额 4.5%）：22,500.00 元，已用 17%")
    assert hq


async def test_the_head_is_warned_at_80_and_100_percent_once_and_receipts_are_reminded(bot: BotHarness) -> None:
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    await register_hq(bot)
    gm = await bot.register("孙总", office="总部", roles=["gm"])
    await bot.send(gm, "/ceiling 上海办事处 5000")
    assert await expense_ceiling(bot.app) == "0 ceiling warning(s) queued"
    await claim(bot, li, "4000")
    seen = len(bot.texts(head))
    assert await expense_ceiling(bot.app) == "1 ceiling warning(s) queued"
    assert await expense_ceiling(bot.app) == "0 ceiling warning(s) queued"
    await claim(bot, li, "1500")
    await bot.restart()
    assert await expense_ceiling(bot.app) == "1 ceiling warning(s) queued"
    assert await expense_ceiling(bot.app) == "0 ceiling warning(s) queued"
    await bot.flush()
    warnings = [t for t in bot.texts(head)[seen:] if t.startswith("⚠️ 上海办事处")]
    assert warnings == ["⚠️ 上海办事处：2026-11 费用已达 4,000.00 元，超过每月费用上限 5,000.00 元的 80%。",
                        "⚠️ 上海办事处：2026-11 费用 5,500.00 元，已超出每月费用上限 5,000.00 元。"]

    await bot.send(li, "/expense")  # left unfinished
    await bot.send(li, "300")
    bot.clock.set(datetime(2026, 11, 20, 10, tzinfo=SHANGHAI))  # the 20th: too early
    assert await receipts_reminders(bot.app) == "0 receipts reminder(s) queued"
    bot.clock.set(datetime(2026, 11, 24, 10, tzinfo=SHANGHAI))
    assert await receipts_reminders(bot.app) == "1 receipts reminder(s) queued"
    assert await receipts_reminders(bot.app) == "0 receipts reminder(s) queued"
    await bot.flush()
    assert bot.texts(li)[-1] == "🧾 您的费用报销还未提交：票据须于 2026-11-25 前寄到总裁办。请用 /expense 完成提交。"
