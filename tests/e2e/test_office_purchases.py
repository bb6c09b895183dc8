"""/purchase walks the approval chain by amount, the admin marks it bought and issued; the supplies stock."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from domain.callbacks import PURCHASE, pack
from standins.telegram.keyboards import buttons
from storage.models import AssetMove, AuditEntry, FixedAsset, SupplyMove
from tests.e2e.harness import BotHarness


async def ask(bot: BotHarness, user: Any, purpose: str, item: str, quantity: str, price: str) -> str:
    """Fill /purchase and submit it; the bot's confirmation."""
    choice = (await bot.send(user, "/purchase"))[-1]
    await bot.press(user, choice, purpose)
    for answer in (item, quantity, price):
        await bot.send(user, answer)
    summary = (await bot.send(user, "办公使用"))[-1]
    return str((await bot.press(user, summary, "提交"))[-1]["text"])


@pytest.mark.wire  # this feature over HTTP and on PostgreSQL too (tests/conftest.py)
async def test_equipment_over_2000_needs_the_gm_then_is_bought_and_issued_once(bot: BotHarness) -> None:
    bot.add_office("总部", is_hq=True)
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    admin = await bot.register("王芳", office="上海办事处", roles=["admin"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    gm = await bot.register("周总", office="总部", roles=["gm"])

    submitted = await ask(bot, li, "办公设备", "激光打印机", "1", "2600")
    assert submitted.startswith("✅ 申请 #")
    assert "已提交，等待 张伟（办事处负责人）审批。可用 /requests 查看进度。" in submitted
    card = bot.last(head)
    assert card["text"].startswith("📝 办公资源申请 #") and "¥2,600.00" in card["text"]
    assert "物品：激光打印机 × 1，预估单价 ¥2600" in card["text"] and "第 1/2 步" in card["text"]
    await bot.press(head, card, "同意")
    gm_card = bot.last(gm)
    assert "第 2/2 步" in gm_card["text"]
    await bot.press(gm, gm_card, "同意")
    assert "已全部审批通过" in bot.last(li)["text"]

    await ask(bot, li, "办公用品", "A4 纸", "2", "50")
    small = bot.last(head)
    assert "¥100.00" in small["text"] and "第 1/1 步" in small["text"]

    assert "角色无权" in (await bot.send(li, "/purchases"))[-1]["text"]
    listed = await bot.send(admin, "/purchases")
    assert [m["text"] for m in listed] == [f"办公资源申请 #{card['text'].split('#')[1].split(' ')[0]}：激光打印机 × 1，"
                                           "申请人 李娜"]
    order = listed[0]
    bought = buttons(order)[0][1]
    await bot.press(admin, order, "标记已采购")
    assert bot.last(li)["text"].startswith("🛒 您的办公资源申请 #") and "激光打印机" in bot.last(li)["text"]
    await bot.press_data(admin, order, bought)  # a double tap marks once
    assert bot.standin.callback_answers[-1]["text"] == "已经标记过了。"
    edited = next(m for m in bot.standin.messages(admin.id) if m["message_id"] == order["message_id"])
    await bot.press(admin, edited, "标记已发放")
    assert bot.last(li)["text"].startswith("📦 您的办公资源申请 #")
    assert (await bot.send(admin, "/purchases"))[-1]["text"] == "没有待采购或待发放的已批准申请。"
    await bot.press_data(admin, order, pack(PURCHASE, request=99999, step="b"))
    assert bot.standin.callback_answers[-1]["text"] == "未找到。"


async def test_supplies_stock_warns_the_admin_once_per_dip(bot: BotHarness) -> None:
    admin = await bot.register("王芳", office="上海办事处", roles=["admin"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    assert "角色无权" in (await bot.send(li, "/supplies"))[-1]["text"]
    assert "用法" in (await bot.send(admin, "/supplies add 打印纸 十"))[-1]["text"]
    assert (await bot.send(admin, "/supplies add 打印纸 10 5"))[-1]["text"] == "打印纸：现有库存 10。"
    replies = await bot.send(admin, "/supplies issue 打印纸 6 李娜")
    assert [m["text"] for m in replies] == [
        "打印纸：现有库存 4。", "⚠️ 库存不足：打印纸仅剩 4（最低库存 5）。可发送 /purchase 申请采购。"]
    assert [m["text"] for m in await bot.send(admin, "/supplies issue 打印纸 1")] == ["打印纸：现有库存 3。"]
    assert (await bot.send(admin, "/supplies issue 打印纸 9"))[-1]["text"] == "打印纸库存不足：仅剩 3。"
    unknown = (await bot.send(admin, "/supplies issue 打印纸 1 无名氏"))[-1]["text"]
    assert unknown == "没有这种办公用品或这位同事：打印纸。"
    await bot.send(admin, "/supplies add 打印纸 10")
    replies = await bot.send(admin, "/supplies issue 打印纸 9")
    assert [m["text"] for m in replies][1].startswith("⚠️ 库存不足：打印纸仅剩 4")
    assert (await bot.send(admin, "/supplies"))[-1]["text"] == "办公用品库存：\n⚠️ 打印纸: 4 (≥ 5)"


async def approve_all(bot: BotHarness, *approvers: Any) -> None:
    """Each approver in turn taps 同意 on the card they just got."""
    for who in approvers:
        await bot.press(who, bot.last(who), "同意")


async def test_equipment_always_climbs_to_headquarters_and_when_issued_is_registered_to_the_requester(
        bot: BotHarness) -> None:
    bot.add_office("总部", is_hq=True)
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    admin = await bot.register("王芳", office="上海办事处", roles=["admin"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    gm = await bot.register("周总", office="总部", roles=["gm"])

    await ask(bot, li, "办公设备", "无线鼠标", "2", "150")  # ¥300: far below 2,000, yet equipment
    card = bot.last(head)
    assert "¥300.00" in card["text"] and "第 1/2 步" in card["text"]
    await approve_all(bot, head)
    assert "第 2/2 步" in bot.last(gm)["text"] and "无线鼠标" in bot.last(gm)["text"]
    await approve_all(bot, gm)
    assert "已全部审批通过" in bot.last(li)["text"]

    order = (await bot.send(admin, "/purchases"))[-1]
    await bot.press(admin, order, "标记已采购")
    await bot.press(admin, current_of(bot, admin, order), "标记已发放")
    await bot.press_data(admin, order, buttons(order)[0][1].replace(":b", ":i"))  # a second tap adds nothing
    request_no = order["text"].split("#")[1].split("：")[0]
    listing = (await bot.send(admin, "/assets"))[-1]["text"]
    assert listing.splitlines() == ["固定资产（2）：", f"• PUR{request_no}-1 无线鼠标 — 李娜",
                                    f"• PUR{request_no}-2 无线鼠标 — 李娜"]
    with bot.app.uow() as uow:
        moves = uow.session.scalars(select(AssetMove.action).order_by(AssetMove.id)).all()
        audited = uow.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("purchase.%"))
                                      .order_by(AuditEntry.id)).all()
        value = uow.session.scalars(select(FixedAsset.value)).first()
    assert list(moves) == ["register", "assign", "register", "assign"]
    assert list(audited) == ["purchase.bought", "purchase.issued", "purchase.to_assets"]
    assert value == Decimal("150.00")


async def test_supplies_under_the_threshold_stay_with_the_head_and_when_issued_fill_the_stock(
        bot: BotHarness) -> None:
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    admin = await bot.register("王芳", office="上海办事处", roles=["admin"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    await bot.send(admin, "/supplies add 打印纸 3 5")

    await ask(bot, li, "办公用品", "打印纸", "10", "25")
    assert "第 1/1 步" in bot.last(head)["text"]
    await approve_all(bot, head)
    order = (await bot.send(admin, "/purchases"))[-1]
    await bot.press(admin, order, "标记已采购")
    assert (await bot.send(admin, "/supplies"))[-1]["text"] == "办公用品库存：\n⚠️ 打印纸: 3 (≥ 5)"  # bought, not yet in
    issued = current_of(bot, admin, order)
    await bot.press(admin, issued, "标记已发放")
    await bot.press_data(admin, issued, buttons(issued)[0][1])  # a double tap adds nothing
    assert bot.standin.callback_answers[-1]["text"] == "已经标记过了。"
    assert (await bot.send(admin, "/supplies"))[-1]["text"] == "办公用品库存：\n• 打印纸: 13 (≥ 5)"
    assert "尚未登记固定资产" in (await bot.send(admin, "/assets"))[-1]["text"]
    with bot.app.uow() as uow:
        deltas = uow.session.scalars(select(SupplyMove.delta).order_by(SupplyMove.id)).all()
        audited = uow.session.scalars(select(AuditEntry.action).where(AuditEntry.action == "purchase.to_stock")).all()
    assert (list(deltas), len(audited)) == ([3, 10], 1)


def current_of(bot: BotHarness, user: Any, message: dict[str, Any]) -> dict[str, Any]:
    """The message as it stands now (edits applied)."""
    return next(m for m in bot.standin.messages(user.id) if m["message_id"] == message["message_id"])
