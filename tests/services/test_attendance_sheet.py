"""The monthly attendance sheet, opened back with openpyxl: statuses, holidays, 调休 days and totals."""

from __future__ import annotations

from datetime import date, datetime
from io import BytesIO
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from domain import workdays
from domain.approvals import Decision
from domain.checkin import PunchKind
from services.approvals import requests as approvals
from services.attendance import punches as attendance
from services.attendance import sheet as attendance_sheet
from tests.services.approval_support import CONFIG, TZ, UowFactory, office, person

SHANGHAI = ZoneInfo(TZ)
OCTOBER_WORKING_DAYS = len(workdays.working_days(date(2025, 10, 1), date(2025, 10, 31)))
JOINED = datetime(2025, 9, 1, 9, tzinfo=SHANGHAI)  # on the staff well before the October sheet


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in October 2025, Shanghai time."""
    return datetime(2025, 10, day, hour, minute, tzinfo=SHANGHAI)


def punch(uow_factory: UowFactory, staff_id: int, when: datetime, kind: PunchKind) -> None:
    """An office punch at `when`."""
    location = {"lat": 31.230416, "lon": 121.473701, "at": when.isoformat(), "forwarded": False, "venue": False}
    result = attendance.punch(uow_factory(), staff_id=staff_id, kind=kind, location=location, place=None, now=when,
                              grace_minutes=5, max_age_minutes=5)
    assert result.outcome == "done"


def row_of(sheet: Worksheet, name: str) -> dict[str, object]:
    """A person's row keyed by the header (day numbers as strings, then the totals)."""
    headers = [str(c.value) for c in sheet[2]]
    for row in sheet.iter_rows(min_row=4, values_only=True):
        if row[1] == name:
            return dict(zip(headers, row, strict=False))
    raise AssertionError(f"no row for {name}")


def test_october_2025_sheet(uow_factory: UowFactory) -> None:
    office(uow_factory)
    head = person(uow_factory, "张伟", ["office_head"])
    li = person(uow_factory, "李娜", ["sales"], now=JOINED)
    wang = person(uow_factory, "王五", ["technician"], now=JOINED)
    punch(uow_factory, li, at(9, 8, 50), PunchKind.IN)
    punch(uow_factory, li, at(9, 17, 40), PunchKind.OUT)
    punch(uow_factory, li, at(10, 8, 20), PunchKind.IN)
    punch(uow_factory, li, at(10, 17, 10), PunchKind.OUT)
    leave = approvals.submit_leave(uow_factory(), requester_id=wang, config=CONFIG, now=at(15, 9),
                                   data={"kind": "leave", "first_day": "2025-10-20",
                                         "last_day": "2025-10-21", "reason": "病假"})
    assert leave.request_id is not None
    approvals.decide(uow_factory(), request_id=leave.request_id, step=0, approver_id=head, decision=Decision.APPROVE,
                     comment=None, now=at(15, 10))

    file = attendance_sheet.sheet_for(uow_factory(), staff_id=head, month=date(2025, 10, 1),
                                      now=datetime(2025, 11, 5, 10, tzinfo=SHANGHAI), grace_minutes=5)

    assert file is not None and file.name == "考勤表-上海办事处-2025-10.xlsx"
    sheet = load_workbook(BytesIO(file.data))["上海办事处"]
    assert "2025年10月 考勤表" in str(sheet["A1"].value)
    marks = {c.column - 2: c.value for c in sheet[3][2:33]}
    assert (marks[1], marks[11], marks[13]) == ("休", "班", "一")
    li_row, wang_row = row_of(sheet, "李娜"), row_of(sheet, "王五")
    assert (li_row["1"], li_row["4"], li_row["18"]) == ("节假日", "节假日", "休息")
    assert (li_row["9"], li_row["10"], li_row["11"]) == ("迟到", "早退", "旷工")
    assert (wang_row["20"], wang_row["21"], wang_row["22"]) == ("请假", "请假", "旷工")
    assert (li_row["出勤天数"], li_row["迟到"], li_row["早退"]) == (2, 1, 1)
    assert li_row["旷工"] == OCTOBER_WORKING_DAYS - 2
    assert (wang_row["请假"], wang_row["旷工"]) == (2, OCTOBER_WORKING_DAYS - 2)


def test_who_gets_which_sheet(uow_factory: UowFactory) -> None:
    office(uow_factory)
    office(uow_factory, "北京办事处", geofence=None)
    hr = person(uow_factory, "人事", ["hr"])
    sales = person(uow_factory, "李娜", ["sales"])
    month, now = date(2025, 10, 1), datetime(2025, 11, 5, tzinfo=SHANGHAI)
    everything = attendance_sheet.sheet_for(uow_factory(), staff_id=hr, month=month, now=now, grace_minutes=5)
    assert everything is not None
    assert load_workbook(BytesIO(everything.data)).sheetnames == ["上海办事处", "北京办事处"]
    assert attendance_sheet.sheet_for(uow_factory(), staff_id=sales, month=month, now=now, grace_minutes=5) is None
    assert [r[0] for r in attendance_sheet.hr_recipients(uow_factory())] == [hr]


def test_days_before_a_person_joined_are_blank_not_absent(uow_factory: UowFactory) -> None:
    office(uow_factory)
    head = person(uow_factory, "张伟", ["office_head"], now=JOINED)
    person(uow_factory, "新人", ["sales"], now=datetime(2026, 12, 2, 9, tzinfo=SHANGHAI))
    now = datetime(2026, 12, 4, 10, tzinfo=SHANGHAI)

    def rows(month: date) -> tuple[dict[str, object], dict[str, object]]:
        file = attendance_sheet.sheet_for(uow_factory(), staff_id=head, month=month, now=now, grace_minutes=5)
        assert file is not None
        sheet = load_workbook(BytesIO(file.data))["上海办事处"]
        return row_of(sheet, "新人"), row_of(sheet, "张伟")

    november, veteran = rows(date(2026, 11, 1))
    assert all(november[str(d)] in (None, "") for d in range(1, 31)), november
    assert november["旷工"] == 0 and november["出勤天数"] == 0
    assert veteran["旷工"] == len(workdays.working_days(date(2026, 11, 1), date(2026, 11, 30)))
    december, _veteran = rows(date(2026, 12, 1))
    assert december["1"] in (None, "") and december["2"] == "旷工" and december["3"] == "旷工"
    assert december["4"] == "未打卡" and december["旷工"] == 2
