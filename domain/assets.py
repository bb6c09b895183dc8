"""Fixed assets (固定资产, seed 002 行政: 协助进行固定资产的登记与管理; 篇二: 办事处财产的管理、控制保护权).

An asset is in an office's store (no holder) or held by a person of that office. Moves:
assign (store → person), return (person → store), transfer (to another person of the office, or to
another office's store). Every move is one audit entry. A move that changes nothing is refused,
so a second tap on the same button records nothing. The yearly inventory check (盘点) falls on
`STOCKTAKE_MONTH`/`STOCKTAKE_DAY` in each office's time zone.
"""

from __future__ import annotations

import re
from enum import StrEnum

ASSET_NO = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-_/]{0,39}")
STOCKTAKE_MONTH, STOCKTAKE_DAY = 12, 1


class AssetCategory(StrEnum):
    """What kind of property it is."""

    COMPUTER = "computer"
    OFFICE_EQUIPMENT = "office_equipment"
    FURNITURE = "furniture"
    VEHICLE = "vehicle"
    OTHER = "other"


class MoveAction(StrEnum):
    """One line of an asset's audit trail."""

    REGISTER = "register"
    ASSIGN = "assign"
    RETURN = "return"
    TRANSFER = "transfer"


def valid_asset_no(text: str) -> bool:
    """An asset number: letters, digits, - _ /, at most 40 characters, starting with a letter or digit."""
    return bool(ASSET_NO.fullmatch(text))


def move_for(*, holder: int | None, office: int, to_holder: int | None, to_office: int) -> MoveAction | None:
    """Which move takes an asset from (holder, office) to (to_holder, to_office); None if nothing changes.

    A person receiving an asset must be in `to_office` (the caller checks); another office receives into its store.
    """
    if (holder, office) == (to_holder, to_office):
        return None
    if to_office != office:
        return MoveAction.TRANSFER if to_holder is None else None
    if holder is None:
        return MoveAction.ASSIGN
    return MoveAction.RETURN if to_holder is None else MoveAction.TRANSFER
