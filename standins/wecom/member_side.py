"""The member's side: what a person does in the WeCom app, turned into the callbacks WeCom posts to the bot.

Each callback is built as WeCom builds it (plaintext XML: ToUserName = corp id, FromUserName = the member,
CreateTime, MsgType, ...), encrypted with the crypto object the stand-in was given, and POSTed to the bot's
callback URL with ``msg_signature``, ``timestamp`` and ``nonce`` in the query string. WeCom retries a
callback it got no answer to up to three times; `redeliver` sends the same callback again for that.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import httpx

from standins.wecom.media import MediaStore

MAX_RETRIES = 3  # WeCom redelivers an unanswered callback at most three times
CALLBACK_TIMEOUT_SECONDS = 5.0  # WeCom waits five seconds for the bot's answer
class RawXml(str):
    """Nested XML put into a callback as it is (a select card's SelectedItems), not as CDATA text."""


XmlValue = str | int | float


class CallbackCrypto(Protocol):
    """What the stand-in needs from the callback crypto (the bot's `WeComCrypto` fits)."""

    def encrypt(
        self, plaintext: str, *, nonce: str, timestamp: str | int, random16: bytes | None = None
    ) -> tuple[str, str]:
        """(Encrypt value in base64, msg_signature)."""
        ...

    def callback_envelope(
        self, plaintext: str, *, agent_id: str | int, nonce: str, timestamp: str | int, random16: bytes | None = None
    ) -> tuple[str, str]:
        """(POST body ``<xml><ToUserName/><Encrypt/><AgentID/></xml>``, msg_signature)."""
        ...


@dataclass(frozen=True)
class Callback:
    """One callback as sent: the plaintext XML, the encrypted body and the query parameters."""

    plaintext: str
    body: str
    params: dict[str, str]


@dataclass(frozen=True)
class Delivery:
    """One POST of a callback (attempt 1 is the first, 2..4 the retries) and what the bot answered."""

    callback: Callback
    attempt: int
    status: int
    response: str


@dataclass(frozen=True)
class UrlCheck:
    """The result of the GET URL verification: the bot must answer the echostr's plaintext."""

    status: int
    body: str
    expected: str

    @property
    def ok(self) -> bool:
        """Whether the bot answered 200 with exactly the decrypted echostr, as WeCom requires."""
        return self.status == 200 and self.body == self.expected


def cdata(text: str) -> str:
    """`text` as CDATA, safe even when it contains ``]]>``."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def callback_xml(fields: list[tuple[str, XmlValue]]) -> str:
    """WeCom's plaintext callback XML: strings in CDATA, numbers bare, in the given order."""
    parts = [f"<{name}>{value if isinstance(value, int | float | RawXml) else cdata(value)}</{name}>"
             for name, value in fields]
    return "<xml>" + "".join(parts) + "</xml>"


class MemberSide:
    """Members send texts, locations and pictures, click menus and card buttons, and open the app."""

    def __init__(
        self, *, crypto: CallbackCrypto, corp_id: str, agent_id: int, media: MediaStore, clock: Callable[[], float]
    ) -> None:
        self.crypto = crypto
        self.media = media
        self.pic_url_base = ""  # the server sets its own URL here once it listens
        self.corp_id = corp_id
        self.agent_id = agent_id
        self.callback_url: str | None = None
        self.deliveries: list[Delivery] = []
        self._member_clock = clock
        # large and rising like WeCom's: a new stand-in (a sandbox restart) never reuses an earlier one's ids
        self._next_msg_id = 7_300_000_000_000_000_000 + int(clock() * 1000) * 1000
        self._http: httpx.AsyncClient | None = None

    # -- what a member does -----------------------------------------------------------------------

    async def post_text(self, userid: str, text: str) -> int:
        """The member sends a text message; returns the bot's HTTP status."""
        return await self._post_message(userid, "text", [("Content", text)])

    async def post_location(
        self,
        userid: str,
        lat: float,
        lon: float,
        scale: int = 15,
        label: str = "",
        create_time: int | None = None,
    ) -> int:
        """The member shares a location (Location_X is the latitude, Location_Y the longitude)."""
        fields: list[tuple[str, XmlValue]] = [("Location_X", lat), ("Location_Y", lon), ("Scale", scale)]
        fields.append(("Label", label))
        return await self._post_message(userid, "location", fields, create_time=create_time)

    async def post_image(self, userid: str, data: bytes, *, content_type: str = "image/jpeg") -> int:
        """The member sends a picture: stored as media first, so PicUrl and media/get both return it."""
        stored = self.media.add(
            media_type="image", filename="image.jpg", content_type=content_type, data=data, now=self._member_clock()
        )
        pic_url = f"{self.pic_url_base}/picurl/{stored.media_id}"
        return await self._post_message(userid, "image", [("PicUrl", pic_url), ("MediaId", stored.media_id)])

    async def post_card_event(
        self, userid: str, event_key: str, task_id: str, response_code: str, *, card_type: str = "button_interaction"
    ) -> int:
        """The member presses a template card's button (template_card_event)."""
        fields: list[tuple[str, XmlValue]] = [("EventKey", event_key), ("TaskId", task_id), ("CardType", card_type)]
        fields.append(("ResponseCode", response_code))
        return await self._post_event(userid, "template_card_event", fields)

    async def post_select(self, userid: str, option_id: str, task_id: str, response_code: str, *,
                          question_key: str = "choice", submit_key: str = "select") -> int:
        """The member picks `option_id` in a select card's drop-down and taps its submit button."""
        selected = RawXml(f"<SelectedItem><QuestionKey>{cdata(question_key)}</QuestionKey>"
                          f"<OptionIds><OptionId>{cdata(option_id)}</OptionId></OptionIds></SelectedItem>")
        fields: list[tuple[str, XmlValue]] = [("EventKey", submit_key), ("TaskId", task_id),
                                              ("CardType", "multiple_interaction"), ("ResponseCode", response_code),
                                              ("SelectedItems", selected)]
        return await self._post_event(userid, "template_card_event", fields)

    async def post_click(self, userid: str, event_key: str) -> int:
        """The member taps a menu item of type click."""
        return await self._post_event(userid, "click", [("EventKey", event_key)])

    async def post_enter_agent(self, userid: str) -> int:
        """The member opens the app (enter_agent; WeCom sends an empty EventKey)."""
        return await self._post_event(userid, "enter_agent", [("EventKey", "")])

    async def redeliver(self, callback: Callback | None = None) -> int:
        """Send a callback (by default the last one) again, byte for byte, as WeCom's retry does."""
        if callback is None:
            if not self.deliveries:
                raise RuntimeError("no callback was sent yet")
            callback = self.deliveries[-1].callback
        attempts = sum(1 for d in self.deliveries if d.callback is callback)
        if attempts > MAX_RETRIES:
            raise RuntimeError(f"WeCom retries a callback at most {MAX_RETRIES} times")
        return await self._deliver(callback, attempts + 1)

    async def verify_url(self) -> UrlCheck:
        """WeCom's GET check of the callback URL: an encrypted echostr the bot must answer in plaintext."""
        expected = str(secrets.randbelow(10**19))
        timestamp, nonce = str(int(self._member_clock())), _nonce()
        echostr, signature = self.crypto.encrypt(expected, nonce=nonce, timestamp=timestamp)
        params = {"msg_signature": signature, "timestamp": timestamp, "nonce": nonce, "echostr": echostr}
        response = await self._client().get(self._url(), params=params)
        return UrlCheck(response.status_code, response.text, expected)

    # -- building and posting ---------------------------------------------------------------------

    async def _post_message(
        self, userid: str, msgtype: str, fields: list[tuple[str, XmlValue]], *, create_time: int | None = None
    ) -> int:
        self._next_msg_id += 1
        head = self._head(userid, msgtype, create_time)
        return await self._send([*head, *fields, ("MsgId", self._next_msg_id), ("AgentID", self.agent_id)])

    async def _post_event(self, userid: str, event: str, fields: list[tuple[str, XmlValue]]) -> int:
        head = self._head(userid, "event", None)
        return await self._send([*head, ("Event", event), *fields, ("AgentID", self.agent_id)])

    def _head(self, userid: str, msgtype: str, create_time: int | None) -> list[tuple[str, XmlValue]]:
        when = int(self._member_clock()) if create_time is None else create_time
        return [("ToUserName", self.corp_id), ("FromUserName", userid), ("CreateTime", when), ("MsgType", msgtype)]

    async def _send(self, fields: list[tuple[str, XmlValue]]) -> int:
        plaintext = callback_xml(fields)
        timestamp, nonce = str(int(self._member_clock())), _nonce()
        body, signature = self.crypto.callback_envelope(
            plaintext, agent_id=self.agent_id, nonce=nonce, timestamp=timestamp
        )
        params = {"msg_signature": signature, "timestamp": timestamp, "nonce": nonce}
        return await self._deliver(Callback(plaintext, body, params), 1)

    async def _deliver(self, callback: Callback, attempt: int) -> int:
        response = await self._client().post(
            self._url(),
            params=callback.params,
            content=callback.body.encode("utf-8"),
            headers={"Content-Type": "text/xml; charset=utf-8"},
        )
        self.deliveries.append(Delivery(callback, attempt, response.status_code, response.text))
        return response.status_code

    def _url(self) -> str:
        if not self.callback_url:
            raise RuntimeError("set callback_url to the bot's WeCom callback URL first")
        return self.callback_url

    def _client(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=CALLBACK_TIMEOUT_SECONDS)
        return self._http

    async def close_member_client(self) -> None:
        """Close the HTTP client used to post callbacks."""
        if self._http is not None:
            await self._http.aclose()
            self._http = None


def _nonce() -> str:
    """A nonce like WeCom's: a short decimal string."""
    return str(secrets.randbelow(10**10))
