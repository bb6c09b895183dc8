"""Temporary media (临时素材): what media/upload stored, fetched again by media_id with media/get.

As on WeCom, a media id is valid for three days after the upload (or after the member sent the
picture); after that media/get and message/send refuse it as an invalid media_id.
"""

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from standins.wecom.errors import EMPTY_MEDIA, INVALID_FILE_SIZE, INVALID_IMAGE_SIZE, INVALID_TYPE, ApiError

MAX_BYTES = {"image": 10 * 1024 * 1024, "voice": 2 * 1024 * 1024, "video": 10 * 1024 * 1024, "file": 20 * 1024 * 1024}
MIN_BYTES = 5  # WeCom refuses files under 5 bytes
KEEP_SECONDS = 3 * 24 * 3600


@dataclass(frozen=True)
class StoredMedia:
    """One uploaded file."""

    media_id: str
    type: str
    filename: str
    content_type: str
    data: bytes
    created_at: int


class MediaStore:
    """Uploaded media by media_id, checked against WeCom's type and size rules."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._media: dict[str, StoredMedia] = {}
        self._clock = clock

    def add(self, *, media_type: str, filename: str, content_type: str, data: bytes, now: float) -> StoredMedia:
        """Store an upload; WeCom's errcode when the type or size is not allowed."""
        if media_type not in MAX_BYTES:
            raise ApiError(INVALID_TYPE, f"invalid media type: {media_type}")
        if not data:
            raise ApiError(EMPTY_MEDIA, "empty media data")
        if not MIN_BYTES <= len(data) <= MAX_BYTES[media_type]:
            code = INVALID_IMAGE_SIZE if media_type == "image" else INVALID_FILE_SIZE
            raise ApiError(code, f"invalid {media_type} size: {len(data)}")
        media_id = f"{media_type[0]}{secrets.token_urlsafe(24)}"
        stored = StoredMedia(media_id, media_type, filename, content_type, data, int(now))
        self._media[media_id] = stored
        return stored

    def get(self, media_id: str) -> StoredMedia | None:
        """The stored file, if `media_id` is one of ours and less than three days old."""
        stored = self._media.get(media_id)
        if stored is None or self._clock() - stored.created_at >= KEEP_SECONDS:
            return None
        return stored

    def age(self, seconds: float) -> None:
        """Make every stored file `seconds` older (tests: three days pass for the media only)."""
        self._media = {k: replace(v, created_at=int(v.created_at - seconds)) for k, v in self._media.items()}

    def reply(self, stored: StoredMedia) -> dict[str, Any]:
        """media/upload's JSON reply (created_at is a string there, as in WeCom)."""
        return {
            "errcode": 0,
            "errmsg": "",
            "type": stored.type,
            "media_id": stored.media_id,
            "created_at": str(stored.created_at),
        }
