"""A delivery needs a return (退换) when its packaging is damaged or pieces are missing."""

from __future__ import annotations

import pytest

from domain.logistics import check_receipt


@pytest.mark.parametrize(("shipped", "received", "packaging_ok", "short_by", "needs_return"), [
    (3, 3, True, 0, False),
    (3, 2, True, 1, True),
    (3, 3, False, 0, True),
    (3, 0, False, 3, True),
    (3, 4, True, 0, False),  # more than shipped: recorded, not a shortage
])
def test_check_receipt(shipped: int, received: int, packaging_ok: bool, short_by: int, needs_return: bool) -> None:
    check = check_receipt(shipped=shipped, received=received, packaging_ok=packaging_ok)
    assert (check.short_by, check.needs_return) == (short_by, needs_return)
