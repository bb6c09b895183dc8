"""What a careless or hostile client can send: groups, edits, live locations, garbled buttons, old drafts."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from domain.callbacks import FORM, pack
from services.platform import drafts
from services.platform.drafts import DraftState
from tests.e2e.harness import STALE, BotHarness

APOLOGY = "出了点问题"


def _message(user_id: int, name: str, chat: dict[str, Any], text: str, message_id: int, date: int) -> dict[str, Any]:
    return {"message_id": message_id, "date": date, "text": text, "chat": chat,
            "from": {"id": user_id, "is_bot": False, "first_name": name},
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]}


async def _deliver(bot: BotHarness, update: dict[str, Any]) -> None:
    """Deliver a raw update and wait until the bot went through it."""
    await bot._settle(await bot.standin.enqueue_raw(update), 0, 0)


@pytest.mark.wire  # this feature over HTTP and on PostgreSQL too (tests/conftest.py)
async def test_group_chats_and_edited_commands_get_nothing(bot: BotHarness) -> None:
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    before = len(bot.standin.messages(head.id))
    group = {"id": -100123, "type": "group", "title": "上海办事处群"}
    date = int(bot.clock().timestamp())
    await _deliver(bot, {"update_id": 700_001, "message": _message(head.id, "张伟", group, "/export", 1, date)})
    private = {"id": head.id, "type": "private", "first_name": "张伟"}
    await _deliver(bot, {"update_id": 700_002,
                         "edited_message": {**_message(head.id, "张伟", private, "/help", 2, date), "edit_date": date}})
    assert len(bot.standin.messages(head.id)) == before
    assert "sendMessage" not in [c.method for c in bot.standin.calls if c.params.get("chat_id") == -100123]


async def test_a_live_location_moving_is_silent_without_a_location_question(bot: BotHarness) -> None:
    user = await bot.register("李娜", office="上海办事处", roles=["sales"])
    shared = await bot.standin.send_location(user, 31.2304, 121.4737, live_period=900)
    await bot._settle(shared, 0, user.id)
    count = len(bot.standin.messages(user.id))
    update = await bot.standin.edit_location(user, shared["message"]["message_id"], 31.2305, 121.4738)
    await bot._settle(update, count, user.id)
    assert len(bot.standin.messages(user.id)) == count


async def test_garbled_button_data_is_refused_without_errors(bot: BotHarness) -> None:
    user = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    menu = (await bot.send(user, "/language"))[-1]
    for data in ("1:apv:²:0:a", "1:apv:99999999999999999999999:0:a", "1:rv:²:ok", "1:f:1:c:²", "1:rpa:²:1",
                 "1:cu:1:e:x", "1:lang:", ":", "1:f:1:ef:99999999999999999999", "apv:1:0:a", "2:apv:1:0:a"):
        replies = await bot.press_data(user, menu, data)
        assert replies == [] and bot.standin.callback_answers[-1]["text"] == STALE, data
    assert not any(APOLOGY in (a.get("text") or "") for a in bot.standin.callback_answers)


async def test_a_field_button_forged_at_the_summary_changes_nothing(bot: BotHarness) -> None:
    user = await bot.register("李娜", office="上海办事处", roles=["sales"])
    assert bot.runtime is not None
    with bot.app.uow() as uow:
        staff_id = uow.session.execute(
            text("select id from staff where name = '李娜'")).scalar_one()
    drafts.save(bot.app.uow(), staff_id=staff_id, now=bot.clock(),
                state=DraftState("customer", "__summary__", {"name": "测试客户"}, {"seq": 7, "history": []}))
    summary = (await bot.send(user, "随便"))[-1]
    replies = await bot.press_data(user, summary, pack(FORM, seq=7, action="c", arg="0"))
    assert not any(APOLOGY in (m.get("text") or "") for m in replies)
    state = drafts.load(bot.app.uow(), staff_id=staff_id)
    assert state is not None and state.step == "__summary__" and state.answers == {"name": "测试客户"}


async def test_drafts_of_removed_forms_and_fields_do_not_trap_the_user(bot: BotHarness) -> None:
    user = await bot.register("李娜", office="上海办事处", roles=["sales"])
    with bot.app.uow() as uow:
        staff_id = uow.session.execute(
            text("select id from staff where name = '李娜'")).scalar_one()
    drafts.save(bot.app.uow(), staff_id=staff_id, now=bot.clock(),
                state=DraftState("retired_form", "old_field", {}, {"seq": 1, "history": []}))
    assert "表单已不可用" in (await bot.send(user, "你好"))[-1]["text"]
    assert drafts.load(bot.app.uow(), staff_id=staff_id) is None
    drafts.save(bot.app.uow(), staff_id=staff_id, now=bot.clock(),
                state=DraftState("customer", "removed_field", {"name": "测试客户"},
                                 {"seq": 1, "history": ["gone_too"]}))
    reply = (await bot.send(user, "你好"))[-1]["text"]
    assert "请核对" in reply and "测试客户" in reply
    reply = (await bot.send(user, "返回"))[-1]["text"]
    assert APOLOGY not in reply
