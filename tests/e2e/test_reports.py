"""Weekly and monthly reports through the real Application and the Bot API stand-in."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from schedules.reports import report_reminders
from standins.telegram.keyboards import buttons
from storage.models import Customer, Office, Payment, Staff, Visit
from tests.e2e.harness import BotHarness

SHANGHAI = ZoneInfo("Asia/Shanghai")


def cst(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def staff_id(bot: BotHarness, name: str) -> int:
    with bot.app.uow() as uow:
        return int(uow.session.scalars(select(Staff.id).where(Staff.name == name)).one())


def log_visits(bot: BotHarness, name: str, visits: list[datetime], new_customers: int,
               office_name: str = "上海办事处") -> None:
    """Records as the field-records feature would have stored them."""
    person = staff_id(bot, name)
    with bot.app.uow() as uow:
        office = uow.session.scalars(select(Office.id).where(Office.name == office_name)).one()
        customers = [Customer(office_id=office, name=f"{name}的客户{i}", created_by=person, created_at=cst(11, 24, 9))
                     for i in range(new_customers)]
        uow.session.add_all(customers)
        uow.session.flush()
        uow.session.add_all(Visit(office_id=office, customer_id=customers[0].id, staff_id=person, visited_at=at,
                                  purpose="follow_up") for at in visits)
        uow.commit()


def log_payment(bot: BotHarness, name: str, amount: str, received_on: date) -> None:
    """A transfer as /payment would have stored it, in the person's office."""
    person = staff_id(bot, name)
    with bot.app.uow() as uow:
        office = uow.session.scalars(select(Staff.office_id).where(Staff.id == person)).one()
        uow.session.add(Payment(office_id=office, staff_id=person, kind="transfer", received_on=received_on,
                                amount=Decimal(amount)))
        uow.commit()


async def answer_all(bot: BotHarness, user: Any, answers: list[str]) -> list[dict[str, Any]]:
    """Type each answer in turn; the bot's replies to the last one."""
    replies: list[dict[str, Any]] = []
    for text in answers:
        replies = await bot.send(user, text)
    return replies


@pytest.mark.wire  # this feature over HTTP and on PostgreSQL too (tests/conftest.py)
async def test_weekly_report_prefilled_submitted_then_revised(bot: BotHarness) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    log_visits(bot, "李娜", [cst(11, 23, 15), cst(11, 24, 9)], new_customers=1)

    replies = await bot.send(li, "/weekly")
    assert replies[0]["text"].startswith("📝 周工作总结和计划 2026-W48 (11-23–11-29)，截止 2026-11-27 18:00。")
    assert replies[-1]["text"].endswith("本周工作总结：")
    replies = await answer_all(bot, li, ["拜访三家客户，完成两次回访", "跟进市局投标"])
    assert "当前：2" in replies[-1]["text"]
    replies = await bot.press(li, replies[-1], "保持不变")  # the prefilled count, kept with one tap
    assert "当前：1" in replies[-1]["text"]
    summary = (await answer_all(bot, li, ["1", "1", "35000"]))[-1]
    assert "请核对：" in summary["text"] and "• 回款（元）: 35000" in summary["text"]
    done = await bot.press(li, summary, "提交报告")
    assert done[-1]["text"] == "已提交：周工作总结和计划 2026-W48 (11-23–11-29)。"
    to_head = bot.last(head)["text"]
    assert to_head.startswith("📝 周工作总结和计划 2026-W48 (11-23–11-29) — 李娜（上海办事处）")

    replies = await bot.send(li, "/weekly")  # opens at the summary, with the saved answers
    assert "您已提交过" in replies[0]["text"] and "跟进市局投标" in replies[-1]["text"]
    menu = (await bot.press(li, replies[-1], "修改"))[-1]
    await bot.press(li, menu, "工作计划")
    summary = (await bot.send(li, "下周重点：市局投标述标"))[-1]
    done = await bot.press(li, summary, "提交报告")
    assert done[-1]["text"] == "已更新：周工作总结和计划 2026-W48 (11-23–11-29)。"
    assert "[已修改]" in bot.last(head)["text"] and "下周重点：市局投标述标" in bot.last(head)["text"]


async def test_monthly_report_reviewed_and_commented_by_the_gm(bot: BotHarness) -> None:
    bot.add_office("总部", is_hq=True)
    bot.clock.set(cst(12, 1, 10))
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    gm = await bot.register("刘总", office="总部", roles=["gm"])
    sales = await bot.register("李娜", office="上海办事处", roles=["sales"])

    await bot.send(head, "/monthly")
    summary = (await answer_all(bot, head, ["十一月签约两单", "十二月冲刺回款", "12", "2", "2", "180000",
                                            "0", "0", "0", "跳过", "跳过"]))[-1]  # the cost figures (issue #11)
    await bot.press(head, summary, "提交报告")
    notice = bot.last(gm)
    assert notice["text"].startswith("📝 月度工作总结及下月计划 2026-11 — 张伟（上海办事处）")
    assert [label for label, _data in buttons(notice)] == ["✍️ 批示", "✅ 标记已审核"]

    forged = buttons(notice)[1][1]  # REPORT_REVIEW ok, pressed by someone who is not a reviewer
    await bot.press_data(sales, bot.last(sales), forged)
    assert bot.standin.callback_answers[-1]["text"] == "抱歉，您无权审核此报告。"

    prompt = (await bot.press(gm, notice, "批示"))[-1]
    assert prompt["text"].endswith("请填写给报告人的批示：")
    summary = (await bot.send(gm, "回款要抓紧，注意投标保证金回笼"))[-1]
    sent = await bot.press(gm, summary, "发送批示")
    assert sent[-1]["text"] == "您的批示已发送给张伟。"
    comment = "✍️ 刘总对您的月度工作总结及下月计划（2026-11）作出批示：\n回款要抓紧，注意投标保证金回笼"
    assert bot.last(head)["text"] == comment

    await bot.press(gm, notice, "标记已审核")
    assert bot.last(head)["text"] == "✅ 刘总已审核您的月度工作总结及下月计划（2026-11）。"
    assert (await bot.send(head, "/monthly"))[-1]["text"] == "该报告已审核，不能再修改。"


