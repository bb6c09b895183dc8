"""/dashboard: seven charts arrive as real PNG photos with their lines as captions, the .xlsx holds the same figures,
and people without the role (or with a forged button) get nothing."""

from __future__ import annotations

import struct
from io import BytesIO

import pytest
from openpyxl import load_workbook

from domain.callbacks import DASHBOARD_XLSX, pack
from services.dashboard.charts import chinese_font
from tests.e2e.harness import BotHarness
from tests.e2e.test_contracts import record_contract
from tests.e2e.test_receivables import log_transfer
from tests.e2e.test_records_support import add_customer

ROLE_REFUSED = "抱歉，您的角色无权使用此命令。"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (it must be a PNG)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


@pytest.mark.wire  # this feature over HTTP and on PostgreSQL too (tests/conftest.py)
@pytest.mark.long
async def test_the_dashboard_sends_charts_as_photos_and_the_figures_as_xlsx(bot: BotHarness) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    await add_customer(bot, li, "某市公安局")
    await record_contract(bot, li, "某市公安局", "30% 2026-08-10", "跳过", "跳过", "跳过")
    await log_transfer(bot, li, "某市公安局", "50000")

    replies = await bot.send(head, "/dashboard")
    photos = [m for m in replies if m.get("photo")]
    assert len(photos) == 7 and replies[:7] == photos, "each chart is one message: its line is the caption"
    assert [p.get("caption") for p in photos[:2]] == ["每月签订合同与来款", "应收账款账龄：到期未收 150,000.00 元"]
    assert [m.get("text") for m in replies[7:]] == [replies[-1]["text"]], "no line sent apart from its chart"
    for photo in photos:
        stored = bot.standin.files.get(photo["photo"][-1]["file_id"])
        assert stored is not None and len(stored.data) > 10_000  # a drawn chart, not a placeholder
        width, height = png_size(stored.data)
        assert (width, height) == (880, 495)
    assert chinese_font() is not None, "no CJK font: run scripts/install"

    offer = replies[-1]
    assert offer["text"] == "📊 2026-11-24 看板。同样的数据可导出为表格："
    await bot.press(head, offer, "导出")
    documents = bot.standin.documents(head)
    assert [d.filename for d in documents] == ["dashboard-2026-11-24.xlsx"]
    book = load_workbook(BytesIO(documents[0].data))
    months = [row for row in book["合同与来款"].iter_rows(values_only=True)]
    assert months[0] == ("月份", "合同", "来款") and months[-1] == ("2026-11", 500000, 50000)
    ages = [row for row in book["应收账款账龄"].iter_rows(values_only=True)]
    assert ages[-1] == ("90 天以上", 150000)

    refused = (await bot.send(li, "/dashboard"))[-1]
    assert refused["text"] == ROLE_REFUSED and not any(m.get("photo") for m in bot.standin.messages(li))
    forged = await bot.press_data(li, refused, pack(DASHBOARD_XLSX))
    assert forged[-1]["text"] == "无权操作。" and bot.standin.documents(li) == []
