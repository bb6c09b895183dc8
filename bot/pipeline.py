"""Every channel's updates, one way: a bounded pool of worker threads runs each in one transaction.

The event loop only converts, orders (per person, see bot/ordering.py) and sends; the handler, which
reads and writes the database, runs in a worker thread, so one slow query never stalls the loop or
other people. SQLite allows one writer at a time, so it gets one worker (more would only queue in
its busy timeout); PostgreSQL gets OFFICEBOT_WORKERS. The messages an update committed are handed to
the sender in memory, with no database poll.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from functools import partial

from handlers.dispatch import handle_inbound
from handlers.inbound import Inbound
from handlers.router import Router
from services.messaging.delivery import Pending, queue_and_hand
from services.messaging.messages import Outgoing, OutMessage
from services.platform.context import AppContext

log = logging.getLogger(__name__)


class Pipeline:
    """Runs `handle_inbound` off the event loop and hands what it committed to the sender."""

    def __init__(self, *, app: AppContext, router: Router, workers: int,
                 hand: Callable[[Iterable[Pending]], None]) -> None:
        self.app, self.router, self.hand = app, router, hand
        self.workers = workers
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="update")

    async def handle(self, inbound: Inbound) -> None:
        """Handle one update; a failure to commit leaves it unclaimed in the inbox, replayed on restart."""
        loop = asyncio.get_running_loop()
        try:
            handed = await loop.run_in_executor(
                self._pool, partial(handle_inbound, inbound, app=self.app, router=self.router))
        except Exception:
            log.exception("update %s (%s) could not be committed; it is replayed from the inbox",
                          inbound.update_id, inbound.kind)
            return
        if handed:
            self.hand(handed)

    async def answer_orphan(self, *, channel: str, user_id: str, callback_id: str, text: str) -> None:
        """A button press with no message to act on (too old, inline): stop the spinner, through the outbox."""
        def queue() -> list[Pending]:
            with self.app.uow() as uow:
                handed = queue_and_hand(uow.session, channel=channel, chat_id=user_id, staff_id=None,
                                        replies=[Outgoing("alert", OutMessage(text), callback_id)],
                                        instance=self.app.instance_id, now=self.app.now())
                uow.commit()
                return handed

        self.hand(await asyncio.get_running_loop().run_in_executor(self._pool, queue))

    def shutdown(self) -> None:
        """Let running updates finish; nothing new is taken."""
        self._pool.shutdown(wait=True)
