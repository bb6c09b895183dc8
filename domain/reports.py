"""Periodic reports (周报 / 月报): periods, deadlines, and the reminder plan around each deadline.

Report types are configuration (`config/reports.yaml`, the one home of the seeds' deadlines, read by
`services.platform.config` and parsed by `parse_report_config`). Everything here is pure: the clock (`now`),
the office time zone and the working-day calendar are arguments.

Reminder plan for one report type and one period (times on the office's wall clock):
- remind: `remind_at` — week: on the last working day on or before the due date; month: on the
  month's last working day and on every working day from the 1st of the next month up to the due
  date. Each is due until the next remind or the deadline, whichever comes first.
- chase: `chase_at` on the first working day whose `chase_at` falls after the deadline; the person
  is chased. Due for `catch_up_hours`.
- digest: at the chase time; managers get one "who is missing" list. Due for `catch_up_hours`.
- escalate: chase time + `escalate_after_minutes`; each missing person's manager is told. Due for
  `catch_up_hours`.

A slot is due while `at <= now < until`, so a sweep that runs late never sends a superseded or
useless reminder, and a sweep that runs twice finds the same slot key (idempotency is the caller's:
record `slot` per report type, period and person, and never send it twice).
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from domain.periods import Period, PeriodUnit, first_of_next_month, period_for, previous_period
from domain.roles import Role
from domain.validation import describe_errors


class ReportKind(StrEnum):
    """The report types the seeds require."""

    WEEKLY = "weekly"
    MONTHLY = "monthly"
    REGIONAL_MONTHLY = "regional_monthly"


class Weekday(StrEnum):
    """A day of the week, as written in the configuration."""

    MONDAY = "monday"
    TUESDAY = "tuesday"
    WEDNESDAY = "wednesday"
    THURSDAY = "thursday"
    FRIDAY = "friday"
    SATURDAY = "saturday"
    SUNDAY = "sunday"

    @property
    def number(self) -> int:
        """Monday is 0, as in `date.weekday()`."""
        return list(Weekday).index(self)


_CLOCK = re.compile(r"^(?:([01]\d|2[0-3]):([0-5]\d)|(24):(00))$")


def _clock_offset(text: str) -> timedelta:
    """'HH:MM' as time after midnight; '24:00' is the end of the day."""
    match = _CLOCK.match(text)
    if match is None:
        raise ValueError(f"expected a quoted time 'HH:MM' (00:00–24:00), got {text!r}")
    hours, minutes = (int(g) for g in match.groups() if g is not None)
    return timedelta(hours=hours, minutes=minutes)


def _local_at(day: date, clock: str, tz: ZoneInfo) -> datetime:
    """The aware instant of wall-clock `clock` on `day` in `tz` ('24:00' rolls to the next day)."""
    return datetime.combine(day, time(), tzinfo=tz) + _clock_offset(clock)


def _check_clock(text: str, *, allow_end_of_day: bool) -> str:
    _clock_offset(text)
    if text == "24:00" and not allow_end_of_day:
        raise ValueError("24:00 is only allowed for a due time")
    return text


class DueRule(BaseModel):
    """When a period's report is due: a weekday of the week, or a day of the next month, at a time.

    `at: "24:00"` means the end of that day: `{day_of_next_month: 2, at: "24:00"}` is "before the 3rd".
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    weekday: Weekday | None = None
    day_of_next_month: int | None = Field(default=None, ge=1, le=28)
    at: str

    @field_validator("at")
    @classmethod
    def _valid_at(cls, value: str) -> str:
        return _check_clock(value, allow_end_of_day=True)

    @model_validator(mode="after")
    def _one_anchor(self) -> "DueRule":
        if (self.weekday is None) == (self.day_of_next_month is None):
            raise ValueError("give exactly one of weekday or day_of_next_month")
        return self

    def due_date(self, period: Period) -> date:
        """The calendar day the rule names for `period` (before any '24:00' roll-over)."""
        if self.weekday is not None:
            return period.start + timedelta(days=self.weekday.number)
        assert self.day_of_next_month is not None
        return first_of_next_month(period.start).replace(day=self.day_of_next_month)


class ReminderTimes(BaseModel):
    """The wall-clock times of the reminder plan (see the module docstring)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    remind_at: str
    chase_at: str = "09:00"
    escalate_after_minutes: int = Field(default=60, ge=0, le=24 * 60)
    catch_up_hours: int = Field(default=48, ge=1)

    @field_validator("remind_at", "chase_at")
    @classmethod
    def _valid_clock(cls, value: str) -> str:
        return _check_clock(value, allow_end_of_day=False)


class ReportConfig(BaseModel):
    """One report type: who writes it, for which period, when it is due, who reviews and is told."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str = Field(min_length=1)
    period: PeriodUnit
    roles: tuple[Role, ...] = Field(min_length=1)
    due: DueRule
    reviewer: Role | None = None
    escalate_to: tuple[Role, ...] = Field(min_length=1)
    late_days: int = Field(
        default=0, ge=0, le=27, description="days after the due date that still report on the earlier period"
    )
    reminders: ReminderTimes

    @model_validator(mode="after")
    def _due_fits_period(self) -> "ReportConfig":
        if self.period == PeriodUnit.WEEK and self.due.weekday is None:
            raise ValueError("a weekly report needs due.weekday")
        if self.period == PeriodUnit.MONTH and self.due.day_of_next_month is None:
            raise ValueError("a monthly report needs due.day_of_next_month")
        return self


