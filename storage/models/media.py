"""Pictures people sent, kept by us when the channel would not keep them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, utcnow


class MediaFile(Base):
    """One picture (a receipt, a repair photo) as the bytes a member sent.

    WeCom forgets a member's picture after three days (临时素材), and its media id means nothing to
    Telegram, so a WeCom picture is copied here on arrival and records refer to it as ``media:<id>``;
    the sender uploads it again to whichever channel shows it. ``(channel, source_id)`` is unique so
    a redelivered callback keeps one copy.
    """

    __tablename__ = "media_files"
    __table_args__ = (UniqueConstraint("channel", "source_id", name="uq_media_source"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    source_id: Mapped[str] = mapped_column(String(256))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
