"""The e2e fixture: stand-in + real Application on a migrated database (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from standins.telegram.server import BotApiStandIn
from tests.conftest import FakeClock
from tests.e2e.harness import TOKEN, BotHarness


@pytest.fixture
async def bot(request: pytest.FixtureRequest, migrated_url: str, clock: FakeClock) -> AsyncIterator[BotHarness]:
    """A running bot with a Shanghai office, ready for people to register.

    A script marked `wire` talks to the stand-in over HTTP on PostgreSQL, the production pairing; its
    SQLite run, like every other script, hands the Bot API calls to the stand-in in process: the HTTP
    layer does not depend on the database, and a third of a script's time went to it. (The crash and
    sandbox scripts run the bot over HTTP on SQLite too, with servers of their own.)
    """
    over_http = request.node.get_closest_marker("wire") is not None and migrated_url.startswith("postgresql")
    standin = BotApiStandIn(token=TOKEN)
    if over_http:
        await standin.start()
    harness = BotHarness(standin, migrated_url, clock, over_http=over_http)
    await harness.start()
    harness.add_office("上海办事处", geofence=(31.230416, 121.473701, 300))
    try:
        yield harness
    finally:
        await harness.stop()
        await standin.stop()
