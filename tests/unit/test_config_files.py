"""The shipped YAML is the one home of the seed chains and deadlines; a file named in settings wins."""

from decimal import Decimal
from pathlib import Path

import pytest

from domain.approvals import ApprovalConfigError, chain_for
from domain.reports import ReportConfigError
from domain.roles import Role
from services.config import load_approval_config, load_report_config, shipped_data
from services.context import AppContext
from storage.uow import UnitOfWork


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
