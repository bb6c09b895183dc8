"""The approval buttons' callback data: made in one place, parsed strictly."""

from __future__ import annotations

import pytest

from domain.approval_callbacks import (
    RequestAction,
    StepAction,
    card_key,
    parse_request,
    parse_step,
    request_data,
    step_data,
)


@pytest.mark.parametrize("action", list(StepAction))
def test_step_data_round_trips(action: StepAction) -> None:
    assert parse_step(step_data(12, 3, action)) == (12, 3, action)


@pytest.mark.parametrize("data", ["apv:1:0", "apv:1:0:x", "apv:1:0:a:b", "apv:-1:0:a", "apv:1:²:a", "apw:1:0:a",
                                  "apv:1234567890123456789:0:a", "apv::0:a", ""])
def test_bad_step_data_is_refused(data: str) -> None:
    assert parse_step(data) is None


@pytest.mark.parametrize("action", list(RequestAction))
def test_request_data_round_trips_and_fits(action: RequestAction) -> None:
    data = request_data(action, 999999999999999999)
    assert parse_request(data, action) == 999999999999999999 and len(data.encode()) <= 64


@pytest.mark.parametrize(("data", "action"), [("apn:1", RequestAction.WITHDRAW), ("apn:", RequestAction.NUDGE),
                                              ("apn:1:2", RequestAction.NUDGE), ("apn:x", RequestAction.NUDGE)])
def test_bad_request_data_is_refused(data: str, action: RequestAction) -> None:
    assert parse_request(data, action) is None


def test_card_key_names_the_step_and_the_round() -> None:
    assert (card_key(12, 0), card_key(12, 1), card_key(12, 1, 2)) == ("apv:12:0", "apv:12:1", "apv:12:1:2")
