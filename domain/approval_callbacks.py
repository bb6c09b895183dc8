"""The names of the approval buttons' actions and the key of a step's card (ids only).

The buttons' callback data itself is packed and unpacked by `domain.callbacks` (`APPROVAL_STEP`:
`request`, `step`, `action`; `WITHDRAW`, `NUDGE`, `RESUBMIT`, `COPY`: `request`): the presser's rights
and the request's state are checked afterwards, never taken from the data.
"""

from __future__ import annotations

from enum import StrEnum

CARD_PREFIX = "apv"  # the ShownCard key of a step's card: `apv:<request>:<step>[:<round>]`


class StepAction(StrEnum):
    """What a tap on an approver's card does."""

    APPROVE = "a"
    REJECT = "r"  # asks for the reason first
    COMMENT = "c"  # 同意并评论: asks for the comment, then approves
    SEND_BACK = "b"  # 退回修改: asks what to change


class RequestAction(StrEnum):
    """Buttons on the requester's side (and the head's nudge); each is a kind in `domain.callbacks`."""

    WITHDRAW = "apw"
    NUDGE = "apn"
    RESUBMIT = "apr"
    COPY = "apx"


def card_key(request_id: int, step: int, round_: int = 0) -> str:
    """The key under which the card of one step (of one round) is remembered wherever it is shown.

    Per step, so that retiring step 0's cards never touches the live card of step 1. Not callback data:
    it never travels in a button.
    """
    return f"{CARD_PREFIX}:{request_id}:{step}" + (f":{round_}" if round_ else "")
