"""Issue #10: half days and outing hours in attendance, a leave from 下午 to 上午, and HR's own leave file.

A half-day leave excuses only its half: the other half is judged in the check-in reply, /today, the office's
/today and the monthly sheet alike. Through the real Application and the Bot API stand-in, SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from tests.e2e.harness import BotHarness, FakeUser
from tests.e2e.test_approvals import card_for
from tests.e2e.test_leave import requests_of
from tests.e2e.test_records_support import say

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEAR = (31.2310, 121.4740)  # about 70 m from the office


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    """A moment of 2026 in Shanghai."""
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


async def one_day_leave(bot: BotHarness, user: FakeUser, day: str, part: str) -> None:
    """A 事假 of one day or half a day (全天 / 上午 / 下午), asked in chat."""
    await bot.send(user, "/leave")
    await bot.press(user, bot.last(user), "请假")
    await bot.press(user, bot.last(user), "事假")
    await bot.press(user, await say(bot, user, day, day), part)
    summary = await say(bot, user, "家里有事")
    assert "已提交" in (await bot.press(user, summary, "提交"))[-1]["text"]


async def approve(bot: BotHarness, head: FakeUser) -> None:
    """The office head approves the latest card."""
    await bot.press(head, card_for(bot, head), "同意")


async def punch(bot: BotHarness, user: FakeUser, command: str, when: datetime) -> str:
    """Check in or out at the office at `when`; the bot's answer."""
    bot.clock.set(when)
    await bot.send(user, command)
    summary = (await bot.share_location(user, *NEAR, date=bot.clock()))[-1]
    return str((await bot.press(user, summary, "签到" if command == "/checkin" else "签退"))[-1]["text"])


def status_of(text: str) -> str:
    """The 状态 line of a person's /today."""
    return next(line for line in text.splitlines() if line.startswith("状态："))


@pytest.mark.wire  # this feature over HTTP and on PostgreSQL too (tests/conftest.py)
async def test_a_half_day_leave_leaves_the_other_half_expected_everywhere(bot: BotHarness) -> None:
    bot.clock.set(at(2, 9))
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    wang = await bot.register("王强", office="上海办事处", roles=["technician"])
    bot.clock.set(at(24, 9))
    await one_day_leave(bot, li, "2026-11-25", "下午")
    await approve(bot, head)
    await one_day_leave(bot, wang, "2026-11-25", "上午")
    await approve(bot, head)

    late = await punch(bot, li, "/checkin", at(25, 8, 40))
    assert "迟到 10 分钟（上班时间 08:30）" in late  # 下午假: the morning is worked from its start
    arrived = await punch(bot, wang, "/checkin", at(25, 13, 0))
    assert "迟到" not in arrived  # 上午假: expected from the afternoon start
    assert "早退" not in await punch(bot, li, "/checkout", at(25, 12, 0))  # may leave at noon
    early = await punch(bot, wang, "/checkout", at(25, 17, 0))
    assert "早退 30 分钟（下班时间 17:30）" in early

    assert status_of((await bot.send(li, "/today"))[-1]["text"]) == "状态：迟到 （迟到 10 分钟） / 半天假"
    assert status_of((await bot.send(wang, "/today"))[-1]["text"]) == "状态：早退 （早退 30 分钟） / 半天假"
    office_day = (await bot.send(head, "/today"))[-1]["text"]
    assert "请假 (2): 李娜 (半天假)、王强 (半天假)" in office_day
    assert "迟到 (1): 李娜 08:40 （迟到 10 分钟）" in office_day and "早退 (1): 王强 17:00" in office_day

    bot.clock.set(at(1, 10, month=12))
    await bot.send(head, "/attendance_sheet 2026-11")
    sheet = load_workbook(BytesIO(bot.standin.documents(head)[-1].data))["上海办事处"]
    header = [cell for cell in next(sheet.iter_rows(min_row=2, max_row=2, values_only=True))]
    rows = {row[1]: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=4, values_only=True)
            if row[1] in ("李娜", "王强")}
    assert (rows["李娜"][25], rows["王强"][25]) == ("迟到/半天假", "早退/半天假")
    assert (rows["李娜"]["请假"], rows["李娜"]["迟到"], rows["王强"]["早退"]) == (0.5, 1, 1)
    assert rows["李娜"]["出勤天数"] == 0.5 and rows["李娜"]["旷工"] == 20  # the other working days since the 2nd
    legend = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c)
    assert "半天假" in legend and "午休 12:00–13:00" in legend


