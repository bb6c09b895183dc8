"""Errors the stand-in answers with, shaped like the Bot API's error replies."""

from typing import Any


class ApiError(Exception):
    """A Bot API failure: an HTTP status code plus Telegram's description."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description

    def payload(self) -> dict[str, Any]:
        """The JSON body the real Bot API sends for this error."""
        return {"ok": False, "error_code": self.code, "description": self.description}


def bad_request(detail: str) -> ApiError:
    """A 400 error with Telegram's "Bad Request: ..." description."""
    return ApiError(400, f"Bad Request: {detail}")


def conflict(detail: str) -> ApiError:
    """A 409 error with Telegram's "Conflict: ..." description."""
    return ApiError(409, f"Conflict: {detail}")


UNAUTHORIZED = ApiError(401, "Unauthorized")
NOT_FOUND = ApiError(404, "Not Found")
