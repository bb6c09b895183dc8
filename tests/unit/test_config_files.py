"""The shipped YAML is the one home of the seed chains and deadlines; a file named in settings wins."""

import re
from decimal import Decimal
from pathlib import Path

import pytest

from bot.bootstrap import bootstrap
from bot.settings import Settings
from domain.approvals import ApprovalConfigError, chain_for
from domain.leave_rules import OverBalance, parse_leave_policy
from domain.reports import ReportConfigError
from domain.roles import Role
from services.platform.config import load_approval_config, load_leave_policy, load_report_config, shipped_data
from services.platform.context import AppContext
from storage.uow import UnitOfWork
from tests.e2e.harness import TOKEN


def no_database() -> UnitOfWork:
    raise AssertionError("these tests need no database")


def test_a_context_without_files_uses_the_shipped_yaml() -> None:
    app = AppContext(uow=no_database)
    assert (app.approval_config, app.report_config) == (load_approval_config(), load_report_config())
    assert app.report_config.weekly.due.at == shipped_data("reports.yaml")["weekly"]["due"]["at"]


def test_the_shipped_threshold_is_5000() -> None:
    config = load_approval_config()
    big, small = (chain_for(config, kind="expense", amount=Decimal(a), category="rent") for a in ("5000.01", "5000"))
    assert (len(big), small) == (4, (Role.OFFICE_HEAD,))


def test_an_approvals_file_replaces_the_shipped_chains(tmp_path: Path) -> None:
    path = tmp_path / "approvals.yaml"
    path.write_text("leave: [{chain: [hr]}]\nouting: [{chain: [hr]}]\ntrip: [{chain: [hr]}]\n"
                    "expense: [{chain: [finance]}]\n", encoding="utf-8")
    config = load_approval_config(str(path))
    assert chain_for(config, kind="expense", amount=Decimal(99999), category="rent") == (Role.FINANCE,)


def test_a_broken_reports_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "reports.yaml"
    path.write_text("weekly: {}\n", encoding="utf-8")
    with pytest.raises(ReportConfigError):
        load_report_config(str(path))


def test_a_leave_file_replaces_the_shipped_rules(tmp_path: Path) -> None:
    path = tmp_path / "leave.yaml"
    path.write_text("annual_days: 10\nover_balance: flag\n", encoding="utf-8")
    policy = load_leave_policy(str(path))
    assert (policy.annual_days, policy.over_balance, policy.sick_note_after_days) == (
        Decimal(10), OverBalance.FLAG, load_leave_policy().sick_note_after_days)
    assert AppContext(uow=no_database).leave_policy == load_leave_policy() == parse_leave_policy(
        shipped_data("leave.yaml"))


@pytest.mark.parametrize(("text", "message"), [
    ("annual_days: -1\n", "annual_days must be a number of days"),
    ("over_balnce: flag\n", "unknown keys ['over_balnce']"),
    ("- 5\n", "expected a mapping"),
    ("annual_days: [\n", "while parsing"),
])
def test_a_broken_leave_file_stops_the_start_naming_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "leave.yaml"
    path.write_text(text, encoding="utf-8")
    settings = Settings(TELEGRAM_BOT_TOKEN=TOKEN, DATABASE_URL=f"sqlite:///{tmp_path}/x.sqlite3",
                        OFFICEBOT_LEAVE_FILE=str(path))
    with pytest.raises(ValueError, match=re.escape(message)) as refused:
        bootstrap(settings)
    assert str(path) in str(refused.value)


def test_a_missing_leave_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot read the leave rules") as refused:
        load_leave_policy(str(tmp_path / "nope.yaml"))
    assert "nope.yaml" in str(refused.value)

def test_the_shipped_purchase_rules_send_equipment_to_headquarters_whatever_it_costs() -> None:
    config = load_approval_config()
    equipment = {a: chain_for(config, kind="purchase", amount=Decimal(a), category=None, purpose="equipment")
                 for a in ("1", "2000", "2000.01")}
    supplies = {a: chain_for(config, kind="purchase", amount=Decimal(a), category=None, purpose="supplies")
                for a in ("1", "2000", "2000.01")}
    head_and_gm = (Role.OFFICE_HEAD, Role.GM)
    assert equipment == {"1": head_and_gm, "2000": head_and_gm, "2000.01": head_and_gm}
    assert supplies == {"1": (Role.OFFICE_HEAD,), "2000": (Role.OFFICE_HEAD,), "2000.01": head_and_gm}


def test_only_purchase_rules_may_test_the_purpose(tmp_path: Path) -> None:
    path = tmp_path / "approvals.yaml"
    path.write_text("leave: [{chain: [hr]}]\nouting: [{chain: [hr]}]\ntrip: [{chain: [hr]}]\n"
                    "expense: [{when: {purpose_in: [equipment]}, chain: [gm]}, {chain: [finance]}]\n", encoding="utf-8")
    with pytest.raises(ApprovalConfigError, match="only purchase rules may test the purpose"):
        load_approval_config(str(path))
