"""The monthly score sheet (月度评分表): asked on the 1st, scored with the facts, chased once, sheet to HQ."""

from __future__ import annotations

from datetime import date, datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from domain.people import DEFAULT_PEOPLE_CONFIG, parse_people_config
from schedules.people import monthly_scores
from standins.telegram.keyboards import buttons
from storage.models import AttendancePunch, Customer, Meeting, MeetingAttendance, Staff, Visit
from tests.e2e.harness import BotHarness, repack

SHANGHAI = ZoneInfo("Asia/Shanghai")


def cst(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=SHANGHAI)


def november_of(bot: BotHarness, name: str) -> None:
    """One late check-in and one visit in November, as attendance and /visit store them."""
    with bot.app.uow() as uow:
        person, office = uow.session.execute(select(Staff.id, Staff.office_id).where(Staff.name == name)).one()
        customer = Customer(office_id=office, name="市司法局", created_by=person, created_at=cst(10, 5))
        uow.session.add(customer)
        uow.session.flush()
        uow.session.add_all([
            AttendancePunch(staff_id=person, office_id=office, day=date(2026, 11, 25), kind="in",
                            at=cst(11, 25, 9), late_minutes=30),
            Visit(office_id=office, customer_id=customer.id, staff_id=person, visited_at=cst(11, 26, 14),
                  purpose="follow_up"),
        ])
        uow.commit()


async def sweep(bot: BotHarness) -> None:
    await monthly_scores(bot.app)
    await bot.flush()


@pytest.mark.wire  # this feature over HTTP and on PostgreSQL too (tests/conftest.py)
async def test_the_head_scores_with_the_facts_is_chased_once_and_hq_gets_the_sheet(bot: BotHarness) -> None:
    bot.add_office("总部", is_hq=True)
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    await bot.register("王强", office="上海办事处", roles=["technician"])
    hr = await bot.register("赵敏", office="总部", roles=["hr"])
    gm = await bot.register("周总", office="总部", roles=["gm"])
    november_of(bot, "李娜")
    with bot.app.uow() as uow:  # 王强 missed the weekly meeting of 30 November
        wang, office = uow.session.execute(select(Staff.id, Staff.office_id).where(Staff.name == "王强")).one()
        meeting = Meeting(office_id=office, kind="weekly", starts_at=cst(11, 30, 9), created_by=wang)
        uow.session.add(meeting)
        uow.session.flush()
        uow.session.add(MeetingAttendance(meeting_id=meeting.id, staff_id=wang, present=False))
        uow.commit()

    bot.clock.set(cst(12, 1))
    await sweep(bot)
    await sweep(bot)
    asked = [t for t in bot.texts(head) if "月度评分表" in t]
    assert asked == ["📝 请填写 2026-11 月度评分表：共 2 位同事待评分。请发送 /score。"]

    assert "角色无权" in (await bot.send(li, "/score"))[-1]["text"]
    listing = (await bot.send(head, "/score"))[-1]
    assert listing["text"] == "2026-11 月度评分表：\n⬜ 李娜\n⬜ 王强"
    forged = repack(buttons(listing)[1][1], month="202610")
    await bot.press_data(head, listing, forged)  # last month's sheet is closed
    assert bot.standin.callback_answers[-1]["text"] == "未找到。"
    replies = await bot.press(head, listing, "李娜")
    facts = replies[0]["text"]
    assert facts.splitlines()[0] == "李娜，2026-11 当月数据"
    assert "• 出勤天数: 1" in facts and "• 迟到天数: 1" in facts and "• 客户拜访: 1" in facts
    assert "工作成绩：请打分。" in replies[-1]["text"]
    await bot.send(head, "8")
    assert "分数超出评分范围" in (await bot.send(head, "11"))[-1]["text"]
    for answer in ("7", "9", "8"):
        await bot.send(head, answer)
    summary = (await bot.send(head, "积极主动，客户反馈好"))[-1]
    saved = (await bot.press(head, summary, "保存"))[-1]["text"]
    assert saved == "✅ 已为李娜评分：总分 32.0。发送 /score 继续评下一位。"
    assert (await bot.send(head, "/score"))[-1]["text"] == "2026-11 月度评分表：\n✅ 李娜\n⬜ 王强"

    bot.clock.set(cst(12, 3))
    await bot.restart()
    before = len(bot.texts(head))
    await sweep(bot)
    await sweep(bot)
    assert bot.texts(head)[before:] == ["⏰ 提醒：2026-11 月度评分表尚未评分：王强。请发送 /score。"]

    bot.clock.set(cst(12, 4))
    await sweep(bot)
    await sweep(bot)
    assert [t for t in bot.texts(gm) if t.startswith("⚠️")] == ["⚠️ 上海办事处：2026-11 月度评分表仍有人员未评分：王强。"]

    bot.clock.set(cst(12, 5))  # a Saturday: the sheet still goes by the 5th
    await sweep(bot)
    await sweep(bot)
    for who in (hr, gm):
        documents = bot.standin.documents(who)
        assert [d.filename for d in documents] == ["月度评分表-上海办事处-2026-11.xlsx"]
    sheet = load_workbook(BytesIO(bot.standin.documents(hr)[0].data))["月度评分表"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert rows[0][:9] == ["姓名", "出勤天数", "迟到天数", "例会缺席", "周报份数", "拜访次数", "新增客户", "完成维修",
                           "回款登记(元)"]
    assert rows[0][9:] == ["工作成绩", "业务能力", "工作纪律", "团队协作", "总分", "评语", "评分人"]
    assert rows[1] == ["李娜", 1, 1, 0, 0, 1, 0, 0, 0, 8, 7, 9, 8, 32, "积极主动，客户反馈好", "张伟"]
    assert rows[2][:4] == ["王强", 0, 0, 1] and rows[2][9:14] == [None, None, None, None, "未评"]
    assert (await bot.send(li, "/myscore"))[-1]["text"] == "本公司不向员工公开评分。"
    scoring = {**DEFAULT_PEOPLE_CONFIG["scoring"], "visible_to_staff": True}  # a company that shows scores
    bot.app.people_config = parse_people_config({**DEFAULT_PEOPLE_CONFIG, "scoring": scoring})
    assert (await bot.send(li, "/myscore"))[-1]["text"] == (
        "您 2026-11 的评分：工作成绩 8，业务能力 7，工作纪律 9，团队协作 8；总分 32.0。")
    assert (await bot.send(gm, "/myscore"))[-1]["text"] == "2026-11 尚无评分。"
