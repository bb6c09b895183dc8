"""The monthly attendance sheet (月度考勤表) as .xlsx bytes: one worksheet per office.

One row per person, one column per day with a Chinese status, then totals. Public holidays and
make-up working days (调休) come from `domain.workdays`, so a holiday is never an absence.
Used by /attendance_sheet and by the job that sends last month's sheet to HR on the 1st.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select
from sqlalchemy.orm import Session

from domain import workdays
from domain.attendance import DayAssessment, DayStatus, day_labels, month_summary
from domain.roles import OFFICE_MANAGER_ROLES, Role
from services.attendance.days import PersonDays, assess_office, month_days, offices
from services.attendance.punches import hours_of
from services.messaging.messages import OutFile
from services.platform import sheet_print
from storage.models import Office, Staff, StaffRole
from storage.uow import UnitOfWork

STATUS_ZH = {
    DayStatus.PRESENT: "正常",
    DayStatus.LATE: "迟到",
    DayStatus.EARLY_LEAVE: "早退",
    DayStatus.MISSING_PUNCH: "缺卡",
    DayStatus.FIELD: "外勤",
    DayStatus.LEAVE: "请假",
    DayStatus.HALF_LEAVE: "半天假",
    DayStatus.OUT_ON_BUSINESS: "外出",
    DayStatus.ABSENT: "旷工",
    DayStatus.HOLIDAY: "节假日",
    DayStatus.REST: "休息",
    DayStatus.PENDING: "未打卡",
    DayStatus.FUTURE: "",
    DayStatus.NOT_EMPLOYED: "",
}
TOTALS = (
    ("出勤天数", DayStatus.PRESENT), ("迟到", DayStatus.LATE), ("早退", DayStatus.EARLY_LEAVE),
    ("缺卡", DayStatus.MISSING_PUNCH), ("外勤", DayStatus.FIELD), ("请假", DayStatus.LEAVE),
    ("外出/出差", DayStatus.OUT_ON_BUSINESS), ("旷工", DayStatus.ABSENT),
)
WEEKDAYS_ZH = "一二三四五六日"
FILLS = {
    DayStatus.LATE: "FFF2CC", DayStatus.EARLY_LEAVE: "FFF2CC", DayStatus.MISSING_PUNCH: "FFF2CC",
    DayStatus.ABSENT: "F8CBAD", DayStatus.LEAVE: "DDEBF7", DayStatus.HALF_LEAVE: "DDEBF7",
    DayStatus.OUT_ON_BUSINESS: "E2EFDA",
    DayStatus.FIELD: "E2EFDA", DayStatus.HOLIDAY: "EDEDED", DayStatus.REST: "EDEDED",
}


def cell_label(assessment: DayAssessment) -> str:
    """The day's primary status in Chinese, with the other notable flags after it (迟到/外勤).

    Days not yet come and days before the person joined are blank: neither is a status to count.
    """
    return "/".join(label for label in (STATUS_ZH[s] for s in day_labels(assessment)) if label)


def build_month_sheet(uow: UnitOfWork, *, month: date, office_ids: list[int] | None, now: datetime,
                      grace_minutes: int, company: str = "") -> OutFile:
    """The workbook for `month` (any day in it) for the given offices (None: all)."""
    with uow:
        return _build(uow.session, month=month, office_ids=office_ids, now=now, grace_minutes=grace_minutes,
                      company=company)


def sheet_for(uow: UnitOfWork, *, staff_id: int, month: date, now: datetime, grace_minutes: int,
              company: str = "") -> OutFile | None:
    """The sheet a person may have: HR every office, office heads and admins their own; others None."""
    with uow:
        staff = uow.session.get(Staff, staff_id)
        if staff is None:
            return None
        if Role.HR in staff.roles:
            office_ids = None
        elif staff.roles & OFFICE_MANAGER_ROLES and staff.office_id:
            office_ids = [staff.office_id]
        else:
            return None
        return _build(uow.session, month=month, office_ids=office_ids, now=now, grace_minutes=grace_minutes,
                      company=company)


def _build(session: Session, *, month: date, office_ids: list[int] | None, now: datetime, grace_minutes: int,
           company: str) -> OutFile:
    """One worksheet per office, as .xlsx bytes with a telling file name."""
    days = month_days(month)
    book = Workbook()
    book.remove(book.active)
    targets = offices(session, office_ids=office_ids)
    for office in targets:
        people = assess_office(session, office=office, first=days[0], last=days[-1], now=now,
                               grace_minutes=grace_minutes)
        _office_sheet(book.create_sheet(_sheet_title(office.name)), office, people, days, company)
    if not targets:
        book.create_sheet("考勤表")
    buffer = BytesIO()
    book.save(buffer)
    scope = targets[0].name if office_ids is not None and len(targets) == 1 else "全部办事处"
    return OutFile(f"考勤表-{scope}-{days[0]:%Y-%m}.xlsx", buffer.getvalue())


def _sheet_title(name: str) -> str:
    """Excel sheet titles: at most 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", "_", name)[:31] or "考勤表"


FIRST_DAY_COLUMN = 3  # 序号, 姓名, then one column per day


