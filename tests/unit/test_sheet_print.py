"""What printed sheets are titled and how their clock is named: pure helpers of the exports."""

from __future__ import annotations

import pytest

from services.attendance.sheet import zone_name
from services.platform.sheet_print import column_width, title_text


@pytest.mark.parametrize(("zone", "expected"), [
    ("Asia/Shanghai", "北京时间"), ("Asia/Urumqi", "当地时间（UTC+6）"), ("Asia/Kolkata", "当地时间（UTC+5:30）"),
])
def test_the_attendance_legend_names_the_clock_in_chinese(zone: str, expected: str) -> None:
    assert zone_name(zone) == expected


@pytest.mark.parametrize(("company", "expected"), [
    ("浙江某科技有限公司", "浙江某科技有限公司 客户档案表"), ("", "客户档案表"), ("  ", "客户档案表"),
])
def test_a_title_carries_the_company_when_there_is_one(company: str, expected: str) -> None:
    assert title_text(company, "客户档案表") == expected


@pytest.mark.parametrize(("header", "expected"), [("序号", 6), ("报修内容", 32), ("承兑期(天)", 14), ("状态", 10)])
def test_columns_are_as_wide_as_their_content(header: str, expected: int) -> None:
    assert column_width(header) == expected
