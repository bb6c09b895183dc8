"""The sandbox: a browser chat page at "/" where a person talks to the bot as a registered user."""

import json
from dataclasses import dataclass
from importlib import resources
from typing import Any
from urllib.parse import quote

from aiohttp import web

from standins.telegram.chats import is_from_bot, message_text
from standins.telegram.keyboards import button_text, reply_keyboard_rows
from standins.telegram.user_side import UserSide
from standins.telegram.users import FakeUser

Message = dict[str, Any]
DEFAULT_LOCATION = (39.9087, 116.3975)  # WGS-84, central Beijing


@dataclass(frozen=True)
class SandboxPerson:
    """Someone the sandbox page lets you be."""

    user: FakeUser
    label: str
    phone: str
    location: tuple[float, float]

    def to_json(self) -> dict[str, Any]:
        """How the page sees this person."""
        return {
            "id": self.user.id,
            "label": self.label,
            "name": self.user.first_name,
            "phone": self.phone,
            "location": list(self.location),
        }


def message_view(message: Message) -> dict[str, Any]:
    """A message reduced to what the chat page draws."""
    view: dict[str, Any] = {
        "id": message["message_id"],
        "from_bot": is_from_bot(message),
        "text": message_text(message),
        "edited": "edit_date" in message,
        "forwarded": "forward_origin" in message,
    }
    if "document" in message:
        doc = message["document"]
        view["document"] = {"name": doc.get("file_name", "file"), "url": f"sandbox/file/{doc['file_id']}"}
    if "photo" in message:
        view["photo"] = f"sandbox/file/{message['photo'][-1]['file_id']}"
    if "location" in message:
        view["location"] = message["location"]
    if "contact" in message:
        view["contact"] = message["contact"]
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    view["buttons"] = [
        [{"text": b["text"], "data": b.get("callback_data"), "url": b.get("url")} for b in row] for row in rows
    ]
    return view


def keyboard_view(markup: dict[str, Any] | None) -> list[list[dict[str, str]]] | None:
    """The reply keyboard as rows of {text, kind}, kind being "text", "location" or "contact"."""
    rows = reply_keyboard_rows(markup)
    if not rows:
        return None
    return [[{"text": button_text(b), "kind": _button_kind(b)} for b in row] for row in rows]


def _button_kind(button: Any) -> str:
    if isinstance(button, dict) and button.get("request_location"):
        return "location"
    if isinstance(button, dict) and button.get("request_contact"):
        return "contact"
    return "text"


