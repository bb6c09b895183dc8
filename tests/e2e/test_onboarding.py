"""Registration, refusal of strangers, role-dependent help, language, duplicate updates."""

from __future__ import annotations

import logging

import pytest

from domain.callbacks import LANGUAGE, pack
from handlers.context import Ctx
from services.messaging import inbox
from services.people import onboarding
from tests.e2e.harness import TOKEN, BotHarness


@pytest.mark.wire  # this feature over HTTP and on PostgreSQL too (tests/conftest.py)
async def test_invited_user_registers_and_code_works_once(bot: BotHarness) -> None:
    code = onboarding.invite(bot.app.uow(), office_name="上海办事处", roles=["sales"], name="李娜", now=bot.clock())
    li = bot.new_user("李娜")
    replies = await bot.send(li, f"/start {code}")
    assert "欢迎，李娜" in replies[-1]["text"]
    assert "上海办事处" in replies[-1]["text"]

    stranger = bot.new_user("冒名者")
    replies = await bot.send(stranger, f"/start {code}")
    assert replies[-1]["text"] == "该邀请码已被使用，请向行政索取新的邀请码。"
    replies = await bot.send(stranger, "/help")
    assert "仅供已登记的员工使用" in replies[-1]["text"]


async def test_unknown_code_and_unknown_user_see_nothing(bot: BotHarness) -> None:
    stranger = bot.new_user()
    assert "邀请码无效" in (await bot.send(stranger, "/start NOPE1234"))[-1]["text"]
    for text in ("/help", "你好", "/language", "/cancel"):
        replies = await bot.send(stranger, text)
        assert len(replies) == 1
        assert "仅供已登记的员工使用" in replies[0]["text"]


async def test_unknown_user_pressing_a_forged_button_gets_an_alert_only(bot: BotHarness) -> None:
    await bot.register("张伟", office="上海办事处", roles=["office_head"])
    stranger = bot.new_user()
    await bot.send(stranger, "/help")
    refusal = bot.last(stranger)
    before = len(bot.standin.messages(stranger.id))
    await bot.press_data(stranger, refusal, pack(LANGUAGE, locale="en"))
    assert len(bot.standin.messages(stranger.id)) == before
    assert "仅供已登记的员工使用" in bot.standin.callback_answers[-1]["text"]


async def test_help_lists_the_commands_of_the_role(bot: BotHarness) -> None:
    sales = await bot.register("李娜", office="上海办事处", roles=["sales"])
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    sales_help = (await bot.send(sales, "/help"))[-1]["text"]
    head_help = (await bot.send(head, "/help"))[-1]["text"]
    assert "/help" in sales_help and "/language" in sales_help
    assert "/invite" in head_help and "/invite" not in sales_help
    assert bot.runtime is not None
    for user_help, roles in ((sales_help, {"sales"}), (head_help, {"office_head"})):
        listed = {line.split(" ")[0][1:] for line in user_help.splitlines()[1:] if line.startswith("/")}
        allowed = {c.name for c in bot.runtime.router.allowed_commands(frozenset(roles))}
        assert listed == allowed


async def test_office_head_invites_in_chat_and_sales_may_not(bot: BotHarness) -> None:
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    sales = await bot.register("李娜", office="上海办事处", roles=["sales"])
    assert "无权" in (await bot.send(sales, "/invite 王强 technician"))[-1]["text"]
    reply = (await bot.send(head, "/invite 王强 technician"))[-1]["text"]
    code = reply.splitlines()[-1].removeprefix("/start ")
    wang = bot.new_user("王强")
    assert "欢迎，王强" in (await bot.send(wang, f"/start {code}"))[-1]["text"]
    assert "用法" in (await bot.send(head, "/invite 王强 wizard"))[-1]["text"]


async def test_office_head_invites_with_chinese_role_names(bot: BotHarness) -> None:
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    for name, role in (("刘洋", "销售"), ("王强", "业务员")):
        reply = (await bot.send(head, f"/invite {name} {role}"))[-1]["text"]
        assert reply.splitlines()[-1].startswith("/start ")
        code = reply.splitlines()[-1].removeprefix("/start ")
        user = bot.new_user(name)
        assert f"欢迎，{name}" in (await bot.send(user, f"/start {code}"))[-1]["text"]
        assert "/invite" not in (await bot.send(user, "/help"))[-1]["text"]
    reply = (await bot.send(head, "/invite 赵敏 维修员、文员"))[-1]["text"]
    assert reply.splitlines()[-1].startswith("/start ")
    usage = (await bot.send(head, "/invite 孙丽 总裁"))[-1]["text"]
    assert "用法" in usage and "销售代表" in usage and "售后人员" in usage and "总裁" not in usage


