"""Check-in and check-out through the real Application and the Bot API stand-in."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from services.approvals import requests as approvals
from storage.models import Staff
from tests.e2e.harness import BotHarness

OFFICE = (31.230416, 121.473701)
NEAR = (31.2310, 121.4740)  # about 70 m from the office
FAR = (31.2500, 121.5000)  # about 3.3 km away
CUSTOMER = (31.3707, 121.4737)  # about 15.6 km north
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.wire  # this feature over HTTP and on PostgreSQL too (tests/conftest.py)
async def test_check_in_inside_the_office_then_again(bot: BotHarness) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    bot.clock.set(datetime(2026, 11, 24, 8, 47, tzinfo=SHANGHAI))
    prompt = (await bot.send(li, "/checkin"))[-1]
    assert "发送您当前的位置" in prompt["text"]
    keyboard = bot.standin.reply_keyboard(li)
    assert keyboard is not None and keyboard["keyboard"][0][0].get("request_location") is True

    summary = (await bot.share_location(li, *NEAR, date=bot.clock()))[-1]
    assert "请核对" in summary["text"]
    done = (await bot.press(li, summary, "签到"))[-1]["text"]

    assert "✅ 已签到，时间 08:47。" in done
    assert "迟到 17 分钟（上班时间 08:30）" in done
    assert "外勤" not in done
    assert (await bot.send(li, "/checkin"))[-1]["text"] == "您今天已在 08:47 签到过了。"
    today = (await bot.send(li, "/today"))[-1]["text"]
    assert "签到：08:47" in today and "状态：迟到" in today


async def test_the_check_in_step_counter_counts_the_questions_that_may_be_asked(bot: BotHarness) -> None:
    """Issue #10, defect 6: 1/3, 2/3, 3/3 outside the office (it read 1/1 → 2/3)."""
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    bot.clock.set(datetime(2026, 11, 24, 8, 25, tzinfo=SHANGHAI))
    prompts = [(await bot.send(li, "/checkin"))[-1]]
    prompts.append((await bot.share_location(li, *FAR, date=bot.clock()))[-1])
    prompts.append((await bot.press(li, prompts[-1], "外勤"))[-1])
    steps = [re.search(r"】 (\d+)/(\d+)", p["text"]) for p in prompts]
    assert [(int(m.group(1)), int(m.group(2))) for m in steps if m] == [(1, 3), (2, 3), (3, 3)]


async def test_check_in_outside_becomes_field_attendance(bot: BotHarness) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    bot.clock.set(datetime(2026, 11, 24, 8, 25, tzinfo=SHANGHAI))
    await bot.send(li, "/checkin")

    choose = (await bot.share_location(li, *FAR, date=bot.clock()))[-1]
    assert "不在办事处范围内" in choose["text"]
    ask_place = (await bot.press(li, choose, "外勤"))[-1]
    assert "哪个客户或地点" in ask_place["text"]
    summary = (await bot.send(li, "华东医院"))[-1]
    done = (await bot.press(li, summary, "签到"))[-1]["text"]

    assert "✅ 已签到，时间 08:25。" in done
    assert "外勤：华东医院，距办事处" in done and "迟到" not in done
    office_day = (await bot.send(head, "/today"))[-1]["text"]
    assert "在外（外勤、外出、出差） (1): 李娜 08:25 （外勤：华东医院）" in office_day
    assert "未签到 (1): 张伟" in office_day


async def test_late_and_early_in_the_office_time_zone(bot: BotHarness) -> None:
    bot.add_office("乌鲁木齐办事处", timezone="Asia/Urumqi", geofence=(43.8256, 87.6168, 300),
                   work_start=time(10, 0), work_end=time(19, 0))
    ma = await bot.register("马强", office="乌鲁木齐办事处", roles=["sales"])
    urumqi = ZoneInfo("Asia/Urumqi")

    bot.clock.set(datetime(2026, 11, 24, 10, 20, tzinfo=urumqi))  # 12:20 in Shanghai
    await bot.send(ma, "/checkin")
    summary = (await bot.share_location(ma, 43.8257, 87.6169, date=bot.clock()))[-1]
    arrived = (await bot.press(ma, summary, "签到"))[-1]["text"]
    assert "时间 10:20" in arrived and "迟到 20 分钟（上班时间 10:00）" in arrived

    bot.clock.set(datetime(2026, 11, 24, 18, 15, tzinfo=urumqi))
    await bot.send(ma, "/checkout")
    summary = (await bot.share_location(ma, 43.8257, 87.6169, date=bot.clock()))[-1]
    left = (await bot.press(ma, summary, "签退"))[-1]["text"]
    assert "✅ 已签退，时间 18:15。" in left and "早退 45 分钟（下班时间 19:00）" in left


