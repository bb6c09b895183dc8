"""Property-based fuzzing through the real Application and the stand-in: every form, every command, every button.

Hypothesis walks each form as a careless or hostile person would: at every question it either
answers sensibly (a button on the message, a location when one is asked, a plausible text) or types
something hostile (controls, NUL, invisible characters, digits by the thousand, dates out of range,
Chinese numbers, text longer than a Telegram message). Every command gets random arguments, and
buttons are pressed with forged data: real data seen in the chat, cut, extended or with its numbers
changed. The properties: the bot never answers with the apology, no message exceeds Telegram's
4,096 characters, every queued message was delivered, and a forged press changes nothing it should
not. One bot serves all examples of a test (Hypothesis runs them in the same fixture); the example
count is small per run (`OFFICEBOT_FUZZ_EXAMPLES`, default 2) with a fixed seed, and
`bench/fuzz.sh` runs the same tests with many more.
"""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from handlers.registry import build_router
from standins.telegram.keyboards import buttons
from standins.telegram.users import FakeUser
from storage.models import ApprovalRequest, ApprovalStep, AuditEntry, OutboxMessage
from tests.e2e.harness import BotHarness
from tests.e2e.test_approvals import claim
from tests.e2e.test_hostile_input import APOLOGY

EXAMPLES = int(os.environ.get("OFFICEBOT_FUZZ_EXAMPLES", "2"))
FUZZ = settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

FORMS = ("customer", "visit", "repair", "leave", "expense", "payment", "checkin", "checkout", "weekly", "monthly",
         "invite")
EVERY_ROLE = ["office_head", "sales", "technician", "admin"]
OFFICE = (31.230416, 121.473701)

PLAUSIBLE = ("某市公安局", "人民路 1 号", "王科长", "13812345678", "2", "3.5万", "五千", "明天", "今天", "2026-11-20",
             "上午10点", "15:30", "拜访客户，介绍新产品", "设备无法开机", "枪柜 3，弹柜 2", "跳过", "1")
TRICKY = ("\x00", "\u200b", "\ufeff", "\u202e", "\u3000", "1 1", "12 34", "9999-12-31", "1900-01-01", "0", "-5",
          "9" * 5000, "王" * 4096, "\x00" * 50, "a\rb", "1e309", "NaN", "inf", "一万二千三百四十五亿",
          "２０２６－１２－０１",
          "/cancel", "/help extra", "上一步", "<b>粗体</b>", "' OR 1=1 --", "%s%s%s", "{name}", "\\N{NULL}")
hostile_text = st.one_of(
    st.sampled_from(TRICKY),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=300),
    st.text(st.sampled_from("0123456789 ,.-/:年月日号点半万千百十一二三四五零两元\u200b\x00\t\n"),
            min_size=1, max_size=40),
    st.builds(lambda ch, n: ch * n, st.sampled_from("9王\u200b a"), st.integers(1000, 4096)),
)
# one step of a walk: ("answer", i) uses the i-th sensible move; ("type", text) types `text`
steps = st.lists(st.one_of(st.tuples(st.just("answer"), st.integers(0, 20)),
                           st.tuples(st.just("type"), hostile_text)), min_size=1, max_size=8)


def said_since(bot: BotHarness, user: FakeUser, before: int) -> list[str]:
    return [str(m.get("text") or m.get("caption") or "") for m in bot.standin.messages(user.id)[before:]]


def assert_sane(bot: BotHarness, user: FakeUser, before: int) -> None:
    """No apology, nothing longer than Telegram takes, nothing stuck in the outbox."""
    said = said_since(bot, user, before)
    assert [text[:200] for text in said if APOLOGY in text] == []
    assert max((len(text) for text in said), default=0) <= 4096
    with bot.app.uow() as uow:
        troubled = uow.session.execute(select(OutboxMessage.id, OutboxMessage.status, OutboxMessage.last_error)
                                       .where(OutboxMessage.status != "sent")).all()
    assert troubled == []


def asks_location(message: dict[str, Any]) -> bool:
    keyboard = (message.get("reply_markup") or {}).get("keyboard") or []
    return any(isinstance(b, dict) and b.get("request_location") for row in keyboard for b in row)


async def sensible_move(bot: BotHarness, user: FakeUser, pick: int) -> None:
    """Answer the last question as a person would: share a location, tap a button, or type something plausible."""
    last = bot.last(user)
    if asks_location(last):
        await bot.share_location(user, *OFFICE)
        return
    choices = [(label, data) for label, data in buttons(last) if "取消" not in label]
    if choices and pick % 3 != 2:
        await bot.press_data(user, last, choices[pick % len(choices)][1])
        return
    if "照片" in str(last.get("text") or "") and pick % 2:
        await bot.send_photo(user)
        return
    await bot.send(user, PLAUSIBLE[pick % len(PLAUSIBLE)])