async def test_language_switches_the_reply_language(bot: BotHarness) -> None:
    user = await bot.register("李娜", office="上海办事处", roles=["sales"])
    menu = (await bot.send(user, "/language"))[-1]
    assert menu["text"] == "请选择语言："
    replies = await bot.press(user, menu, "English")
    assert replies[-1]["text"] == "Language set to English."
    assert (await bot.send(user, "/help"))[-1]["text"].startswith("What you can do:")
    replies = await bot.send(user, "/language zh_CN")
    assert replies[-1]["text"] == "语言已设置为简体中文。"


async def test_forged_language_button_changes_nothing(bot: BotHarness) -> None:
    user = await bot.register("李娜", office="上海办事处", roles=["sales"])
    menu = (await bot.send(user, "/language"))[-1]
    await bot.press_data(user, menu, pack(LANGUAGE, locale="xx_YY"))
    assert (await bot.send(user, "/help"))[-1]["text"].startswith("您可以使用")


async def test_same_update_delivered_twice_is_answered_once(bot: BotHarness) -> None:
    user = await bot.register("李娜", office="上海办事处", roles=["sales"])
    update = await bot.standin.send_command(user, "/help", None)
    first = await bot._settle(update, len(bot.standin.messages(user.id)) - 0, user.id)
    count = len(bot.standin.messages(user.id))
    again = await bot.standin.enqueue_raw(update)
    await bot._settle(again, count, user.id)
    assert len(bot.standin.messages(user.id)) == count
    assert first is not None


async def test_unknown_command_and_stray_text_get_a_polite_answer(bot: BotHarness) -> None:
    user = await bot.register("李娜", office="上海办事处", roles=["sales"])
    assert "未知命令" in (await bot.send(user, "/nonsense"))[-1]["text"]
    assert "没有看懂" in (await bot.send(user, "随便说点什么"))[-1]["text"]


async def test_a_crashing_handler_is_logged_and_the_user_told(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    user = await bot.register("李娜", office="上海办事处", roles=["sales"])

    def explode(_ctx: Ctx) -> None:
        raise RuntimeError("kaboom")

    assert bot.runtime is not None
    bot.runtime.router.command("boom", explode, "test only")
    with caplog.at_level(logging.ERROR):
        replies = await bot.send(user, "/boom")
    assert replies[-1]["text"] == "抱歉，系统出了点问题，请稍后再试。"
    assert "Traceback" not in replies[-1]["text"]
    assert any("kaboom" in (r.exc_text or "") or "kaboom" in str(r.exc_info) for r in caplog.records)
    await bot.send(user, "/language en")
    assert (await bot.send(user, "/boom"))[-1]["text"].startswith("Sorry, something went wrong")


async def test_the_bot_token_never_reaches_the_logs(bot: BotHarness, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        user = await bot.register("李娜", office="上海办事处", roles=["sales"])
        await bot.send(user, "/help")
    assert caplog.records, "expected some log lines to check"
    secret = TOKEN.split(":", 1)[1]
    assert not [r.getMessage() for r in caplog.records if secret in r.getMessage()]


async def test_an_update_fetched_before_a_crash_is_replayed_once(bot: BotHarness) -> None:
    user = await bot.register("李娜", office="上海办事处", roles=["sales"])
    before = len(bot.standin.messages(user.id))
    # What InboxBot stored when it fetched /help, just before the process died (never handled).
    fetched = {"update_id": 900_001, "message": {
        "message_id": 77, "date": int(bot.clock().timestamp()), "text": "/help",
        "chat": {"id": user.id, "type": "private", "first_name": user.first_name},
        "from": {"id": user.id, "is_bot": False, "first_name": user.first_name},
        "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
    }}
    inbox.store(bot.app.uow(), channel="telegram", updates=[fetched], now=bot.clock())
    bot.clock.advance(seconds=5)
    await bot.restart()
    assert bot.replayed == 1
    await bot.handled(900_001)
    assert bot.standin.messages(user.id)[before]["text"].startswith("您可以使用")
    await bot.restart()
    assert bot.replayed == 0


async def test_office_heads_cannot_grant_headquarters_roles(bot: BotHarness) -> None:
    head = await bot.register("张伟", office="上海办事处", roles=["office_head"])
    for role in ("president", "hr", "office_head", "sales,gm"):
        reply = (await bot.send(head, f"/invite 影子账号 {role}"))[-1]["text"]
        assert reply.startswith("用法"), role
        assert "president" not in reply
    assert "/start " in (await bot.send(head, "/invite 王强 technician,sales"))[-1]["text"]
