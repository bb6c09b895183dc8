"""A PTB update processor: updates of different people concurrently, one person's strictly in order."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.ordering import KeyedOrder

WAITING_LIMIT = 1024
"""Updates in progress or waiting for their person's turn; the worker pool bounds the real work."""


class PerPersonProcessor(BaseUpdateProcessor):
    """Keys each update by its sender (or chat) and runs it when that person's earlier updates are done."""

    def __init__(self, max_concurrent_updates: int = WAITING_LIMIT) -> None:
        super().__init__(max_concurrent_updates)
        self.order = KeyedOrder()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Await the update's handlers in its sender's turn."""
        async with self.order.turn(key_of(update)):
            await coroutine

    async def initialize(self) -> None:
        """Nothing to allocate."""

    async def shutdown(self) -> None:
        """Nothing to free."""


def key_of(update: object) -> object:
    """The person an update is from (their chat when there is no sender; the update itself otherwise)."""
    if isinstance(update, Update):
        if update.effective_user is not None:
            return ("user", update.effective_user.id)
        if update.effective_chat is not None:
            return ("chat", update.effective_chat.id)
    return ("update", id(update))
