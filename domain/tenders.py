"""Tenders (招投标, light): a bid's result, and where a lost bid's project expenses go.

The seed (篇三 项目费用): "如项目未能中标，则该项目费用的40%计入该办事处下一个中标项目的费用，累积计算" —
40 % of a lost bid's project expenses count toward the office's next won project, cumulatively.
Read here as: each lost bid carries to the first contract the office signs on or after the day the
bid was lost (ties: the lower contract number); several lost bids before one win all add up on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum


class TenderResult(StrEnum):
    """Where a bid stands."""

    PENDING = "pending"  # 投标中
    WON = "won"  # 中标
    LOST = "lost"  # 未中标


@dataclass(frozen=True)
class LostBid:
    """A lost bid and what it carries over (already 40 % of its project expenses)."""

    tender_id: int
    lost_on: date
    carry: Decimal


@dataclass(frozen=True)
class SignedContract:
    """A contract of the same office, by signing day."""

    contract_id: int
    signed_on: date


def assign_carry_overs(lost: list[LostBid], contracts: list[SignedContract]) -> dict[int, Decimal]:
    """Each lost bid's carry-over on the office's next contract signed on or after it was lost."""
    ordered = sorted(contracts, key=lambda c: (c.signed_on, c.contract_id))
    totals: dict[int, Decimal] = {}
    for bid in lost:
        target = next((c for c in ordered if c.signed_on >= bid.lost_on), None)
        if target is not None and bid.carry > 0:
            totals[target.contract_id] = totals.get(target.contract_id, Decimal(0)) + bid.carry
    return totals
