"""A local stand-in for WeCom's server side (企业微信服务端): an aiohttp server on loopback.

We wrote our own because no public WeCom test server exists: the real API needs a verified corp, a public
HTTPS callback URL and a member's phone. The bot is pointed at `api_base` instead of
https://qyapi.weixin.qq.com; tests act as members through the methods inherited from `MemberSide`,
which post encrypted callbacks to the bot, and read back what the bot sent through `messages` and friends.

It imports nothing from the bot. The callback crypto comes in as a constructor argument (anything with
`encrypt` and `callback_envelope`, see `CallbackCrypto`), so the crypto has one home and the stand-in
checks the bot against WeCom's scheme, not against a second copy of it.
"""

import time
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from standins.wecom.api import CgiBin
from standins.wecom.directory import Department, Directory, Member
from standins.wecom.limits import MemberRateLimit
from standins.wecom.media import MAX_BYTES, MediaStore, StoredMedia
from standins.wecom.member_side import CallbackCrypto, MemberSide
from standins.wecom.outbox import Outbox, SentMessage, Undelivered
from standins.wecom.tokens import TokenIssuer
from standins.wecom.web import WeComSandbox

MAX_REQUEST_BYTES = max(MAX_BYTES.values()) + 1024 * 1024  # the largest upload plus multipart overhead


class WeComStandIn(MemberSide):
    """WeCom's API on 127.0.0.1 for one corp and one app, with a member-side API for tests."""

    def __init__(
        self,
        *,
        crypto: CallbackCrypto,
        corp_id: str = "ww0000000000standin",
        corp_secret: str = "standin-secret",
        agent_id: int = 1000002,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.media = MediaStore(clock)
        super().__init__(crypto=crypto, corp_id=corp_id, agent_id=agent_id, media=self.media, clock=clock)
        self.corp_secret = corp_secret
        self.directory = Directory()
        self.tokens = TokenIssuer(corp_id=corp_id, corp_secret=corp_secret, clock=clock)
        self.limit = MemberRateLimit(clock)
        self.outbox = Outbox(
            agent_id=agent_id, directory=self.directory, media=self.media, limit=self.limit, clock=clock
        )
        self.api = CgiBin(
            tokens=self.tokens, outbox=self.outbox, media=self.media, directory=self.directory, clock=clock
        )
        self._runner: web.AppRunner | None = None
        self.sandbox: WeComSandbox | None = None  # the sandbox page, when `officebot sandbox` runs this
        self._host = "127.0.0.1"
        self._port = 0

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Listen on host:port (port 0 picks a free one)."""
        app = web.Application(client_max_size=MAX_REQUEST_BYTES)
        self.api.add_routes(app)
        if self.sandbox is not None:
            self.sandbox.add_routes(app)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        self._host, self._port = host, self._runner.addresses[0][1]
        self.pic_url_base = self.url

    async def stop(self) -> None:
        """Close the callback client and the server."""
        await self.close_member_client()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        """The port the server listens on."""
        return self._port

    @property
    def url(self) -> str:
        """The server's root URL."""
        return f"http://{self._host}:{self._port}"

    @property
    def api_base(self) -> str:
        """What replaces https://qyapi.weixin.qq.com/cgi-bin in the bot's settings."""
        return f"{self.url}/cgi-bin"

    # -- set-up ------------------------------------------------------------------------------

    def load_directory(self, departments: Iterable[Department], members: Iterable[Member]) -> None:
        """Replace the address book that department/list, user/list and message recipients use."""
        self.directory.load(departments, members)

    def expire_token(self) -> None:
        """Every access_token issued so far answers 42001 from now on, until the bot fetches a new one."""
        self.tokens.expire_all()

    # -- what the bot did ------------------------------------------------------------------

    @property
    def token_fetches(self) -> int:
        """How many successful gettoken calls the bot made."""
        return self.tokens.fetches

    @property
    def calls(self) -> list[str]:
        """Every API path the bot called, oldest first (e.g. "message/send")."""
        return list(self.api.calls)

    @property
    def menus(self) -> list[dict[str, Any]]:
        """Every menu/create body, oldest first."""
        return list(self.api.menus)

    def messages(self, userid: str) -> list[SentMessage]:
        """What `userid` received, oldest first (card updates applied in `.card`)."""
        return self.outbox.messages(userid)

    def texts(self, userid: str) -> list[str]:
        """The text and markdown contents `userid` received."""
        return [m.text for m in self.messages(userid) if m.text]

    def dropped(self, userid: str) -> int:
        """How many messages to `userid` WeCom's per-member limit silently dropped."""
        return self.outbox.dropped(userid)

    def duplicates(self, userid: str) -> list[Undelivered]:
        """Messages to `userid` that enable_duplicate_check held back."""
        return self.outbox.duplicates(userid)

    def stored_media(self, media_id: str) -> StoredMedia | None:
        """An uploaded (or member-sent) file by media_id."""
        return self.media.get(media_id)
