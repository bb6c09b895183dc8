"""The monthly score sheet (月度评分表, seed 002 篇二 办事处经理): rules and the month's timetable.

"每月根据办事处人员的工作表现，进行工作成绩和业务能力的考核，填写'月度评分表'": on the 1st the office head
scores everyone else in the office for the past month on each criterion (1..`scale_max`), with the
month's facts in front of them; on `due_day` the head is chased, on `escalate_day` the GM is told who
is still unscored, and on `sheet_day` HR and the GM get the sheet. Optional weights make a weighted
total (default: every criterion counts once).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

CRITERIA = ("results", "ability", "discipline", "teamwork")
"""工作成绩, 业务能力, 工作纪律, 团队协作: the seed names the first two; the issue adds the others."""


class ScoreStep(StrEnum):
    """What the sweep may send for a month's sheet, in the order they fall due."""

    OPEN = "open"
    CHASE = "chase"
    ESCALATE = "escalate"
    SHEET = "sheet"


@dataclass(frozen=True)
class ScoreTimetable:
    """Days of the month (after the scored one) on which each step falls due."""

    open_day: int = 1
    due_day: int = 3
    escalate_day: int = 4
    sheet_day: int = 5


def scored_month(today: date) -> date:
    """The month a sheet filled on `today` is about: the first day of the previous month."""
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def steps_due(timetable: ScoreTimetable, today: date, *, all_scored: bool) -> list[ScoreStep]:
    """The steps due on `today` for the previous month's sheet (each is then sent once).

    Nobody is chased or escalated once everyone is scored; the sheet goes out whatever the state.
    """
    day = today.day
    due = []
    if timetable.open_day <= day < timetable.sheet_day and not all_scored:
        due.append(ScoreStep.OPEN)
    if timetable.due_day <= day < timetable.sheet_day and not all_scored:
        due.append(ScoreStep.CHASE)
    if timetable.escalate_day <= day < timetable.sheet_day and not all_scored:
        due.append(ScoreStep.ESCALATE)
    if day >= timetable.sheet_day:
        due.append(ScoreStep.SHEET)
    return due


def validate_scores(scores: Mapping[str, int], *, criteria: tuple[str, ...], scale_max: int) -> list[str]:
    """The criteria whose score is missing or outside 1..scale_max (empty: all good)."""
    return [c for c in criteria if not isinstance(scores.get(c), int) or not 1 <= int(scores[c]) <= scale_max]


def weighted_total(scores: Mapping[str, int], *, weights: Mapping[str, Decimal]) -> Decimal:
    """The total: each score times its weight (1 when not given), rounded to one decimal."""
    total = sum((Decimal(v) * weights.get(k, Decimal(1)) for k, v in scores.items()), Decimal(0))
    return total.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
