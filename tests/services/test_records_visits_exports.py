"""Visits (distance, pinning a customer), finding records, and the spreadsheet export."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from io import BytesIO
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from domain.payments import PaymentIn, PaymentKind
from domain.periods import parse_period_key
from domain.records import VisitIn, VisitPurpose
from services.payments import incoming as payments
from services.platform.staff import StaffView
from services.records import customers, exports, repairs, visits
from services.records import queries as records_query
from tests.services.test_records_support import World, add_customer, report
from tests.services.test_records_support import world as world

SH = ZoneInfo("Asia/Shanghai")


def _visit(world: World, viewer: StaffView, customer_id: int, **extra: Any) -> visits.VisitResult:
    data = VisitIn(customer_id=customer_id, visited_at=datetime(2026, 11, 23, 15, 0, tzinfo=SH),
                   purpose=extra.pop("purpose", "follow_up"), people_met="王科长", outcome="同意试用", **extra)
    result = visits.log_visit(world.uow(), viewer=viewer, data=data, photos=[], now=world.clock())
    assert result is not None
    return result


def test_first_trusted_location_pins_the_customer_then_visits_are_measured(world: World) -> None:
    customer = add_customer(world, world.sh_sales)
    first = _visit(world, world.sh_sales, customer.id, lat=31.2304, lon=121.4737)
    assert first.pinned_customer and first.card.distance_m is None
    pinned = customers.get(world.uow(), viewer=world.sh_sales, customer_id=customer.id)
    assert pinned is not None and (pinned.lat, pinned.lon) == (31.2304, 121.4737)
    second = _visit(world, world.sh_sales, customer.id, lat=31.2404, lon=121.4737)
    assert not second.pinned_customer and second.card.distance_m is not None
    assert 1100 <= second.card.distance_m <= 1125


def test_a_return_visit_keeps_its_satisfaction(world: World) -> None:
    customer = add_customer(world, world.sh_sales)
    card = _visit(world, world.sh_sales, customer.id, purpose="revisit", satisfaction=4).card
    assert (card.purpose, card.satisfaction, card.local_time.hour) == ("revisit", 4, 15)


def test_a_visit_to_another_offices_customer_is_refused(world: World) -> None:
    customer = add_customer(world, world.sh_sales)
    data = VisitIn(customer_id=customer.id, visited_at=datetime(2026, 11, 23, 15, 0, tzinfo=SH),
                   purpose=VisitPurpose.FOLLOW_UP, people_met="x", outcome="y")
    assert visits.log_visit(world.uow(), viewer=world.ur_sales, data=data, photos=[], now=world.clock()) is None


def test_my_records_shows_only_my_own(world: World) -> None:
    mine = add_customer(world, world.sh_sales, "甲单位")
    add_customer(world, world.sh_sales2, "乙单位")
    report(world, world.sh_sales, mine.id)
    _visit(world, world.sh_sales2, mine.id)
    listing = records_query.my_records(world.uow(), viewer=world.sh_sales)
    assert ([c.name for c in listing.customers], len(listing.repairs), listing.visits) == (["甲单位"], 1, [])


def test_office_listing_follows_rights_and_period(world: World) -> None:
    customer = add_customer(world, world.sh_sales)
    report(world, world.sh_sales, customer.id, date(2026, 10, 31))
    report(world, world.sh_sales, customer.id, date(2026, 11, 1))
    november = parse_period_key("2026-11")
    listing = records_query.office_records(world.uow(), viewer=world.sh_head, office_id=None, period=november)
    assert listing is not None and [r.reported_on for r in listing.repairs] == [date(2026, 11, 1)]
    assert records_query.office_records(world.uow(), viewer=world.sh_sales, office_id=None, period=None) is None
    assert records_query.office_records(world.uow(), viewer=world.ur_head, office_id=world.sh_id, period=None) is None
    hq = records_query.office_records(world.uow(), viewer=world.gm, office_id=world.sh_id, period=None)
    assert hq is not None and len(hq.repairs) == 2


def _pay(world: World, viewer: StaffView, amount: str, received: date, customer_id: int | None = None,
         **extra: Any) -> None:
    kind = PaymentKind.DRAFT if "draft_no" in extra else PaymentKind.TRANSFER
    data = PaymentIn(kind=kind, customer_id=customer_id, received_on=received, amount=Decimal(amount), **extra)
    assert isinstance(payments.log_payment(world.uow(), viewer=viewer, data=data, now=world.clock()),
                      payments.PaymentCard)


def _sheet_rows(data: bytes, title: str) -> list[tuple[Any, ...]]:
    book = load_workbook(BytesIO(data))
    return [tuple(row) for row in book[title].iter_rows(values_only=True)]


def test_the_export_has_the_seed_tables_with_real_dates(world: World) -> None:
    customer = add_customer(world, world.sh_sales, products={"枪柜": 4, "保险柜": 1})
    job = report(world, world.sh_sales, customer.id)
    repairs.assign(world.uow(), viewer=world.sh_head, repair_id=job.id, technician_id=world.sh_tech.id,
                   now=world.clock())
    _visit(world, world.sh_sales, customer.id, purpose="revisit", satisfaction=5)
    _pay(world, world.sh_sales, "120000", date(2026, 11, 24), customer.id, draft_no="31305100000120261120",
         draft_date=date(2026, 11, 20), acceptance_days=180)
    _pay(world, world.sh_sales2, "4800.50", date(2026, 11, 25), note='=HYPERLINK("http://x","y")')
    _pay(world, world.sh_sales, "999", date(2026, 10, 31))  # another month
    _pay(world, world.ur_sales, "777", date(2026, 11, 24))  # another office
    made = exports.export_records(world.uow(), viewer=world.sh_head, office_id=None, period=parse_period_key("2026-11"),
                                  company="浙江某科技有限公司", catalog=("枪柜", "弹柜", "枪弹一体柜"))
    assert made is not None and (made.customers, made.repairs, made.visits, made.payments) == (1, 1, 1, 2)
    book = load_workbook(BytesIO(made.data))
    assert book.sheetnames == ["客户档案表", "售后维修记录表", "客户拜访", "来款登记表", "费用报销"]
    rows = _sheet_rows(made.data, "客户档案表")
    assert rows[0][0] == "浙江某科技有限公司 客户档案表" and "上海办事处" in rows[1][0]
    assert rows[2] == ("序号", "客户名称", "地址", "联系人", "联络电话", "乘车路线", "枪柜数量", "弹柜数量",
                       "枪弹一体柜数量", "其他产品", "验收日期", "质保年限", "质保到期")
    assert rows[3][:10] == (1, "某市公安局", "人民路 1 号", "王科长", "13812345678", None, 4, None, None, "保险柜×1")
    assert rows[3][10:] == (datetime(2025, 3, 1), 2, datetime(2027, 3, 1))
    assert book["客户档案表"]["K4"].number_format == "yyyy-mm-dd"
    repair_rows = _sheet_rows(made.data, "售后维修记录表")
    assert "2026-11-01 至 2026-11-30" in repair_rows[1][0]
    assert repair_rows[2] == ("序号", *exports.REPAIR_HEADERS)
    assert repair_rows[3] == (1, "某市公安局", "王科长", "0571-88886666", datetime(2026, 11, 20), "柜门锁打不开",
                              "王强", None, None, None, None, None, None, "已派单", "是")
    assert book["售后维修记录表"]["E4"].is_date
    assert [v for v in repair_rows[-1] if v] == list(exports.REPAIR_FOOTER) == ["主管/审核：", "维修员/记录："]
    visit_rows = _sheet_rows(made.data, "客户拜访")
    assert visit_rows[3][:4] == (1, "某市公安局", datetime(2026, 11, 23, 15, 0), "回访") and visit_rows[3][7] == 5
    payment_rows = _sheet_rows(made.data, "来款登记表")
    assert payment_rows[0][0] == "浙江某科技有限公司 来款登记表" and "2026-11-01 至 2026-11-30" in payment_rows[1][0]
    assert payment_rows[2] == ("序号", *exports.PAYMENT_HEADERS) == (
        "序号", "投款日期", "客户名称", "类型", "金额(元)", "汇票号码", "汇票日期", "承兑汇票到期时间", "承兑期(天)",
        "登记人", "备注")
    assert payment_rows[3] == (1, datetime(2026, 11, 24), "某市公安局", "承兑汇票", 120000, "31305100000120261120",
                               datetime(2026, 11, 20), datetime(2027, 5, 19), 180, "李娜", None)
    assert payment_rows[4] == (2, datetime(2026, 11, 25), None, "转账电汇", 4800.5, None, None, None, None, "钱多",
                               '=HYPERLINK("http://x","y")')
    assert payment_rows[5][0] == "合计" and payment_rows[5][4] == 124800.5 and len(payment_rows) == 8
    sheet = book["来款登记表"]
    assert sheet["B4"].is_date and sheet["B4"].number_format == "yyyy-mm-dd" and sheet["H4"].is_date
    assert [sheet[f"E{n}"].number_format for n in (4, 5, 6)] == ["#,##0.00"] * 3
    assert sheet["K5"].data_type == "s" and sheet["E6"].data_type == "n"


def test_headquarters_export_every_office_with_an_office_column(world: World) -> None:
    add_customer(world, world.sh_sales)
    add_customer(world, world.ur_sales, "乌市客户")
    _pay(world, world.sh_sales, "100", date(2026, 11, 2))
    _pay(world, world.ur_sales, "250.25", date(2026, 11, 3))
    made = exports.export_records(world.uow(), viewer=world.gm, office_id=None, period=None, company="公司",
                                  catalog=("枪柜",))
    assert made is not None and made.name == "客户档案与维修记录_全部办事处_全部.xlsx" and made.payments == 2
    rows = _sheet_rows(made.data, "客户档案表")
    assert rows[2][:3] == ("序号", "办事处", "客户名称")
    assert sorted((r[1], r[2]) for r in rows[3:5]) == [("上海办事处", "某市公安局"), ("乌鲁木齐办事处", "乌市客户")]
    paid = _sheet_rows(made.data, "来款登记表")
    assert paid[2][:3] == ("序号", "办事处", "投款日期") and len(paid[2]) == 12
    assert [(r[1], r[5]) for r in paid[3:5]] == [("上海办事处", 100), ("乌鲁木齐办事处", 250.25)]
    assert paid[5][0] == "合计" and paid[5][5] == 350.25
    assert load_workbook(BytesIO(made.data))["来款登记表"]["F6"].number_format == "#,##0.00"


def test_an_office_cannot_export_another(world: World) -> None:
    add_customer(world, world.sh_sales)
    kwargs: dict[str, Any] = {"period": None, "company": "公司", "catalog": ("枪柜",)}
    assert exports.export_records(world.uow(), viewer=world.ur_head, office_id=world.sh_id, **kwargs) is None
    assert exports.export_records(world.uow(), viewer=world.sh_sales, office_id=None, **kwargs) is None
    _pay(world, world.sh_sales, "100", date(2026, 11, 2))
    own = exports.export_records(world.uow(), viewer=world.ur_head, office_id=None, **kwargs)
    assert own is not None and own.customers == 0 and own.payments == 0
    assert _sheet_rows(own.data, "来款登记表")[3] == ("合计", None, None, None, 0, None, None, None, None, None, None)


def test_visits_are_filtered_by_the_offices_local_date(world: World) -> None:
    customer = add_customer(world, world.sh_sales)
    late = VisitIn(customer_id=customer.id, visited_at=datetime(2026, 11, 30, 23, 30, tzinfo=SH),
                   purpose=VisitPurpose.FOLLOW_UP, people_met="x", outcome="y")
    visits.log_visit(world.uow(), viewer=world.sh_sales, data=late, photos=[], now=datetime(2026, 12, 1, tzinfo=UTC))
    nov = records_query.office_records(world.uow(), viewer=world.sh_head, office_id=None,
                                       period=parse_period_key("2026-11"))
    dec = records_query.office_records(world.uow(), viewer=world.sh_head, office_id=None,
                                       period=parse_period_key("2026-12"))
    assert nov is not None and dec is not None and (len(nov.visits), len(dec.visits)) == (1, 0)