async def test_an_outing_excuses_only_its_hours(bot: BotHarness) -> None:
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    bot.clock.set(at(24, 9))
    await bot.send(li, "/leave")
    day = (await bot.press(li, bot.last(li), "外出"))[-1]
    await bot.press(li, day, "明天")
    summary = await say(bot, li, "15:00", "17:30", "某市公安局", "送资料")
    await bot.press(li, summary, "提交")
    await approve(bot, head)

    assert "迟到 20 分钟" in await punch(bot, li, "/checkin", at(25, 8, 50))
    assert "早退" not in await punch(bot, li, "/checkout", at(25, 15, 0))
    own = status_of((await bot.send(li, "/today"))[-1]["text"])
    assert own == "状态：迟到 （迟到 20 分钟） / 外出/出差"


async def test_a_leave_from_wednesday_afternoon_to_friday_noon_is_two_days(bot: BotHarness) -> None:
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    bot.clock.set(at(30, 9))  # a Monday
    await bot.send(li, "/leave")
    await bot.press(li, bot.last(li), "请假")
    await bot.press(li, bot.last(li), "年假")
    halves = await say(bot, li, "周三", "周五")
    await bot.press(li, halves, "第一天下午开始，最后一天上午结束")
    summary = await say(bot, li, "探亲")
    assert "共 2 个工作日" in summary["text"] and "第一天下午开始，最后一天上午结束" in summary["text"]
    assert "已提交" in (await bot.press(li, summary, "提交"))[-1]["text"]
    [request] = requests_of(bot)
    assert (request.payload["days"], request.payload["first_part"], request.payload["last_part"]) == ("2", "pm", "am")
    card = card_for(bot, head)["text"]
    assert "年假 · 第一天下午开始 · 最后一天上午结束" in card and "工作日：2 天" in card
    assert "年假 3 天" in (await bot.send(li, "/leave"))[0]["text"]  # the balance less the 2 days
    await bot.send(li, "/cancel")
    await approve(bot, head)

    await punch(bot, li, "/checkin", at(2, 8, 30, month=12))
    assert "早退" not in await punch(bot, li, "/checkout", at(2, 12, 0, month=12))
    assert status_of((await bot.send(li, "/today"))[-1]["text"]) == "状态：正常出勤 / 半天假"
    bot.clock.set(at(3, 10, month=12))
    assert status_of((await bot.send(li, "/today"))[-1]["text"]) == "状态：请假"
    assert "迟到" not in await punch(bot, li, "/checkin", at(4, 13, 0, month=12))
    await punch(bot, li, "/checkout", at(4, 17, 30, month=12))
    assert status_of((await bot.send(li, "/today"))[-1]["text"]) == "状态：正常出勤 / 半天假"


async def test_hr_s_own_leave_file_is_used(bot: BotHarness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "leave.yaml"
    path.write_text("annual_days: 12\nover_balance: flag\n", encoding="utf-8")
    monkeypatch.setenv("OFFICEBOT_LEAVE_FILE", str(path))
    await bot.restart()
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    await bot.register("张伟", office="上海办事处", roles=["office_head"])
    bot.clock.set(at(30, 9))
    assert "年假 12 天" in (await bot.send(li, "/leave"))[0]["text"]
    await bot.press(li, bot.last(li), "请假")
    await bot.press(li, bot.last(li), "调休")
    await bot.press(li, await say(bot, li, "周三", "周三"), "全天")
    done = (await bot.press(li, await say(bot, li, "休息"), "提交"))[-1]["text"]
    assert "已提交" in done and "超出您的假期余额" in done  # flagged, not refused, as this file says
