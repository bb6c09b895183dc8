"""Every approval button's callback data, written and read in this one place (≤ 64 bytes, ids only).

`apv:<request>:<step>:<action>` acts on one step (approve, reject with a reason, approve with a
comment, send back for changes); `<prefix>:<request>` acts on a whole request (withdraw, nudge,
resubmit after changes, copy into a new one). Parsing refuses anything not made here: the presser's
rights and the request's state are checked afterwards, never taken from the data.
"""

from __future__ import annotations

import re
from enum import StrEnum

DECIDE = "apv"
CARD_PREFIX = "apv"  # the ShownCard key of a step's card: `apv:<request>:<step>[:<round>]`
_ID = re.compile(r"[0-9]{1,18}")


class StepAction(StrEnum):
    """What a tap on an approver's card does."""

    APPROVE = "a"
    REJECT = "r"  # asks for the reason first
    COMMENT = "c"  # 同意并评论: asks for the comment, then approves
    SEND_BACK = "b"  # 退回修改: asks what to change


class RequestAction(StrEnum):
    """Buttons on the requester's side (and the head's nudge), by their callback prefix."""

    WITHDRAW = "apw"
    NUDGE = "apn"
    RESUBMIT = "apr"
    COPY = "apx"
    INVOICE = "apf"  # 补发票: an approved expense's invoice arrived later (requester or finance)


def _id(text: str) -> int | None:
    return int(text) if _ID.fullmatch(text) else None


def step_data(request_id: int, step: int, action: StepAction) -> str:
    """Callback data for an action on one step of a request."""
    return f"{DECIDE}:{request_id}:{step}:{action.value}"


def parse_step(data: str) -> tuple[int, int, StepAction] | None:
    """`apv:<request>:<step>:<action>` → its parts; anything else → None."""
    parts = data.split(":")
    if len(parts) != 4 or parts[0] != DECIDE:
        return None
    request_id, step = _id(parts[1]), _id(parts[2])
    if request_id is None or step is None or parts[3] not in {a.value for a in StepAction}:
        return None
    return request_id, step, StepAction(parts[3])


def request_data(action: RequestAction, request_id: int) -> str:
    """Callback data for an action on a whole request."""
    return f"{action.value}:{request_id}"


def parse_request(data: str, action: RequestAction) -> int | None:
    """`<prefix>:<request>` for this action → the request id; anything else → None."""
    parts = data.split(":")
    return _id(parts[1]) if len(parts) == 2 and parts[0] == action.value else None


def card_key(request_id: int, step: int, round_: int = 0) -> str:
    """The key under which the card of one step (of one round) is remembered wherever it is shown.

    Per step, so that retiring step 0's cards never touches the live card of step 1.
    """
    return f"{CARD_PREFIX}:{request_id}:{step}" + (f":{round_}" if round_ else "")
