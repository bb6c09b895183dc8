"""Pictures kept in our database: a channel-neutral reference (``media:<id>``) to the bytes a person sent.

Telegram keeps a photo behind its file id for good, so Telegram photos stay file ids. WeCom forgets a
member's picture after three days and its media id is useless on Telegram, so a WeCom picture is
copied here when it arrives (bot/wecom/app.py) and the sender uploads it again wherever it is shown.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from storage.claims import insert_ignore
from storage.models import MediaFile
from storage.uow import UnitOfWork

PREFIX = "media:"


def keep(uow: UnitOfWork, *, channel: str, source_id: str, data: bytes, now: datetime) -> str:
    """Store a picture once per (channel, source id) — a redelivered callback keeps one copy; its reference."""
    with uow:
        insert_ignore(uow.session, MediaFile, {"channel": channel, "source_id": source_id, "data": data,
                                               "created_at": now})
        media_id = uow.session.scalar(select(MediaFile.id).where(MediaFile.channel == channel,
                                                                 MediaFile.source_id == source_id))
        uow.commit()
    return f"{PREFIX}{media_id}"


def stored_id(ref: str) -> int | None:
    """The row id a ``media:<id>`` reference names; None for a channel's own file id."""
    if not ref.startswith(PREFIX) or not ref[len(PREFIX):].isdigit():
        return None
    return int(ref[len(PREFIX):])


def load(uow: UnitOfWork, ref: str) -> bytes | None:
    """The bytes behind a ``media:<id>`` reference (None when it is not one, or is gone)."""
    media_id = stored_id(ref)
    if media_id is None:
        return None
    with uow:
        return uow.session.scalar(select(MediaFile.data).where(MediaFile.id == media_id))
