"""Reads the YAML configuration files (approval chains, report types, holidays) into domain models.

The domain parses plain dicts; this is the I/O edge. No file given → the seed defaults (for holidays:
the shipped `config/holidays.yaml`, package data of the `config` package).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from domain.approvals import DEFAULT_APPROVAL_CONFIG, ApprovalConfig, parse_approval_config
from domain.people import DEFAULT_PEOPLE_CONFIG, PeopleConfig, parse_people_config
from domain.reports import DEFAULT_REPORT_CONFIG, ReportsConfig, parse_report_config
from domain.workdays import HolidayCalendar, parse_holiday_config


def _read_yaml(path: str) -> dict[str, Any]:
    """A YAML mapping from a file, or a clear error."""
    return _parse_yaml(Path(path).read_text(encoding="utf-8"), path)


def _parse_yaml(text: str, path: str) -> dict[str, Any]:
    """A YAML mapping from text read from `path`, or a clear error."""
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping at the top level")
    return data


def load_approval_config(path: str | None) -> ApprovalConfig:
    """Approval chains from `path`, or the defaults from the seeds."""
    return parse_approval_config(_read_yaml(path) if path else DEFAULT_APPROVAL_CONFIG)


def load_report_config(path: str | None) -> ReportsConfig:
    """Report types from `path`, or the defaults from the seeds."""
    return parse_report_config(_read_yaml(path) if path else DEFAULT_REPORT_CONFIG)


def load_people_config(path: str | None) -> PeopleConfig:
    """Onboarding items and probation rules from `path`, or the defaults from the seeds."""
    return parse_people_config(_read_yaml(path) if path else DEFAULT_PEOPLE_CONFIG)


def shipped_holidays_text() -> str:
    """The text of the `config/holidays.yaml` installed with the bot."""
    return resources.files("config").joinpath("holidays.yaml").read_text(encoding="utf-8")


def load_holiday_calendar(path: str | None) -> HolidayCalendar:
    """Holidays and 调休 days from `path`, or from the shipped `config/holidays.yaml`."""
    data = _read_yaml(path) if path else _parse_yaml(shipped_holidays_text(), "config/holidays.yaml")
    try:
        return parse_holiday_config(data)
    except ValueError as exc:
        raise ValueError(f"{path or 'config/holidays.yaml'}: {exc}") from exc
