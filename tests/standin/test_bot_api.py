"""The stand-in answers a real telegram.Bot the way the Bot API does."""

import asyncio
import time

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)
from telegram.error import BadRequest, EndPointNotFound, Forbidden

from standins.telegram import BotApiStandIn, FakeUser, buttons, keyboard_texts

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
OK_BUTTON = InlineKeyboardMarkup([[InlineKeyboardButton("OK", callback_data="ok:1")]])


async def test_get_me_describes_the_bot(bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (123456, "officebot", True)


async def test_wrong_token_is_unauthorized(standin: BotApiStandIn) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{standin.base_url}999:WRONG/getMe")
    assert response.status_code == 401
    assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}


async def test_unknown_method_is_not_found_like_telegram(standin: BotApiStandIn, bot: Bot) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{standin.base_url}{standin.token}/sendTelepathy")
    assert response.status_code == 404
    assert response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
    with pytest.raises(EndPointNotFound) as caught:
        await bot.do_api_request("send_telepathy")
    assert "Not Found" in str(caught.value.__cause__)


async def test_method_names_are_case_insensitive_and_json_bodies_work(standin: BotApiStandIn, alice: FakeUser) -> None:
    async with httpx.AsyncClient() as client:
        url = f"{standin.base_url}{standin.token}/SENDMESSAGE"
        response = await client.post(url, json={"chat_id": alice.id, "text": "hi"})
    assert response.json()["result"]["text"] == "hi"
    assert standin.requests == ["sendMessage"]


async def test_bad_parameters_are_bad_requests(standin: BotApiStandIn, alice: FakeUser) -> None:
    async with httpx.AsyncClient() as client:
        url = f"{standin.base_url}{standin.token}/sendMessage"
        no_chat = await client.post(url, data={"text": "hi"})
        no_text = await client.post(url, data={"chat_id": str(alice.id)})
        stranger = await client.post(url, data={"chat_id": "424242", "text": "hi"})
    assert (no_chat.status_code, no_chat.json()["description"]) == (400, "Bad Request: chat_id is empty")
    assert no_text.json() == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: message text is empty",
    }
    assert stranger.json()["description"] == "Bad Request: chat not found"


async def test_blocked_user_gives_forbidden_until_they_write_again(
    standin: BotApiStandIn, bot: Bot, alice: FakeUser
) -> None:
    standin.block_user(alice)
    with pytest.raises(Forbidden, match=r"(?i)blocked"):
        await bot.send_message(alice.id, "hello")
    await standin.send_text(alice, "/start")
    assert (await bot.send_message(alice.id, "hello")).text == "hello"


async def test_get_updates_confirms_by_offset(standin: BotApiStandIn, bot: Bot, alice: FakeUser) -> None:
    await standin.send_command(alice, "/start", "INVITE42")
    first = await bot.get_updates(timeout=0)
    again = await bot.get_updates(timeout=0)
    assert [u.update_id for u in first] == [u.update_id for u in again] == [1]
    message = first[0].message
    assert message is not None and message.text == "/start INVITE42"
    assert message.entities[0].type == "bot_command" and message.entities[0].length == len("/start")
    assert await bot.get_updates(offset=2, timeout=0) == ()
    assert standin.feed.pending_count == 0


async def test_long_poll_wakes_up_when_an_update_arrives(standin: BotApiStandIn, bot: Bot, alice: FakeUser) -> None:
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    await standin.send_text(alice, "wake up")
    updates = await poll
    assert [u.message.text for u in updates if u.message] == ["wake up"]
    assert time.monotonic() - started < 2


async def test_long_poll_times_out_empty(standin: BotApiStandIn) -> None:
    async with httpx.AsyncClient() as client:
        started = time.monotonic()
        url = f"{standin.base_url}{standin.token}/getUpdates"
        response = await client.post(url, data={"timeout": "0.3"})
    assert response.json() == {"ok": True, "result": []}
    assert 0.25 < time.monotonic() - started < 2


async def test_send_and_edit_message(standin: BotApiStandIn, bot: Bot, alice: FakeUser) -> None:
    sent = await bot.send_message(alice.id, "Approve leave?", reply_markup=OK_BUTTON)
    assert sent.text == "Approve leave?"
    assert buttons(standin.messages(alice)[0]) == [("OK", "ok:1")]
    edited = await bot.edit_message_text("Approved", chat_id=alice.id, message_id=sent.message_id)
    assert isinstance(edited, type(sent)) and edited.edit_date is not None
    [current] = standin.messages(alice)
    assert current["text"] == "Approved" and buttons(current) == []
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("Approved", chat_id=alice.id, message_id=sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=alice.id, message_id=999)


async def test_button_press_reaches_the_bot_and_is_answered_once(
    standin: BotApiStandIn, bot: Bot, alice: FakeUser
) -> None:
    sent = await bot.send_message(alice.id, "pick", reply_markup=OK_BUTTON)
    query_id = await standin.press_button(alice, standin.messages(alice)[0], "OK")
    [update] = await bot.get_updates(timeout=0)
    query = update.callback_query
    assert query is not None and query.id == query_id and query.data == "ok:1"
    assert query.message is not None and query.message.message_id == sent.message_id
    assert await query.answer("Done", show_alert=True)
    assert standin.callback_answers[0] | {"url": None} == {
        "callback_query_id": query_id,
        "text": "Done",
        "show_alert": True,
        "url": None,
        "cache_time": 0,
    }
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await query.answer("again")
    with pytest.raises(ValueError, match=r"(?i)no button"):
        await standin.press(alice, sent.message_id, "forged")


