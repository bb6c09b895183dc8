"""Meetings: scheduled by the head, reminded once across a restart, attendance, minutes with tasks chased."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from schedules.meetings import meeting_reminders
from services.office.meetings import absences
from standins.telegram.keyboards import buttons
from storage.models import AuditEntry, Meeting, MeetingSeries, Staff
from tests.e2e.harness import BotHarness

SHANGHAI = ZoneInfo("Asia/Shanghai")


def cst(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def current(bot: BotHarness, user: Any, message: dict[str, Any]) -> dict[str, Any]:
    return next(m for m in bot.standin.messages(user.id) if m["message_id"] == message["message_id"])


async def sweep(bot: BotHarness) -> None:
    await meeting_reminders(bot.app)
    await bot.flush()


@pytest.mark.wire  # this feature over HTTP and on PostgreSQL too (tests/conftest.py)
async def test_a_weekly_meeting_from_schedule_to_its_tasks_chased(bot: BotHarness) -> None:
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    wang = await bot.register("王强", office="上海办事处", roles=["technician"])

    assert "角色无权" in (await bot.send(li, "/meeting"))[-1]["text"]
    kind = (await bot.send(head, "/meeting"))[-1]
    await bot.press(head, kind, "周工作例会")
    assert "须晚于现在" in (await bot.send(head, "2026-11-20 09:00"))[-1]["text"]
    repeat = (await bot.send(head, "2026-11-30 09:00"))[-1]
    await bot.press(head, repeat, "不重复")
    summary = (await bot.send(head, "本周计划"))[-1]
    assert (await bot.press(head, summary, "保存"))[-1]["text"] == "📅 例会 #1 已安排，已通知办事处全体人员。"
    assert bot.last(li)["text"] == "📅 张伟已安排周工作例会 11-30 09:00（本周计划），请准时参加。"

    bot.clock.set(cst(11, 30, 7, 30))
    await sweep(bot)
    await bot.restart()
    await sweep(bot)
    for who in (head, li, wang):
        reminded = [t for t in bot.texts(who) if t.startswith("⏰")]
        assert reminded == ["⏰ 提醒：周工作例会 11-30 09:00（本周计划）即将开始。"]

    listing = (await bot.send(head, "/meetings"))[-1]
    card = (await bot.press(head, listing, "出席登记"))[-1]
    await bot.press(head, card, "✅ 李娜")
    assert bot.standin.callback_answers[-1]["text"] == "例会开始后才能登记出席情况。"
    bot.clock.set(cst(11, 30, 9, 30))
    await bot.press(head, card, "✅ 李娜")
    await bot.press(head, current(bot, head, card), "❌ 王强")
    await bot.press(head, current(bot, head, card), "❌ 王强")  # a double tap sets, never toggles back
    assert current(bot, head, card)["text"].splitlines()[1:] == ["⬜ 张伟", "✅ 李娜", "❌ 王强"]
    with bot.app.uow() as uow:
        ids = {name: staff for name, staff in uow.session.execute(select(Staff.name, Staff.id))}
        missed = absences(uow.session, staff_ids=list(ids.values()), first=datetime(2026, 11, 1, tzinfo=UTC),
                          last=datetime(2026, 12, 1, tzinfo=UTC))
    assert missed == {ids["王强"]: 1}

    ask = (await bot.press(head, listing, "会议纪要"))[-1]
    assert "讨论并决定" in ask["text"]
    await bot.send(head, "确定公安局投标分工")
    bad = (await bot.send(head, "李娜 2026-12-02 跟进公安局投标\n王五 2026-12-03 准备标书"))[-1]
    assert "每行格式" in bad["text"]
    summary = (await bot.send(head, "李娜 2026-12-02 跟进公安局投标"))[-1]
    assert (await bot.press(head, summary, "保存"))[-1]["text"] == "📝 会议纪要已保存，已通知各任务负责人。"
    assert bot.last(li)["text"] == "📌 例会布置的新任务：跟进公安局投标（截止 2026-12-02）。发送 /tasks 查看。"

    plan = (await bot.send(li, "/weekly"))[-1]  # the task opens her next weekly plan
    plan = (await bot.send(li, "拜访回访"))[-1]
    assert "当前：跟进公安局投标 (2026-12-02)" in plan["text"]
    await bot.send(li, "/cancel")

    bot.clock.set(cst(12, 1, 10))
    await sweep(bot)
    await sweep(bot)
    assert [t for t in bot.texts(li) if "到期" in t] == [
        "⏰ 任务将于 2026-12-02 到期：跟进公安局投标。完成后请通过 /tasks 标记。"]
    bot.clock.set(cst(12, 3, 10))
    await sweep(bot)
    await sweep(bot)
    assert [t for t in bot.texts(li) if "逾期" in t] == [
        "⚠️ 任务已逾期（截止 2026-12-02）：跟进公安局投标。完成后请通过 /tasks 标记。"]
    assert bot.last(head)["text"] == "⚠️ 李娜的例会任务（截止 2026-12-02）尚未完成：跟进公安局投标。"

    task = (await bot.send(li, "/tasks"))[-1]
    await bot.press(li, task, "已完成")
    assert current(bot, li, task)["text"] == "✅ 任务已完成。"
    await bot.press(li, task, "已完成")
    assert bot.standin.callback_answers[-1]["text"] == "已经标记过了。"
    assert (await bot.send(li, "/tasks"))[-1]["text"] == "没有未完成的任务。"

    bot.clock.set(cst(12, 21, 10))  # 每月必须召开例会: no monthly meeting in December yet
    await sweep(bot)
    await sweep(bot)
    assert [t for t in bot.texts(head) if "月度例会" in t] == [
        "📅 2026-12 尚未安排月度例会（每月必须召开例会）。请发送 /meeting 安排。"]


def row_of(messages: list[dict[str, Any]], meeting_id: int) -> dict[str, Any]:
    """The /meetings line of one meeting."""
    return next(m for m in messages if str(m["text"]).startswith(f"#{meeting_id} "))


async def test_a_weekly_series_is_reminded_per_meeting_and_one_occurrence_is_cancelled(bot: BotHarness) -> None:
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])

    kind = (await bot.send(head, "/meeting"))[-1]
    await bot.press(head, kind, "周工作例会")
    repeat = (await bot.send(head, "2026-11-30 09:00"))[-1]
    assert "是否重复" in repeat["text"]
    until = (await bot.press(head, repeat, "每周"))[-1]
    assert "重复到哪一天" in until["text"]
    count = (await bot.press(head, until, "跳过"))[-1]
    assert "一共开几次" in count["text"]
    assert "不能大于 52" in (await bot.send(head, "60"))[-1]["text"]  # at most 52 are planned at once
    await bot.send(head, "4")
    summary = (await bot.send(head, "周例会"))[-1]
    saved = (await bot.press(head, summary, "保存"))[-1]["text"]
    assert saved == "📅 已安排 4 次例会（#1–#4，每周，至 2026-12-21），已通知办事处全体人员。"
    assert bot.texts(li)[-1] == ("📅 张伟已安排周工作例会 11-30 09:00（周例会），请准时参加。\n"
                                 "每周重复，共 4 次，最后一次在 2026-12-21 09:00。")
    assert len([t for t in bot.texts(li) if t.startswith("📅")]) == 1  # told once, not four times

    for day in (30, 7):  # each occurrence gets its own reminder, once across a restart
        bot.clock.set(cst(11 if day == 30 else 12, day, 7, 30))
        await sweep(bot)
        await bot.restart()
        await sweep(bot)
    assert [t for t in bot.texts(li) if t.startswith("⏰")] == [
        "⏰ 提醒：周工作例会 11-30 09:00（周例会）即将开始。", "⏰ 提醒：周工作例会 12-07 09:00（周例会）即将开始。"]

    listing = await bot.send(head, "/meetings")
    assert "取消" not in str(buttons(row_of(listing, 1)))  # held already: not cancellable
    which = (await bot.press(head, row_of(listing, 3), "取消…"))[-1]
    assert [label for label, _data in buttons(which)] == ["只取消这一次", "取消这一次及以后各次"]
    await bot.press(head, which, "只取消这一次")
    done = current(bot, head, which)
    assert buttons(done) == []
    assert done["text"] == "❌ 已取消：周工作例会 12-14 09:00（周例会）；共取消 1 次例会，已通知全体人员。"
    assert bot.texts(li)[-1] == "❌ 张伟已取消周工作例会 12-14 09:00（周例会）。"
    await bot.press_data(head, which, buttons(which)[0][1])  # a second tap cancels nothing more
    assert bot.standin.callback_answers[-1]["text"] == "该例会已取消或已召开。"
    await bot.press_data(li, bot.last(li), buttons(which)[1][1])  # not the head: refused
    assert bot.standin.callback_answers[-1]["text"] == "未找到。"
    assert [m["text"].split(" ")[0] for m in await bot.send(head, "/meetings")] == ["#1", "#2", "#4"]

    bot.clock.set(cst(12, 14, 7, 30))
    await sweep(bot)
    bot.clock.set(cst(12, 21, 7, 30))
    await sweep(bot)
    later = [t for t in bot.texts(li) if t.startswith("⏰")][2:]  # not the cancelled 12-14
    assert later == ["⏰ 提醒：周工作例会 12-21 09:00（周例会）即将开始。"]


async def test_a_monthly_series_until_a_day_keeps_the_month_end_and_is_cancelled_from_one_on(
        bot: BotHarness) -> None:
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    kind = (await bot.send(head, "/meeting"))[-1]
    await bot.press(head, kind, "月度例会")
    repeat = (await bot.send(head, "2026-12-31 16:00"))[-1]
    await bot.press(head, repeat, "每月")
    assert "不能早于" in (await bot.send(head, "2026-12-01"))[-1]["text"]
    await bot.send(head, "2027-03-31")
    summary = (await bot.send(head, "跳过"))[-1]
    saved = (await bot.press(head, summary, "保存"))[-1]["text"]
    assert saved == "📅 已安排 4 次例会（#1–#4，每月，至 2027-03-31），已通知办事处全体人员。"
    with bot.app.uow() as uow:
        starts = [s.astimezone(SHANGHAI).strftime("%m-%d %H:%M") for s in
                  uow.session.scalars(select(Meeting.starts_at).order_by(Meeting.id))]
    assert starts == ["12-31 16:00", "01-31 16:00", "02-28 16:00", "03-31 16:00"]

    listing = await bot.send(head, "/meetings")
    which = (await bot.press(head, row_of(listing, 2), "取消…"))[-1]
    await bot.press(head, which, "取消这一次及以后各次")
    done = current(bot, head, which)
    assert done["text"] == "❌ 已取消：月度例会 01-31 16:00；共取消 3 次例会，已通知全体人员。"
    assert bot.texts(li)[-1] == "❌ 张伟已取消月度例会 01-31 16:00及该系列之后的各次例会（共 3 次）。"
    with bot.app.uow() as uow:
        left = uow.session.scalars(select(Meeting.id).where(Meeting.cancelled_at.is_(None))).all()
        series = uow.session.scalars(select(MeetingSeries)).one()
        entries = uow.session.scalars(select(AuditEntry.detail).where(AuditEntry.action == "meeting.cancel")).all()
        assert series.cancelled_at is not None
    assert (list(left), entries) == ([1], [{"series": 1, "meetings": [2, 3, 4]}])