class ReportsConfig(BaseModel):
    """Every report type's configuration."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    weekly: ReportConfig
    monthly: ReportConfig
    regional_monthly: ReportConfig

    def get(self, kind: ReportKind | str) -> ReportConfig:
        """The configuration of one report type."""
        config: ReportConfig = getattr(self, ReportKind(kind).value)
        return config


class ReportConfigError(ValueError):
    """The reports configuration is invalid; the message lists every problem with its location."""


def parse_report_config(data: Mapping[str, Any]) -> ReportsConfig:
    """Validate the reports configuration, turning pydantic errors into one readable message."""
    try:
        return ReportsConfig.model_validate(data)
    except ValidationError as exc:
        raise ReportConfigError("invalid report configuration:\n  " + describe_errors(exc)) from exc


def deadline(config: ReportConfig, period: Period, tz: ZoneInfo) -> datetime:
    """The aware instant by which a period's report is due (the last on-time instant)."""
    return _local_at(config.due.due_date(period), config.due.at, tz)


def is_late(submitted_at: datetime, due: datetime) -> bool:
    """A report is late when submitted after its deadline instant."""
    return submitted_at > due


def report_period_to_submit(config: ReportConfig, local_now: date | datetime) -> Period:
    """The period a person submitting now is most likely reporting on.

    The previous period until `late_days` after its due date, else the current one. With
    `late_days = 0` that is: weekly → the current ISO week; monthly due the 2nd → days 1–2 of a month
    report the previous month. Callers may still let the user pick another period.
    """
    local_date = local_now.date() if isinstance(local_now, datetime) else local_now
    current = period_for(config.period, local_date)
    previous = previous_period(current)
    if local_date <= config.due.due_date(previous) + timedelta(days=config.late_days):
        return previous
    return current


class ReminderKind(StrEnum):
    """What a reminder slot does: remind before the deadline; chase, escalate and digest after it."""

    REMIND = "remind"
    CHASE = "chase"
    ESCALATE = "escalate"
    DIGEST = "digest"


_KIND_ORDER = list(ReminderKind)


@dataclass(frozen=True)
class ReminderSlot:
    """One planned reminder; `slot` ("remind:2026-11-30") is its stable key within a type and period."""

    kind: ReminderKind
    slot: str
    at: datetime
    until: datetime

    def is_due(self, now: datetime) -> bool:
        """Due from `at` while still useful, i.e. before `until`."""
        return self.at <= now < self.until


def reminder_plan(
    *, config: ReportConfig, period: Period, tz: ZoneInfo, is_working_day: Callable[[date], bool]
) -> list[ReminderSlot]:
    """Every reminder slot of one period, in time order (see the module docstring for the rules)."""
    due = deadline(config, period, tz)
    times = config.reminders
    remind_ats = sorted(
        at
        for at in (_local_at(d, times.remind_at, tz) for d in _remind_days(config, period, is_working_day))
        if at < due
    )
    slots = [
        _slot(ReminderKind.REMIND, at, until, tz)
        for at, until in zip(remind_ats, [*remind_ats[1:], due], strict=True)
    ]
    chase_at = _first_working_instant_after(due, times.chase_at, tz, is_working_day)
    escalate_at = chase_at + timedelta(minutes=times.escalate_after_minutes)
    window = timedelta(hours=times.catch_up_hours)
    slots += [
        _slot(ReminderKind.CHASE, chase_at, chase_at + window, tz),
        _slot(ReminderKind.DIGEST, chase_at, chase_at + window, tz),
        _slot(ReminderKind.ESCALATE, escalate_at, escalate_at + window, tz),
    ]
    return sorted(slots, key=lambda s: (s.at, _KIND_ORDER.index(s.kind)))


def reminders_due(
    *,
    config: ReportConfig,
    period: Period,
    tz: ZoneInfo,
    now: datetime,
    is_working_day: Callable[[date], bool],
) -> list[ReminderSlot]:
    """The slots of one period that a sweep running at `now` should act on."""
    plan = reminder_plan(config=config, period=period, tz=tz, is_working_day=is_working_day)
    return [slot for slot in plan if slot.is_due(now)]


def _slot(kind: ReminderKind, at: datetime, until: datetime, tz: ZoneInfo) -> ReminderSlot:
    return ReminderSlot(kind, f"{kind}:{at.astimezone(tz).date().isoformat()}", at, until)


def _remind_days(config: ReportConfig, period: Period, is_working_day: Callable[[date], bool]) -> list[date]:
    due_date = config.due.due_date(period)
    last = _last_working_day(period.start, min(due_date, period.end), is_working_day)
    days = [] if last is None else [last]
    if config.period == PeriodUnit.MONTH:
        first_of_next = period.end + timedelta(days=1)
        count = (due_date - first_of_next).days + 1
        span = (first_of_next + timedelta(days=offset) for offset in range(count))
        days += [d for d in span if is_working_day(d)]
    return days


def _last_working_day(first: date, last: date, is_working_day: Callable[[date], bool]) -> date | None:
    day = last
    while day >= first:
        if is_working_day(day):
            return day
        day -= timedelta(days=1)
    return None


_MAX_SEARCH_DAYS = 366


def _first_working_instant_after(
    after: datetime, clock: str, tz: ZoneInfo, is_working_day: Callable[[date], bool]
) -> datetime:
    day = after.astimezone(tz).date()
    for _ in range(_MAX_SEARCH_DAYS):
        at = _local_at(day, clock, tz)
        if at > after and is_working_day(day):
            return at
        day += timedelta(days=1)
    raise ValueError(f"no working day within {_MAX_SEARCH_DAYS} days after {after}")
