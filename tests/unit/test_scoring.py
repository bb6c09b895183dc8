"""Monthly score sheet rules: which month, which steps fall due on which day, valid scores, the total."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.people import DEFAULT_PEOPLE_CONFIG, PeopleConfigError, parse_people_config
from domain.scoring import ScoreStep, ScoreTimetable, scored_month, steps_due, validate_scores, weighted_total

OPEN, CHASE, ESCALATE, SHEET = ScoreStep.OPEN, ScoreStep.CHASE, ScoreStep.ESCALATE, ScoreStep.SHEET


@pytest.mark.parametrize(("today", "month"), [
    (date(2026, 12, 1), date(2026, 11, 1)), (date(2027, 1, 5), date(2026, 12, 1)),
    (date(2026, 3, 31), date(2026, 2, 1)),
])
def test_the_sheet_is_about_the_previous_month(today: date, month: date) -> None:
    assert scored_month(today) == month


@pytest.mark.parametrize(("day", "all_scored", "expected"), [
    (1, False, [OPEN]),
    (2, False, [OPEN]),
    (3, False, [OPEN, CHASE]),
    (4, False, [OPEN, CHASE, ESCALATE]),
    (5, False, [SHEET]),
    (20, False, [SHEET]),
    (3, True, []),
    (5, True, [SHEET]),
])
def test_steps_due_by_day(day: int, all_scored: bool, expected: list[ScoreStep]) -> None:
    assert steps_due(ScoreTimetable(), date(2026, 12, day), all_scored=all_scored) == expected


@pytest.mark.parametrize(("scores", "bad"), [
    ({"results": 8, "ability": 7}, []),
    ({"results": 0, "ability": 7}, ["results"]),
    ({"results": 8}, ["ability"]),
    ({"results": 11, "ability": 10}, ["results"]),
])
def test_scores_must_be_within_the_scale(scores: dict[str, int], bad: list[str]) -> None:
    assert validate_scores(scores, criteria=("results", "ability"), scale_max=10) == bad


@pytest.mark.parametrize(("weights", "total"), [
    ({}, Decimal("32.0")),
    ({"results": Decimal("0.4"), "ability": Decimal("0.3"), "discipline": Decimal("0.2"),
      "teamwork": Decimal("0.1")}, Decimal("7.9")),
    ({"results": Decimal("2")}, Decimal("40.0")),
])
def test_weighted_total(weights: dict[str, Decimal], total: Decimal) -> None:
    scores = {"results": 8, "ability": 7, "discipline": 9, "teamwork": 8}
    assert weighted_total(scores, weights=weights) == total


@pytest.mark.parametrize("bad", [
    {"criteria": ["charm"]},
    {"criteria": []},
    {"due_day": 6, "escalate_day": 4},
    {"weights": {"charm": 1}},
    {"weights": {"results": 0}},
    {"scale_max": 1},
])
def test_bad_scoring_configuration_is_refused(bad: dict[str, object]) -> None:
    scoring = {**DEFAULT_PEOPLE_CONFIG["scoring"], **bad}
    with pytest.raises(PeopleConfigError):
        parse_people_config({**DEFAULT_PEOPLE_CONFIG, "scoring": scoring})
