"""Onboarding and probation (入职与岗前培训流程, 试用期考核与转正) as configuration and pure date rules.

Seed 000 二(一): the office administrator walks a new person through 资料提交, 办公用品领用, 介绍团队;
the head or a named mentor (导师) trains them on duties and rules, colleagues on the business; the
direct manager evaluates them during probation, and at its end 转正 follows "the set procedure",
here an approval chain (manager → office head → HR). Items and months are per role; a person with
several roles gets every item of each (once, in order) and the longest probation.

Evaluation points fall every `evaluate_every_months` after the start, before the end; each must be
written within `evaluation_days` of its point and is reminded `remind_days_before` its deadline; one
not written by then is chased (the manager, from the day after the deadline) and escalated
`escalate_days_after` the deadline to the level above (the manager's own manager or office head). The
转正 request opens `confirm_days_before` the end, and HR is reminded `remind_days_before` the end.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from domain.roles import Role
from domain.scoring import CRITERIA, ScoreTimetable
from domain.validation import describe_errors

DEFAULT_ITEMS = ("documents", "office_supplies", "team_intro", "duties_training", "business_training")
"""The seed's five steps: 资料提交, 办公用品领用, 介绍团队, 岗位职责与制度培训, 业务知识培训."""

DEFAULT_PEOPLE_CONFIG: dict[str, Any] = {
    "onboarding": {"default": list(DEFAULT_ITEMS)},
    "probation_months": {"default": 3, "office_head": 6, "regional_manager": 6},
    "evaluate_every_months": 1,
    "evaluation_days": 7,
    "remind_days_before": 2,
    "escalate_days_after": 3,
    "confirm_days_before": 14,
    "confirmation_chain": ["manager", "office_head", "hr"],
    "scoring": {
        "criteria": list(CRITERIA),
        "scale_max": 10,
        "weights": {},
        "due_day": 3,
        "escalate_day": 4,
        "sheet_day": 5,
        "visible_to_staff": False,
    },
}
"""Defaults from seed 000; `config/people.yaml` holds the same data (a unit test compares them)."""

CHAIN_STEPS = frozenset({"manager"} | {r.value for r in Role})
"""A confirmation step is a role, or `manager`: the probationer's own direct manager."""


class PeopleConfigError(ValueError):
    """The onboarding/probation configuration is invalid; the message lists every problem."""


