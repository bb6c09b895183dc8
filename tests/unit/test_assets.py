"""Which move takes an asset where, and which asset numbers are accepted."""

from __future__ import annotations

import pytest

from domain.assets import MoveAction, move_for, valid_asset_no


@pytest.mark.parametrize(("holder", "office", "to_holder", "to_office", "expected"), [
    (None, 1, 7, 1, MoveAction.ASSIGN),
    (7, 1, None, 1, MoveAction.RETURN),
    (7, 1, 8, 1, MoveAction.TRANSFER),
    (7, 1, None, 2, MoveAction.TRANSFER),
    (None, 1, None, 2, MoveAction.TRANSFER),
    (7, 1, 7, 1, None),
    (None, 1, None, 1, None),
    (7, 1, 9, 2, None),  # another office receives into its store, never straight to a person
])
def test_move_for(holder: int | None, office: int, to_holder: int | None, to_office: int,
                  expected: MoveAction | None) -> None:
    assert move_for(holder=holder, office=office, to_holder=to_holder, to_office=to_office) == expected


@pytest.mark.parametrize(("text", "ok"), [
    ("ZC-2026-001", True), ("A1", True), ("BJ/PC_07", True), ("资产一号", False), ("-x", False), ("", False),
    ("A" * 40, True), ("A" * 41, False), ("ZC 001", False),
])
def test_asset_numbers(text: str, ok: bool) -> None:
    assert valid_asset_no(text) is ok
