"""Reads the YAML configuration files (approval chains, report types, holidays, leave rules) into domain models.

The domain parses plain dicts; this is the I/O edge. No file given → the copy shipped with the bot
(`config/approvals.yaml`, `config/reports.yaml`, `config/holidays.yaml`, `config/leave.yaml`: package data of
the `config` package), which is the one home of the seed defaults.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from domain.approvals import ApprovalConfig, parse_approval_config
from domain.leave_rules import LeavePolicy, parse_leave_policy
from domain.people import DEFAULT_PEOPLE_CONFIG, PeopleConfig, parse_people_config
from domain.reports import ReportsConfig, parse_report_config
from domain.workdays import HolidayCalendar, parse_holiday_config


def _read_yaml(path: str) -> dict[str, Any]:
    """A YAML mapping from a file, or a clear error."""
    return _parse_yaml(Path(path).read_text(encoding="utf-8"), path)


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader where PyYAML was built with it (the wheels are): the same documents, ~10× faster."""


def _parse_yaml(text: str, path: str) -> dict[str, Any]:
    """A YAML mapping from text read from `path`, or a clear error."""
    data = yaml.load(text, Loader=_LOADER)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping at the top level")
    return data


def shipped_text(name: str) -> str:
    """The text of `config/<name>` as installed with the bot."""
    return resources.files("config").joinpath(name).read_text(encoding="utf-8")


def shipped_data(name: str) -> dict[str, Any]:
    """`config/<name>` parsed to a fresh mapping (callers may change their copy)."""
    return _parse_yaml(shipped_text(name), f"config/{name}")


@cache
def _shipped_approval_config() -> ApprovalConfig:
    """The shipped chains, parsed once: the model is frozen, so every context may share it."""
    return parse_approval_config(shipped_data("approvals.yaml"))


@cache
def _shipped_report_config() -> ReportsConfig:
    """The shipped report types, parsed once (frozen, shared)."""
    return parse_report_config(shipped_data("reports.yaml"))


def load_approval_config(path: str | None = None) -> ApprovalConfig:
    """Approval chains from `path` (OFFICEBOT_APPROVALS_FILE), or the shipped `config/approvals.yaml`."""
    return parse_approval_config(_read_yaml(path)) if path else _shipped_approval_config()


def load_report_config(path: str | None = None) -> ReportsConfig:
    """Report types from `path` (OFFICEBOT_REPORTS_FILE), or the shipped `config/reports.yaml`."""
    return parse_report_config(_read_yaml(path)) if path else _shipped_report_config()


def load_people_config(path: str | None) -> PeopleConfig:
    """Onboarding items and probation rules from `path`, or the defaults from the seeds."""
    return parse_people_config(_read_yaml(path) if path else DEFAULT_PEOPLE_CONFIG)



def load_holiday_calendar(path: str | None) -> HolidayCalendar:
    """Holidays and 调休 days from `path`, or from the shipped `config/holidays.yaml`."""
    return _holiday_calendar(_read_yaml(path), path) if path else _shipped_holiday_calendar()


@cache
def _shipped_holiday_calendar() -> HolidayCalendar:
    """The shipped holidays, parsed once (frozen, shared)."""
    return _holiday_calendar(shipped_data("holidays.yaml"), None)


def _holiday_calendar(data: dict[str, Any], path: str | None) -> HolidayCalendar:
    """A calendar from parsed YAML, or ValueError naming the file."""
    try:
        return parse_holiday_config(data)
    except ValueError as exc:
        raise ValueError(f"{path or 'config/holidays.yaml'}: {exc}") from exc


@cache
def _shipped_leave_policy() -> LeavePolicy:
    """HR's leave rules from the shipped `config/leave.yaml`, parsed once (frozen, shared)."""
    return parse_leave_policy(shipped_data("leave.yaml"))


def load_leave_policy(path: str | None = None) -> LeavePolicy:
    """HR's leave rules from `path` (OFFICEBOT_LEAVE_FILE), or the shipped `config/leave.yaml`.

    Read at start-up: a missing file, a wrong key or value raises ValueError naming the file.
    """
    if not path:
        return _shipped_leave_policy()
    try:
        return parse_leave_policy(_read_yaml(path))
    except OSError as exc:
        raise ValueError(f"{path}: cannot read the leave rules ({exc.strerror or exc})") from exc
    except (ValueError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: {exc}") from exc
