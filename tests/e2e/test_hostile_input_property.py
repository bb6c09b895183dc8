"""Random text into the /customer form through the real Application: never the apology, never an unsendable reply.

Hypothesis draws a sequence of answers, each either a usable one (so that later questions and Save
are reached) or hostile text: controls, NUL, invisible characters, digits by the thousand, mixed
scripts, strings longer than a Telegram message. One bot serves every example; each starts afresh.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from standins.telegram.keyboards import buttons
from standins.telegram.users import FakeUser
from storage.models import OutboxMessage
from tests.e2e.harness import BotHarness
from tests.e2e.test_hostile_input import APOLOGY

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
@pytest.mark.wire  # this feature over HTTP and on PostgreSQL too (tests/conftest.py)
@given(typed=answers)
async def test_random_answers_to_the_customer_form_never_break_the_bot(bot: BotHarness, typed: list[str]) -> None:
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