async def person(bot: BotHarness) -> FakeUser:
    """The one registered person (every office role) all examples type as, with a technician to assign."""
    cached = getattr(bot, "_fuzz_person", None)
    if cached is None:
        await bot.register("赵强", office="上海办事处", roles=["technician"])
        cached = await bot.register("李娜", office="上海办事处", roles=EVERY_ROLE)
        bot._fuzz_person = cached  # type: ignore[attr-defined]
    return cached


@pytest.mark.parametrize("form", [  # repair also over HTTP and on PostgreSQL (tests/conftest.py)
    pytest.param(form, marks=[pytest.mark.wire] if form == "repair" else []) for form in FORMS])
@FUZZ
@given(walk=steps)
async def test_random_walks_through_every_form_never_break_the_bot(bot: BotHarness, form: str,
                                                                    walk: list[tuple[str, Any]]) -> None:
    li = await person(bot)
    before = len(bot.standin.messages(li.id))
    await bot.send(li, "/cancel")
    await bot.send(li, f"/{form}")
    for kind, value in walk:
        if kind == "type":
            await bot.send(li, value)
        else:
            await sensible_move(bot, li, value)
    last = bot.last(li)
    for finish in ("提交", "保存", "确认"):
        if any(finish in label for label, _data in buttons(last)):
            await bot.press(li, last, finish)
            break
    assert_sane(bot, li, before)


def command_names() -> list[str]:
    return sorted(build_router().commands)


@FUZZ
@given(calls=st.lists(st.tuples(st.sampled_from(command_names()), hostile_text), min_size=1, max_size=8))
async def test_every_command_with_random_arguments_never_breaks_the_bot(bot: BotHarness,
                                                                        calls: list[tuple[str, str]]) -> None:
    li = await person(bot)
    before = len(bot.standin.messages(li.id))
    for name, argument in calls:
        await bot.send(li, "/cancel")
        await bot.send(li, f"/{name} {argument.replace(chr(10), ' ')}"[:4096])
    assert_sane(bot, li, before)


def forged(data: str, how: int, junk: str) -> str:
    """Real callback data, broken in one of the ways a hostile client would (the codec's version kept, so most
    reach the kind's handler; a broken version is one of the variants)."""
    version, _, body = data.partition(":")
    kept = version + ":"
    variants = [
        data[: max(1, len(data) // 2)],
        data + ":" + junk,
        kept + re.sub(r"\d+", lambda m: str(int(m.group()) + 1), body),
        kept + re.sub(r"\d+", "999999999999999999999", body),
        kept + re.sub(r"\d+", "-1", body),
        data.replace(":", "::"),
        junk,
        kept + body.partition(":")[0] + ":" + junk,
        "9" + data[1:],
    ]
    return variants[how % len(variants)].encode()[:64].decode("utf-8", "ignore") or "x"


async def forging_scene(bot: BotHarness) -> tuple[FakeUser, list[str], tuple[int, int, int, int]]:
    """Once per bot: a submitted expense (a real approval exists), an outsider, the buttons to forge from,
    and the counts a forged press must not change (requests, decided steps, audit rows)."""
    cached = getattr(bot, "_fuzz_scene", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    requester = await bot.register("王强", office="上海办事处", roles=["sales"])
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    await claim(bot, requester, "300", category="办公用品")  # a real expense waits for the head
    outsider = await bot.register("钱七", office="上海办事处", roles=["sales"])
    await bot.send(outsider, "/help")
    seen = sorted({data for who in (requester, head) for m in bot.standin.messages(who.id)
                   for _label, data in buttons(m)})
    assert seen, "the requester's and the head's chats have buttons to forge from"
    scene = (outsider, seen, counts(bot))
    assert scene[2][1] == 1, f"the expense is pending: {bot.texts(requester)[-3:]}"
    bot._fuzz_scene = scene  # type: ignore[attr-defined]
    return scene


def counts(bot: BotHarness) -> tuple[int, int, int, int]:
    """Requests, those still pending, decisions taken and audit rows: what a forged press must leave alone."""
    with bot.app.uow() as uow:
        return (uow.session.scalar(select(func.count()).select_from(ApprovalRequest)) or 0,
                uow.session.scalar(select(func.count()).select_from(ApprovalRequest)
                                   .where(ApprovalRequest.status == "pending")) or 0,
                uow.session.scalar(select(func.count()).select_from(ApprovalStep)) or 0,
                uow.session.scalar(select(func.count()).select_from(AuditEntry)) or 0)


@FUZZ
@given(presses=st.lists(st.tuples(st.integers(0, 1000), st.integers(0, 7),
                                  st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)),
                        min_size=1, max_size=8))
async def test_forged_button_presses_are_answered_and_change_nothing_of_others(
        bot: BotHarness, presses: list[tuple[int, int, str]]) -> None:
    outsider, seen, before_counts = await forging_scene(bot)
    before = len(bot.standin.messages(outsider.id))
    for pick, how, junk in presses:
        data = seen[pick % len(seen)]
        await bot.press_data(outsider, bot.last(outsider), forged(data, how, junk))
        await bot.press_data(outsider, bot.last(outsider), data)  # someone else's real button, replayed
    assert_sane(bot, outsider, before)
    assert counts(bot) == before_counts