class ScoringConfig(BaseModel):
    """The 月度评分表: which criteria, their scale and weights, the days of its timetable, who sees scores."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    criteria: tuple[str, ...] = CRITERIA
    scale_max: int = Field(default=10, ge=3, le=100)
    weights: dict[str, Decimal] = Field(default_factory=dict)
    due_day: int = Field(default=3, ge=1, le=27)
    escalate_day: int = Field(default=4, ge=1, le=27)
    sheet_day: int = Field(default=5, ge=1, le=28)
    visible_to_staff: bool = False

    @field_validator("criteria")
    @classmethod
    def _known_criteria(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value or set(value) - set(CRITERIA) or len(set(value)) != len(value):
            raise ValueError(f"criteria must be distinct ones of {list(CRITERIA)}")
        return value

    @model_validator(mode="after")
    def _days_in_order(self) -> ScoringConfig:
        if not self.due_day <= self.escalate_day <= self.sheet_day:
            raise ValueError("due_day <= escalate_day <= sheet_day is needed")
        if set(self.weights) - set(self.criteria) or any(w <= 0 for w in self.weights.values()):
            raise ValueError("weights must be positive and name configured criteria")
        return self

    @property
    def timetable(self) -> ScoreTimetable:
        """The days on which each step falls due."""
        return ScoreTimetable(1, self.due_day, self.escalate_day, self.sheet_day)


class PeopleConfig(BaseModel):
    """Checklist items and probation months per role (`default` for roles not named), and the timings."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    onboarding: dict[str, tuple[str, ...]]
    probation_months: dict[str, int]
    evaluate_every_months: int = Field(default=1, ge=1, le=12)
    evaluation_days: int = Field(default=7, ge=1, le=60)
    remind_days_before: int = Field(default=2, ge=0, le=30)
    escalate_days_after: int = Field(default=3, ge=1, le=60)
    confirm_days_before: int = Field(default=14, ge=1, le=90)
    confirmation_chain: tuple[str, ...] = ("manager", "office_head", "hr")
    scoring: ScoringConfig = ScoringConfig()

    @field_validator("onboarding", "probation_months")
    @classmethod
    def _keys_are_roles(cls, value: dict[str, Any]) -> dict[str, Any]:
        unknown = set(value) - {r.value for r in Role} - {"default"}
        if unknown:
            raise ValueError(f"unknown role(s): {sorted(unknown)}")
        if "default" not in value:
            raise ValueError("a `default` entry is needed")
        return value

    @field_validator("probation_months")
    @classmethod
    def _months_sane(cls, value: dict[str, int]) -> dict[str, int]:
        if any(not 0 <= m <= 12 for m in value.values()):
            raise ValueError("probation months must be 0..12")
        return value

    @field_validator("confirmation_chain")
    @classmethod
    def _chain_sane(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value or set(value) - CHAIN_STEPS or len(set(value)) != len(value):
            raise ValueError(f"confirmation_chain must name distinct roles or `manager`: {list(value)}")
        return value


def parse_people_config(data: Mapping[str, Any]) -> PeopleConfig:
    """Validate the configuration, turning pydantic errors into one readable message."""
    try:
        return PeopleConfig.model_validate(data)
    except ValidationError as exc:
        raise PeopleConfigError("invalid people configuration:\n  " + describe_errors(exc)) from exc


def checklist_for(config: PeopleConfig, roles: Iterable[str]) -> tuple[str, ...]:
    """The onboarding items of a person with `roles`: each role's items, once each, in order."""
    lists = [config.onboarding[r] for r in sorted(roles) if r in config.onboarding] or [config.onboarding["default"]]
    seen: dict[str, None] = {}
    for items in lists:
        seen.update(dict.fromkeys(items))
    return tuple(seen)


def probation_months(config: PeopleConfig, roles: Iterable[str]) -> int:
    """The longest probation among the person's roles (the default for roles not named)."""
    months = [config.probation_months.get(r, config.probation_months["default"]) for r in roles]
    return max(months, default=config.probation_months["default"])


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (01-31 + 1 month → 02-28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def probation_end(start: date, months: int) -> date:
    """The last day of probation: the day before the same date `months` later."""
    return add_months(start, months) - timedelta(days=1)


def evaluation_points(start: date, end: date, every_months: int) -> tuple[date, ...]:
    """Days the manager is asked for an evaluation: every N months from the start, strictly before the end."""
    points = []
    n = every_months
    while (point := add_months(start, n)) < end:
        points.append(point)
        n += every_months
    return tuple(points)


def evaluation_deadline(config: PeopleConfig, point: date) -> date:
    """The last day to write the evaluation asked for on `point`."""
    return point + timedelta(days=config.evaluation_days)


def evaluation_reminder_due(config: PeopleConfig, *, point: date, today: date) -> bool:
    """True from `remind_days_before` the deadline on, until the deadline has passed."""
    deadline = evaluation_deadline(config, point)
    return deadline - timedelta(days=config.remind_days_before) <= today <= deadline


class OverdueStep(StrEnum):
    """What an evaluation not written by its deadline brings: the manager chased, then the level above told."""

    CHASE = "chase"
    ESCALATE = "escalate"


def overdue_steps(config: PeopleConfig, *, point: date, today: date) -> list[OverdueStep]:
    """The steps due on `today` for the unwritten evaluation asked on `point` (each is sent once)."""
    deadline = evaluation_deadline(config, point)
    steps = []
    if today > deadline:
        steps.append(OverdueStep.CHASE)
    if today >= deadline + timedelta(days=config.escalate_days_after):
        steps.append(OverdueStep.ESCALATE)
    return steps


def confirmation_opens(config: PeopleConfig, end: date) -> date:
    """The day the 转正 request is opened for the chain to decide before the end."""
    return end - timedelta(days=config.confirm_days_before)


def end_reminder_due(config: PeopleConfig, *, end: date, today: date) -> bool:
    """True in the last `remind_days_before` days of probation (HR is told a decision is still open)."""
    return end - timedelta(days=config.remind_days_before) <= today <= end
