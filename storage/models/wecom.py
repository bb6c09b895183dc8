"""WeCom's access_token, shared by every instance of the bot through the database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, utcnow


class AccessToken(Base):
    """The current access_token of one WeCom app (key ``corp_id:agent_id``) and who is refreshing it.

    WeCom allows a limited number of gettoken calls and hands every caller the same token while it is
    valid, so the instances keep one row: the token with its expiry, and a short lease
    (`lease_owner`, `lease_until`) that lets exactly one instance fetch a new one while the others wait
    for it instead of fetching too.
    """

    __tablename__ = "wecom_access_tokens"
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    token: Mapped[str] = mapped_column(Text, default="")
    expires_at: Mapped[datetime]
    fetched_by: Mapped[str | None] = mapped_column(String(120))
    fetched_at: Mapped[datetime | None]
    lease_owner: Mapped[str | None] = mapped_column(String(120))
    lease_until: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
