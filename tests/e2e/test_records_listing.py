"""Finding and exporting records in chat: /my, /records, /export (office and headquarters) and rights."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from domain.callbacks import EXPORT, RECORD_LIST, pack
from storage.models import Customer, Office, Payment, Staff
from tests.e2e.harness import STALE, BotHarness
from tests.e2e.test_records_support import add_customer, labels, report_repair, text_of


def add_payment(bot: BotHarness, staff: str, amount: str, received: date, *, customer: str | None = None,
                **extra: object) -> None:
    """Put a payment straight in the table, logged by `staff` in their office."""
    with bot.app.uow() as uow:
        person = uow.session.scalars(select(Staff).where(Staff.name == staff)).one()
        found = select(Customer.id).where(Customer.name == customer)
        customer_id = uow.session.scalars(found).one() if customer else None
        uow.session.add(Payment(office_id=person.office_id, staff_id=person.id, customer_id=customer_id,
                                kind=str(extra.pop("kind", "transfer")), received_on=received,
                                amount=Decimal(amount), **extra))
        uow.commit()


@pytest.mark.wire  # this feature over HTTP and on PostgreSQL too (tests/conftest.py)
async def test_heads_list_records_by_type_and_month(bot: BotHarness) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    await add_customer(bot, li, "某市公安局")
    await report_repair(bot, li, "某市公安局")
    mine = (await bot.send(li, "/my"))[-1]
    assert "您新建的客户" in mine["text"] and "#1 2026-11-24 某市公安局 — 已报修，待派单" in mine["text"]
    assert labels(mine) == ["🔧 #1 某市公安局"]
    assert "无权使用此命令" in (await bot.send(li, "/records"))[-1]["text"]
    menu = (await bot.send(head, "/records"))[-1]
    assert "2026-11" in menu["text"] and labels(menu) == ["客户档案", "维修记录", "客户拜访"]
    repairs = (await bot.press(head, menu, "维修记录"))[-1]
    assert "维修记录 — 上海办事处，2026-11 (1)" in repairs["text"] and "#1 2026-11-24 某市公安局" in repairs["text"]
    october = (await bot.send(head, "/records 维修 2026-10"))[-1]
    assert "(0)" in october["text"] and "（无）" in october["text"]
    customers = (await bot.send(head, "/records customers"))[-1]
    assert "某市公安局 — 王科长 13812345678" in customers["text"]


async def test_an_office_head_exports_the_seed_tables(bot: BotHarness) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    await add_customer(bot, li, "某市公安局")
    await report_repair(bot, li, "某市公安局")
    add_payment(bot, "李娜", "120000", date(2026, 11, 24), customer="某市公安局", kind="draft", draft_no="NO-1",
                draft_date=date(2026, 11, 20), matures_on=date(2027, 5, 19), acceptance_days=180)
    add_payment(bot, "李娜", "800.5", date(2026, 11, 3), note="=1+1")
    add_payment(bot, "李娜", "5", date(2026, 10, 31))
    sent = (await bot.send(head, "/export 2026-11"))[-1]
    assert text_of(sent) == "客户 1 条，维修 1 条，拜访 0 条"
    [document] = bot.standin.documents(head)
    assert document.filename == "客户档案与维修记录_上海办事处_2026-11.xlsx"
    book = load_workbook(BytesIO(document.data))
    assert book.sheetnames == ["客户档案表", "售后维修记录表", "客户拜访", "来款登记表", "费用报销"]
    archive = book["客户档案表"]
    assert archive["A1"].value == "浙江某科技有限公司 客户档案表" and archive["A2"].value == "办事处：上海办事处"
    assert [c.value for c in archive[3]][:7] == ["序号", "客户名称", "地址", "联系人", "联络电话", "乘车路线",
                                                 "枪柜数量"]
    assert [c.value for c in archive[4]][:7] == [1, "某市公安局", "人民路 1 号", "王科长", "13812345678", None, 4]
    assert archive["J4"].value == datetime(2025, 3, 1) and archive["J4"].number_format == "yyyy-mm-dd"
    log = book["售后维修记录表"]
    assert [c.value for c in log[3]][:6] == ["序号", "客户名称", "报修人", "联络电话", "报修日期", "报修内容"]
    assert log["E4"].value == datetime(2026, 11, 24) and log["E4"].is_date
    assert (log["N4"].value, log["O4"].value) == ("已报修", "是")
    paid = book["来款登记表"]
    assert paid["A1"].value == "浙江某科技有限公司 来款登记表" and "期间：2026-11-01 至 2026-11-30" in paid["A2"].value
    assert [c.value for c in paid[3]] == ["序号", "投款日期", "客户名称", "类型", "金额(元)", "汇票号码", "汇票日期",
                                          "承兑汇票到期时间", "承兑期(天)", "登记人", "备注"]
    assert [c.value for c in paid[4]] == [1, datetime(2026, 11, 3), None, "转账电汇", 800.5, None, None, None, None,
                                          "李娜", "=1+1"]
    assert paid["K4"].data_type == "s"
    assert [c.value for c in paid[5]][:6] == [2, datetime(2026, 11, 24), "某市公安局", "承兑汇票", 120000, "NO-1"]
    assert paid["B5"].is_date and paid["H5"].value == datetime(2027, 5, 19) and paid["H5"].is_date
    assert (paid["A6"].value, paid["E6"].value, paid["E6"].number_format) == ("合计", 120800.5, "#,##0.00")
    assert paid["A8"].value == "经理：" and paid.max_row == 8, "the sign-off row under the total"


async def test_headquarters_pick_an_office_and_offices_cannot_export_each_other(bot: BotHarness) -> None:
    bot.add_office("乌鲁木齐办事处", timezone="Asia/Urumqi")
    bot.add_office("总部", is_hq=True)
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    ali = await bot.register("艾力", office="乌鲁木齐办事处", roles=["office_head"])
    gm = await bot.register("刘总", office="总部", roles=["gm"])
    await add_customer(bot, li, "某市公安局")
    add_payment(bot, "李娜", "300", date(2026, 11, 2))
    add_payment(bot, "艾力", "200", date(2026, 11, 1))
    with bot.app.uow() as uow:
        shanghai = uow.session.scalars(select(Office.id).where(Office.name == "上海办事处")).one()
    choice = (await bot.send(gm, "/export"))[-1]
    assert labels(choice) == ["全部办事处", "上海办事处", "乌鲁木齐办事处"]
    await bot.press(gm, choice, "全部办事处")
    book = load_workbook(BytesIO(bot.standin.documents(gm)[-1].data))
    assert [c.value for c in book["客户档案表"][4]][:3] == [1, "上海办事处", "某市公安局"]
    paid = book["来款登记表"]
    assert [c.value for c in paid[3]][:3] == ["序号", "办事处", "投款日期"]
    assert [(paid[f"A{n}"].value, paid[f"B{n}"].value, paid[f"F{n}"].value) for n in (4, 5, 6)] == [
        (1, "乌鲁木齐办事处", 200), (2, "上海办事处", 300), ("合计", None, 500)]

    assert text_of((await bot.send(ali, "/export 上海办事处"))[-1]) == "未找到该记录。"
    assert text_of((await bot.send(ali, "/records repairs 上海办事处"))[-1]) == "未找到该记录。"
    anchor = (await bot.send(ali, "/my"))[-1]
    for forged in (pack(EXPORT, office=shanghai, period="all"), pack(EXPORT, office=shanghai, period="2026-11"),
                   pack(RECORD_LIST, records="customers", period="all", office=shanghai),
                   pack(EXPORT, office=0, period="2026-13"),
                   pack(RECORD_LIST, records="secrets", period="all", office=0)):
        assert [text_of(m) for m in await bot.press_data(ali, anchor, forged)] == ["未找到该记录。"], forged
    for garbled in ("1:ex:x:all", "1:rl:repairs:all", "ex:0:all"):
        assert await bot.press_data(ali, anchor, garbled) == [], garbled
        assert bot.standin.callback_answers[-1]["text"] == STALE, garbled
    own = await bot.press_data(ali, anchor, pack(EXPORT, office=0, period="all"))
    assert text_of(own[-1]) == "客户 0 条，维修 0 条，拜访 0 条"
    theirs = load_workbook(BytesIO(bot.standin.documents(ali)[-1].data))["来款登记表"]
    assert [c.value for c in theirs[4]][:5] == [1, datetime(2026, 11, 1), None, "转账电汇", 200]
    assert theirs.max_row == 7
    anchor = (await bot.send(li, "/my"))[-1]
    assert [text_of(m) for m in await bot.press_data(li, anchor, pack(EXPORT, office=0, period="all"))] == [
        "未找到该记录。"]
    assert len(bot.standin.documents(li)) == 0
