"""A delivery signed for in chat: damage and shortage open a return with headquarters told; an acceptance
sets the archive's 验收日期 and the warranty end."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from bot.standin.keyboards import buttons
from storage.models import Customer, GoodsReceipt, Staff
from tests.e2e.harness import BotHarness


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
