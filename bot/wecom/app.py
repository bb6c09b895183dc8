"""The WeCom side of a running bot: the callback endpoint, the inbox, and the channel in the one sender.

`GET /wecom/callback` answers WeCom's URL check (the decrypted echostr). `POST /wecom/callback`
checks the signature and decrypts (bot/wecom/crypto.py), stores the callback in the inbox, answers an
empty 200 at once (WeCom waits 5 s, then retries up to three times), and only then processes it
through the same pipeline as Telegram: one transaction per callback, per-person order, replies
through the outbox and `WeComChannel`. A redelivered callback has the same update id
(bot/wecom/convert.py) and so one effect. Stored callbacks never handled are replayed at start-up and
every 30 s, as for Telegram.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import replace
from datetime import timedelta
from typing import Any

from aiohttp import web

from bot.bootstrap import Runtime
from bot.ordering import KeyedOrder
from bot.web import Listener
from bot.wecom.api import WeComApi
from bot.wecom.channel import WeComChannel, wecom_limiter
from bot.wecom.convert import CHANNEL, to_inbound, update_id_of
from bot.wecom.crypto import WeComCrypto, WeComCryptoError, parse_flat_xml
from handlers.inbound import Inbound
from services.messaging import inbox, media

log = logging.getLogger(__name__)

CALLBACK_PATH = "/wecom/callback"
REPLAY_EVERY = timedelta(seconds=30)
REPLAY_AFTER = timedelta(seconds=30)


class WeComApp:
    """Mount on a listener, `start()` inside the loop after the runtime's background work, `stop()` at the end."""

    def __init__(self, runtime: Runtime, *, api: WeComApi, crypto: WeComCrypto) -> None:
        self.runtime, self.api, self.crypto = runtime, api, crypto
        self.pipeline = runtime.attach_channel(WeComChannel(api),
                                               wecom_limiter(daily=runtime.settings.wecom_daily_limit))
        self.order = KeyedOrder()
        self._tasks: set[asyncio.Task[None]] = set()

    @classmethod
    def from_settings(cls, runtime: Runtime) -> WeComApp:
        """Built from the WECOM_* settings (all present: the settings check a partial configuration)."""
        s = runtime.settings
        assert s.wecom_configured and s.wecom_token and s.wecom_encoding_aes_key and s.wecom_corp_id
        crypto = WeComCrypto(s.wecom_token, s.wecom_encoding_aes_key, s.wecom_corp_id)
        return cls(runtime, api=WeComApi.from_settings(s, runtime.app.uow), crypto=crypto)

    def mount(self, listener: Listener) -> None:
        """Serve the callback URL on the bot's listener."""
        listener.get(CALLBACK_PATH, self.verify)
        listener.post(CALLBACK_PATH, self.receive)

    async def start(self) -> int:
        """Replay what was stored but never handled, then keep doing so every 30 s; how many at start."""
        replayed = await self.replay()
        self.runtime.keep(asyncio.create_task(self._replay_periodically(), name="wecom-replay"))
        return replayed

    async def stop(self) -> None:
        """Let callbacks being processed finish, then close the API client."""
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.api.aclose()

    async def verify(self, request: web.Request) -> web.Response:
        """WeCom's URL check when the callback URL is saved in the admin console."""
        q = request.query
        try:
            plain = self.crypto.verify_url(q.get("msg_signature", ""), q.get("timestamp", ""), q.get("nonce", ""),
                                           q.get("echostr", ""), now=time.time())
        except WeComCryptoError as exc:
            log.warning("WeCom URL check refused: %s", exc.reason)
            return web.Response(status=403)
        return web.Response(text=plain)

    async def receive(self, request: web.Request) -> web.Response:
        """Check, decrypt, store, answer; processing starts after the answer."""
        q = request.query
        try:
            xml = self.crypto.decrypt_message(q.get("msg_signature", ""), q.get("timestamp", ""), q.get("nonce", ""),
                                              await request.read(), now=time.time())
            fields: dict[str, Any] = dict(parse_flat_xml(xml))
        except WeComCryptoError as exc:
            log.warning("WeCom callback refused: %s", exc.reason)
            return web.Response(status=403)
        fields["update_id"] = update_id_of(fields)
        try:
            await asyncio.to_thread(inbox.store, self.runtime.app.uow(), channel=CHANNEL, updates=[fields],
                                    now=self.runtime.app.now())
        except Exception:
            log.exception("WeCom callback %s could not be stored; WeCom will deliver it again", fields["update_id"])
            return web.Response(status=500)
        self._spawn(fields)
        return web.Response(text="")

    def _spawn(self, fields: dict[str, Any]) -> None:
        """Process a stored callback in the background, after this member's earlier ones."""
        inbound = to_inbound(fields)
        if inbound is None:
            return
        task = asyncio.create_task(self._process(inbound))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _process(self, inbound: Inbound) -> None:
        async with self.order.turn(inbound.user_id):
            await self.pipeline.handle(await self._kept_picture(inbound))

    async def _kept_picture(self, inbound: Inbound) -> Inbound:
        """A member's picture copied into our database first: WeCom forgets it after three days, and
        Telegram cannot show a WeCom media id. If WeCom cannot hand it over now, its media id is kept."""
        media_id = inbound.photo_file_id
        if not media_id:
            return inbound
        try:
            data = await self.api.get_media(media_id)
            ref = await asyncio.to_thread(media.keep, self.runtime.app.uow(), channel=CHANNEL, source_id=media_id,
                                          data=data, now=self.runtime.app.now())
        except Exception:
            log.warning("WeCom picture %s could not be copied; its media id is kept (valid 3 days)", media_id[:16],
                        exc_info=True)
            return inbound
        return replace(inbound, photo_file_id=ref)

    async def replay(self, *, after: timedelta = timedelta(0)) -> int:
        """Process stored callbacks that were never handled (stored at least `after` ago)."""
        now = self.runtime.app.now() - after
        pending = await asyncio.to_thread(inbox.unprocessed, self.runtime.app.uow(), channel=CHANNEL, now=now)
        for fields in pending:
            self._spawn(fields)
        if pending:
            log.warning("replaying %d stored WeCom callback(s) never handled", len(pending))
        return len(pending)

    async def _replay_periodically(self) -> None:
        while True:
            await asyncio.sleep(REPLAY_EVERY.total_seconds())
            try:
                await self.replay(after=REPLAY_AFTER)
            except Exception:
                log.exception("WeCom replay failed; tried again in %s", REPLAY_EVERY)
