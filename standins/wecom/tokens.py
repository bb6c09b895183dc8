"""access_token issuing and checking, as WeCom's gettoken does it: one token per app, valid 7200 s."""

import secrets
from collections.abc import Callable, Mapping
from typing import Any

from standins.wecom.errors import (
    ACCESS_TOKEN_EXPIRED,
    INVALID_ACCESS_TOKEN,
    INVALID_CORPID,
    INVALID_SECRET,
    MISSING_ACCESS_TOKEN,
    MISSING_CORPID,
    MISSING_SECRET,
    ApiError,
    ok,
)

TOKEN_LIFETIME_SECONDS = 7200


class TokenIssuer:
    """Hands out access tokens for one corp id and secret, and tells valid, expired and unknown ones apart.

    Like WeCom, asking again while the token is valid returns the same token (with the seconds left), so a
    bot that refetches on every call is visible in `fetches`. `expire_all` makes every issued token answer
    42001 at once, which is how a test checks that the bot refetches and retries.
    """

    def __init__(self, *, corp_id: str, corp_secret: str, clock: Callable[[], float]) -> None:
        self.corp_id = corp_id
        self.corp_secret = corp_secret
        self.fetches = 0
        self._clock = clock
        self._expiry: dict[str, float] = {}
        self._current: str | None = None

    def issue(self, query: Mapping[str, str]) -> dict[str, Any]:
        """The gettoken reply for `corpid` and `corpsecret`, or the error WeCom gives."""
        corp_id, secret = query.get("corpid", ""), query.get("corpsecret", "")
        if not corp_id:
            raise ApiError(MISSING_CORPID, "corpid missing")
        if not secret:
            raise ApiError(MISSING_SECRET, "corpsecret missing")
        if corp_id != self.corp_id:
            raise ApiError(INVALID_CORPID, "invalid corpid")
        if not secrets.compare_digest(secret, self.corp_secret):
            raise ApiError(INVALID_SECRET, "invalid credential")
        self.fetches += 1
        now = self._clock()
        if self._current is None or self._expiry[self._current] <= now:
            self._current = secrets.token_urlsafe(48)
            self._expiry[self._current] = now + TOKEN_LIFETIME_SECONDS
        remaining = int(self._expiry[self._current] - now)
        return ok(access_token=self._current, expires_in=remaining)

    def check(self, token: str | None) -> None:
        """Raise WeCom's error for a missing (41001), unknown (40014) or expired (42001) access_token."""
        if not token:
            raise ApiError(MISSING_ACCESS_TOKEN, "access_token missing")
        expiry = self._expiry.get(token)
        if expiry is None:
            raise ApiError(INVALID_ACCESS_TOKEN, "invalid access_token")
        if expiry <= self._clock():
            raise ApiError(ACCESS_TOKEN_EXPIRED, "access_token expired")

    def expire_all(self) -> None:
        """Every token issued so far expires now; the next gettoken hands out a new one."""
        now = self._clock()
        for token in self._expiry:
            self._expiry[token] = min(self._expiry[token], now)
