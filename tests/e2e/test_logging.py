"""Logs carry ids and kinds, never a secret or what a person wrote — at every level, whoever logs."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from telegram import Bot
from telegram.error import InvalidToken

from bot import redaction
from handlers.context import Ctx
from standins.telegram.server import BotApiStandIn
from tests.e2e.harness import TOKEN, BotHarness

REVOKED = "987654321:AAHrevokedTOKENrevokedTOKENrevoked12"


@pytest.fixture
def all_output() -> Iterator[io.StringIO]:
    """Everything logged at DEBUG by any library, formatted with tracebacks, as a service manager keeps it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


@pytest.mark.wire  # this feature over HTTP and on PostgreSQL too (tests/conftest.py)
async def test_a_revoked_token_at_debug_never_reaches_the_output(all_output: io.StringIO) -> None:
    standin = BotApiStandIn(token=TOKEN)
    await standin.start()
    redaction.install([REVOKED])
    try:
        bot = Bot(REVOKED, base_url=standin.base_url)
        with pytest.raises(InvalidToken):
            await bot.initialize()
        try:
            await bot.get_me()
        except Exception:
            logging.getLogger("officebot.test").exception("start-up failed with %s", REVOKED)
    finally:
        await standin.stop()
    out = all_output.getvalue()
    assert "Traceback" in out and "DEBUG telegram" in out, "expected PTB's debug lines and a traceback"
    assert REVOKED.split(":", 1)[1] not in out
    assert redaction.MASK in out


def test_token_shaped_strings_and_query_secrets_are_masked_even_unregistered() -> None:
    line = "GET https://api.telegram.org/bot123456789:AAH0123456789abcdefghijklmnopqrstuv/getMe" \
           " and https://qyapi.weixin.qq.com/cgi-bin/gettoken?corpid=ww1&corpsecret=s3cr3t-value&x=1" \
           " ?access_token=ACCESS-123"
    cleaned = redaction.redact(line)
    assert "AAH0123456789" not in cleaned and "s3cr3t-value" not in cleaned and "ACCESS-123" not in cleaned
    assert "corpid=ww1" in cleaned


async def test_a_crash_logs_ids_and_kind_not_what_the_person_wrote(
    bot: BotHarness, all_output: io.StringIO
) -> None:
    """At INFO (the default; DEBUG is the explicit setting that may show content)."""
    logging.getLogger().setLevel(logging.INFO)
    user = await bot.register("李娜", office="上海办事处", roles=["sales"])

    def explode(_ctx: Ctx) -> None:
        raise RuntimeError("kaboom")

    assert bot.runtime is not None
    bot.runtime.router.command("boom", explode, "test only")
    await bot.send(user, "/boom 13812345678 客户很生气")
    out = all_output.getvalue()
    assert "kaboom" in out and "command from user" in out
    assert "13812345678" not in out and "客户很生气" not in out and "李娜" not in out


async def test_a_button_without_its_message_is_answered(bot: BotHarness) -> None:
    user = await bot.register("李娜", office="上海办事处", roles=["sales"])
    query = {"id": "orphan-1", "chat_instance": "1", "data": "apv:1:0:a",
             "from": {"id": user.id, "is_bot": False, "first_name": "李娜", "language_code": "zh-hans"}}
    bot.standin.open_callbacks.add("orphan-1")
    await bot.standin.enqueue_raw({"update_id": 800_001, "callback_query": query})
    await bot.handled(800_001)
    answer = await bot.standin.wait_for_callback_answer("orphan-1")
    assert "按钮" in (answer.get("text") or "")
