"""Helpers for the field-record conversations: the other office, typing a whole form, reading buttons."""

from __future__ import annotations

from typing import Any

from standins.telegram.keyboards import buttons
from standins.telegram.users import FakeUser
from tests.e2e.harness import BotHarness

Message = dict[str, Any]


def text_of(message: Message) -> str:
    """A message's text or a document's caption."""
    return str(message.get("text") or message.get("caption") or "")


def labels(message: Message) -> list[str]:
    """The inline button labels of a message."""
    return [label for label, _data in buttons(message)]


def data_of(message: Message, label: str) -> str:
    """The callback data of the button whose label contains `label`."""
    found = [data for text, data in buttons(message) if label in text]
    assert found, f"no button {label!r} in {buttons(message)}"
    return found[0]


def last_card(bot: BotHarness, user: FakeUser) -> Message:
    """The latest message with text (a card's photos follow it)."""
    return [m for m in bot.standin.messages(user.id) if m.get("text")][-1]


async def say(bot: BotHarness, user: FakeUser, *answers: str) -> Message:
    """Type answers one after another; the bot's last message."""
    for answer in answers:
        replies = await bot.send(user, answer)
        assert replies, f"no reply to {answer!r}"
    return bot.last(user)


async def add_customer(bot: BotHarness, user: FakeUser, name: str, *, phone: str = "13812345678") -> Message:
    """Fill and save the customer form with the usual answers; the confirmation."""
    await bot.send(user, "/customer")
    await say(bot, user, name, "人民路 1 号", "王科长", phone, "跳过", "枪柜 4", "2025-03-01")
    summary = await say(bot, user, "2")
    replies = await bot.press(user, summary, "保存")
    return replies[-1]


async def report_repair(bot: BotHarness, user: FakeUser, customer: str) -> Message:
    """Report a fault for `customer` (today, no photo); the confirmation."""
    await bot.send(user, "/repair")
    await say(bot, user, customer)  # one match: taken without a tap
    date_asked = await say(bot, user, "王科长", "13812345678")
    await bot.press(user, date_asked, "今天")
    photos = await say(bot, user, "不能上锁")
    summary = (await bot.press(user, photos, "完成"))[-1]
    return (await bot.press(user, summary, "保存"))[-1]
