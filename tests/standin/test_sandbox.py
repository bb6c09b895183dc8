"""The sandbox page and its JSON endpoints."""

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup

from standins.telegram import BotApiStandIn, FakeUser

CARL = FakeUser(3001, "Carl", "carl")


@pytest.fixture
async def page(standin: BotApiStandIn) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client for the sandbox, with Carl registered."""
    standin.add_sandbox_user(CARL, "Sales, Beijing office", phone="+8613912345678", location=(39.9, 116.4))
    async with httpx.AsyncClient(base_url=standin.url) as client:
        yield client


async def test_page_is_html(page: httpx.AsyncClient) -> None:
    response = await page.get("/")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert "sandbox/chat/" in response.text


async def test_people_are_listed(page: httpx.AsyncClient) -> None:
    people = (await page.get("/sandbox/people")).json()
    assert people == [
        {
            "id": CARL.id,
            "label": "Sales, Beijing office",
            "name": "Carl",
            "phone": "+8613912345678",
            "location": [39.9, 116.4],
        }
    ]


async def test_typed_message_reaches_get_updates(page: httpx.AsyncClient, bot: Bot) -> None:
    assert (await page.post("/sandbox/send", json={"user_id": CARL.id, "text": "/start"})).status_code == 200
    [update] = await bot.get_updates(timeout=0)
    assert update.message is not None and update.message.text == "/start"
    assert update.message.entities[0].type == "bot_command"


async def test_chat_shows_both_sides_and_the_keyboard(page: httpx.AsyncClient, bot: Bot) -> None:
    await page.post("/sandbox/send", json={"user_id": CARL.id, "text": "hi"})
    keyboard = ReplyKeyboardMarkup([[KeyboardButton("签到", request_location=True), "帮助"]])
    await bot.send_message(CARL.id, "Check in?", reply_markup=keyboard)
    await bot.send_document(CARL.id, b"x", filename="a.txt")
    chat = (await page.get(f"/sandbox/chat/{CARL.id}")).json()
    assert [(m["from_bot"], m["text"]) for m in chat["messages"]] == [
        (False, "hi"),
        (True, "Check in?"),
        (True, ""),
    ]
    assert chat["keyboard"] == [[{"text": "签到", "kind": "location"}, {"text": "帮助", "kind": "text"}]]
    file = await page.get("/" + chat["messages"][2]["document"]["url"])
    assert file.content == b"x"


async def test_pressed_button_shows_the_bots_answer(page: httpx.AsyncClient, bot: Bot) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="y")]])
    sent = await bot.send_message(CARL.id, "Sure?", reply_markup=markup)
    body = {"user_id": CARL.id, "message_id": sent.message_id, "data": "y"}
    press = asyncio.create_task(page.post("/sandbox/press", json=body))
    [update] = await bot.get_updates(timeout=2)
    assert update.callback_query is not None and update.callback_query.data == "y"
    await update.callback_query.answer("Noted", show_alert=True)
    assert (await press).json()["answer"]["text"] == "Noted"


async def test_unanswered_press_returns_no_answer(standin: BotApiStandIn, page: httpx.AsyncClient, bot: Bot) -> None:
    standin.sandbox.answer_wait = 0.05
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="y")]])
    sent = await bot.send_message(CARL.id, "Sure?", reply_markup=markup)
    body = {"user_id": CARL.id, "message_id": sent.message_id, "data": "y"}
    assert (await page.post("/sandbox/press", json=body)).json() == {"answer": None}


async def test_location_contact_and_photo(page: httpx.AsyncClient, bot: Bot) -> None:
    await page.post("/sandbox/location", json={"user_id": CARL.id, "latitude": "39.95", "longitude": 116.3})
    await page.post("/sandbox/contact", json={"user_id": CARL.id})
    files = {"photo": ("p.jpg", b"\xff\xd8jpeg", "image/jpeg")}
    await page.post("/sandbox/photo", data={"user_id": str(CARL.id), "caption": "receipt"}, files=files)
    location, contact, photo = await bot.get_updates(timeout=0)
    assert location.message is not None and location.message.location is not None
    assert location.message.location.latitude == 39.95
    assert contact.message is not None and contact.message.contact is not None
    assert contact.message.contact.phone_number == "+8613912345678"
    assert photo.message is not None and photo.message.caption == "receipt"
    file = await bot.get_file(photo.message.photo[-1].file_id)
    assert bytes(await file.download_as_bytearray()) == b"\xff\xd8jpeg"


async def test_bad_requests_say_why(page: httpx.AsyncClient) -> None:
    unknown = await page.post("/sandbox/send", json={"user_id": 1, "text": "hi"})
    forged = await page.post("/sandbox/press", json={"user_id": CARL.id, "message_id": 99, "data": "x"})
    assert unknown.status_code == forged.status_code == 400
    assert "unknown sandbox user" in unknown.json()["error"]
