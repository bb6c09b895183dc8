"""The ``/cgi-bin/`` HTTP API: each route checks the access_token, does its part, answers JSON like WeCom.

WeCom answers HTTP 200 for its own errors and puts the failure in ``errcode``/``errmsg``; so does this.
"""

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import BodyPartReader, web

from standins.wecom.directory import Directory
from standins.wecom.errors import (
    DATA_FORMAT_ERROR,
    INVALID_AGENTID,
    INVALID_BUTTON_COUNT,
    INVALID_MEDIA_ID,
    MISSING_AGENTID,
    MISSING_MEDIA_ID,
    ApiError,
    ok,
)
from standins.wecom.media import MediaStore
from standins.wecom.outbox import Outbox
from standins.wecom.tokens import TokenIssuer

Json = dict[str, Any]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
log = logging.getLogger(__name__)


def errors_as_json(handler: Handler) -> Handler:
    """Turn an `ApiError` raised by a route into WeCom's JSON error reply."""

    async def wrapped(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except ApiError as exc:
            log.info("WeCom stand-in: %s -> %s %s", request.path, exc.errcode, exc.errmsg)
            return web.json_response(exc.payload())

    return wrapped


async def read_json(request: web.Request) -> Json:
    """The POST body as a JSON object; 47001 when it is not one."""
    try:
        body = json.loads(await request.read() or b"null")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApiError(DATA_FORMAT_ERROR, "data format error") from exc
    if not isinstance(body, dict):
        raise ApiError(DATA_FORMAT_ERROR, "data format error")
    return body


class CgiBin:
    """The routes under /cgi-bin/ over the stand-in's token issuer, outbox, media store and directory."""

    def __init__(
        self,
        *,
        tokens: TokenIssuer,
        outbox: Outbox,
        media: MediaStore,
        directory: Directory,
        clock: Callable[[], float],
    ) -> None:
        self.tokens = tokens
        self.outbox = outbox
        self.media = media
        self.directory = directory
        self.menus: list[Json] = []
        self.calls: list[str] = []
        self._clock = clock

    def add_routes(self, app: web.Application) -> None:
        """Register every route on `app`."""
        routes: list[tuple[str, str, Handler]] = [
            ("GET", "/cgi-bin/gettoken", self.gettoken),
            ("POST", "/cgi-bin/message/send", self.message_send),
            ("POST", "/cgi-bin/message/update_template_card", self.update_template_card),
            ("POST", "/cgi-bin/media/upload", self.media_upload),
            ("GET", "/cgi-bin/media/get", self.media_get),
            ("POST", "/cgi-bin/menu/create", self.menu_create),
            ("GET", "/cgi-bin/department/list", self.department_list),
            ("GET", "/cgi-bin/user/list", self.user_list),
        ]
        for method, path, handler in routes:
            app.router.add_route(method, path, errors_as_json(self._counted(handler)))
        app.router.add_get("/picurl/{media_id}", self.pic_url)

    def _counted(self, handler: Handler) -> Handler:
        async def wrapped(request: web.Request) -> web.StreamResponse:
            self.calls.append(request.path.removeprefix("/cgi-bin/"))
            if request.path != "/cgi-bin/gettoken":
                self.tokens.check(request.query.get("access_token"))
            return await handler(request)

        return wrapped

    async def gettoken(self, request: web.Request) -> web.Response:
        """gettoken?corpid=&corpsecret= -> access_token, expires_in."""
        return web.json_response(self.tokens.issue(request.query))

    async def message_send(self, request: web.Request) -> web.Response:
        """message/send: text, markdown, image, file or template_card to members."""
        return web.json_response(self.outbox.send(await read_json(request)))

    async def update_template_card(self, request: web.Request) -> web.Response:
        """message/update_template_card by response_code."""
        return web.json_response(self.outbox.update_card(await read_json(request)))

    async def media_upload(self, request: web.Request) -> web.Response:
        """media/upload?type=image|voice|video|file with a multipart field named "media"."""
        media_type = request.query.get("type", "")
        filename, content_type, data = await _read_upload(request)
        stored = self.media.add(
            media_type=media_type, filename=filename, content_type=content_type, data=data, now=self._clock()
        )
        return web.json_response(self.media.reply(stored))

    async def media_get(self, request: web.Request) -> web.Response:
        """media/get?media_id= -> the file's bytes (JSON 40007 for an unknown id)."""
        media_id = request.query.get("media_id", "")
        if not media_id:
            raise ApiError(MISSING_MEDIA_ID, "media_id missing")
        stored = self.media.get(media_id)
        if stored is None:
            raise ApiError(INVALID_MEDIA_ID, f"invalid media_id: {media_id}")
        disposition = f'attachment; filename="{stored.filename}"'
        return web.Response(
            body=stored.data, content_type=stored.content_type, headers={"Content-Disposition": disposition}
        )

    async def pic_url(self, request: web.Request) -> web.Response:
        """A member's picture at the PicUrl of an image callback (no token needed, as with WeCom's CDN)."""
        stored = self.media.get(request.match_info["media_id"])
        if stored is None:
            raise web.HTTPNotFound()
        return web.Response(body=stored.data, content_type=stored.content_type)

    async def menu_create(self, request: web.Request) -> web.Response:
        """menu/create?agentid=: records the app's menu (1 to 3 top-level buttons)."""
        agentid = request.query.get("agentid", "")
        if not agentid:
            raise ApiError(MISSING_AGENTID, "agentid missing")
        if agentid != str(self.outbox.agent_id):
            raise ApiError(INVALID_AGENTID, f"invalid agentid: {agentid}")
        menu = await read_json(request)
        buttons = menu.get("button")
        if not isinstance(buttons, list) or not 1 <= len(buttons) <= 3:
            raise ApiError(INVALID_BUTTON_COUNT, "invalid button size")
        self.menus.append(menu)
        return web.json_response(ok())

    async def department_list(self, request: web.Request) -> web.Response:
        """department/list[?id=]: all departments, or one and everything below it."""
        return web.json_response(ok(department=self.directory.department_list(request.query.get("id"))))

    async def user_list(self, request: web.Request) -> web.Response:
        """user/list?department_id=&fetch_child=0|1: the members of a department."""
        query = request.query
        members = self.directory.user_list(query.get("department_id"), query.get("fetch_child"))
        return web.json_response(ok(userlist=members))


async def _read_upload(request: web.Request) -> tuple[str, str, bytes]:
    """(filename, content type, bytes) of the multipart part named "media"."""
    if not request.content_type.startswith("multipart/"):
        raise ApiError(DATA_FORMAT_ERROR, "media upload must be multipart/form-data")
    reader = await request.multipart()
    while (part := await reader.next()) is not None:
        if isinstance(part, BodyPartReader) and part.name == "media":
            data = bytes(await part.read())
            content_type = part.headers.get("Content-Type", "application/octet-stream")
            return part.filename or "media", content_type, data
    return "media", "application/octet-stream", b""
