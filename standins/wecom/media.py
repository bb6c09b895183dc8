"""Temporary media (临时素材): what media/upload stored, fetched again by media_id with media/get."""

import secrets
from dataclasses import dataclass
from typing import Any

from standins.wecom.errors import EMPTY_MEDIA, INVALID_FILE_SIZE, INVALID_IMAGE_SIZE, INVALID_TYPE, ApiError

MAX_BYTES = {"image": 10 * 1024 * 1024, "voice": 2 * 1024 * 1024, "video": 10 * 1024 * 1024, "file": 20 * 1024 * 1024}
MIN_BYTES = 5  # WeCom refuses files under 5 bytes


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

    def __init__(self) -> None:
        self._media: dict[str, StoredMedia] = {}

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
        """The stored file, if `media_id` is one of ours."""
        return self._media.get(media_id)

    def reply(self, stored: StoredMedia) -> dict[str, Any]:
        """media/upload's JSON reply (created_at is a string there, as in WeCom)."""
        return {
            "errcode": 0,
            "errmsg": "",
            "type": stored.type,
            "media_id": stored.media_id,
            "created_at": str(stored.created_at),
        }
