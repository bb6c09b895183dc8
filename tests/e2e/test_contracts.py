"""Contracts in chat: three instalments recorded, bad terms refused politely, an audited edit, who sees what."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from domain.callbacks import CONTRACT, pack
from standins.telegram.users import FakeUser
from storage.models import AuditEntry, Customer, Instalment
from tests.e2e.harness import STALE, BotHarness
from tests.e2e.test_records_support import add_customer, data_of, say, text_of


async def record_contract(bot: BotHarness, user: FakeUser, customer: str, *terms: str) -> str:
    """Fill the contract form (project 监控系统, 500000, the given four stage answers); the saved text."""
    asked = (await bot.send(user, "/contract"))[-1]
    project = (await bot.press(user, asked, customer))[-1]
    assert "项目名称是" in project["text"]
    signed = await say(bot, user, "监控系统")
    amount = (await bot.press(user, signed, "今天"))[-1]
    assert "合同金额多少元" in amount["text"]
    last = await say(bot, user, "500000", *terms)
    for _ in range(3):  # accepted on, net profit rate, bid deposit
        last = (await bot.press(user, last, "跳过"))[-1]
    return str((await bot.press(user, last, "保存"))[-1]["text"])


@pytest.mark.wire  # this feature over HTTP and on PostgreSQL too (tests/conftest.py)
async def test_a_contract_with_three_instalments_is_recorded_and_edited_with_audit(bot: BotHarness) -> None:
    bot.add_office("总部", is_hq=True)
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    finance = await bot.register("王会计", office="总部", roles=["finance"])
    await add_customer(bot, li, "某市公安局")

    asked = (await bot.send(li, "/contract"))[-1]
    assert "与哪位客户签订" in asked["text"]
    project = (await bot.press(li, asked, "某市公安局"))[-1]
    signed = await say(bot, li, "监控系统")
    amount = (await bot.press(li, signed, "今天"))[-1]
    advance = await say(bot, li, "500000")
    assert "预付款：" in advance["text"] and "（选填）" in advance["text"] and project
    wrong = await say(bot, li, "三成 2026-12-01")
    assert "请先写比例或金额" in wrong["text"]
    wrong = await say(bot, li, "30%")
    assert "请写明到期时间" in wrong["text"]
    wrong = await say(bot, li, "130% 2026-12-01")
    assert "请先写比例或金额" in wrong["text"]
    delivery = await say(bot, li, "30% 2026-12-01 已开票")
    assert "到货款：" in delivery["text"] and amount
    acceptance = (await bot.press(li, delivery, "跳过"))[-1]
    warranty = await say(bot, li, "400000 2027-01-15")
    assert "质保金：" in warranty["text"] and acceptance
    accepted = await say(bot, li, "10% 验收后365天")
    assert "何时验收" in accepted["text"]
    rate = (await bot.press(li, accepted, "跳过"))[-1]
    deposit = await say(bot, li, "12.5")
    returned = await say(bot, li, "10000")
    assert "何时退回" in returned["text"] and deposit and rate
    summary = (await bot.press(li, returned, "跳过"))[-1]
    refused = (await bot.press(li, summary, "保存"))[-1]["text"]
    assert refused == "各期付款合计超过了合同金额。"  # 150,000 + 400,000 + 50,000 > 500,000
    change = (await bot.press(li, summary, "修改"))[-1]
    acceptance = (await bot.press(li, change, "验收款"))[-1]
    summary = await say(bot, li, "200000 2027-01-15")
    assert "请核对" in summary["text"] and acceptance
    saved = (await bot.press(li, summary, "保存"))[-1]["text"]
    assert saved.startswith("合同已登记。\n合同 #1 — 监控系统\n客户：某市公安局\n"
                            "签订日期 2026-11-24，合同金额 500,000.00 元")
    assert "预计项目净利润率：12.5%" in saved and "投标保证金：10,000.00 元，退回：未退回" in saved
    assert "• 预付款：30% = 150,000.00 元，2026-12-01 到期，已开票，已收 0.00" in saved
    assert "• 验收款：200,000.00 元，2027-01-15 到期，未开票，已收 0.00" in saved
    assert "• 质保金：10% = 50,000.00 元，验收后 365 天到期，未开票，已收 0.00" in saved
    assert "到货款" not in saved

    for viewer in (head, finance):
        listing = (await bot.send(viewer, "/contracts"))[-1]
        assert "#1 2026-11-24 监控系统 — 某市公安局 500,000.00" in listing["text"]
    card = (await bot.send(head, "/contract 1"))[-1]
    form = (await bot.press(head, card, "修改"))[-1]
    change = (await bot.press(head, form, "修改"))[-1]
    accepted = (await bot.press(head, change, "验收日期"))[-1]
    summary = await say(bot, head, "2026-11-20")
    updated = (await bot.press(head, summary, "保存"))[-1]["text"]
    assert updated.startswith("合同已更新。") and "• 质保金：10% = 50,000.00 元，2027-11-20 到期" in updated
    assert accepted
    with bot.app.uow() as uow:
        due = uow.session.scalars(select(Instalment.due_date).order_by(Instalment.id)).all()
        assert [d.isoformat() if d else None for d in due] == ["2026-12-01", "2027-01-15", "2027-11-20"]
        entries = uow.session.scalars(select(AuditEntry).where(AuditEntry.entity == "contract")
                                      .order_by(AuditEntry.id)).all()
        assert [e.action for e in entries] == ["create", "update"]
        assert entries[1].detail["before"] == {"accepted_on": None}
        assert entries[1].detail["after"] == {"accepted_on": "2026-11-20"}


async def test_another_office_sees_nothing_and_forged_buttons_change_nothing(bot: BotHarness) -> None:
    bot.add_office("北京办事处")
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    wang = await bot.register("王强", office="上海办事处", roles=["sales"])
    zhao = await bot.register("赵强", office="北京办事处", roles=["office_head"])
    await add_customer(bot, li, "某市公安局")
    saved = await record_contract(bot, li, "某市公安局", "30% 2026-12-01", "跳过", "跳过", "跳过")
    assert "合同 #1" in saved

    assert (await bot.send(zhao, "/contract 1"))[-1]["text"] == "未找到该记录。"
    assert (await bot.send(wang, "/contract 1"))[-1]["text"] == "未找到该记录。"
    nothing = (await bot.send(zhao, "/contracts"))[-1]
    assert "还没有合同" in nothing["text"]
    assert (await bot.send(li, "/contract abc"))[-1]["text"] == "请给出合同编号，如 /contract 12。"
    card = (await bot.send(li, "/contract 1"))[-1]
    forged = data_of(card, "修改").replace(":1:", ":1x:")
    edit = pack(CONTRACT, contract=1, action="e")
    assert text_of((await bot.press_data(zhao, nothing, edit))[-1]) == "未找到该记录。"
    assert await bot.press_data(li, card, forged) == [] and bot.standin.callback_answers[-1]["text"] == STALE

    with bot.app.uow() as uow:
        theirs = uow.session.scalars(select(Customer.id).where(Customer.name == "某市公安局")).one()
    asked = (await bot.send(zhao, "/contract"))[-1]
    picks = [b for row in asked.get("reply_markup", {}).get("inline_keyboard", []) for b in row]
    assert all("某市公安局" not in b["text"] for b in picks)
    assert theirs
