"""A delivery signed for in chat: damage and shortage open a return with headquarters told; an acceptance
sets the archive's 验收日期 and the warranty end."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from schedules.receivables import collection_chasing
from standins.telegram.keyboards import buttons
from storage.models import Acceptance, AuditEntry, Contract, Customer, GoodsReceipt, Staff
from tests.e2e.harness import BotHarness
from tests.e2e.test_contracts import record_contract
from tests.e2e.test_records_support import add_customer as add_customer_by_form

SHANGHAI = ZoneInfo("Asia/Shanghai")


def add_customer(bot: BotHarness, name: str, by: str) -> int:
    with bot.app.uow() as uow:
        person, office = uow.session.execute(select(Staff.id, Staff.office_id).where(Staff.name == by)).one()
        customer = Customer(office_id=office, name=name, created_by=person, warranty_years=5)
        uow.session.add(customer)
        uow.commit()
        return customer.id


async def pick_customer(bot: BotHarness, user: Any, command: str, name: str) -> dict[str, Any]:
    await bot.send(user, command)
    picks = (await bot.send(user, name[2:4]))[-1]
    if not any(name in label for label, _data in buttons(picks)):
        return picks  # one match: chosen without a tap
    return (await bot.press(user, picks, name))[-1]


@pytest.mark.wire  # this feature over HTTP and on PostgreSQL too (tests/conftest.py)
async def test_a_damaged_short_delivery_opens_a_return_and_acceptance_sets_the_archive(bot: BotHarness) -> None:
    bot.add_office("总部", is_hq=True)
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    commerce = await bot.register("钱进", office="总部", roles=["commerce"])
    gm = await bot.register("周总", office="总部", roles=["gm"])
    customer_id = add_customer(bot, "某市公安局", by="李娜")

    await pick_customer(bot, li, "/receipt", "某市公安局")
    for answer in ("枪弹一体柜", "3"):
        await bot.send(li, answer)
    packaging = (await bot.send(li, "2"))[-1]
    await bot.press(li, packaging, "否")
    received = (await bot.send_photo(li))[-1]
    await bot.press(li, received, "完成")
    summary = (await bot.send(li, "一台柜门变形"))[-1]
    replies = await bot.press(li, summary, "签收")
    assert [m["text"] for m in replies][-2:] == ["🚚 退换 #1：货物发回后请点下方按钮。",
                                                 "⚠️ 到货 #1 已签收但有问题，已发起退换并通知公司。"]
    told = "🔁 退换 #1（上海办事处）：某市公安局的枪弹一体柜，包装破损、短少 1 件。签收人 李娜，请安排补发或退货。"
    for who in (commerce, gm, head):
        assert any(t.startswith(told) and t.endswith("一台柜门变形") for t in bot.texts(who))
        assert any("photo" in m for m in bot.standin.messages(who.id))

    button = replies[-2]
    await bot.press(li, button, "已发回")
    assert bot.last(commerce)["text"] == "🚚 退换 #1（枪弹一体柜）已由李娜发回。"
    await bot.press(li, button, "已发回")
    assert bot.standin.callback_answers[-1]["text"] == "已经标记过了。"

    before = len(bot.texts(commerce))
    await pick_customer(bot, li, "/receipt", "某市公安局")
    for answer in ("弹柜", "2"):
        await bot.send(li, answer)
    await bot.press(li, (await bot.send(li, "2"))[-1], "是")
    await bot.send_photo(li)
    await bot.press(li, bot.last(li), "完成")
    summary = (await bot.send(li, "跳过"))[-1]
    assert (await bot.press(li, summary, "签收"))[-1]["text"] == "✅ 到货 #2 已签收：数量与包装无误。"
    assert len(bot.texts(commerce)) == before

    signatory = await pick_customer(bot, li, "/acceptance", "某市公安局")
    assert "由谁签字" in signatory["text"]
    await bot.send(li, "王科长")
    await bot.send(li, "2026-11-23")
    await bot.send_photo(li)
    summary = (await bot.press(li, bot.last(li), "完成"))[-1]
    saved = (await bot.press(li, summary, "保存"))[-1]["text"]
    assert saved == "✅ 已登记某市公安局的验收：验收日期 2026-11-23，质保至 2031-11-23。"
    with bot.app.uow() as uow:
        customer = uow.session.get(Customer, customer_id)
        assert customer is not None
        assert (customer.accepted_on, customer.warranty_end) == (date(2026, 11, 23), date(2031, 11, 23))
        statuses = uow.session.scalars(select(GoodsReceipt.return_status).order_by(GoodsReceipt.id)).all()
        assert list(statuses) == ["shipped", None]


async def test_an_acceptance_of_a_contract_makes_its_acceptance_payment_receivable_and_chased(
        bot: BotHarness) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    wang = await bot.register("王强", office="上海办事处", roles=["technician"])
    await add_customer_by_form(bot, li, "某市公安局")
    await record_contract(bot, li, "某市公安局", "30% 2026-12-01", "跳过", "60% 验收后30天", "10% 验收后365天")
    before = (await bot.send(li, "/receivables"))[-1]["text"]
    assert "验收款" not in before  # no due date until the acceptance

    signatory = await pick_customer(bot, wang, "/acceptance", "某市公安局")  # its only contract is taken
    assert "由谁签字" in signatory["text"] and "所属合同：#1 监控系统（2026-11-24）" in signatory["text"]
    await bot.send(wang, "王科长")
    await bot.send(wang, "2026-11-20")
    await bot.send_photo(wang)
    summary = (await bot.press(wang, bot.last(wang), "完成"))[-1]
    saved = (await bot.press(wang, summary, "保存"))[-1]["text"]
    assert saved.splitlines()[1:] == ["合同 #1 现已转为应收（可用 /receivables 查看）：",
                                      "• 验收款 ¥300,000.00，2026-12-20 到期", "• 质保金 ¥50,000.00，2027-11-20 到期"]
    assert bot.last(li)["text"].splitlines() == ["✅ 合同 #1（监控系统）已于 2026-11-20 验收，以下款项现已转为应收：",
                                                 "• 验收款 ¥300,000.00，2026-12-20 到期",
                                                 "• 质保金 ¥50,000.00，2027-11-20 到期"]
    book = (await bot.send(li, "/receivables"))[-1]["text"]
    assert "#1 监控系统 验收款 — 某市公安局" in book and "2026-12-20" in book

    seen = len(bot.texts(li))
    bot.clock.set(datetime(2026, 12, 15, 10, tzinfo=SHANGHAI))
    assert await collection_chasing(bot.app) == "2 collection reminder(s) queued"
    assert await collection_chasing(bot.app) == "0 collection reminder(s) queued"
    await bot.flush()
    chased = bot.texts(li)[seen:]
    assert any(t.startswith("⏳ 一笔合同款将于 2026-12-20 到期（还有 5 天）") and "验收款" in t for t in chased)
    with bot.app.uow() as uow:
        contract = uow.session.get(Contract, 1)
        accepted_on = contract.accepted_on if contract else None
        accepted = uow.session.scalars(select(Acceptance.contract_id)).all()
        audited = uow.session.scalars(select(AuditEntry.detail).where(AuditEntry.action == "contract.accept")).all()
    assert accepted_on == date(2026, 11, 20)
    assert list(accepted) == [1]
    assert audited == [{"accepted_on": "2026-11-20", "before": None,
                        "due": {"acceptance": "2026-12-20", "warranty": "2027-11-20"}}]


async def test_a_delivery_names_one_of_the_customers_contracts(bot: BotHarness) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    await add_customer_by_form(bot, li, "某市公安局")
    await record_contract(bot, li, "某市公安局", "30% 2026-12-01", "跳过", "跳过", "跳过")
    await record_contract(bot, li, "某市公安局", "50% 2026-12-10", "跳过", "跳过", "跳过")

    which = await pick_customer(bot, li, "/receipt", "某市公安局")
    assert "哪份合同" in which["text"]
    assert [label for label, _data in buttons(which)][:2] == ["#2 监控系统（2026-11-24）", "#1 监控系统（2026-11-24）"]
    await bot.press_data(li, which, buttons(which)[0][1].replace("pick:2", "pick:99"))  # forged: refused
    assert "未找到" in bot.last(li)["text"]
    goods = (await bot.press(li, bot.last(li), "#1 监控系统"))[-1]
    assert "到了什么货" in goods["text"]
    for answer in ("弹柜", "2"):
        await bot.send(li, answer)
    await bot.press(li, (await bot.send(li, "2"))[-1], "是")
    await bot.send_photo(li)
    await bot.press(li, bot.last(li), "完成")
    summary = (await bot.send(li, "跳过"))[-1]
    assert "• 所属合同: #1 监控系统（2026-11-24）" in summary["text"]
    assert (await bot.press(li, summary, "签收"))[-1]["text"] == "✅ 到货 #1 已签收：数量与包装无误。"
    with bot.app.uow() as uow:
        assert list(uow.session.scalars(select(GoodsReceipt.contract_id))) == [1]

    plain = add_customer(bot, "某区法院", by="李娜")  # no contract: the question is not asked
    assert plain
    goods = await pick_customer(bot, li, "/receipt", "某区法院")
    assert "到了什么货" in goods["text"]