async def test_stale_and_forwarded_locations_are_refused(bot: BotHarness) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    colleague = bot.new_user("王五")
    await bot.send(li, "/checkin")

    stale = (await bot.share_location(li, *OFFICE, date=bot.clock() - timedelta(minutes=20)))[-1]
    assert "该位置已过时" in stale["text"]
    forwarded = (await bot.share_location(li, *OFFICE, date=bot.clock(), forwarded_from=colleague))[-1]
    assert "不接受转发的位置" in forwarded["text"]
    keyboard = bot.standin.reply_keyboard(li)
    assert keyboard is not None and keyboard["keyboard"][0][0].get("request_location") is True
    summary = (await bot.share_location(li, *OFFICE, date=bot.clock()))[-1]
    assert "✅ 已签到，时间 10:00。" in (await bot.press(li, summary, "签到"))[-1]["text"]


async def test_the_office_head_sees_present_late_on_leave_and_missing(bot: BotHarness) -> None:
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    wang = await bot.register("王强", office="上海办事处", roles=["technician"])
    await bot.register("赵敏", office="上海办事处", roles=["admin"])
    zhao_id = _staff_id(bot, "赵敏")
    bot.clock.set(datetime(2026, 11, 23, 16, tzinfo=SHANGHAI))  # the day before: 赵敏 asks for leave
    leave = {"kind": "leave", "first_day": "2026-11-24", "last_day": "2026-11-24", "reason": "事假"}
    approvals.submit_leave(bot.app.uow(), requester_id=zhao_id, config=bot.app.approval_config, now=bot.clock(),
                           data=leave)
    await bot.flush()
    card = next(m for m in reversed(bot.standin.messages(head.id)) if "赵敏" in (m.get("text") or ""))
    await bot.press(head, card, "同意")

    bot.clock.set(datetime(2026, 11, 24, 8, 29, tzinfo=SHANGHAI))
    await bot.send(wang, "/checkin")
    await bot.press(wang, (await bot.share_location(wang, *NEAR, date=bot.clock()))[-1], "签到")
    bot.clock.set(datetime(2026, 11, 24, 9, 5, tzinfo=SHANGHAI))
    await bot.send(li, "/checkin")
    await bot.press(li, (await bot.share_location(li, *NEAR, date=bot.clock()))[-1], "签到")

    office_day = (await bot.send(head, "/today"))[-1]["text"]
    assert "已到 (1): 王强 08:29" in office_day
    assert "迟到 (1): 李娜 09:05" in office_day and "35" in office_day
    assert "请假 (1): 赵敏" in office_day
    assert "未签到 (1): 张伟" in office_day
    worker_day = (await bot.send(wang, "/today"))[-1]["text"]
    assert "李娜" not in worker_day, "staff see their own day only"


async def test_a_late_field_day_that_ends_early_shows_every_status(bot: BotHarness) -> None:
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    bot.clock.set(datetime(2026, 11, 24, 9, 10, tzinfo=SHANGHAI))
    await bot.send(li, "/checkin")
    choose = (await bot.share_location(li, *CUSTOMER, date=bot.clock()))[-1]
    await bot.press(li, choose, "外勤")
    await bot.press(li, (await bot.send(li, "华东医院"))[-1], "签到")
    bot.clock.set(datetime(2026, 11, 24, 13, 59, tzinfo=SHANGHAI))  # 211 min before 17:30
    await bot.send(li, "/checkout")
    await bot.press(li, (await bot.share_location(li, *NEAR, date=bot.clock()))[-1], "签退")

    own = (await bot.send(li, "/today"))[-1]["text"]
    status = next(line for line in own.splitlines() if line.startswith("状态："))
    assert status == "状态：迟到 （迟到 40 分钟） / 早退 （早退 3小时31分） / 外勤"
    office_day = (await bot.send(head, "/today"))[-1]["text"]
    assert "迟到 (1): 李娜 09:10 （迟到 40 分钟）" in office_day
    assert "早退 (1): 李娜 13:59 （早退 3小时31分）" in office_day
    assert "在外（外勤、外出、出差） (1): 李娜 09:10 （外勤：华东医院）" in office_day
    assert "已到 (0)" in office_day


def _staff_id(bot: BotHarness, name: str) -> int:
    with bot.app.uow() as uow:
        return int(uow.session.scalars(select(Staff.id).where(Staff.name == name)).one())


async def test_someone_who_comes_in_on_a_rest_day_is_listed_as_present(bot: BotHarness) -> None:
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    bot.clock.set(datetime(2026, 11, 28, 10, 15, tzinfo=SHANGHAI))  # a Saturday
    await bot.send(li, "/checkin")
    await bot.press(li, (await bot.share_location(li, *NEAR, date=bot.clock()))[-1], "签到")

    office_day = (await bot.send(head, "/today"))[-1]["text"]
    assert "今天不是工作日。" in office_day
    assert "已到 (1): 李娜 10:15" in office_day
    assert "未签到 (0)" in office_day, "nobody is missing on a rest day"
    own = (await bot.send(li, "/today"))[-1]["text"]
    assert "签到：10:15" in own and "状态：休息日 · 加班" in own
