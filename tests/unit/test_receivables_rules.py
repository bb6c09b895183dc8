"""Receivable ageing, chasing stages and payment suggestions: each edge on both sides."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from domain.receivables import (
    Age,
    ChaseStage,
    OpenInstalment,
    age_of,
    chase_key,
    chase_stage,
    digest_key,
    outstanding,
    rank_for_payment,
)

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(("days_overdue", "expected"), [
    (-1, Age.NOT_DUE), (0, Age.UP_TO_30), (30, Age.UP_TO_30), (31, Age.UP_TO_60), (60, Age.UP_TO_60),
    (61, Age.UP_TO_90), (90, Age.UP_TO_90), (91, Age.OVER_90), (400, Age.OVER_90),
])
def test_ageing_bands(days_overdue: int, expected: Age) -> None:
    assert age_of(TODAY - timedelta(days=days_overdue), TODAY) == expected


@pytest.mark.parametrize(("days_overdue", "expected"), [
    (-8, None), (-7, ChaseStage.BEFORE), (-1, ChaseStage.BEFORE), (0, None), (1, ChaseStage.AFTER),
    (14, ChaseStage.AFTER), (15, ChaseStage.ESCALATE), (45, ChaseStage.ESCALATE), (46, None),
])
def test_chasing_stages(days_overdue: int, expected: ChaseStage | None) -> None:
    assert chase_stage(TODAY - timedelta(days=days_overdue), TODAY) == expected


def test_keys_are_stable() -> None:
    assert (chase_key(12, ChaseStage.AFTER), digest_key(TODAY), digest_key(date(2027, 1, 3))) == (
        "rcv:12:after", "rcv:digest:2026-W48", "rcv:digest:2026-W53")


@pytest.mark.parametrize(("amount", "received", "owed"), [(D(100), D(0), D(100)), (D(100), D(120), D(0))])
def test_outstanding_never_goes_below_zero(amount: D, received: D, owed: D) -> None:
    assert outstanding(amount, received) == owed


def test_a_payment_is_suggested_for_the_exact_amount_first_then_the_oldest() -> None:
    candidates = [OpenInstalment(1, date(2026, 10, 1), D(50000)), OpenInstalment(2, date(2026, 12, 1), D(80000)),
                  OpenInstalment(3, None, D(80000)), OpenInstalment(4, date(2026, 9, 1), D(0)),
                  OpenInstalment(5, date(2026, 11, 1), D(20000))]
    assert [c.id for c in rank_for_payment(D(80000), candidates)] == [2, 3, 1]
    assert [c.id for c in rank_for_payment(D(1), candidates, limit=5)] == [1, 5, 2, 3]
