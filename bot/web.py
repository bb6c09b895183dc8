"""The bot's HTTP listener (OFFICEBOT_WEBHOOK_LISTEN:OFFICEBOT_WEBHOOK_PORT): every channel's webhook routes.

One aiohttp server, so Telegram's `/telegram` and WeCom's `/wecom/callback` share a port behind the
load balancer, plus `/healthz` for it to probe.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

Route = Callable[[web.Request], Awaitable[web.StreamResponse]]
MAX_BODY_BYTES = 1 << 20  # a Telegram update is a few KB; anything near this is not one


class Listener:
    """Routes added before `start()`; `port` is the bound port (useful with port 0 in tests)."""

    def __init__(self, *, listen: str, port: int) -> None:
        self.listen, self.port = listen, port
        self.app = web.Application(client_max_size=MAX_BODY_BYTES)
        self.app.router.add_get("/healthz", _healthy)
        self._runner: web.AppRunner | None = None

    def post(self, path: str, handler: Route) -> None:
        """Serve POST `path` with `handler`."""
        self.app.router.add_post(path, handler)

    def get(self, path: str, handler: Route) -> None:
        """Serve GET `path` with `handler`."""
        self.app.router.add_get(path, handler)

    async def start(self) -> None:
        """Bind and serve."""
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.listen, self.port)
        await site.start()
        if self.port == 0:  # the port the system chose
            self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        """Stop accepting and close open connections."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


async def _healthy(_request: web.Request) -> web.Response:
    """The load balancer's probe: the process is up and its loop answers."""
    return web.Response(text="ok")
