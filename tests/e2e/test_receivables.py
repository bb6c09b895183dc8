"""Receivables in chat: a payment suggested for the customer's instalment and matched with one tap (once),
/receivables by age, person and customer, and who sees what."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from domain.callbacks import PAYMENT_MATCH, pack, unpack
from standins.telegram.users import FakeUser
from storage.models import Instalment, PaymentMatch
from tests.e2e.harness import STALE, BotHarness
from tests.e2e.test_contracts import record_contract
from tests.e2e.test_records_support import add_customer, data_of, labels, say


async def log_transfer(bot: BotHarness, user: FakeUser, customer: str, amount: str) -> list[dict[str, object]]:
    """Log a bank transfer from `customer` today; every message the save brought."""
    await bot.send(user, "/payment")
    kind = (await bot.press(user, bot.last(user), customer))[-1]
    received = (await bot.press(user, kind, "转账"))[-1]
    await bot.press(user, received, "今天")
    summary = await say(bot, user, amount, "跳过")
    return await bot.press(user, summary, "保存")


@pytest.mark.wire  # this feature over HTTP and on PostgreSQL too (tests/conftest.py)
async def test_a_payment_is_matched_to_its_instalment_with_one_tap_once(bot: BotHarness) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    await add_customer(bot, li, "某市公安局")
    await add_customer(bot, li, "某区法院")
    await record_contract(bot, li, "某市公安局", "30% 2026-11-10", "200000 2026-12-10", "跳过", "跳过")
    await record_contract(bot, li, "某区法院", "100000 2026-08-01", "50000 2026-10-01", "跳过", "跳过")

    replies = await log_transfer(bot, li, "某市公安局", "150000")
    assert replies[0]["text"].startswith("来款已登记")
    offer = replies[-1]
    assert offer["text"] == "🔗 来款 #1（150,000.00 元）是哪一期的款项？点选核销。"
    assert labels(offer) == ["#1 监控系统 预付款 150,000.00", "#1 监控系统 到货款 200,000.00"]  # exact amount first
    matched = (await bot.press(li, offer, "预付款"))[-1]
    assert matched["text"] == "✅ 来款 #1 已核销：计入 150,000.00 元，尚欠 0.00 元。"
    again = await bot.press(li, offer, "到货款")  # a second tap on the same offer changes nothing
    assert [m["text"] for m in again if "核销" in str(m.get("text"))] == []
    assert bot.standin.callback_answers[-1]["text"] == "这笔来款已经核销过了。"
    with bot.app.uow() as uow:
        received = uow.session.scalars(select(Instalment.received).order_by(Instalment.id)).all()
        assert [str(r) for r in received] == ["150000.00", "0.00", "0.00", "0.00"]
        assert len(uow.session.scalars(select(PaymentMatch)).all()) == 1

    text = (await bot.send(head, "/receivables"))[-1]["text"]
    assert text.startswith("📒 应收账款（2026-11-24）：应收 150,000.00 元（2 笔）\n"
                           "  逾期 30 天以内：0.00\n  31–60 天：50,000.00\n  61–90 天：0.00\n  90 天以上：100,000.00")
    assert "按负责人：\n  李娜：150,000.00" in text
    assert "按客户：\n  某区法院：150,000.00" in text and "按办事处" not in text
    assert "#2 监控系统 预付款 — 某区法院 100,000.00（2026-08-01 到期，逾期 115 天，李娜）" in text
    assert "30 天内到期：\n  #1 监控系统 到货款 — 某市公安局 200,000.00（2026-12-10 到期，李娜）" in text


async def test_forged_match_buttons_and_other_offices_change_nothing(bot: BotHarness) -> None:
    bot.add_office("北京办事处")
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    zhao = await bot.register("赵强", office="北京办事处", roles=["office_head"])
    await add_customer(bot, li, "某市公安局")
    await add_customer(bot, li, "某区法院")
    await record_contract(bot, li, "某市公安局", "30% 2026-11-10", "跳过", "跳过", "跳过")
    await record_contract(bot, li, "某区法院", "100000 2026-08-01", "跳过", "跳过", "跳过")
    offer = (await log_transfer(bot, li, "某市公安局", "150000"))[-1]
    data = data_of(offer, "预付款")
    pressed = unpack(data)
    assert pressed is not None
    other_customer = pack(PAYMENT_MATCH, payment=pressed.id("payment"), instalment=2)  # 某区法院's: not this customer's
    nothing = (await bot.send(zhao, "/receivables"))[-1]
    assert nothing["text"].startswith("📒 应收账款（2026-11-24）：应收 0.00 元（0 笔）")
    assert (await bot.press_data(li, offer, other_customer))[-1]["text"] == "未找到该记录。"
    assert await bot.press_data(li, offer, "1:rcv:1:x") == [] and bot.standin.callback_answers[-1]["text"] == STALE
    assert (await bot.press_data(zhao, nothing, data))[-1]["text"] == "未找到该记录。"
    with bot.app.uow() as uow:
        assert uow.session.scalars(select(PaymentMatch)).all() == []
