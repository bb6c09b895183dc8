"""Reads the YAML configuration files (approval chains, report types) into domain models.

The domain parses plain dicts; this is the I/O edge. No file given → the seed defaults.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from domain.approvals import DEFAULT_APPROVAL_CONFIG, ApprovalConfig, parse_approval_config
from domain.reports import DEFAULT_REPORT_CONFIG, ReportsConfig, parse_report_config


def _read_yaml(path: str) -> dict[str, Any]:
    """A YAML mapping from a file, or a clear error."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping at the top level")
    return data


def load_approval_config(path: str | None) -> ApprovalConfig:
    """Approval chains from `path`, or the defaults from the seeds."""
    return parse_approval_config(_read_yaml(path) if path else DEFAULT_APPROVAL_CONFIG)


def load_report_config(path: str | None) -> ReportsConfig:
    """Report types from `path`, or the defaults from the seeds."""
    return parse_report_config(_read_yaml(path) if path else DEFAULT_REPORT_CONFIG)
