"""Onboarding and probation rules: items per role, months per role, evaluation points and deadlines."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from domain.people import (
    DEFAULT_PEOPLE_CONFIG,
    OverdueStep,
    PeopleConfigError,
    add_months,
    checklist_for,
    confirmation_opens,
    end_reminder_due,
    evaluation_points,
    evaluation_reminder_due,
    overdue_steps,
    parse_people_config,
    probation_end,
    probation_months,
)

CONFIG = parse_people_config(DEFAULT_PEOPLE_CONFIG)
CONFIG_FILE = Path(__file__).resolve().parents[2] / "config" / "people.yaml"


def test_yaml_file_equals_the_default_dict() -> None:
    assert yaml.safe_load(CONFIG_FILE.read_text(encoding="utf-8")) == DEFAULT_PEOPLE_CONFIG


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2026, 11, 24), 3, date(2027, 2, 24)),
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2028, 1, 31), 1, date(2028, 2, 29)),
    (date(2026, 12, 15), 1, date(2027, 1, 15)),
    (date(2026, 5, 31), 6, date(2026, 11, 30)),
])
def test_add_months_clamps_to_the_month_end(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


@pytest.mark.parametrize(("start", "months", "end"), [
    (date(2026, 11, 24), 3, date(2027, 2, 23)),
    (date(2026, 3, 1), 6, date(2026, 8, 31)),
])
def test_probation_ends_the_day_before(start: date, months: int, end: date) -> None:
    assert probation_end(start, months) == end


@pytest.mark.parametrize(("roles", "months"), [
    ({"sales"}, 3), ({"office_head"}, 6), ({"sales", "regional_manager"}, 6), (set(), 3),
])
def test_probation_months_take_the_longest_role(roles: set[str], months: int) -> None:
    assert probation_months(CONFIG, roles) == months


def test_checklist_merges_role_items_once_in_order() -> None:
    config = parse_people_config({**DEFAULT_PEOPLE_CONFIG, "onboarding": {
        "default": ["documents", "team_intro"], "technician": ["documents", "tools"], "sales": ["crm"]}})
    assert checklist_for(config, {"technician", "sales"}) == ("crm", "documents", "tools")
    assert checklist_for(config, {"admin"}) == ("documents", "team_intro")
    assert checklist_for(CONFIG, {"sales"})[0] == "documents"


@pytest.mark.parametrize(("every", "expected"), [
    (1, (date(2026, 12, 24), date(2027, 1, 24))),
    (2, (date(2027, 1, 24),)),
    (3, ()),
])
def test_evaluation_points_fall_before_the_end(every: int, expected: tuple[date, ...]) -> None:
    assert evaluation_points(date(2026, 11, 24), date(2027, 2, 23), every) == expected


@pytest.mark.parametrize(("today", "due"), [
    (date(2026, 12, 28), False), (date(2026, 12, 29), True), (date(2026, 12, 31), True), (date(2027, 1, 1), False),
])
def test_evaluation_reminder_window(today: date, due: bool) -> None:
    assert evaluation_reminder_due(CONFIG, point=date(2026, 12, 24), today=today) is due


@pytest.mark.parametrize(("today", "due"), [
    (date(2027, 2, 20), False), (date(2027, 2, 21), True), (date(2027, 2, 23), True), (date(2027, 2, 24), False),
])
def test_hr_is_reminded_in_the_last_days(today: date, due: bool) -> None:
    assert end_reminder_due(CONFIG, end=date(2027, 2, 23), today=today) is due


def test_confirmation_opens_two_weeks_before_the_end() -> None:
    assert confirmation_opens(CONFIG, date(2027, 2, 23)) == date(2027, 2, 9)


@pytest.mark.parametrize("bad", [
    {"onboarding": {"wizard": []}},
    {"onboarding": {"sales": ["documents"]}},
    {"probation_months": {"default": 13}},
    {"confirmation_chain": ["manager", "manager"]},
    {"confirmation_chain": ["boss"]},
    {"evaluate_every_months": 0},
])
def test_bad_configuration_is_refused(bad: dict[str, object]) -> None:
    with pytest.raises(PeopleConfigError):
        parse_people_config({**DEFAULT_PEOPLE_CONFIG, **bad})


@pytest.mark.parametrize(("today", "expected"), [
    (date(2026, 12, 31), []),  # the deadline (point 12-24 + 7 days)
    (date(2027, 1, 1), [OverdueStep.CHASE]),
    (date(2027, 1, 2), [OverdueStep.CHASE]),
    (date(2027, 1, 3), [OverdueStep.CHASE, OverdueStep.ESCALATE]),
])
def test_an_unwritten_evaluation_is_chased_after_its_deadline_then_escalated(today: date,
                                                                             expected: list[OverdueStep]) -> None:
    assert overdue_steps(CONFIG, point=date(2026, 12, 24), today=today) == expected
