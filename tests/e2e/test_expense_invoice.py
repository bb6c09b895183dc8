"""有无发票 and 补发票 (issue #11): an intermediary fee claimed without an invoice counts ×1.1 toward the
contract's commission base; every approver sees it; once approved, the requester (or finance) records the
invoice later with one tap, audited, and the figures go back to what was paid. Others cannot."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from domain.callbacks import INVOICE, pack
from standins.telegram.keyboards import buttons
from standins.telegram.users import FakeUser
from storage.models import AuditEntry
from tests.e2e.harness import BotHarness
from tests.e2e.test_approvals import alert, card_for, claim, register_hq
from tests.e2e.test_contracts import record_contract
from tests.e2e.test_expense_control import project_claim
from tests.e2e.test_records_support import add_customer

INVOICE_BUTTON = "补发票"


def with_invoice_button(bot: BotHarness, user: FakeUser) -> list[dict]:  # type: ignore[type-arg]
    """The messages the user got that carry the 补发票 button."""
    prefix = pack(INVOICE, request=0)[:-1]
    return [m for m in bot.standin.messages(user.id) if any(d.startswith(prefix) for _t, d in buttons(m))]


@pytest.mark.wire  # this feature over HTTP and on PostgreSQL too (tests/conftest.py)
async def test_a_fee_without_invoice_counts_1_1_until_the_invoice_is_recorded(bot: BotHarness) -> None:
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    wang = await bot.register("王五", office="上海办事处", roles=["sales"])
    hq = await register_hq(bot)
    gm = await bot.register("孙总", office="总部", roles=["gm"])
    finance = await bot.register("周敏", office="总部", roles=["finance"])
    await add_customer(bot, li, "某市公安局")
    await record_contract(bot, li, "某市公安局", "30% 2026-12-01", "跳过", "跳过", "跳过")  # 500,000

    assert "已提交" in await project_claim(bot, li, "10000", "监控系统", contract="#1 监控系统", invoice=False)
    card = card_for(bot, head)
    assert "有无发票：否" in card["text"]
    assert "计入业务提成：11,000.00 元（无发票的居间服务费按1.1倍计算）。" in card["text"]
    for approver in (head, gm, hq["finance_director"], hq["vp"]):
        await bot.press(approver, card_for(bot, approver), "同意")
    contract = (await bot.send(head, "/contract 1"))[-1]["text"]
    assert "居间服务费：10,000.00 元；计入业务提成 11,000.00 元（无发票按1.1倍）" in contract

    [notice] = with_invoice_button(bot, li)
    assert "已全部审批通过" in notice["text"]
    assert "尚无发票" in notice["text"]
    [cc_notice] = with_invoice_button(bot, finance)  # finance hears it by CC, with the same button
    assert with_invoice_button(bot, head) == []
    listed = (await bot.send(li, "/requests"))[-1]
    assert any("补发票 #1" in label for label, _d in buttons(listed))

    # a colleague forging the data: nothing changes
    forged = await bot.press_data(wang, bot.last(wang), pack(INVOICE, request=1))
    assert forged == [] and alert(bot) == "未找到。"
    done = (await bot.press(li, notice, INVOICE_BUTTON))[-1]["text"]
    assert done == "🧾 费用报销 #1 的发票已补登：现按有发票计算。"
    await bot.press(finance, cc_notice, INVOICE_BUTTON)
    assert alert(bot) == "该报销已有发票。"

    contract = (await bot.send(head, "/contract 1"))[-1]["text"]
    assert "居间服务费：10,000.00 元；计入业务提成 10,000.00 元" in contract
    assert not any("补发票 #1" in label for label, _d in buttons((await bot.send(li, "/requests"))[-1]))
    with bot.app.uow() as uow:
        [entry] = uow.session.scalars(select(AuditEntry).where(AuditEntry.action == "expense.invoice_received")).all()
        assert entry.actor_id is not None and entry.detail["after"] is True

    await bot.send(head, "/export 2026-11")
    [document] = bot.standin.documents(head)
    sheet = load_workbook(BytesIO(document.data))["费用报销"]
    rows = [tuple(c.value for c in row) for row in sheet.iter_rows(min_row=3)]
    assert rows[0][:8] == ("序号", "发生日期", "报销人", "费用类别", "金额(元)", "有无发票", "补发票日期",
                           "计入提成金额(元)")
    assert rows[1][2:6] == ("李娜", "项目费用", 10000, "有") and rows[1][6] is not None and rows[1][7] == 10000


async def test_finance_records_the_invoice_and_the_requester_is_told(bot: BotHarness) -> None:
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    bot.add_office("总部", is_hq=True)
    finance = await bot.register("周敏", office="总部", roles=["finance"])

    await claim(bot, li, "300", invoice=False)  # a daily expense: no ×1.1, but the invoice is still chased
    card = card_for(bot, head)
    assert "有无发票：否" in card["text"] and "计入业务提成" not in card["text"]
    assert with_invoice_button(bot, li) == []  # not before it is approved
    await bot.press(head, card, "同意")
    [cc_notice] = with_invoice_button(bot, finance)
    await bot.press(finance, cc_notice, INVOICE_BUTTON)
    assert bot.texts(li)[-1] == "🧾 周敏 已登记您的申请 费用报销 #1 · ¥300.00 的发票已到（补发票）。"