class Sandbox:
    """The chat page and its JSON endpoints under /sandbox/."""

    def __init__(self, standin: UserSide, default_location: tuple[float, float] = DEFAULT_LOCATION) -> None:
        self.standin = standin
        self.default_location = default_location
        self.people: dict[int, SandboxPerson] = {}
        self.answer_wait = 3.0  # seconds a button press waits for the bot's answerCallbackQuery

    def add_person(
        self,
        user: FakeUser,
        label: str,
        *,
        phone: str | None = None,
        location: tuple[float, float] | None = None,
    ) -> SandboxPerson:
        """Offer `user` on the page; the bot may write to them at once (as if they had started it)."""
        person = SandboxPerson(user, label, phone or f"+86138{user.id % 10**8:08d}", location or self.default_location)
        self.people[user.id] = person
        self.standin.add_user(user)
        return person

    def add_routes(self, app: web.Application) -> None:
        """Mount the page and the endpoints."""
        app.router.add_get("/", self.page)
        app.router.add_get("/sandbox/people", self.list_people)
        app.router.add_get("/sandbox/chat/{user_id}", self.chat)
        app.router.add_get("/sandbox/file/{file_id}", self.download)
        app.router.add_post("/sandbox/send", self.send_text)
        app.router.add_post("/sandbox/press", self.press)
        app.router.add_post("/sandbox/location", self.send_location)
        app.router.add_post("/sandbox/contact", self.send_contact)
        app.router.add_post("/sandbox/photo", self.send_photo)

    async def page(self, request: web.Request) -> web.Response:
        """The chat page."""
        html = resources.files("standins.telegram").joinpath("sandbox.html").read_text(encoding="utf-8")
        return web.Response(text=html, content_type="text/html")

    async def list_people(self, request: web.Request) -> web.Response:
        """Who you can be."""
        return web.json_response([person.to_json() for person in self.people.values()])

    async def chat(self, request: web.Request) -> web.Response:
        """The whole chat with one person, plus the reply keyboard they see."""
        person = self._person(request.match_info["user_id"])
        messages = [message_view(m) for m in self.standin.chats.transcript(person.user.id)]
        keyboard = keyboard_view(self.standin.chats.reply_keyboard(person.user.id))
        return web.json_response({"messages": messages, "keyboard": keyboard})

    async def download(self, request: web.Request) -> web.Response:
        """A document or photo, with its file name."""
        stored = self.standin.files.get(request.match_info["file_id"])
        if stored is None:
            raise web.HTTPNotFound()
        headers = {"Content-Disposition": f"inline; filename*=UTF-8''{quote(stored.filename)}"}
        return web.Response(body=stored.data, content_type=stored.mime_type, headers=headers)

    async def send_text(self, request: web.Request) -> web.Response:
        """{user_id, text}: the person types a message or a /command."""
        body = await request.json()
        text = str(body.get("text", "")).strip()
        if not text:
            raise _refuse("empty message")
        update = await self.standin.send_text(self._person(body.get("user_id")).user, text)
        return web.json_response({"update_id": update["update_id"]})

    async def press(self, request: web.Request) -> web.Response:
        """{user_id, message_id, data}: press an inline button; answers with the bot's toast, if any."""
        body = await request.json()
        user = self._person(body.get("user_id")).user
        try:
            query_id = await self.standin.press(user, int(body["message_id"]), str(body["data"]))
        except (KeyError, ValueError) as exc:
            raise _refuse(str(exc)) from None
        try:
            answer: dict[str, Any] | None = await self.standin.wait_for_callback_answer(
                query_id, timeout=self.answer_wait
            )
        except TimeoutError:
            answer = None
        return web.json_response({"answer": answer})

    async def send_location(self, request: web.Request) -> web.Response:
        """{user_id, latitude, longitude}: share a location."""
        body = await request.json()
        user = self._person(body.get("user_id")).user
        try:
            latitude, longitude = float(body["latitude"]), float(body["longitude"])
        except (KeyError, TypeError, ValueError):
            raise _refuse("latitude and longitude must be numbers") from None
        update = await self.standin.send_location(user, latitude, longitude)
        return web.json_response({"update_id": update["update_id"]})

    async def send_contact(self, request: web.Request) -> web.Response:
        """{user_id}: share one's own phone number (the request_contact button)."""
        person = self._person((await request.json()).get("user_id"))
        update = await self.standin.send_contact(person.user, person.phone, person.user.first_name)
        return web.json_response({"update_id": update["update_id"]})

    async def send_photo(self, request: web.Request) -> web.Response:
        """Multipart {user_id, photo, caption}: send a photo."""
        form = await request.post()
        photo = form.get("photo")
        if not isinstance(photo, web.FileField):
            raise _refuse("no photo")
        person = self._person(form.get("user_id"))
        caption = str(form.get("caption") or "") or None
        update = await self.standin.send_photo(person.user, photo.file.read(), caption, filename=photo.filename)
        return web.json_response({"update_id": update["update_id"]})

    def _person(self, raw_id: Any) -> SandboxPerson:
        try:
            return self.people[int(raw_id)]
        except (KeyError, TypeError, ValueError):
            raise _refuse(f"unknown sandbox user {raw_id!r}") from None


def _refuse(reason: str) -> web.HTTPBadRequest:
    """A 400 with a JSON {"error": reason} body for the page to show."""
    return web.HTTPBadRequest(text=json.dumps({"error": reason}), content_type="application/json")
