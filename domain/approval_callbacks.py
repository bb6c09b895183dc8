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
    INVOICE = "apf"  # 补发票: an approved expense's invoice arrived later (requester or finance)


def card_key(request_id: int, step: int, round_: int = 0) -> str:
    """The key under which the card of one step (of one round) is remembered wherever it is shown.

    Per step, so that retiring step 0's cards never touches the live card of step 1. Not callback data:
    it never travels in a button.
    """
    return f"{CARD_PREFIX}:{request_id}:{step}" + (f":{round_}" if round_ else "")


REQUESTER_CARD_PREFIX = "apq"  # the requester's cards of a request: `apq:<request>:<step or b>[:<round>]`
LISTING_PREFIX = "apl"  # a requester's /requests listing: `apl:<staff>`
OFFICE_LIST_PREFIX = "apo"  # an office head's list of the office's waiting requests (/status): `apo:<office>`


def requester_card_key(request_id: int, step: int | None, round_: int = 0) -> str:
    """The key of the requester's card for one step of one round (its 撤回 / 催办 buttons), or with `step`
    None for the round's 退回修改 notice (修改 / 撤回): retired when that step is decided, the request
    withdrawn, or the changed request resubmitted."""
    return f"{REQUESTER_CARD_PREFIX}:{request_id}:{'b' if step is None else step}" + (f":{round_}" if round_ else "")


def listing_key(staff_id: int) -> str:
    """The key of a requester's /requests listing: edited whenever one of their requests moves on."""
    return f"{LISTING_PREFIX}:{staff_id}"


def office_list_key(office_id: int) -> str:
    """The key of the office's waiting-requests list under a head's /status (催办 buttons)."""
    return f"{OFFICE_LIST_PREFIX}:{office_id}"