def _office_sheet(sheet: Worksheet, office: Office, people: list[PersonDays], days: list[date],
                  company: str) -> None:
    """Title, two header rows (date, weekday / 休 / 班), one row per person, totals, legend, sign-off."""
    width = FIRST_DAY_COLUMN - 1 + len(days) + len(TOTALS)
    sheet.cell(1, 1, sheet_print.title_text(company, f"{office.name} {days[0]:%Y年%m月} 考勤表"))
    sheet_print.style_title(sheet, row=1, width=width)
    for col, title in enumerate((sheet_print.SERIAL, "姓名"), start=1):
        sheet.cell(2, col, title)
    for col, day in enumerate(days, start=FIRST_DAY_COLUMN):
        sheet.cell(2, col, day.day)
        sheet.cell(3, col, _day_mark(day))
        sheet.column_dimensions[get_column_letter(col)].width = 5.5
    for offset, (title, _status) in enumerate(TOTALS):
        col = FIRST_DAY_COLUMN + len(days) + offset
        sheet.cell(2, col, title)
        sheet.column_dimensions[get_column_letter(col)].width = 6
    for number, person in enumerate(people, start=1):
        _person_row(sheet, 3 + number, number, person, days)
    sheet_print.style_grid(sheet, first_row=2, header_rows=2, last_row=3 + len(people), width=width)
    for col in (1, 2, *range(FIRST_DAY_COLUMN + len(days), width + 1)):  # one header cell over both rows
        sheet.merge_cells(start_row=2, start_column=col, end_row=3, end_column=col)
    _legend(sheet, office, row=5 + len(people), width=width)
    sheet_print.sign_off(sheet, sheet_print.CUSTOMER_SIGN_OFF, width=width)
    sheet.column_dimensions["A"].width = sheet_print.column_width(sheet_print.SERIAL)
    sheet.column_dimensions["B"].width = sheet_print.column_width("姓名")
    sheet_print.prepare_print(sheet, header_last_row=3, freeze="C4")


def _legend(sheet: Worksheet, office: Office, *, row: int, width: int) -> None:
    """图例 (each mark in its colour) and the rules behind the marks, in Chinese only."""
    sheet.cell(row, 1, "图例").font = Font(bold=True)
    shown = [s for s in STATUS_ZH if STATUS_ZH[s] and s != DayStatus.PENDING]
    for offset, status in enumerate(shown):
        cell = sheet.cell(row, 2 + offset * 2, STATUS_ZH[status])
        cell.alignment = Alignment(horizontal="center")
        cell.border = sheet_print.BORDER
        if status in FILLS:
            cell.fill = PatternFill("solid", fgColor=FILLS[status])
    noon = hours_of(office).noon
    note = (f"说明：节假日、休息日不计缺勤；“休”为法定节假日，“班”为调休上班日；迟到、早退按办事处作息时间"
            f" {office.work_start:%H:%M}–{office.work_end:%H:%M}（{zone_name(office.timezone)}）计算，"
            f"午休 {noon[0]:%H:%M}–{noon[1]:%H:%M}；“半天假”为上午或下午请假，按 0.5 天计入请假和出勤，"
            "另半天照常考勤（下午假须按时上班、可于午休时下班，上午假自下午上班时间起计）；"
            "外出按小时免于考勤，其余时间照常；入职前、离职后的日期留空。")
    sheet.cell(row + 1, 1, note).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells(start_row=row + 1, start_column=1, end_row=row + 1, end_column=width)
    sheet.row_dimensions[row + 1].height = 32


def zone_name(timezone: str) -> str:
    """An office's clock as a Chinese reader names it: 北京时间, or 当地时间（UTC+6）."""
    offset = datetime(2000, 1, 1, tzinfo=ZoneInfo(timezone)).utcoffset() or timedelta()
    hours, rest = divmod(int(offset.total_seconds()) // 60, 60)
    if (hours, rest) == (8, 0):
        return "北京时间"
    return f"当地时间（UTC{hours:+d}" + (f":{rest:02d}" if rest else "") + "）"


def _day_mark(day: date) -> str:
    """The weekday, or 休 for a public holiday, or 班 for a make-up working day."""
    if workdays.is_holiday(day):
        return "休"
    if workdays.is_makeup_workday(day):
        return "班"
    return WEEKDAYS_ZH[day.weekday()]


def _person_row(sheet: Worksheet, row: int, number: int, person: PersonDays, days: list[date]) -> None:
    """One person's 序号, name, statuses and totals."""
    sheet.cell(row, 1, number)
    sheet.cell(row, 2, person.name)
    for col, day in enumerate(days, start=FIRST_DAY_COLUMN):
        assessment = person.days[day]
        cell = sheet.cell(row, col, cell_label(assessment))
        cell.alignment = sheet_print.CENTER
        if assessment.primary in FILLS:
            cell.fill = PatternFill("solid", fgColor=FILLS[assessment.primary])
    counts = month_summary(person.days.values())
    for offset, (_title, status) in enumerate(TOTALS):
        count = counts[status]
        sheet.cell(row, FIRST_DAY_COLUMN + len(days) + offset, int(count) if count == int(count) else float(count))


def hr_recipients(uow: UnitOfWork) -> list[tuple[int, int, str]]:
    """(staff id, Telegram chat id, locale) of active HR people who can receive a file."""
    with uow:
        rows = uow.session.scalars(select(Staff).join(StaffRole).where(
            StaffRole.role == "hr", Staff.active.is_(True), Staff.telegram_user_id.is_not(None)).order_by(Staff.id))
        return [(s.id, int(s.telegram_user_id or 0), s.locale) for s in rows]
