"""PTB's transport straight into the stand-in: the same Bot API calls and answers, without sockets.

Why our own: PTB's `BaseRequest` is the documented seam for a transport, and none exists for calling a
local stand-in in the same process. A test drives the real `telegram.ext.Application` either way; over
HTTP (httpx on one side, aiohttp on the other) a third of a chat script's time went to encoding,
parsing and polling sockets, so the handler tests run in process and one HTTP script per feature keeps
the wire honest (tests/e2e/harness.py).
"""

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from telegram.request import BaseRequest, RequestData

from standins.telegram.errors import NOT_FOUND
from standins.telegram.params import Params, Upload

if TYPE_CHECKING:
    from standins.telegram.server import BotApiStandIn


class InProcessRequest(BaseRequest):
    """Hands each call's URL and parameters to `BotApiStandIn.api` (files: `files.by_path`)."""

    def __init__(self, standin: "BotApiStandIn") -> None:
        self.standin = standin

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    @property
    def read_timeout(self) -> float | None:
        """No network, so no timeout of our own (PTB adds the long poll's)."""
        return None

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: Any = None, write_timeout: Any = None, connect_timeout: Any = None,
                         pool_timeout: Any = None) -> tuple[int, bytes]:
        """`…/bot<token>/<method>` → the stand-in's answer; `…/file/bot<token>/<path>` → the stored file."""
        path = unquote(urlsplit(url).path)  # PTB quotes the token in a download URL
        if path.startswith("/file/bot"):
            token, _, file_path = path.removeprefix("/file/bot").partition("/")
            stored = self.standin.files.by_path(file_path) if token == self.standin.token else None
            if stored is None:
                return NOT_FOUND.code, json.dumps(NOT_FOUND.payload()).encode()
            return 200, stored.data
        token, _, method_name = path.removeprefix("/bot").partition("/")
        status, payload = await self.standin.api(token, method_name, _params(request_data))
        return status, b"" if payload is None else json.dumps(payload).encode()


def _params(request_data: RequestData | None) -> Params:
    """The values as PTB would post them (JSON-encoded strings) and any file parts."""
    if request_data is None:
        return Params({})
    uploads = {}
    for name, (filename, content, mime) in request_data.multipart_data.items():
        uploads[name] = Upload(filename, content if isinstance(content, bytes) else content.read(), mime)
    return Params(request_data.json_parameters, uploads)
