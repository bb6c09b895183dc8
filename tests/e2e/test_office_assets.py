"""Fixed assets: registered in chat, assigned and transferred with an audit trail, exported, 盘点 once a year."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from domain.callbacks import ASSET_TO_PERSON, pack
from schedules.assets import stocktake
from standins.telegram.keyboards import buttons
from storage.models import AssetMove, AuditEntry, FixedAsset, Staff
from tests.e2e.harness import BotHarness

SHANGHAI = ZoneInfo("Asia/Shanghai")


def current(bot: BotHarness, user: Any, message: dict[str, Any]) -> dict[str, Any]:
    """The message as it stands now (edits applied)."""
    return next(m for m in bot.standin.messages(user.id) if m["message_id"] == message["message_id"])


@pytest.mark.wire  # this feature over HTTP and on PostgreSQL too (tests/conftest.py)
async def test_an_asset_is_assigned_then_transferred_with_its_audit_trail(bot: BotHarness) -> None:
    bot.add_office("北京办事处", timezone="Asia/Shanghai")
    admin = await bot.register("王芳", office="上海办事处", roles=["admin"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    wang = await bot.register("王强", office="上海办事处", roles=["technician"])
    bj_admin = await bot.register("孙丽", office="北京办事处", roles=["admin"])

    assert "角色无权" in (await bot.send(li, "/asset"))[-1]["text"]
    await bot.send(admin, "/asset")
    assert "只能使用字母" in (await bot.send(admin, "资产 一号"))[-1]["text"]
    await bot.send(admin, "ZC-2026-001")
    category = (await bot.send(admin, "ThinkPad 笔记本"))[-1]
    await bot.press(admin, category, "电脑")
    await bot.send(admin, "6800")
    await bot.send(admin, "2026-11-20")
    summary = (await bot.send(admin, "前台"))[-1]
    saved = (await bot.press(admin, summary, "保存"))[-1]["text"]
    assert saved == "🏷 资产 ZC-2026-001 已登记入办事处库存。发送 /assets 查看资产登记表。"

    listing = (await bot.send(admin, "/assets"))[-1]
    assert listing["text"] == "固定资产（1）：\n• ZC-2026-001 ThinkPad 笔记本 — 库存"
    card = (await bot.press(admin, listing, "ZC-2026-001"))[-1]
    assert "使用人：库存；存放地点：前台" in card["text"]

    await bot.press(admin, card, "→ 李娜")
    assert bot.last(li)["text"] == "🏷 ZC-2026-001 ThinkPad 笔记本 现登记在您名下。"
    to_wang = next(data for label, data in buttons(current(bot, admin, card)) if label == "→ 王强")
    await bot.press_data(admin, card, to_wang)
    await bot.press_data(admin, card, to_wang)  # a double tap moves it once
    assert bot.standin.callback_answers[-1]["text"] == "未作更改：该资产已在此处。"
    assert bot.last(wang)["text"] == "🏷 ZC-2026-001 ThinkPad 笔记本 现登记在您名下。"
    assert bot.last(li)["text"] == "🏷 ZC-2026-001 ThinkPad 笔记本 已不再登记在您名下。"
    trail = current(bot, admin, card)["text"]
    assert "2026-11-24 10:00 王芳：领用 上海办事处库存 → 李娜" in trail
    assert "2026-11-24 10:00 王芳：调拨 李娜 → 王强" in trail
    await bot.press_data(admin, card, pack(ASSET_TO_PERSON, asset=999999, staff=1))
    assert bot.standin.callback_answers[-1]["text"] == "未找到。"

    bot.clock.advance(hours=1)
    await bot.press(admin, current(bot, admin, card), "→ 北京办事处")
    assert bot.last(wang)["text"].endswith("已不再登记在您名下。")
    await bot.press_data(admin, card, to_wang)  # no longer this office's: refused
    assert bot.standin.callback_answers[-1]["text"] == "未找到。"

    with bot.app.uow() as uow:
        s = uow.session
        asset = s.scalars(select(FixedAsset)).one()
        names = {i: n for i, n in s.execute(select(Staff.id, Staff.name))}
        moves = [(m.action, names.get(m.from_holder or 0), names.get(m.to_holder or 0), m.to_office)
                 for m in s.scalars(select(AssetMove).where(AssetMove.asset_id == asset.id).order_by(AssetMove.id))]
        audits = s.scalars(select(AuditEntry.action).where(AuditEntry.entity == "fixed_asset")
                           .order_by(AuditEntry.id)).all()
        assert (asset.holder_id, asset.office_id) == (None, moves[-1][3])
    assert [m[:3] for m in moves] == [("register", None, None), ("assign", None, "李娜"), ("transfer", "李娜", "王强"),
                                      ("transfer", "王强", None)]
    assert list(audits) == ["asset.register", "asset.assign", "asset.transfer", "asset.transfer"]

    exported = (await bot.send(bj_admin, "/assets xlsx"))[-1]
    assert exported["caption"] == "固定资产登记表。"
    assert bot.standin.documents(bj_admin)[-1].filename == "固定资产登记表-北京办事处.xlsx"
    sheet = load_workbook(BytesIO(bot.standin.documents(bj_admin)[-1].data))["固定资产登记表"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert rows[0] == ["资产编号", "名称", "类别", "价值(元)", "购置日期", "使用人", "办事处", "存放地点"]
    assert rows[1][:4] == ["ZC-2026-001", "ThinkPad 笔记本", "电脑", 6800]
    assert rows[1][5:] == ["库存", "北京办事处", "前台"]
    assert (await bot.send(admin, "/assets"))[-1]["text"] == "尚未登记固定资产。发送 /asset 登记。"

    bot.clock.set(datetime(2026, 12, 1, 10, tzinfo=SHANGHAI))
    for _ in range(2):
        await stocktake(bot.app)
        await bot.flush()
    checks = [t for t in bot.texts(bj_admin) if t.startswith("📦")]
    assert checks == ["📦 北京办事处 2026 年度固定资产盘点：请逐项核对，如有出入请通过 /assets 更正。\n"
                      "⬜ ZC-2026-001 ThinkPad 笔记本 — 库存 · 前台"]
    assert not [t for t in bot.texts(admin) if t.startswith("📦")]  # Shanghai holds no asset now
