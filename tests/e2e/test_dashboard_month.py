"""/dashboard's month charts (issue #11): this month's attendance rate, late arrivals and absences, and the
reports due this month (on time, late, missing) by office, as real PNG photos with their captions; the
same figures in the .xlsx."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from storage.models import AttendancePunch, Office, Report
from tests.e2e.harness import BotHarness
from tests.e2e.test_dashboard import png_size
from tests.e2e.test_reports import staff_id

SHANGHAI = ZoneInfo("Asia/Shanghai")


def cst(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


def record_month(bot: BotHarness) -> None:
    """Check-ins and weekly reports as the attendance and report features store them."""
    li, head = staff_id(bot, "李娜"), staff_id(bot, "张伟")
    with bot.app.uow() as uow:
        office = uow.session.scalars(select(Office.id).where(Office.name == "上海办事处")).one()
        for person, day, hour, minute in ((li, 2, 8, 20), (li, 3, 8, 25), (li, 4, 9, 10), (head, 2, 8, 15)):
            uow.session.add(AttendancePunch(staff_id=person, office_id=office, day=cst(day, 0).date(), kind="in",
                                            at=cst(day, hour, minute)))
        for person, week, late in ((li, "2026-W45", False), (head, "2026-W45", False), (li, "2026-W46", True),
                                   (li, "2026-W48", False)):
            uow.session.add(Report(staff_id=person, office_id=office, kind="weekly", period_key=week, summary="总结",
                                   plan="计划", late=late, submitted_at=cst(24, 9)))
        uow.commit()


@pytest.mark.wire  # this feature over HTTP and on PostgreSQL too (tests/conftest.py)
async def test_attendance_and_report_compliance_are_charted_and_exported(bot: BotHarness) -> None:
    bot.clock.set(cst(2, 8, 0))  # both join on Monday the 2nd
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    await bot.register("李娜", office="上海办事处", roles=["sales"])
    record_month(bot)
    bot.clock.set(cst(24, 10))

    replies = await bot.send(head, "/dashboard")
    photos = [m for m in replies if m.get("photo")]
    assert len(photos) == 7
    assert [p["caption"] for p in photos[4:]] == [
        "本月各办事处出勤率（出勤天数 ÷ 应出勤天数）", "本月各办事处迟到与旷工天数",
        "本月各办事处应交报告：按时、迟交、未交"]
    for photo in photos[4:]:
        stored = bot.standin.files.get(photo["photo"][-1]["file_id"])
        assert stored is not None and len(stored.data) > 10_000 and png_size(stored.data) == (880, 495)

    await bot.press(head, replies[-1], "导出")
    book = load_workbook(BytesIO(bot.standin.documents(head)[-1].data))
    # 16 working days from the 2nd to the 23rd each; 4 attended (one late), 28 absent: 12.5 %
    assert list(book["本月出勤"].iter_rows(values_only=True)) == [("办事处", "出勤率（%）", "迟到", "旷工"),
                                                               ("上海办事处", 12.5, 1, 28)]
    # weeks due by Friday the 6th, 13th, 20th (and the 27th, already written by 李娜): 3 on time, 1 late,
    # 3 missing; the October monthly report was due before either of them joined
    assert list(book["报告提交情况"].iter_rows(values_only=True)) == [
        ("办事处", "报告", "按时", "迟交", "未交"), ("上海办事处", "周报", 3, 1, 3), ("上海办事处", "月报", 0, 0, 0)]
