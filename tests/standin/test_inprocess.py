"""The in-process transport answers as the HTTP one does: the same results, errors and files."""

import pytest
from telegram import Bot
from telegram.error import InvalidToken

from standins.telegram import BotApiStandIn, FakeUser
from standins.telegram.inprocess import InProcessRequest


def in_process_bot(standin: BotApiStandIn, token: str | None = None) -> Bot:
    """A real telegram.Bot whose every call goes to `standin` in process."""
    return Bot(token or standin.token, base_url=standin.base_url, base_file_url=standin.base_file_url,
               request=InProcessRequest(standin), get_updates_request=InProcessRequest(standin))


async def test_the_same_bot_calls_work_in_process_as_over_http(standin: BotApiStandIn, bot: Bot,
                                                              alice: FakeUser) -> None:
    async with in_process_bot(standin) as local:
        assert (await local.get_me()).username == (await bot.get_me()).username
        sent = await local.send_photo(alice.id, photo=b"\x89PNG in process", caption="照片")
        over_http = await bot.send_message(alice.id, "文字")
        assert over_http.message_id == sent.message_id + 1  # one chat, one numbering, whichever way it came
        file = await local.get_file(sent.photo[-1].file_id)
        assert bytes(await file.download_as_bytearray()) == b"\x89PNG in process"
        update = await standin.send_text(alice, "你好")
        [got] = await local.get_updates(timeout=0)
        assert got.update_id == update["update_id"] and got.message is not None and got.message.text == "你好"
    assert [m.get("caption") or m.get("text") for m in standin.messages(alice)] == ["照片", "文字"]


async def test_a_wrong_token_is_refused_in_process_too(standin: BotApiStandIn) -> None:
    with pytest.raises(InvalidToken):
        async with in_process_bot(standin, "999:WRONG") as local:
            await local.get_me()
