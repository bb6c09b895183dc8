"""WeCom's error replies: an errcode and errmsg in a JSON body, always with HTTP 200, as WeCom answers."""

from typing import Any


class ApiError(Exception):
    """A WeCom API failure, answered as ``{"errcode": ..., "errmsg": ...}``."""

    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(f"{errcode} {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg

    def payload(self) -> dict[str, Any]:
        """The JSON body WeCom sends for this error."""
        return {"errcode": self.errcode, "errmsg": self.errmsg}


def ok(**fields: Any) -> dict[str, Any]:
    """A successful reply: errcode 0 and errmsg "ok" first, then the call's own fields."""
    return {"errcode": 0, "errmsg": "ok", **fields}


# The codes below are WeCom's own (its global error code list); the messages are its English hints.
INVALID_SECRET = 40001
INVALID_USERID = 40003
INVALID_MEDIA_TYPE = 40004
INVALID_TYPE = 40005
INVALID_FILE_SIZE = 40006
INVALID_MEDIA_ID = 40007
INVALID_MSGTYPE = 40008
INVALID_IMAGE_SIZE = 40009
INVALID_CORPID = 40013
INVALID_ACCESS_TOKEN = 40014
INVALID_BUTTON_COUNT = 40016
INVALID_AGENTID = 40056
INVALID_PARAMETER = 40058
MISSING_ACCESS_TOKEN = 41001
MISSING_CORPID = 41002
MISSING_SECRET = 41004
MISSING_MEDIA_ID = 41006
MISSING_AGENTID = 41011
ACCESS_TOKEN_EXPIRED = 42001
EMPTY_MEDIA = 44001
EMPTY_CONTENT = 44004
CONTENT_TOO_LONG = 45002
DATA_FORMAT_ERROR = 47001
DEPARTMENT_NOT_FOUND = 60003
ALL_RECIPIENTS_INVALID = 81013
NO_RECIPIENTS = 82001
