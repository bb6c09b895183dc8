"""Pure parts of the field records: office scope rules, callback parsing, the workbook layout."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from openpyxl import load_workbook

from domain.records import RepairStatus
from services.platform.staff import StaffView
from services.records import access
from services.records.customers import CustomerCard
from services.records.exports import build_workbook
from services.records.queries import Listing
from services.records.repairs import RepairCard


def _view(roles: set[str], office_id: int | None = 1, staff_id: int = 10) -> StaffView:
    return StaffView(id=staff_id, name="x", roles=frozenset(roles), office_id=office_id, office_name="上海办事处",
                     timezone="Asia/Shanghai", locale="zh_CN", manager_id=None, telegram_user_id=None)


def test_office_filter_lets_heads_see_their_own_office_and_hq_any() -> None:
    assert access.office_filter(_view({"office_head"}), None) == (True, 1)
    assert access.office_filter(_view({"admin"}), 1) == (True, 1)
    assert access.office_filter(_view({"office_head"}), 2) == (False, None)
    assert access.office_filter(_view({"sales"}), None) == (False, None)
    assert access.office_filter(_view({"gm"}, office_id=9), 2) == (True, 2)
    assert access.office_filter(_view({"gm"}, office_id=9), None) == (True, None)


def test_assigning_and_closing_rights() -> None:
    job = RepairCard(id=1, office_id=1, office_name="", customer_id=1, customer_name="", reporter="", phone=None,
                     reported_on=date(2026, 11, 1), fault="", status=RepairStatus.ASSIGNED, in_warranty=None,
                     technician_id=20)
    assert access.may_assign(_view({"office_head"}), job) and not access.may_assign(_view({"office_head"}, 2), job)
    assert not access.may_assign(_view({"gm"}), job) and not access.may_assign(_view({"technician"}), job)
    assert access.may_close(_view({"technician"}, staff_id=20), job)
    assert not access.may_close(_view({"technician"}, staff_id=21), job)


def test_workbook_without_records_still_has_titles_headers_and_signature_lines() -> None:
    customer = CustomerCard(id=1, office_id=1, office_name="上海办事处", name="甲", address=None, contact=None,
                            phone=None, route=None, products={"枪柜": 2}, accepted_on=date(2025, 1, 2))
    listing = Listing(office_id=1, office_name="上海办事处", period=None, customers=[customer])
    book = load_workbook(BytesIO(build_workbook(listing, company="某公司", catalog=("枪柜", "弹柜"))))
    archive = [row for row in book["客户档案表"].iter_rows(values_only=True)]
    assert archive[0][0] == "某公司 客户档案表" and archive[1][0] == "办事处：上海办事处"
    assert archive[3][:2] == (1, "甲") and archive[3][6:8] == (2, None) and archive[-1][0] == "经理："
    repairs = [row for row in book["售后维修记录表"].iter_rows(values_only=True)]
    assert repairs[1][0] == "办事处：上海办事处    期间：全部" and repairs[2][:2] == ("序号", "客户名称")
    assert [v for v in repairs[-1] if v] == ["主管/审核：", "维修员/记录："]
