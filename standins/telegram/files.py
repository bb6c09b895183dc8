"""Files that went through the stand-in: user photos and the bot's documents and photos."""

import mimetypes
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any


@dataclass(frozen=True)
class StoredFile:
    """One stored file; a photo has one of these per size, all sharing the bytes."""

    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    filename: str
    mime_type: str

    def to_file(self) -> dict[str, Any]:
        """The Bot API File object that getFile returns."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }

    def to_document(self) -> dict[str, Any]:
        """The Bot API Document object."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_name": self.filename,
            "mime_type": self.mime_type,
            "file_size": len(self.data),
        }

    def to_photo_size(self, width: int, height: int) -> dict[str, Any]:
        """The Bot API PhotoSize object."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "width": width,
            "height": height,
        }


PHOTO_SIZES = ((90, 68), (1280, 960))


class FileStore:
    """Keeps file bytes by file_id and by file_path (the download URL's tail)."""

    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._count = 0

    def add(self, data: bytes, *, filename: str, mime_type: str | None = None, folder: str) -> StoredFile:
        """Store bytes under fresh ids; `folder` is e.g. "documents" or "photos"."""
        self._count += 1
        suffix = PurePosixPath(filename).suffix
        stored = StoredFile(
            file_id=f"{folder.rstrip('s')}-{self._count:05d}",
            file_unique_id=f"u{self._count:05d}",
            file_path=f"{folder}/file_{self._count}{suffix}",
            data=data,
            filename=filename,
            mime_type=mime_type or mimetypes.guess_type(filename)[0] or "application/octet-stream",
        )
        self._by_id[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        return stored

    def add_photo(self, data: bytes, *, filename: str = "photo.jpg") -> list[dict[str, Any]]:
        """Store a photo and return its PhotoSize list (small to large, distinct ids)."""
        return [
            self.add(data, filename=filename, mime_type="image/jpeg", folder="photos").to_photo_size(w, h)
            for w, h in PHOTO_SIZES
        ]

    def get(self, file_id: str) -> StoredFile | None:
        """The file with this file_id, if any."""
        return self._by_id.get(file_id)

    def by_path(self, file_path: str) -> StoredFile | None:
        """The file with this file_path, if any."""
        return self._by_path.get(file_path)
