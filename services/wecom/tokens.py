"""WeCom's access_token kept in the database, so every instance uses one token and one refreshes it.

WeCom limits gettoken calls and hands every caller the same token while it is valid (7,200 s), so a
fleet that fetched per instance, or per send, would spend its quota and gain nothing. The row in
`wecom_access_tokens` holds the token and its expiry; a refresh is guarded by a lease taken with a
conditional UPDATE (`claim_refresh`): exactly one instance wins it, fetches, and `store_token`s the
result, while the others poll `usable_token` until the new token appears.

A lease rather than a row lock held during the fetch: on SQLite a lock held across an HTTP call to
WeCom would be the database's one write lock, stalling every update the bot handles meanwhile; and a
holder that dies only leaves a lease that runs out (`lease_until`), never a stuck lock.

Every function is synchronous and short; the async client runs them with `asyncio.to_thread`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, false, or_, update

from storage.claims import insert_ignore, rowcount
from storage.models import AccessToken
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class CachedToken:
    """An access_token and the moment WeCom said it stops working."""

    token: str
    expires_at: datetime

    def usable(self, *, now: datetime, margin: timedelta, rejected: str | None = None) -> bool:
        """Valid for at least `margin` more, and not the token WeCom just refused."""
        return bool(self.token) and self.token != rejected and self.expires_at > now + margin


def usable_token(
    uow: UnitOfWork, *, key: str, now: datetime, margin: timedelta, rejected: str | None = None
) -> CachedToken | None:
    """The stored token when it is still usable (see `CachedToken.usable`), else None."""
    with uow:
        row = uow.session.get(AccessToken, key)
        if row is None:
            return None
        cached = CachedToken(row.token, row.expires_at)
        return cached if cached.usable(now=now, margin=margin, rejected=rejected) else None


def claim_refresh(
    uow: UnitOfWork,
    *,
    key: str,
    owner: str,
    now: datetime,
    lease: timedelta,
    margin: timedelta,
    rejected: str | None = None,
) -> bool:
    """Take the refresh lease; True when this call won it and the caller must fetch a new token.

    The UPDATE only matches while the stored token is still unusable and nobody else holds a live
    lease, so of several instances racing here exactly one wins (PostgreSQL re-checks the WHERE after
    waiting on the row lock; SQLite runs the transactions one at a time), and an instance that comes
    after a fresh token was stored wins nothing and reads that token instead.
    """
    with uow:
        session = uow.session
        insert_ignore(session, AccessToken, {"key": key, "token": "", "expires_at": now, "updated_at": now})
        stale: ColumnElement[bool] = or_(
            AccessToken.token == "",
            AccessToken.expires_at <= now + margin,
            AccessToken.token == rejected if rejected else false(),
        )
        free = or_(AccessToken.lease_until.is_(None), AccessToken.lease_until <= now)
        result = session.execute(
            update(AccessToken)
            .where(AccessToken.key == key, stale, free)
            .values(lease_owner=owner, lease_until=now + lease, updated_at=now)
        )
        won = rowcount(result) == 1
        uow.commit()
        return won


def store_token(
    uow: UnitOfWork, *, key: str, owner: str, token: str, expires_at: datetime, now: datetime
) -> bool:
    """Save the fetched token and end the lease; False (nothing saved) when the lease was no longer ours.

    A holder slower than its lease may have been overtaken: the newer holder's token wins, and the
    slow one still uses what it fetched (WeCom keeps both valid until their expiry).
    """
    with uow:
        result = uow.session.execute(
            update(AccessToken)
            .where(AccessToken.key == key, AccessToken.lease_owner == owner)
            .values(
                token=token, expires_at=expires_at, fetched_by=owner, fetched_at=now, updated_at=now,
                lease_owner=None, lease_until=None,
            )
        )
        stored = rowcount(result) == 1
        uow.commit()
        return stored


def release_refresh(uow: UnitOfWork, *, key: str, owner: str) -> None:
    """Give the lease back after a failed fetch, so another instance may try at once."""
    with uow:
        uow.session.execute(
            update(AccessToken)
            .where(AccessToken.key == key, AccessToken.lease_owner == owner)
            .values(lease_owner=None, lease_until=None)
        )
        uow.commit()
