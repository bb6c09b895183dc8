"""An async client for WeCom's server API (企业微信 /cgi-bin/): messages, cards, media, menu, address book.

The access_token lives in the database (services/wecom/tokens.py) so that every instance shares one
and only one of them refreshes it; this client keeps a copy in memory, re-reads the database when the
copy runs out, and when WeCom answers that a token is invalid or expired (40014, 42001, 40001) it gets
a fresh one and retries the call once.

WeCom answers HTTP 200 for its own failures and puts them in ``errcode``; `error_for` turns an errcode
into one of three exceptions, and `channel_error` turns those into the channel port's errors, so the
sender treats a WeCom failure as it treats a Telegram one.
"""

from __future__ import annotations

import asyncio
import itertools
import mimetypes
import os
import secrets
import socket
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

import httpx

from services.messaging.ports import ChannelError, RecipientBlocked, RetryLater, TransientError
from services.wecom import tokens as wecom_tokens
from services.wecom.tokens import CachedToken
from storage.uow import UnitOfWork

if TYPE_CHECKING:
    from bot.settings import Settings

Json = dict[str, Any]
MESSAGE_TYPES = frozenset({"text", "markdown", "image", "voice", "video", "file", "textcard", "news", "template_card"})
MEDIA_KINDS = frozenset({"image", "voice", "video", "file"})
TOKEN_ERRCODES = frozenset({40001, 40014, 42001})  # invalid credential, invalid token, expired token
RETRY_AFTER_SECONDS = {45009: 60.0, 45033: 1.0}  # API quota per minute; too many concurrent calls
RETRYABLE_ERRCODES = frozenset({-1, *RETRY_AFTER_SECONDS, *TOKEN_ERRCODES})  # -1: system busy
RECIPIENT_ERRCODES = frozenset({40003, 60111, 81013})  # bad userid, no such userid, none visible to the app
REFRESH_MARGIN = timedelta(minutes=5)  # renew a little early: a token good for 2 s may die in flight
LEASE = timedelta(seconds=20)  # longer than a gettoken round trip with its time-out
POLL_SECONDS = (0.05, 0.1, 0.2, 0.5)  # how a waiting instance looks for the token another one fetches
DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=5.0)


