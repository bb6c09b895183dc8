"""/attendance_sheet in chat and the monthly job that sends the sheet to HR, read back with openpyxl;
a sheet that could not be built or sent is sent by a later run."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from domain import workdays
from schedules.attendance import send_sheet_to_hr
from services.attendance import sheet as attendance_sheet
from services.messaging.messages import OutMessage
from services.messaging.ports import Channel, TransientError
from tests.e2e.harness import BotHarness

SHANGHAI = ZoneInfo("Asia/Shanghai")


class RefusingChannel:
    """The bot's real channel, except that sends to the chats in `refused` fail (the network, say)."""

    def __init__(self, inner: Channel, refused: set[int]) -> None:
        self.inner, self.refused = inner, refused
        self.name = inner.name

    async def send(self, chat_id: str, message: OutMessage) -> int | None:
        if int(chat_id) in self.refused:
            raise TransientError("connection reset")
        return await self.inner.send(chat_id, message)

    async def edit(self, chat_id: str, message_id: str, message: OutMessage) -> None:
        await self.inner.edit(chat_id, message_id, message)

    async def answer(self, chat_id: str, callback_id: str, text: str | None = None, *, alert: bool = False) -> None:
        await self.inner.answer(chat_id, callback_id, text, alert=alert)

    async def download(self, file_id: str) -> bytes:
        return await self.inner.download(file_id)


@pytest.mark.wire  # this feature over HTTP and on PostgreSQL too (tests/conftest.py)
async def test_office_head_gets_the_sheet_and_sales_do_not(bot: BotHarness) -> None:
    bot.clock.set(datetime(2025, 9, 1, 9, tzinfo=SHANGHAI))  # both on the staff before October
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    bot.clock.set(datetime(2025, 10, 13, 9, tzinfo=SHANGHAI))
    await bot.register("新人", office="上海办事处", roles=["sales"])
    bot.clock.set(datetime(2025, 11, 5, 10, tzinfo=SHANGHAI))

    reply = (await bot.send(head, "/attendance_sheet 2025-10"))[-1]

    assert "2025-10 考勤表" in reply["caption"]
    stored = bot.standin.documents(head)[-1]
    assert stored.filename == "考勤表-上海办事处-2025-10.xlsx"
    sheet = load_workbook(BytesIO(stored.data))["上海办事处"]
    rows = {row[1]: row[1:] for row in sheet.iter_rows(min_row=4, values_only=True) if row[1]}
    assert rows["李娜"][1] == "节假日"  # 2025-10-01, National Day: not an absence
    assert rows["李娜"][11] == "旷工"  # 2025-10-11, a make-up working day (调休)
    assert rows["新人"][11] is None and rows["新人"][13] == "旷工"  # joined on the 13th: nothing missed before
    assert rows["新人"][1 + 31 + 7] == len(workdays.working_days(date(2025, 10, 13), date(2025, 10, 31)))
    assert "无权" in (await bot.send(li, "/attendance_sheet"))[-1]["text"]
    assert "格式" in (await bot.send(head, "/attendance_sheet 2025-13"))[-1]["text"]


async def test_the_monthly_job_sends_last_month_to_hr_once(bot: BotHarness) -> None:
    bot.add_office("总部", is_hq=True)
    hr = await bot.register("人事", office="总部", roles=["hr"])
    assert bot.runtime is not None
    bot.clock.set(datetime(2025, 11, 1, 8, 59, tzinfo=SHANGHAI))
    assert await send_sheet_to_hr(bot.app) == "not due"
    bot.clock.set(datetime(2025, 11, 3, 14, tzinfo=SHANGHAI))  # down on the 1st: caught up on the 3rd
    assert await send_sheet_to_hr(bot.app) == "2025-10: sent to 1 HR recipient(s)"
    assert await send_sheet_to_hr(bot.app) == "2025-10: already sent"
    await bot.flush()

    documents = bot.standin.documents(hr)
    assert [d.filename for d in documents] == ["考勤表-全部办事处-2025-10.xlsx"]
    assert load_workbook(BytesIO(documents[0].data)).sheetnames == ["上海办事处", "总部"]


async def test_a_failed_send_is_retried_by_the_sender_and_only_to_whom_it_failed(bot: BotHarness) -> None:
    bot.add_office("总部", is_hq=True)
    hr = await bot.register("人事", office="总部", roles=["hr"])
    other = await bot.register("人事二", office="总部", roles=["hr"])
    assert bot.runtime is not None and bot.runtime.sender is not None
    sender = bot.runtime.sender
    channel = sender.channels["telegram"]
    bot.clock.set(datetime(2025, 11, 1, 9, 5, tzinfo=SHANGHAI))
    first = await send_sheet_to_hr(bot.app)
    sender.channels["telegram"] = RefusingChannel(channel, refused={hr.id})
    try:
        await bot.flush()
    finally:
        sender.channels["telegram"] = channel
    assert (len(bot.standin.documents(hr)), len(bot.standin.documents(other))) == (0, 1)

    bot.clock.set(datetime(2025, 11, 1, 10, 5, tzinfo=SHANGHAI))  # the next hourly run; the retry is due
    second = await send_sheet_to_hr(bot.app)
    await bot.flush()

    assert [d.filename for d in bot.standin.documents(hr)] == ["考勤表-全部办事处-2025-10.xlsx"]
    assert len(bot.standin.documents(other)) == 1  # not sent twice
    assert (first, second) == ("2025-10: sent to 2 HR recipient(s)", "2025-10: already sent")


async def test_a_failed_build_loses_nothing(bot: BotHarness, monkeypatch: pytest.MonkeyPatch) -> None:
    bot.add_office("总部", is_hq=True)
    hr = await bot.register("人事", office="总部", roles=["hr"])
    assert bot.runtime is not None
    bot.clock.set(datetime(2025, 11, 1, 9, 5, tzinfo=SHANGHAI))
    build = attendance_sheet.build_month_sheet

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(attendance_sheet, "build_month_sheet", crash)
    with pytest.raises(RuntimeError):
        await send_sheet_to_hr(bot.app)
    monkeypatch.setattr(attendance_sheet, "build_month_sheet", build)

    bot.clock.set(datetime(2025, 11, 1, 10, 5, tzinfo=SHANGHAI))
    later = await send_sheet_to_hr(bot.app)
    await bot.flush()
    assert len(bot.standin.documents(hr)) == 1
    assert later == "2025-10: sent to 1 HR recipient(s)"


async def test_two_runs_at_once_send_the_sheet_once(bot: BotHarness) -> None:
    bot.add_office("总部", is_hq=True)
    hr = await bot.register("人事", office="总部", roles=["hr"])
    assert bot.runtime is not None
    bot.clock.set(datetime(2025, 11, 1, 9, 5, tzinfo=SHANGHAI))

    results = await asyncio.gather(send_sheet_to_hr(bot.app), send_sheet_to_hr(bot.app))

    assert sorted(results) == ["2025-10: already sent", "2025-10: sent to 1 HR recipient(s)"]
    await bot.flush()
    assert len(bot.standin.documents(hr)) == 1
