"""How an exported worksheet looks on paper: the seeds' appendix tables as an office prints and files them.

Every export (the record tables and the attendance sheet) goes through here, so that all of them
carry the company's name in the title, a 序号 column, thin borders, wrapped text, widths that fit
their content, a frozen header, landscape A4 fitted to one page wide, the title and header rows
repeated on every printed page, page numbers, and the paper form's sign-off row (经理 / 编制, or
主管审核 / 维修员记录 on the repair log).
"""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

SERIAL = "序号"
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
WRAP = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
MIN_WIDTH, MAX_WIDTH = 6, 40
WIDTHS = {  # characters, for the columns whose content is longer (or shorter) than their header says
    SERIAL: 6, "办事处": 14, "客户名称": 22, "地址": 28, "联系人": 10, "联络电话": 15, "乘车路线": 28,
    "报修人": 10, "报修内容": 32, "故障原因": 24, "维修结果": 24, "接单维修人": 11, "更换配件": 18, "客户验收人": 11,
    "拜访时间": 17,
    "拜访人": 10, "接待人": 12, "拜访结果": 32, "下一步计划": 28, "汇票号码": 22, "备注": 24, "登记人": 10,
    "姓名": 10,
}
CUSTOMER_SIGN_OFF = ("经理：", "编制：")
REPAIR_SIGN_OFF = ("主管/审核：", "维修员/记录：")


def title_text(company: str, title: str) -> str:
    """`浙江xx科技有限公司 客户档案表`; only the table's name when no company is configured."""
    return f"{company.strip()} {title}".strip()


def column_width(header: str) -> int:
    """A width that fits the column's usual content (CJK characters count double)."""
    if header in WIDTHS:
        return WIDTHS[header]
    wide = sum(2 if ord(ch) > 0x2E80 else 1 for ch in header)
    return max(MIN_WIDTH + 4, min(MAX_WIDTH, wide + 4))


def style_title(sheet: Worksheet, *, row: int, width: int, size: int = 16) -> None:
    """A title (or sub-title) line merged across the table, centred."""
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    cell = sheet.cell(row, 1)
    cell.font = Font(bold=True, size=size)
    cell.alignment = Alignment(horizontal="center" if size > 12 else "left", vertical="center")
    sheet.row_dimensions[row].height = 28 if size > 12 else 18


def style_grid(sheet: Worksheet, *, first_row: int, header_rows: int, last_row: int, width: int) -> None:
    """Borders on every cell of the table, bold shaded headers, wrapped body text."""
    for row in sheet.iter_rows(min_row=first_row, max_row=last_row, max_col=width):
        for cell in row:
            cell.border = BORDER
            if cell.row < first_row + header_rows:
                cell.font = Font(bold=True)
                cell.fill = HEADER_FILL
                cell.alignment = CENTER
            elif cell.column == 1:
                cell.alignment = CENTER
            elif cell.alignment is None or not cell.alignment.horizontal:
                cell.alignment = WRAP


def sign_off(sheet: Worksheet, labels: Sequence[str], *, width: int) -> int:
    """The paper form's signature row under the table, labels spread across it; its row number."""
    row = sheet.max_row + 2
    span = max(1, width // len(labels))
    for index, label in enumerate(labels):
        start = 1 + index * span
        end = width if index == len(labels) - 1 else start + span - 1
        sheet.cell(row, start, label).font = Font(bold=True)
        if end > start:
            sheet.merge_cells(start_row=row, start_column=start, end_row=row, end_column=end)
    sheet.row_dimensions[row].height = 30
    return row


def prepare_print(sheet: Worksheet, *, header_last_row: int, freeze: str) -> None:
    """Landscape A4, one page wide (as many pages tall as needed), title and headers on every page."""
    sheet.freeze_panes = freeze
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"1:{header_last_row}"
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"


def set_widths(sheet: Worksheet, headers: Sequence[str]) -> None:
    """Each column as wide as its content usually needs."""
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column_width(header)
