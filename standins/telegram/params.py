"""Reading Bot API parameters from query strings, form, multipart and JSON bodies."""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from standins.telegram.errors import bad_request

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_TRUE = {"true", "1", "yes"}


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request."""

    filename: str
    data: bytes
    content_type: str


class Params:
    """A method's parameters; form values arrive as strings, JSON values already typed."""

    def __init__(self, values: Mapping[str, Any], uploads: Mapping[str, Upload] | None = None) -> None:
        self.values = dict(values)
        self.uploads = dict(uploads or {})

    def has(self, name: str) -> bool:
        """Whether the parameter (or a file part of that name) was sent."""
        return name in self.values or name in self.uploads

    def text(self, name: str, *, required: bool = False, empty: str | None = None) -> str | None:
        """A string parameter; a missing required one fails with `empty` or "<name> is empty"."""
        value = self.values.get(name)
        if value is None or value == "":
            if required:
                raise bad_request(empty or f"{name} is empty")
            return None
        return value if isinstance(value, str) else json.dumps(value)

    def integer(self, name: str, *, required: bool = False, invalid: str | None = None) -> int | None:
        """An integer parameter."""
        raw = self.text(name, required=required)
        if raw is None:
            return None
        try:
            return int(raw)
        except ValueError:
            raise bad_request(invalid or f"invalid {name} specified") from None

    def number(self, name: str, *, required: bool = False) -> float | None:
        """A floating point parameter."""
        raw = self.text(name, required=required)
        if raw is None:
            return None
        try:
            return float(raw)
        except ValueError:
            raise bad_request(f"invalid {name} specified") from None

    def flag(self, name: str) -> bool:
        """A boolean parameter (PTB sends "true"/"false" in forms)."""
        value = self.values.get(name)
        if isinstance(value, bool):
            return value
        return str(value).lower() in _TRUE

    def structured(self, name: str) -> Any:
        """A structured parameter: JSON text in forms, a JSON value in JSON bodies."""
        value = self.values.get(name)
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {name} JSON object") from None

    def upload(self, name: str) -> Upload | None:
        """The file sent for `name`, directly or through an ``attach://<part>`` reference."""
        value = self.values.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            return self.uploads.get(value.removeprefix("attach://"))
        return self.uploads.get(name)

    def loggable(self) -> dict[str, Any]:
        """The values with files shown as their file names, for the request log."""
        logged = dict(self.values)
        logged.update({name: f"<file {upload.filename}>" for name, upload in self.uploads.items()})
        return logged


async def read_params(request: web.Request) -> Params:
    """Collect the parameters of a Bot API call however they were encoded."""
    values: dict[str, Any] = dict(request.query)
    uploads: dict[str, Upload] = {}
    if request.content_type == "application/json":
        values.update(await _read_json(request))
    elif request.content_type in _FORM_TYPES:
        for name, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                uploads[name] = Upload(value.filename, value.file.read(), value.content_type)
            else:
                values[name] = value
    return Params(values, uploads)


async def _read_json(request: web.Request) -> dict[str, Any]:
    """A JSON object body (an empty body counts as no parameters)."""
    text = await request.text()
    if not text.strip():
        return {}
    try:
        body = json.loads(text)
    except ValueError:
        raise bad_request("can't parse JSON object") from None
    if not isinstance(body, dict):
        raise bad_request("can't parse JSON object")
    return body