async def test_office_heads_monthly_figures_count_the_whole_office(bot: BotHarness) -> None:
    """Issue #10, defect 4: the head's monthly report is prefilled from his office's records, not his own."""
    bot.clock.set(cst(12, 1, 10))
    bot.add_office("北京办事处")
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    await bot.register("王强", office="北京办事处", roles=["sales"])
    log_visits(bot, "李娜", [cst(11, 3, 10), cst(11, 24, 9), cst(11, 30, 16)], new_customers=2)
    log_visits(bot, "张伟", [cst(11, 12, 14), cst(10, 31, 9), cst(12, 1, 9)], new_customers=1)  # Nov: one
    log_visits(bot, "王强", [cst(11, 5, 10)], new_customers=1, office_name="北京办事处")  # another office
    log_payment(bot, "李娜", "120000", date(2026, 11, 20))
    log_payment(bot, "张伟", "30000.50", date(2026, 11, 28))
    log_payment(bot, "王强", "99999", date(2026, 11, 10))

    replies = await bot.send(head, "/monthly")
    assert "拜访次数、新增客户和回款金额已按本办事处的记录统计。" in replies[0]["text"]
    visits = (await answer_all(bot, head, ["十一月签约两单", "十二月冲刺回款"]))[-1]
    assert "已按本办事处的拜访记录统计" in visits["text"] and "当前：4" in visits["text"]
    customers = (await bot.press(head, visits, "保持不变"))[-1]["text"]
    assert "已按本办事处的客户档案统计" in customers and "当前：3" in customers
    payments = (await answer_all(bot, head, ["3", "2"]))[-1]["text"]
    assert "已按本办事处用 /payment 登记的来款预填" in payments and "当前：150000.50" in payments

    weekly = (await answer_all(bot, li, ["/weekly", "拜访回访", "跟进投标"]))[-1]["text"]  # 2026-W49
    assert "已按您的拜访记录统计" in weekly and "当前：1" in weekly  # her own, not the head's of 12-01


async def test_reminders_from_the_running_bot_once_each_and_status(bot: BotHarness) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    assert bot.runtime is not None

    bot.clock.set(cst(11, 27, 15, 5))
    await report_reminders(bot.app)
    await bot.flush()
    assert bot.last(li)["text"] == ("⏰ 提醒：您的周工作总结和计划（2026-W48 (11-23–11-29)）"
                                    "截止时间为 2026-11-27 18:00。请发送 /weekly 填写。")
    status = (await bot.send(head, "/status"))[-1]["text"]
    assert "📊 周工作总结和计划 2026-W48 (11-23–11-29)（截止 2026-11-27 18:00）" in status
    assert "• 已交 0/2（迟交 0），请假/出差 0，未交：张伟、李娜" in status
    assert "角色无权" in (await bot.send(li, "/status"))[-1]["text"]

    bot.clock.set(cst(11, 30, 10, 30))
    await bot.restart()
    counts = {who.id: len(bot.standin.messages(who.id)) for who in (li, head)}
    for _ in range(2):
        await report_reminders(bot.app)
        await bot.flush()
    to_li = bot.texts(li)[counts[li.id]:]
    to_head = bot.texts(head)[counts[head.id]:]
    assert [t[:2] for t in to_li] == ["⚠️"]  # chased once
    heads = sorted(t.split("（")[0] for t in to_head)  # Monday 30th is also the month's last working day
    assert heads == sorted(["⚠️ 您的周工作总结和计划", "📋 周工作总结和计划", "⚠️ 以下人员的周工作总结和计划",
                            "⏰ 提醒：您的月度工作总结及下月计划"])
    assert any(t.endswith("上海办事处：李娜") for t in to_head)
    assert any(t.endswith("逾期未交：李娜") for t in to_head)


async def test_the_longest_weekly_report_reaches_review_and_is_submitted(bot: BotHarness) -> None:
    """3,000 characters of summary and of plan: the review is delivered in parts, never a crash."""
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    summary_text = ("本周拜访客户，完成回访。\n" * 250)[:3000]
    plan_text = "下周跟进市局投标" * 375
    await bot.send(li, "/weekly")
    replies = await answer_all(bot, li, [summary_text, plan_text])
    while not any("请核对：" in (m.get("text") or "") for m in replies):
        assert "出了点问题" not in replies[-1]["text"]
        replies = await bot.send(li, "0")
    review = replies[-1]
    assert all(len(m.get("text") or "") <= 4096 for m in replies)
    assert "提交报告" in str(buttons(review))
    done = await bot.press(li, review, "提交报告")
    assert done[-1]["text"].startswith("已提交：周工作总结和计划")
    received = "".join(m.get("text") or "" for m in bot.standin.messages(head.id))
    assert plan_text[-100:] in received
