"""Issue 10, printable sheets: every export, fetched in chat and opened with openpyxl, prints like the seed's tables.

Title with the company's name, 序号, borders, wrapped text, widths, frozen header, landscape A4 one page wide,
title and header rows on every page, and the paper form's sign-off row; the attendance sheet's legend in Chinese.
"""

from __future__ import annotations

from datetime import date, datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from tests.e2e.harness import COMPANY, BotHarness
from tests.e2e.test_records_listing import add_payment
from tests.e2e.test_records_support import add_customer, report_repair, text_of

SHANGHAI = ZoneInfo("Asia/Shanghai")
SIGN_OFF = {"客户档案表": ["经理：", "编制："], "售后维修记录表": ["主管/审核：", "维修员/记录："],
            "客户拜访": ["经理：", "编制："], "来款登记表": ["经理：", "编制："]}


def assert_prints_on_one_page_wide(sheet: Worksheet, *, freeze: str) -> None:
    """Landscape A4 fitted to one page wide, title and headers repeated, header frozen, pages numbered."""
    setup = sheet.page_setup
    assert (setup.orientation, int(setup.paperSize or 0)) == ("landscape", int(sheet.PAPERSIZE_A4))
    assert (setup.fitToWidth, setup.fitToHeight, sheet.sheet_properties.pageSetUpPr.fitToPage) == (1, 0, True)
    assert sheet.print_title_rows == "$1:$3" and sheet.freeze_panes == freeze
    assert "&P" in (sheet.oddFooter.center.text or "")


def assert_ruled(sheet: Worksheet, first_row: int, last_row: int) -> None:
    """Every cell of the table has a border on all four sides (a merged header cell: on its outline)."""
    for row in sheet.iter_rows(min_row=first_row, max_row=last_row, max_col=sheet.max_column):
        for cell in row:
            if cell.coordinate in sheet.merged_cells:
                continue
            sides = (cell.border.left.style, cell.border.right.style, cell.border.top.style, cell.border.bottom.style)
            assert sides == ("thin",) * 4, f"{sheet.title}!{cell.coordinate} has no border"


def width(sheet: Worksheet, letter: str) -> float:
    """A column's width in characters."""
    return float(sheet.column_dimensions[letter].width or 0)


@pytest.mark.wire  # this feature over HTTP and on PostgreSQL too (tests/conftest.py)
async def test_every_record_export_prints_like_the_seed_tables(bot: BotHarness) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    await add_customer(bot, li, "某市公安局")
    await add_customer(bot, li, "某区人民法院")
    await report_repair(bot, li, "某市公安局")
    add_payment(bot, "李娜", "120000", date(2026, 11, 24), customer="某市公安局")

    assert text_of((await bot.send(head, "/export 2026-11"))[-1]) == "客户 2 条，维修 1 条，拜访 0 条"
    book = load_workbook(BytesIO(bot.standin.documents(head)[-1].data))

    body_rows = {"客户档案表": 2, "售后维修记录表": 1, "客户拜访": 0, "来款登记表": 1}
    for title, body in body_rows.items():
        sheet = book[title]
        assert sheet["A1"].value == f"{COMPANY} {title}" and "officebot" not in str(sheet["A1"].value)
        assert sheet["A1"].coordinate in sheet.merged_cells and sheet["A1"].font.b
        assert sheet["A3"].value == "序号" and all(c.font.b for c in sheet[3])
        total = ["合计"] if title == "来款登记表" else []
        count = body + len(total)
        assert [sheet.cell(4 + n, 1).value for n in range(count)] == [*range(1, body + 1), *total], title
        assert_ruled(sheet, 3, 3 + count)
        assert_prints_on_one_page_wide(sheet, freeze="A4")
        signed = [row for row in sheet.iter_rows(min_row=4 + count, values_only=True) if any(row)]
        assert [v for v in signed[-1] if v] == SIGN_OFF[title], (title, signed)
        assert width(sheet, "A") <= 8 and width(sheet, "B") >= 12, title
    archive = book["客户档案表"]
    assert [archive.cell(n, 2).value for n in (4, 5)] == ["某区人民法院", "某市公安局"]
    assert archive["C4"].alignment.wrap_text and width(archive, "C") >= 20  # 地址: long, wrapped, wide
    log = book["售后维修记录表"]
    assert log["F3"].value == "报修内容" and log["F4"].value == "不能上锁" and log["F4"].alignment.wrap_text
    assert [c.value for c in log[3]][9:11] == ["故障原因", "维修结果"]
    assert width(log, "F") >= 25


async def test_the_attendance_sheet_prints_with_a_chinese_legend(bot: BotHarness) -> None:
    bot.clock.set(datetime(2025, 9, 1, 9, tzinfo=SHANGHAI))
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    await bot.register("李娜", office="上海办事处", roles=["sales"])
    bot.clock.set(datetime(2025, 11, 5, 10, tzinfo=SHANGHAI))

    reply = (await bot.send(head, "/attendance_sheet 2025-10"))[-1]
    assert "2025-10 考勤表" in reply["caption"]
    sheet = load_workbook(BytesIO(bot.standin.documents(head)[-1].data))["上海办事处"]

    assert sheet["A1"].value == f"{COMPANY} 上海办事处 2025年10月 考勤表"
    assert [sheet["A2"].value, sheet["B2"].value, sheet["C2"].value, sheet["C3"].value] == ["序号", "姓名", 1, "休"]
    people = [(row[0], row[1]) for row in sheet.iter_rows(min_row=4, max_row=5, values_only=True)]
    assert people == [(1, "张伟"), (2, "李娜")]
    assert_ruled(sheet, 2, 5)
    assert_prints_on_one_page_wide(sheet, freeze="C4")
    texts = [str(v) for row in sheet.iter_rows(min_row=6, values_only=True) for v in row if v]
    assert "图例" in texts and {"正常", "迟到", "早退", "旷工", "外勤", "节假日"} <= set(texts)
    [note] = [t for t in texts if t.startswith("说明")]
    assert "北京时间" in note and "08:30–17:30" in note and "Asia/" not in note
    assert texts[-2:] == ["经理：", "编制："]
    assert width(sheet, "C") < 8 and width(sheet, "B") >= 8
