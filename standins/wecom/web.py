"""The WeCom sandbox page: be a member of the demo company and use the bot's app as in the WeCom client.

Served by the WeCom stand-in at "/" of its own port (`officebot sandbox` prints the address). What
the member does goes to the bot exactly as WeCom would send it: an encrypted callback to the bot's
`/wecom/callback` (texts, locations, pictures, card buttons, a select card's choice, app-menu
clicks); what the bot sends is what the stand-in received through message/send, cards drawn with
their buttons and updated in place after update_template_card. The member's own messages are kept
here, in memory, so the page can show both sides of the conversation.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from standins.wecom.outbox import SentMessage
    from standins.wecom.server import WeComStandIn

Json = dict[str, Any]


@dataclass(frozen=True)
class SandboxMember:
    """Someone the page lets you be."""

    userid: str
    name: str
    label: str
    location: tuple[float, float]


@dataclass
class MemberLog:
    """What one member sent from the page, with the time, to interleave with what they received."""

    entries: list[tuple[float, Json]] = field(default_factory=list)


def sent_view(message: SentMessage) -> Json:
    """A message the app sent, reduced to what the page draws."""
    view: Json = {"from_app": True, "msgtype": message.msgtype, "at": message.sent_at}
    if message.msgtype in {"text", "markdown"}:
        view["text"] = message.text
    elif message.msgtype in {"image", "file"}:
        view["url"] = f"/picurl/{message.body.get('media_id', '')}"
    elif message.card is not None:
        card = message.card
        view["card"] = {
            "type": card.get("card_type"),
            "title": card.get("main_title", {}).get("title", ""),
            "desc": card.get("main_title", {}).get("desc", ""),
            "buttons": [{"text": b.get("text", ""), "key": b.get("key", "")} for b in card.get("button_list", [])],
            "options": [{"text": o.get("text", ""), "id": o.get("id", "")}
                        for select in card.get("select_list", []) for o in select.get("option_list", [])],
            "submit": (card.get("submit_button") or {}).get("text", ""),
            "task_id": card.get("task_id", ""),
            "response_code": message.response_code or "",
        }
    return view


class WeComSandbox:
    """The page and its JSON endpoints under /sandbox/ on the WeCom stand-in."""

    def __init__(self, standin: WeComStandIn) -> None:
        self.standin = standin
        self.members: dict[str, SandboxMember] = {}
        self.logs: dict[str, MemberLog] = {}

    def add_member(self, member: SandboxMember) -> None:
        """Offer `member` on the page."""
        self.members[member.userid] = member
        self.logs.setdefault(member.userid, MemberLog())

    def add_routes(self, app: web.Application) -> None:
        """Mount the page and the endpoints."""
        app.router.add_get("/", self.page)
        app.router.add_get("/sandbox/people", self.people)
        app.router.add_get("/sandbox/chat/{userid}", self.chat)
        app.router.add_get("/sandbox/menu", self.menu)
        app.router.add_post("/sandbox/send", self.send)
        app.router.add_post("/sandbox/card", self.card)
        app.router.add_post("/sandbox/select", self.select)
        app.router.add_post("/sandbox/click", self.click)
        app.router.add_post("/sandbox/location", self.location)
        app.router.add_post("/sandbox/image", self.image)

    async def page(self, request: web.Request) -> web.Response:
        """The chat page."""
        html = resources.files("standins.wecom").joinpath("sandbox.html").read_text(encoding="utf-8")
        return web.Response(text=html, content_type="text/html")

    async def people(self, request: web.Request) -> web.Response:
        """Who you can be."""
        return web.json_response([{"userid": m.userid, "name": m.name, "label": m.label}
                                  for m in self.members.values()])

    async def chat(self, request: web.Request) -> web.Response:
        """Both sides of one member's conversation, oldest first."""
        member = self._member(request.match_info["userid"])
        received = [sent_view(m) for m in self.standin.messages(member.userid)]
        own = [{**entry, "at": at} for at, entry in self.logs[member.userid].entries]
        return web.json_response(sorted(own + received, key=lambda view: view["at"]))

    async def menu(self, request: web.Request) -> web.Response:
        """The app menu the bot published last (menu/create), as WeCom shows it under the input box."""
        menus = self.standin.menus
        return web.json_response(menus[-1] if menus else {"button": []})

    async def send(self, request: web.Request) -> web.Response:
        """{userid, text}: the member types a message."""
        body = await request.json()
        member, text = self._member(body.get("userid")), str(body.get("text") or "")
        if not text.strip():
            raise web.HTTPBadRequest(text="empty message")
        self._log(member, {"text": text})
        return await self._status(await self.standin.post_text(member.userid, text))

    async def card(self, request: web.Request) -> web.Response:
        """{userid, key, text, task_id, response_code}: the member taps a card's button."""
        body = await request.json()
        member = self._member(body.get("userid"))
        self._log(member, {"pressed": str(body.get("text") or "")})
        return await self._status(await self.standin.post_card_event(
            member.userid, str(body.get("key") or ""), str(body.get("task_id") or ""),
            str(body.get("response_code") or "")))

    async def select(self, request: web.Request) -> web.Response:
        """{userid, option, text, task_id, response_code}: the member picks in a select card and taps 确定."""
        body = await request.json()
        member = self._member(body.get("userid"))
        self._log(member, {"pressed": str(body.get("text") or "")})
        return await self._status(await self.standin.post_select(
            member.userid, str(body.get("option") or ""), str(body.get("task_id") or ""),
            str(body.get("response_code") or "")))

    async def click(self, request: web.Request) -> web.Response:
        """{userid, key, text}: the member taps an item of the app menu."""
        body = await request.json()
        member = self._member(body.get("userid"))
        self._log(member, {"pressed": str(body.get("text") or "")})
        return await self._status(await self.standin.post_click(member.userid, str(body.get("key") or "")))

    async def location(self, request: web.Request) -> web.Response:
        """{userid, far}: the member sends their location (at their office, or 15 km away for 外勤)."""
        body = await request.json()
        member = self._member(body.get("userid"))
        lat, lon = member.location
        if body.get("far"):
            lat += 0.14
        self._log(member, {"location": [lat, lon]})
        return await self._status(await self.standin.post_location(member.userid, lat, lon, label="当前位置"))

    async def image(self, request: web.Request) -> web.Response:
        """Multipart {userid, image}: the member sends a picture (a receipt, a repair photo)."""
        form = await request.post()
        member = self._member(form.get("userid"))
        upload = form.get("image")
        if not isinstance(upload, web.FileField):
            raise web.HTTPBadRequest(text="no image")
        self._log(member, {"image": upload.filename})
        return await self._status(await self.standin.post_image(member.userid, upload.file.read(),
                                                                content_type=upload.content_type))

    def _member(self, userid: Any) -> SandboxMember:
        member = self.members.get(str(userid or ""))
        if member is None:
            raise web.HTTPNotFound(text="no such member")
        return member

    def _log(self, member: SandboxMember, entry: Json) -> None:
        self.logs[member.userid].entries.append((time.time(), {"from_app": False, **entry}))

    @staticmethod
    async def _status(status: int) -> web.Response:
        """The bot's answer to the callback (200 when it stored it; 403 when it refused the signature)."""
        return web.json_response({"bot_status": status}, status=200 if status == 200 else 502)
