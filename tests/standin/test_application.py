"""A real telegram.ext.Application runs against the stand-in, by long polling and by webhook."""

import socket
from collections.abc import Awaitable, Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    CallbackContext,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from standins.telegram import BotApiStandIn, FakeUser, buttons

Context = CallbackContext
Polling = Callable[..., Awaitable[Application]]
ALICE = FakeUser(2001, "Alice", "alice")


async def echo(update: Update, context: Context) -> None:
    """Say the text back."""
    assert update.effective_message is not None and update.effective_message.text is not None
    await update.effective_message.reply_text(f"echo: {update.effective_message.text}")


async def start(update: Update, context: Context) -> None:
    """Greet with the deep-link argument and offer a button."""
    assert update.effective_message is not None
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Approve", callback_data="apv:7:a")]])
    await update.effective_message.reply_text(f"welcome {' '.join(context.args or [])}", reply_markup=markup)


async def decide(update: Update, context: Context) -> None:
    """Answer the press first, then edit the message."""
    query = update.callback_query
    assert query is not None
    await query.answer("Approved")
    await query.edit_message_text(f"done: {query.data}")


HANDLERS = (
    CommandHandler("start", start),
    CallbackQueryHandler(decide),
    MessageHandler(filters.TEXT & ~filters.COMMAND, echo),
)


async def test_echo_by_long_polling(standin: BotApiStandIn, polling: Polling) -> None:
    await polling(*HANDLERS)
    await standin.send_text(ALICE, "你好")
    reply = await standin.wait_for_text(ALICE, "echo: 你好")
    await standin.send_text(ALICE, "again")
    await standin.wait_for_text(ALICE, "echo: again")
    assert reply["chat"]["id"] == ALICE.id
    assert [m["text"] for m in standin.messages(ALICE)] == ["echo: 你好", "echo: again"]


async def test_command_button_answer_and_edit(standin: BotApiStandIn, polling: Polling) -> None:
    await polling(*HANDLERS)
    await standin.send_command(ALICE, "/start", "INVITE42")
    welcome = await standin.wait_for_text(ALICE, "welcome INVITE42")
    assert buttons(welcome) == [("Approve", "apv:7:a")]
    query_id = await standin.press_button(ALICE, welcome, "Approve")
    answer = await standin.wait_for_callback_answer(query_id)
    edited = await standin.wait_for_text(ALICE, "done: apv:7:a")
    await standin.wait_idle()
    assert answer["text"] == "Approved"
    assert edited["message_id"] == welcome["message_id"] and buttons(edited) == []
    assert standin.requests.index("answerCallbackQuery") < standin.requests.index("editMessageText")


async def test_the_same_update_can_be_delivered_twice(standin: BotApiStandIn, polling: Polling) -> None:
    seen: list[int] = []

    async def record(update: Update, context: Context) -> None:
        seen.append(update.update_id)

    await polling(MessageHandler(filters.ALL, record))
    update = await standin.send_text(ALICE, "once")
    await standin.wait_idle()
    await standin.enqueue_raw(update)
    await standin.wait_idle()
    assert seen == [update["update_id"], update["update_id"]]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_echo_by_webhook(standin: BotApiStandIn, application: Application) -> None:
    app = application
    app.add_handler(HANDLERS[-1])
    port = _free_port()
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_webhook(
        listen="127.0.0.1",
        port=port,
        url_path="hook",
        webhook_url=f"http://127.0.0.1:{port}/hook",
        secret_token="s3cret",
    )
    assert standin.feed.webhook is not None and standin.feed.webhook.secret_token == "s3cret"
    await standin.send_text(ALICE, "via webhook")
    await standin.wait_for_text(ALICE, "echo: via webhook")
