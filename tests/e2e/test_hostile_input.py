"""Hostile and careless input (issue #14): far dates, ambiguous numbers, invisible text, NUL, long names."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from standins.telegram.keyboards import buttons
from standins.telegram.users import FakeUser
from storage.models import Customer, OutboxMessage, RepairRecord
from tests.e2e.harness import BotHarness
from tests.e2e.test_records_support import add_customer, say

APOLOGY = "抱歉，系统出了点问题"


async def start_leave(bot: BotHarness, user: FakeUser) -> dict[str, object]:
    """Open /leave as a leave (请假); the first-day question."""
    await bot.send(user, "/leave")
    ask_type = (await bot.press(user, bot.last(user), "请假"))[-1]
    return (await bot.press(user, ask_type, "事假"))[-1]


@pytest.mark.wire  # this feature over HTTP and on PostgreSQL too (tests/conftest.py)
async def test_a_leave_in_year_9999_is_refused_at_the_question(bot: BotHarness) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    await start_leave(bot, li)
    far = await say(bot, li, "9999-12-31")
    assert "请输入 2026-10-24 至 2027-11-25 之间的日期" in far["text"] and "开始日期" in far["text"]
    old = await say(bot, li, "1900-01-01")
    assert "请输入 2026-10-24 至 2027-11-25 之间的日期" in old["text"]
    assert "结束日期" in (await say(bot, li, "2026-11-25"))["text"]
    assert APOLOGY not in " ".join(bot.texts(li))


async def test_an_acceptance_date_of_1900_is_refused(bot: BotHarness) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    await bot.send(li, "/customer")
    await say(bot, li, "某市公安局", "人民路 1 号", "王科长", "13812345678", "跳过", "枪柜 3")
    old = await say(bot, li, "1900-01-01")
    assert "请输入 1990-01-01 至 2026-11-24 之间的日期" in old["text"]
    assert "质保" in (await say(bot, li, "1990-01-01"))["text"]


async def test_ambiguous_dates_and_amounts_are_refused_with_an_example(bot: BotHarness) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    await start_leave(bot, li)
    day = await say(bot, li, "1 1")
    tomorrow = bot.clock().astimezone(ZoneInfo("Asia/Shanghai")).date() + timedelta(days=1)
    assert f"例如 {tomorrow.isoformat()}" in day["text"] and "开始日期" in day["text"]  # an example near today
    await bot.send(li, "/cancel")
    await bot.send(li, "/expense")
    amount = await say(bot, li, "12 34")
    assert "4800" in amount["text"] and "金额" in amount["text"]
    assert "类别" in (await say(bot, li, "1,234"))["text"]


async def test_quantities_are_between_1_and_9999(bot: BotHarness) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    await bot.send(li, "/customer")
    await say(bot, li, "某市公安局", "人民路 1 号", "王科长", "13812345678", "跳过")
    for hostile in ("枪柜 " + "9" * 4090, "枪柜 " + "9" * 20, "枪柜 0"):
        refused = await say(bot, li, hostile)
        assert "1 至 9999" in refused["text"] and "安装了哪些产品" in refused["text"]
        assert len(refused["text"]) < 1000
    assert "验收" in (await say(bot, li, "枪柜 9999"))["text"]
    assert APOLOGY not in " ".join(bot.texts(li))


async def test_invisible_answers_count_as_empty(bot: BotHarness) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    await bot.send(li, "/customer")
    for invisible in ("\u200b", "\ufeff\u200b", "\u2060\u3000\u200b"):
        asked = await say(bot, li, invisible)
        assert "请输入客户名称" in asked["text"] and "请用文字回答" in asked["text"]
    address = await say(bot, li, "\u200b某市\x07公安局\ufeff")
    assert "请输入客户地址" in address["text"]
    back = (await bot.press(li, address, "上一步"))[-1]
    assert "当前：某市公安局\n" in back["text"] or back["text"].endswith("当前：某市公安局")


async def test_a_nul_character_never_reaches_the_database(bot: BotHarness) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    await add_customer(bot, li, "某市公安局")
    found = (await bot.send(li, "/customer 公\x00安"))[-1]
    assert "某市公安局" in found["text"]
    await bot.send(li, "/customer")
    assert "请输入客户地址" in (await say(bot, li, "某县\x00公安局"))["text"]
    await say(bot, li, "人民\x00路", "王\x00科长", "13812345678", "跳过", "跳过", "跳过")
    summary = await say(bot, li, "跳过")
    assert "客户档案已保存：某县公安局" in (await bot.press(li, summary, "保存"))[-1]["text"]
    assert APOLOGY not in " ".join(bot.texts(li))
    with bot.app.uow() as uow:
        names = set(uow.session.scalars(select(Customer.contact)))
    assert names == {"王科长"}


async def test_a_long_contact_or_reporter_is_refused_at_its_question(bot: BotHarness) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    await bot.send(li, "/customer")
    await say(bot, li, "某市公安局", "人民路 1 号")
    long_contact = await say(bot, li, "王" * 200)
    assert "最多 120 个字" in long_contact["text"] and "联系人" in long_contact["text"]
    await bot.send(li, "/cancel")
    await add_customer(bot, li, "某市公安局")
    await bot.send(li, "/repair")
    await say(bot, li, "某市公安局")
    long_reporter = await say(bot, li, "王" * 200)
    assert "最多 120 个字" in long_reporter["text"]
    await say(bot, li, "王" * 120)
    with bot.app.uow() as uow:
        assert list(uow.session.scalars(select(RepairRecord))) == []


async def test_a_blank_answer_at_a_customer_lookup_is_asked_again(bot: BotHarness) -> None:
    li = await bot.register("李娜", office="上海办事处", roles=["sales"])
    await add_customer(bot, li, "某市公安局")
    await bot.send(li, "/repair")
    for blank in ("   ", "\u3000", "\u200b"):
        replies = await bot.send(li, blank)
        assert replies, f"no reply to {blank!r}"
        assert "哪个客户" in replies[-1]["text"]


USABLE = ("某市公安局", "人民路 1 号", "王科长", "13812345678", "跳过", "枪柜 3，弹柜 2", "2025-03-01", "2", "上一步")
TRICKY = ("\x00", "\u200b", "\ufeff", "\u202e", "\u3000", "1 1", "12 34", "9999-12-31", "1900-01-01", "枪柜 0",
          "枪柜 " + "9" * 4090, "9" * 5000, "王" * 200, "\x00" * 50, "a\rb", "/customer \x00")
hostile_text = st.one_of(
    st.sampled_from(TRICKY),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=300),
    st.text(st.sampled_from("0123456789 ,.-/年月日枪柜弹\u200b\x00\t\n"), min_size=1, max_size=40),
    st.builds(lambda ch, n: ch * n, st.sampled_from("9王\u200b a"), st.integers(1000, 6000)),
)
answers = st.lists(st.one_of(st.sampled_from(USABLE), hostile_text), min_size=1, max_size=10)


@settings(max_examples=30, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(typed=answers)
async def test_random_answers_to_the_customer_form_never_break_the_bot(bot: BotHarness, typed: list[str]) -> None:
    """Random text into the /customer form: never the apology, never an unsendable reply.

    Hypothesis draws a sequence of answers, each either a usable one (so that later questions and Save
    are reached) or hostile text: controls, NUL, invisible characters, digits by the thousand, mixed
    scripts, strings longer than a Telegram message. One bot serves every example; each starts afresh.
    """
    li = await _person(bot)
    before = len(bot.standin.messages(li.id))
    await bot.send(li, "/cancel")
    await bot.send(li, "/customer")
    for text in typed:
        await bot.send(li, text)
    last = bot.last(li)
    if any("保存" in label for label, _data in buttons(last)):
        await bot.press(li, last, "保存")
    said = [str(m.get("text") or "") for m in bot.standin.messages(li.id)[before:]]
    assert [text for text in said if APOLOGY in text] == []
    assert max(len(text) for text in said) <= 4096
    with bot.app.uow() as uow:
        troubled = uow.session.execute(select(OutboxMessage.status, OutboxMessage.last_error)
                                       .where(OutboxMessage.status != "sent")).all()
    assert troubled == []


async def _person(bot: BotHarness) -> FakeUser:
    """The one registered person every example types as (registered on the first example)."""
    cached = getattr(bot, "_property_person", None)
    if cached is None:
        cached = await bot.register("李娜", office="上海办事处", roles=["sales"])
        bot._property_person = cached  # type: ignore[attr-defined]
    return cached
