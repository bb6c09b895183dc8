"""A lost bid's carry-over lands on the office's next contract signed on or after the loss (累积计算)."""

from datetime import date
from decimal import Decimal as D

import pytest

from domain.tenders import LostBid, SignedContract, assign_carry_overs

CONTRACTS = [SignedContract(7, date(2026, 11, 20)), SignedContract(5, date(2026, 11, 20)),
             SignedContract(9, date(2026, 12, 1))]


@pytest.mark.parametrize(("lost_on", "expected"), [
    (date(2026, 11, 19), {5: D(400)}),  # before both same-day contracts: the lower number
    (date(2026, 11, 20), {5: D(400)}),  # signed the same day it was lost: counts
    (date(2026, 11, 21), {9: D(400)}),
    (date(2026, 12, 2), {}),  # no later win yet
])
def test_a_lost_bid_goes_to_the_next_contract(lost_on: date, expected: dict[int, D]) -> None:
    assert assign_carry_overs([LostBid(1, lost_on, D(400))], CONTRACTS) == expected


def test_several_lost_bids_add_up_and_nothing_carries_nothing() -> None:
    bids = [LostBid(1, date(2026, 11, 1), D(400)), LostBid(2, date(2026, 11, 10), D("100.50")),
            LostBid(3, date(2026, 11, 11), D(0))]
    assert assign_carry_overs(bids, CONTRACTS) == {5: D("500.50")}
