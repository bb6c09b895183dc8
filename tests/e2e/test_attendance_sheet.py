"""/attendance_sheet in chat and the monthly job that sends the sheet to HR, read back with openpyxl."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from schedules.attendance import send_sheet_to_hr
from tests.e2e.harness import BotHarness

SHANGHAI = ZoneInfo("Asia/Shanghai")


async def test_office_head_gets_the_sheet_and_sales_do_not(bot: BotHarness) -> None:
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    bot.clock.set(datetime(2025, 11, 5, 10, tzinfo=SHANGHAI))

    reply = (await bot.send(head, "/attendance_sheet 2025-10"))[-1]

    assert "2025-10 考勤表" in reply["caption"]
    stored = bot.standin.documents(head)[-1]
    assert stored.filename == "考勤表-上海办事处-2025-10.xlsx"
    sheet = load_workbook(BytesIO(stored.data))["上海办事处"]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=4, values_only=True) if row[0]}
    assert rows["李娜"][1] == "节假日"  # 2025-10-01, National Day: not an absence
    assert rows["李娜"][11] == "旷工"  # 2025-10-11, a make-up working day (调休)
    assert "无权" in (await bot.send(li, "/attendance_sheet"))[-1]["text"]
    assert "格式" in (await bot.send(head, "/attendance_sheet 2025-13"))[-1]["text"]


async def test_the_monthly_job_sends_last_month_to_hr_once(bot: BotHarness) -> None:
    bot.add_office("总部", is_hq=True)
    hr = await bot.register("人事", office="总部", roles=["hr"])
    assert bot.runtime is not None
    bot.clock.set(datetime(2025, 11, 1, 8, 59, tzinfo=SHANGHAI))
    assert await send_sheet_to_hr(bot.runtime) == "not due"
    bot.clock.set(datetime(2025, 11, 3, 14, tzinfo=SHANGHAI))  # down on the 1st: caught up on the 3rd
    assert await send_sheet_to_hr(bot.runtime) == "2025-10: sent to 1 HR recipient(s)"
    assert await send_sheet_to_hr(bot.runtime) == "2025-10: already sent"

    documents = bot.standin.documents(hr)
    assert [d.filename for d in documents] == ["考勤表-全部办事处-2025-10.xlsx"]
    assert load_workbook(BytesIO(documents[0].data)).sheetnames == ["上海办事处", "总部"]
