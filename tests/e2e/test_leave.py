"""Issue #10, leave as HR runs it: leave types, half days, outing hours, working days shown, sick notes.

Through the real Application and the Bot API stand-in, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from storage.models import ApprovalRequest, AuditEntry
from tests.e2e.harness import BotHarness
from tests.e2e.test_approvals import card_for
from tests.e2e.test_records_support import labels, say

SHANGHAI = ZoneInfo("Asia/Shanghai")
LEAVE_TYPES = ["事假", "病假", "年假", "调休", "婚假", "产假", "陪产假", "丧假"]


def requests_of(bot: BotHarness) -> list[ApprovalRequest]:
    """Every stored request, oldest first."""
    with bot.app.uow() as uow:
        rows = list(uow.session.scalars(select(ApprovalRequest).order_by(ApprovalRequest.id)))
        uow.session.expunge_all()
    return rows


@pytest.mark.wire  # this feature over HTTP and on PostgreSQL too (tests/conftest.py)
async def test_leave_over_national_day_shows_the_working_days_before_submitting(bot: BotHarness) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    bot.clock.set(datetime(2026, 9, 21, 9, 0, tzinfo=SHANGHAI))
    kinds = (await bot.send(li, "/leave"))[-1]
    types = (await bot.press(li, kinds, "请假"))[-1]
    assert labels(types)[:8] == LEAVE_TYPES
    await bot.press(li, types, "事假")
    halves = await say(bot, li, "2026-09-28", "2026-10-10")
    assert labels(halves)[:4] == ["全天", "第一天下午开始", "最后一天上午结束", "第一天下午开始，最后一天上午结束"]
    await bot.press(li, halves, "全天")
    summary = await say(bot, li, "回老家")
    assert "共 6 个工作日" in summary["text"] and "• 请假类型: 事假" in summary["text"]
    done = (await bot.press(li, summary, "提交"))[-1]
    assert "已提交" in done["text"]
    [request] = requests_of(bot)
    assert request.payload["leave_type"] == "personal" and request.payload["days"] == "6"
    card = card_for(bot, head)["text"]
    assert "请假类型：事假" in card and "工作日：6 天" in card


async def test_a_half_day_and_an_outing_in_hours(bot: BotHarness) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    await bot.register("张伟", office="上海办事处", roles=["office_head"])
    bot.clock.set(datetime(2026, 12, 2, 9, 0, tzinfo=SHANGHAI))
    kinds = (await bot.send(li, "/leave"))[-1]
    types = (await bot.press(li, kinds, "请假"))[-1]
    first = (await bot.press(li, types, "事假"))[-1]
    last = (await bot.press(li, first, "明天"))[-1]
    part = (await bot.press(li, last, "明天"))[-1]
    assert labels(part)[:3] == ["全天", "上午", "下午"]
    reason = (await bot.press(li, part, "下午"))[-1]
    summary = await say(bot, li, "去银行办事")
    assert reason["text"] and "共 0.5 个工作日" in summary["text"] and "• 全天/半天: 下午" in summary["text"]
    await bot.press(li, summary, "提交")

    kinds = (await bot.send(li, "/leave"))[-1]
    day = (await bot.press(li, kinds, "外出"))[-1]
    since = (await bot.press(li, day, "明天"))[-1]
    assert "几点出发" in since["text"]
    backwards = await say(bot, li, "上午10点", "9:30")
    assert "结束时间须晚于开始时间" in backwards["text"]
    summary = await say(bot, li, "下午4点", "某市公安局", "送资料")
    assert "外出共 6 小时" in summary["text"]
    await bot.press(li, summary, "提交")
    outing = requests_of(bot)[-1]
    assert outing.kind == "outing" and outing.payload["hours"] == "6.00"
    assert outing.starts_at is not None and outing.starts_at.astimezone(SHANGHAI).hour == 10
    assert outing.ends_at is not None and outing.ends_at.astimezone(SHANGHAI).hour == 16


async def test_a_long_sick_leave_needs_its_sick_note(bot: BotHarness) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    await bot.register("张伟", office="上海办事处", roles=["office_head"])
    bot.clock.set(datetime(2026, 12, 2, 9, 0, tzinfo=SHANGHAI))
    kinds = (await bot.send(li, "/leave"))[-1]
    types = (await bot.press(li, kinds, "请假"))[-1]
    await bot.press(li, types, "病假")
    await bot.press(li, await say(bot, li, "今天", "12月4日"), "全天")
    photos = await say(bot, li, "发烧")
    assert "病假条" in photos["text"]
    summary = (await bot.press(li, photos, "跳过"))[-1]
    assert "共 3 个工作日" in summary["text"]
    refused = (await bot.press(li, summary, "提交"))[-1]
    assert "病假超过 2 个工作日，须附病假条照片" in refused["text"]
    assert requests_of(bot) == []
    await bot.send_photo(li)
    summary = (await bot.press(li, bot.last(li), "完成"))[-1]
    assert "已提交" in (await bot.press(li, summary, "提交"))[-1]["text"]
    [sick] = requests_of(bot)
    assert sick.payload["leave_type"] == "sick" and len(sick.photos) == 1


async def test_balances_are_shown_adjusted_by_hr_with_audit_and_an_overdraw_is_refused(bot: BotHarness) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    hr = await bot.register("周敏", office="上海办事处", roles=["hr"])
    await bot.register("张伟", office="上海办事处", roles=["office_head"])
    bot.clock.set(datetime(2026, 12, 2, 9, 0, tzinfo=SHANGHAI))
    opened = await bot.send(li, "/leave")
    assert "2026 年假期余额：年假 5 天，调休 0 天" in opened[0]["text"]
    await bot.send(li, "/cancel")

    assert (await bot.send(li, "/leave_balance 李娜 调休 +1 周六加班"))[-1]["text"] == "抱歉，您的角色无权使用此命令。"
    for bad in ("+0.3", "NaN", "0", "+400"):
        assert "半天倍数" in (await bot.send(hr, f"/leave_balance 李娜 调休 {bad} 周六加班"))[-1]["text"]
    assert "没有这个姓名" in (await bot.send(hr, "/leave_balance 王某 调休 +1 周六加班"))[-1]["text"]
    done = (await bot.send(hr, "/leave_balance 李娜 调休 +1.5 11月28日周六加班"))[-1]["text"]
    assert done == "已调整：李娜的调休现余 1.5 天。"
    with bot.app.uow() as uow:
        entry = uow.session.scalars(select(AuditEntry).where(AuditEntry.action == "leave.adjust")).one()
        assert entry.detail["days"] == "1.5" and entry.detail["note"] == "11月28日周六加班"

    kinds = (await bot.send(li, "/leave"))[-1]
    assert "调休 1.5 天" in bot.texts(li)[-2]
    types = (await bot.press(li, kinds, "请假"))[-1]
    await bot.press(li, types, "调休")
    await bot.press(li, await say(bot, li, "下周一", "下周二"), "全天")
    summary = await say(bot, li, "休息")
    refused = (await bot.press(li, summary, "提交"))[-1]
    assert "本次共 2 个工作日，但您的调休只剩 1.5 天" in refused["text"]
    assert requests_of(bot) == []
    await bot.press(li, refused, "年假")
    summary = bot.last(li)
    assert "• 请假类型: 年假" in summary["text"]
    assert "已提交" in (await bot.press(li, summary, "提交"))[-1]["text"]
    assert "年假 3 天" in (await bot.send(li, "/leave"))[0]["text"]  # a pending request holds its days


async def test_approved_weekend_work_earns_time_off_in_lieu(bot: BotHarness) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    bot.clock.set(datetime(2026, 12, 2, 9, 0, tzinfo=SHANGHAI))
    day = (await bot.send(li, "/overtime"))[-1]
    assert "【加班申请】" in day["text"] and labels(day)[:2] == ["今天", "昨天"]
    days = await say(bot, li, "上周六")
    assert "调休" in days["text"]
    assert "半天" in (await say(bot, li, "0.3"))["text"]
    summary = await say(bot, li, "1", "周六到客户现场装柜")
    assert "2026-11-28" in summary["text"]
    assert "已提交" in (await bot.press(li, summary, "提交"))[-1]["text"]
    assert "调休 0 天" in (await bot.send(li, "/leave"))[0]["text"]  # earned only once approved
    await bot.send(li, "/cancel")
    card = card_for(bot, head)
    assert "加班" in card["text"] and "可计调休：1 天" in card["text"]
    await bot.press(head, card, "同意")
    assert "调休 1 天" in (await bot.send(li, "/leave"))[0]["text"]