class WeComError(Exception):
    """A WeCom call failed; `errcode` is WeCom's (None for network and HTTP-level failures)."""

    def __init__(self, errcode: int | None, errmsg: str) -> None:
        super().__init__(f"WeCom {errcode}: {errmsg}" if errcode is not None else f"WeCom: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg


class WeComRetryable(WeComError):
    """Busy, over quota or unreachable: the same call may work later (`retry_after` seconds, if WeCom says)."""

    def __init__(self, errcode: int | None, errmsg: str, *, retry_after: float | None = None) -> None:
        super().__init__(errcode, errmsg)
        self.retry_after = retry_after


class WeComPermanent(WeComError):
    """The call itself is wrong (bad secret, bad media id, malformed card): retrying will not help."""


class WeComRecipientUnreachable(WeComError):
    """The member is unknown to WeCom or outside the app's visible range (可见范围): stop sending to them."""


def error_for(errcode: int, errmsg: str) -> WeComError:
    """The exception for a WeCom errcode other than 0."""
    if errcode in RECIPIENT_ERRCODES:
        return WeComRecipientUnreachable(errcode, errmsg)
    if errcode in RETRYABLE_ERRCODES:
        return WeComRetryable(errcode, errmsg, retry_after=RETRY_AFTER_SECONDS.get(errcode))
    return WeComPermanent(errcode, errmsg)


def channel_error(exc: WeComError) -> ChannelError:
    """The channel port's error for a WeCom failure, for the sender's retry and unreachable handling."""
    if isinstance(exc, WeComRecipientUnreachable):
        return RecipientBlocked(str(exc))
    if isinstance(exc, WeComRetryable):
        return RetryLater(exc.retry_after) if exc.retry_after is not None else TransientError(str(exc))
    return ChannelError(str(exc))


def default_instance_name() -> str:
    """Who fetched a token, as stored in `fetched_by`: host, process and a random tag."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def _utcnow() -> datetime:
    return datetime.now(UTC)


class WeComApi:
    """One WeCom app's server API over one `httpx.AsyncClient`; safe to share between tasks."""

    def __init__(
        self,
        *,
        corp_id: str,
        agent_id: int,
        secret: str,
        uow_factory: Callable[[], UnitOfWork],
        base_url: str = "https://qyapi.weixin.qq.com",
        http: httpx.AsyncClient | None = None,
        clock: Callable[[], datetime] = _utcnow,
        instance: str | None = None,
    ) -> None:
        self.corp_id = corp_id
        self.agent_id = agent_id
        self.instance = instance or default_instance_name()
        self._secret = secret
        self._uow_factory = uow_factory
        self._clock = clock
        self._key = f"{corp_id}:{agent_id}"
        self._owns_http = http is None
        self._http = http or httpx.AsyncClient(timeout=DEFAULT_TIMEOUT)
        self._base = base_url.rstrip("/") + "/cgi-bin"
        self._token: CachedToken | None = None
        self._token_lock = asyncio.Lock()

    @classmethod
    def from_settings(cls, settings: Settings, uow_factory: Callable[[], UnitOfWork], **kwargs: Any) -> WeComApi:
        """The client for the app in `settings`; ValueError when WeCom is not configured."""
        if not settings.wecom_configured:
            raise ValueError("WeCom is not configured: set WECOM_CORP_ID, WECOM_AGENT_ID, WECOM_SECRET, ...")
        assert settings.wecom_corp_id and settings.wecom_agent_id and settings.wecom_secret
        return cls(
            corp_id=settings.wecom_corp_id, agent_id=settings.wecom_agent_id, secret=settings.wecom_secret,
            uow_factory=uow_factory, base_url=settings.wecom_api_base_url, **kwargs,
        )

    async def aclose(self) -> None:
        """Close the HTTP client if this object made it."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    # -- messages --------------------------------------------------------------------------------

    async def send(self, touser: str | Sequence[str], payload: Json) -> Json:
        """message/send to one member or several; returns WeCom's reply with msgid (and response_code).

        `payload` is ``{"msgtype": "text", "text": {...}}`` and so on; a template_card's response_code is
        what `update_template_card` needs later.
        """
        msgtype = payload.get("msgtype")
        if msgtype not in MESSAGE_TYPES or not isinstance(payload.get(str(msgtype)), dict):
            raise ValueError(f"not a WeCom message payload: msgtype={msgtype!r}")
        users = touser if isinstance(touser, str) else "|".join(touser)
        body = {**payload, "touser": users, "agentid": self.agent_id}
        return await self._json("POST", "message/send", json=body)

    async def update_template_card(self, userids: Sequence[str], response_code: str, card: Json) -> Json:
        """message/update_template_card: replace a sent card by its response_code (accepted once).

        This is how an approval card's buttons become "已批准" for everyone who got it.
        """
        body = {"userids": list(userids), "agentid": self.agent_id, "response_code": response_code,
                "template_card": card}
        return await self._json("POST", "message/update_template_card", json=body)

    # -- media -----------------------------------------------------------------------------------

    async def upload_media(self, kind: str, filename: str, data: bytes) -> str:
        """media/upload (临时素材, kept 3 days by WeCom): the media_id to send as an image or file."""
        if kind not in MEDIA_KINDS:
            raise ValueError(f"media kind must be one of {', '.join(sorted(MEDIA_KINDS))}, got {kind!r}")
        content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        files = {"media": (filename, data, content_type)}
        reply = await self._json("POST", "media/upload", params={"type": kind}, files=files)
        return str(reply["media_id"])

    async def get_media(self, media_id: str) -> bytes:
        """media/get: the bytes of a file a member sent or we uploaded."""
        response = await self._request("GET", "media/get", params={"media_id": media_id})
        failure = _json_failure(response)
        if failure is not None:
            raise error_for(*failure)
        return response.content

    # -- app menu and address book --------------------------------------------------------------

    async def create_menu(self, menu: Json) -> None:
        """menu/create: replace the app's menu (1-3 buttons, each with up to 5 sub-buttons)."""
        await self._json("POST", "menu/create", params={"agentid": str(self.agent_id)}, json=menu)

    async def departments(self) -> list[Json]:
        """department/list: every department the app may see, each with id, name and parentid."""
        return list((await self._json("GET", "department/list")).get("department") or [])

    async def users(self, department_id: int, fetch_child: bool = True) -> list[Json]:
        """user/list: the members of a department (and of those below it with `fetch_child`)."""
        params = {"department_id": str(department_id), "fetch_child": "1" if fetch_child else "0"}
        return list((await self._json("GET", "user/list", params=params)).get("userlist") or [])

    # -- access token ----------------------------------------------------------------------------

    async def access_token(self, *, rejected: str | None = None) -> str:
        """A usable access_token: the copy in memory, the one in the database, or a new one.

        `rejected` is a token WeCom just refused; it is never handed out again. Only the instance that
        wins the database lease calls gettoken; the others wait for the token it stores (polling with
        short sleeps, never blocking the event loop), and take the lease over if its holder died.
        """
        async with self._token_lock:  # tasks of this instance wait here rather than each asking the DB
            now = self._clock()
            if self._token and self._token.usable(now=now, margin=REFRESH_MARGIN, rejected=rejected):
                return self._token.token
            deadline = now + 2 * LEASE
            for attempt in itertools.count():
                now = self._clock()
                cached = await asyncio.to_thread(
                    wecom_tokens.usable_token, self._uow_factory(), key=self._key, now=now, margin=REFRESH_MARGIN,
                    rejected=rejected,
                )
                if cached is not None:
                    self._token = cached
                    return cached.token
                won = await asyncio.to_thread(
                    wecom_tokens.claim_refresh, self._uow_factory(), key=self._key, owner=self.instance, now=now,
                    lease=LEASE, margin=REFRESH_MARGIN, rejected=rejected,
                )
                if won:
                    return await self._refresh()
                if now > deadline:
                    break
                await asyncio.sleep(POLL_SECONDS[min(attempt, len(POLL_SECONDS) - 1)])
            raise WeComRetryable(None, "timed out waiting for another instance to fetch the access_token")

    async def _refresh(self) -> str:
        """Fetch a token while holding the lease, store it, and give the lease back if the fetch fails."""
        started = self._clock()
        try:
            token, expires_in = await self._gettoken()
        except BaseException:
            await asyncio.shield(asyncio.to_thread(
                wecom_tokens.release_refresh, self._uow_factory(), key=self._key, owner=self.instance
            ))
            raise
        cached = CachedToken(token, started + timedelta(seconds=expires_in))
        await asyncio.to_thread(
            wecom_tokens.store_token, self._uow_factory(), key=self._key, owner=self.instance, token=token,
            expires_at=cached.expires_at, now=self._clock(),
        )
        self._token = cached
        return token

    async def _gettoken(self) -> tuple[str, int]:
        """gettoken itself: (access_token, expires_in); 40001 here means a wrong secret, so it is permanent."""
        params = {"corpid": self.corp_id, "corpsecret": self._secret}
        reply = _parse_json(await self._send_http("GET", "gettoken", params=params))
        errcode = int(reply.get("errcode") or 0)
        if errcode in TOKEN_ERRCODES:
            raise WeComPermanent(errcode, str(reply.get("errmsg") or "gettoken refused the corp id or secret"))
        if errcode:
            raise error_for(errcode, str(reply.get("errmsg") or ""))
        return str(reply["access_token"]), int(reply.get("expires_in") or 7200)

    # -- HTTP ------------------------------------------------------------------------------------

    async def _json(self, method: str, path: str, **kwargs: Any) -> Json:
        """Call `path` with the token and return its JSON reply, or raise the errcode's exception."""
        reply = _parse_json(await self._request(method, path, **kwargs))
        errcode = int(reply.get("errcode") or 0)
        if errcode:
            raise error_for(errcode, str(reply.get("errmsg") or ""))
        return reply

    async def _request(self, method: str, path: str, *, params: dict[str, str] | None = None, **kwargs: Any
                       ) -> httpx.Response:
        """The call with the current token; once more with a fresh one when WeCom says the token is bad."""
        token = await self.access_token()
        response = await self._send_http(method, path, params={**(params or {}), "access_token": token}, **kwargs)
        failure = _json_failure(response)
        if failure is None or failure[0] not in TOKEN_ERRCODES:
            return response
        token = await self.access_token(rejected=token)
        return await self._send_http(method, path, params={**(params or {}), "access_token": token}, **kwargs)

    async def _send_http(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One HTTP exchange; network failures and 5xx become `WeComRetryable`."""
        try:
            response = await self._http.request(method, f"{self._base}/{path}", **kwargs)
        except httpx.TransportError as exc:
            raise WeComRetryable(None, f"{path}: {type(exc).__name__}") from exc
        if response.status_code >= 500:
            raise WeComRetryable(None, f"{path}: HTTP {response.status_code}")
        if response.status_code >= 400:
            raise WeComPermanent(None, f"{path}: HTTP {response.status_code}")
        return response


def _parse_json(response: httpx.Response) -> Json:
    """The JSON object of a reply; a body that is not one is a permanent failure."""
    try:
        body = response.json()
    except ValueError as exc:
        raise WeComPermanent(None, "reply is not JSON") from exc
    if not isinstance(body, dict):
        raise WeComPermanent(None, "reply is not a JSON object")
    return body


def _json_failure(response: httpx.Response) -> tuple[int, str] | None:
    """(errcode, errmsg) when the reply is a WeCom error, else None (a success, or a file's bytes).

    media/get answers a file as its bytes with a Content-Disposition header and an error as JSON, so a
    downloaded file that happens to be JSON is not mistaken for an error.
    """
    if "content-disposition" in response.headers or response.content[:64].lstrip()[:1] != b"{":
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    errcode = int(body.get("errcode") or 0)
    return (errcode, str(body.get("errmsg") or "")) if errcode else None
