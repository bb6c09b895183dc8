"""What every use case and handler may reach: the unit of work, the clock and configuration.

Built once by the composition root (`bot/bootstrap.py`); tests build it with their own clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from domain.approvals import ApprovalConfig
from domain.leave_rules import LeavePolicy
from domain.people import DEFAULT_PEOPLE_CONFIG, PeopleConfig, parse_people_config
from domain.reports import ReportsConfig
from services.platform.config import load_approval_config, load_leave_policy, load_report_config
from storage.uow import UnitOfWork


def system_clock() -> datetime:
    """The real time, aware, in UTC."""
    return datetime.now(UTC)


@dataclass
class AppContext:
    """Dependencies of the use cases, passed explicitly instead of read from globals."""

    uow: Callable[[], UnitOfWork]
    clock: Callable[[], datetime] = system_clock
    company_name: str = ""
    default_locale: str = "zh_CN"
    product_catalog: tuple[str, ...] = ("枪柜", "弹柜", "枪弹一体柜")
    checkin_grace_minutes: int = 5
    location_max_age_minutes: int = 5
    instance_id: str = "local"
    approval_config: ApprovalConfig = field(default_factory=load_approval_config)  # the shipped YAML
    report_config: ReportsConfig = field(default_factory=load_report_config)
    people_config: PeopleConfig = field(default_factory=lambda: parse_people_config(DEFAULT_PEOPLE_CONFIG))
    leave_policy: LeavePolicy = field(default_factory=load_leave_policy)  # config/leave.yaml or OFFICEBOT_LEAVE_FILE
    kick_sender: Callable[[], None] = field(default=lambda: None)

    def now(self) -> datetime:
        """The current instant from the injected clock."""
        return self.clock()
