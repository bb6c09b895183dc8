"""The update queue: long polling through getUpdates, or delivery to a webhook."""

import asyncio
import contextlib
import time
from dataclasses import dataclass
from typing import Any

import aiohttp

from standins.telegram.chats import copied
from standins.telegram.errors import conflict
from standins.telegram.waiting import Signal

Update = dict[str, Any]

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_RETRY_DELAYS = (0.05, 0.2, 0.5, 1.0)


@dataclass
class Webhook:
    """A webhook set with setWebhook, and how its last delivery went."""

    url: str
    secret_token: str | None = None
    max_connections: int = 40
    allowed_updates: list[str] | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None

    def info(self, pending_count: int) -> dict[str, Any]:
        """The WebhookInfo object."""
        info: dict[str, Any] = {
            "url": self.url,
            "has_custom_certificate": False,
            "pending_update_count": pending_count,
            "max_connections": self.max_connections,
            "ip_address": "127.0.0.1",
        }
        if self.allowed_updates:
            info["allowed_updates"] = self.allowed_updates
        if self.last_error_date is not None:
            info["last_error_date"] = self.last_error_date
            info["last_error_message"] = self.last_error_message
        return info


@dataclass
class _Pending:
    update: Update
    delivered: bool = False


def update_type(update: Update) -> str:
    """The kind of an update: "message", "callback_query", ..."""
    return next((key for key in update if key != "update_id"), "")


class UpdateFeed:
    """Unconfirmed updates, handed out by getUpdates or POSTed to the webhook."""

    def __init__(self) -> None:
        self._pending: list[_Pending] = []
        self._next_id = 1
        self._allowed: list[str] = []
        self._generation = 0
        self._closing = False
        self._worker: asyncio.Task[None] | None = None
        self.webhook: Webhook | None = None
        self.changed = Signal()

    def continue_after(self, last_id: int) -> None:
        """Number new updates after `last_id`, like Telegram, which never reuses an update id.

        The sandbox restarts this stand-in over a database that remembers the ids it handled; starting
        again from 1 would make the bot ignore every message as a redelivery.
        """
        self._next_id = max(self._next_id, last_id + 1)

    def push(self, update: Update) -> Update:
        """Queue an update; one without an update_id gets the next id."""
        if "update_id" not in update:
            update = {"update_id": self._next_id, **update}
        self._next_id = max(self._next_id, int(update["update_id"]) + 1)
        self._pending.append(_Pending(copied(update)))
        self.changed.notify()
        return update

    @property
    def pending_count(self) -> int:
        """Updates not yet confirmed (polling) or not yet accepted (webhook)."""
        return len(self._pending)

    async def poll(self, *, offset: int | None, limit: int, timeout: float, allowed: Any) -> list[Update]:
        """getUpdates: confirm what precedes `offset`, then wait up to `timeout` s for updates."""
        if self.webhook is not None:
            raise conflict(
                "can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
            )
        self._generation += 1
        generation = self._generation
        self.changed.notify()  # a newer getUpdates ends an older one, as on Telegram
        self._set_allowed(allowed)
        self._confirm(offset)
        deadline = time.monotonic() + timeout
        while True:
            batch = self._take(limit)
            remaining = deadline - time.monotonic()
            if batch or remaining <= 0 or self._closing or self.webhook is not None:
                return batch
            await self.changed.wait(remaining)
            if generation != self._generation:
                raise conflict(
                    "terminated by other getUpdates request; make sure that only one bot instance is running"
                )

    def _confirm(self, offset: int | None) -> None:
        if offset is None:
            return
        if offset < 0:
            del self._pending[: max(0, len(self._pending) + offset)]
            return
        # Only updates already handed out are confirmed, so a test can re-inject an old update_id.
        self._pending = [p for p in self._pending if not (p.delivered and p.update["update_id"] < offset)]

    def _set_allowed(self, allowed: Any) -> None:
        # Like Telegram: a given list replaces the setting, an absent one keeps it.
        if isinstance(allowed, list):
            self._allowed = [str(kind) for kind in allowed]

    def _drop_disallowed(self) -> None:
        if self._allowed:
            self._pending = [p for p in self._pending if update_type(p.update) in self._allowed]

    def _take(self, limit: int) -> list[Update]:
        self._drop_disallowed()
        batch = self._pending[: max(1, min(limit, 100))]
        for pending in batch:
            pending.delivered = True
        return [copied(p.update) for p in batch]

    def set_webhook(self, webhook: Webhook, *, drop_pending: bool) -> None:
        """Switch to webhook delivery (pending updates go there too)."""
        if drop_pending:
            self._pending.clear()
        self.webhook = webhook
        self._set_allowed(webhook.allowed_updates)
        self.changed.notify()
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._deliver_loop(), name="standin-webhook")

    async def delete_webhook(self, *, drop_pending: bool) -> None:
        """Switch back to getUpdates; undelivered updates stay queued unless dropped."""
        self.webhook = None
        await self._stop_worker()
        if drop_pending:
            self._pending.clear()
        for pending in self._pending:
            pending.delivered = False
        self.changed.notify()

    def webhook_info(self) -> dict[str, Any]:
        """The WebhookInfo object (url "" when polling)."""
        if self.webhook is None:
            return {"url": "", "has_custom_certificate": False, "pending_update_count": self.pending_count}
        return self.webhook.info(self.pending_count)

    async def close(self) -> None:
        """End long polls at once and stop webhook delivery."""
        self._closing = True
        self.changed.notify()
        await self._stop_worker()

    async def _stop_worker(self) -> None:
        worker, self._worker = self._worker, None
        if worker is not None and worker is not asyncio.current_task():
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker

    async def _deliver_loop(self) -> None:
        failures = 0
        async with aiohttp.ClientSession() as session:
            while (webhook := self.webhook) is not None and not self._closing:
                self._drop_disallowed()
                if not self._pending:
                    await self.changed.wait(1.0)
                    continue
                pending = self._pending[0]
                if await _post_update(session, webhook, pending.update):
                    failures = 0
                    if pending in self._pending:
                        self._pending.remove(pending)
                    self.changed.notify()
                else:
                    await asyncio.sleep(_RETRY_DELAYS[min(failures, len(_RETRY_DELAYS) - 1)])
                    failures += 1


async def _post_update(session: aiohttp.ClientSession, webhook: Webhook, update: Update) -> bool:
    """POST one update the way Telegram does; record the error on failure."""
    headers = {SECRET_HEADER: webhook.secret_token} if webhook.secret_token else {}
    try:
        timeout = aiohttp.ClientTimeout(total=10)
        async with session.post(webhook.url, json=update, headers=headers, timeout=timeout) as response:
            if 200 <= response.status < 300:
                return True
            error = f"Wrong response from the webhook: {response.status} {response.reason}"
    except (aiohttp.ClientError, TimeoutError, OSError) as exc:
        error = f"Connection failed: {exc!r}"
    webhook.last_error_date = int(time.time())
    webhook.last_error_message = error
    return False
