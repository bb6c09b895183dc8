"""Receivables (应收账款): what an instalment still owes, how old it is, and when it is chased (催款).

An instalment is receivable from its due date until what was received covers it. Its age is the
days since the due date, in the usual bands: up to 30 days, 31–60, 61–90 and over 90.
Chasing, each stage once per instalment (the key records it):
- `before`: 1–7 days before the due date, the responsible person is reminded;
- `after`: 1–14 days overdue, the responsible person is asked to chase the customer;
- `escalate`: from 15 days overdue the office head is told as well — once; after a further 30
  days the instalment is no longer chased one by one (it stays in /receivables and the weekly digest).
A payment is suggested for the customer's open instalments: one it pays exactly first, then the
oldest due.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

CHASE_DAYS_BEFORE = 7
ESCALATE_AFTER_DAYS = 15
ESCALATE_WINDOW_DAYS = 30
UPCOMING_DAYS = 30
MAX_SUGGESTIONS = 3


class Age(StrEnum):
    """How long an instalment has been receivable."""

    NOT_DUE = "not_due"
    UP_TO_30 = "0-30"
    UP_TO_60 = "31-60"
    UP_TO_90 = "61-90"
    OVER_90 = "90+"


class ChaseStage(StrEnum):
    """Which collection reminder an instalment is at."""

    BEFORE = "before"
    AFTER = "after"
    ESCALATE = "escalate"


def outstanding(amount: Decimal, received: Decimal) -> Decimal:
    """What is still owed on an instalment (never below zero)."""
    return max(amount - received, Decimal(0))


def age_of(due_on: date, today: date) -> Age:
    """The ageing band of an instalment due on `due_on` (due today counts as 0 days overdue)."""
    days = (today - due_on).days
    if days < 0:
        return Age.NOT_DUE
    if days <= 30:
        return Age.UP_TO_30
    if days <= 60:
        return Age.UP_TO_60
    if days <= 90:
        return Age.UP_TO_90
    return Age.OVER_90


def chase_stage(due_on: date, today: date, *, days_before: int = CHASE_DAYS_BEFORE,
                escalate_after: int = ESCALATE_AFTER_DAYS, window: int = ESCALATE_WINDOW_DAYS) -> ChaseStage | None:
    """The chasing stage on `today` for an open instalment, or None (due today, or long overdue)."""
    overdue = (today - due_on).days
    if -days_before <= overdue <= -1:
        return ChaseStage.BEFORE
    if 1 <= overdue < escalate_after:
        return ChaseStage.AFTER
    if escalate_after <= overdue <= escalate_after + window:
        return ChaseStage.ESCALATE
    return None


def chase_key(instalment_id: int, stage: ChaseStage) -> str:
    """The once-only key of an instalment's chasing stage, e.g. 'rcv:12:after'."""
    return f"rcv:{instalment_id}:{stage.value}"


def digest_key(today: date) -> str:
    """The once-a-week key of the finance digest, e.g. 'rcv:digest:2026-W48'."""
    year, week, _day = today.isocalendar()
    return f"rcv:digest:{year}-W{week:02d}"


@dataclass(frozen=True)
class OpenInstalment:
    """An instalment that still owes money, as matching sees it."""

    id: int
    due_on: date | None
    owed: Decimal


def rank_for_payment(amount: Decimal, candidates: list[OpenInstalment], *,
                     limit: int = MAX_SUGGESTIONS) -> list[OpenInstalment]:
    """The customer's open instalments best matching a payment: exact amount first, then oldest due."""
    def order(item: OpenInstalment) -> tuple[int, date, int]:
        return (0 if item.owed == amount else 1, item.due_on or date.max, item.id)
    return sorted((c for c in candidates if c.owed > 0), key=order)[:limit]