async def test_callback_data_over_64_bytes_is_refused(bot: Bot, alice: FakeUser) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="审批" * 11)]])
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(alice.id, "too long", reply_markup=markup)


async def test_reply_keyboard_is_recorded_but_not_returned(standin: BotApiStandIn, bot: Bot, alice: FakeUser) -> None:
    keyboard = ReplyKeyboardMarkup(
        [
            [KeyboardButton("📍 签到", request_location=True)],
            [KeyboardButton("📞", request_contact=True), "取消"],
        ],
        one_time_keyboard=True,
    )
    sent = await bot.send_message(alice.id, "Share your location", reply_markup=keyboard)
    assert sent.reply_markup is None  # a Message carries inline keyboards only
    recorded = standin.last_message(alice)
    assert recorded is not None and keyboard_texts(recorded) == ["📍 签到", "📞", "取消"]
    assert recorded["reply_markup"]["keyboard"][0][0]["request_location"] is True
    assert standin.reply_keyboard(alice) is not None
    await standin.send_location(alice, 39.9, 116.4)
    assert standin.reply_keyboard(alice) is None  # one-time keyboards hide after use


async def test_documents_keep_bytes_and_name(standin: BotApiStandIn, bot: Bot, alice: FakeUser) -> None:
    sent = await bot.send_document(alice.id, b"a,b\n1,2\n", filename="周报.csv", caption="Weekly")
    assert sent.document is not None and sent.document.file_name == "周报.csv" and sent.caption == "Weekly"
    [stored] = standin.documents(alice)
    assert (stored.data, stored.filename, stored.mime_type) == (b"a,b\n1,2\n", "周报.csv", "text/csv")
    again = await bot.send_document(alice.id, sent.document.file_id)
    assert again.document is not None and again.document.file_id == sent.document.file_id
    downloaded = await (await bot.get_file(sent.document.file_id)).download_as_bytearray()
    assert bytes(downloaded) == b"a,b\n1,2\n"


async def test_user_photo_can_be_downloaded(standin: BotApiStandIn, bot: Bot, alice: FakeUser) -> None:
    await standin.send_photo(alice, PNG, caption="receipt")
    [update] = await bot.get_updates(timeout=0)
    assert update.message is not None and update.message.caption == "receipt"
    photo = update.message.photo
    assert len({size.file_id for size in photo}) == len({size.file_unique_id for size in photo}) == 2
    downloaded = await (await bot.get_file(photo[-1].file_id)).download_as_bytearray()
    assert bytes(downloaded) == PNG
    with pytest.raises(BadRequest, match=r"(?i)invalid file_id"):
        await bot.get_file("nope")


async def test_bot_photo_with_a_caption(standin: BotApiStandIn, bot: Bot, alice: FakeUser) -> None:
    photo = await bot.send_photo(alice.id, PNG, caption="map")
    assert photo.caption == "map" and photo.photo
    assert standin.requests[-1:] == ["sendPhoto"]


async def test_markup_the_product_never_sends_is_refused_loudly(bot: Bot, alice: FakeUser) -> None:
    with pytest.raises(BadRequest, match=r"(?i)parse_mode .* not imitated"):
        await bot.send_message(alice.id, "<b>x</b>", parse_mode="HTML")


async def test_forwarded_and_live_locations(standin: BotApiStandIn, bot: Bot, alice: FakeUser) -> None:
    bob = FakeUser(1002, "Bob")
    await standin.send_location(alice, 39.9, 116.4, forwarded_from=bob)
    live = await standin.send_location(alice, 39.9, 116.4, live_period=900)
    await standin.edit_location(alice, live["message"]["message_id"], 39.91, 116.41)
    forwarded, started, moved = await bot.get_updates(timeout=0)
    assert forwarded.message is not None and forwarded.message.forward_origin is not None
    assert forwarded.message.forward_origin.sender_user.id == bob.id  # type: ignore[attr-defined]
    assert live["message"]["location"]["live_period"] == 900
    assert started.message is not None and started.message.location is not None
    assert moved.edited_message is not None and moved.effective_message is not None
    assert moved.effective_message.location.latitude == 39.91  # type: ignore[union-attr]


async def test_contact_carries_the_users_own_id(standin: BotApiStandIn, bot: Bot, alice: FakeUser) -> None:
    await standin.send_contact(alice, "+8613800000000", "Alice")
    [update] = await bot.get_updates(timeout=0)
    contact = update.message.contact  # type: ignore[union-attr]
    assert contact is not None and (contact.phone_number, contact.user_id) == ("+8613800000000", alice.id)


async def test_commands_per_language(standin: BotApiStandIn, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand("checkin", "签到")], language_code="zh")
    assert standin.my_commands("zh") == [{"command": "checkin", "description": "签到"}]
    assert standin.my_commands() == []
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Check-In", "x")])


async def test_wait_for_text_looks_after_the_last_user_action(
    standin: BotApiStandIn, bot: Bot, alice: FakeUser
) -> None:
    await bot.send_message(alice.id, "Hello Alice")
    assert (await standin.wait_for_text(alice, "Hello"))["text"] == "Hello Alice"
    await standin.send_text(alice, "hi")
    with pytest.raises(TimeoutError, match=r"(?i)Hello"):
        await standin.wait_for_text(alice, "Hello", timeout=0.1)
    assert len(await standin.wait_for_messages(alice, 1)) == 1


