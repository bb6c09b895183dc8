"""The YAML/CSV import's wecom_userid: stored on the staff row; a taken one reported, never fatal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli import main
from services.people.importer import import_file
from storage.models import Staff
from storage.uow import UnitOfWork

pytestmark = pytest.mark.both_databases  # storage and claims: on PostgreSQL too (tests/conftest.py)

UowFactory = Callable[[], UnitOfWork]
NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
ORG = (
    "offices:\n"
    "  - {name: 上海办事处}\n"
    "staff:\n"
    "  - {name: 张三, office: 上海办事处, roles: [office_head], wecom_userid: zhangsan}\n"
    "  - {name: 李四, office: 上海办事处, roles: [sales], manager: 张三, wecom_userid: 10086}\n"
    "  - {name: 王五, office: 上海办事处, roles: [sales]}\n"
)


def userids(uow_factory: UowFactory) -> dict[str, str | None]:
    with uow_factory() as uow:
        return {s.name: s.wecom_user_id for s in uow.session.scalars(select(Staff).order_by(Staff.id))}


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_yaml_and_csv_store_the_wecom_userid(uow_factory: UowFactory, tmp_path: Path) -> None:
    result = import_file(uow_factory, path=write(tmp_path, "org.yaml", ORG), now=NOW)
    assert [name for name, _ in result.codes] == ["张三", "李四", "王五"]
    assert result.problems == []
    csv_text = "name,office,roles,wecom_userid\n赵六,上海办事处,technician,zhaoliu\n钱七,上海办事处,sales,\n"
    result = import_file(uow_factory, path=write(tmp_path, "staff.csv", csv_text), now=NOW)
    assert (len(result.codes), result.problems) == (2, [])
    assert userids(uow_factory) == {"张三": "zhangsan", "李四": "10086", "王五": None, "赵六": "zhaoliu", "钱七": None}


def test_a_taken_userid_is_reported_and_the_person_still_invited(uow_factory: UowFactory, tmp_path: Path) -> None:
    import_file(uow_factory, path=write(tmp_path, "org.yaml", ORG), now=NOW)
    csv_text = (
        "name,office,roles,wecom_userid\n"
        "张三丰,上海办事处,sales,zhangsan\n"  # taken by an earlier import
        "孙丽,上海办事处,sales,sunli\n"
        "孙莉,上海办事处,sales,sunli\n"  # the same userid twice in one file
        f"周八,上海办事处,sales,{'x' * 65}\n"
    )
    result = import_file(uow_factory, path=write(tmp_path, "staff.csv", csv_text), now=NOW)
    assert [name for name, _ in result.codes] == ["张三丰", "孙丽", "孙莉", "周八"]
    assert result.problems == [
        "张三丰: wecom_userid zhangsan already belongs to 张三, not stored",
        "孙莉: wecom_userid sunli already belongs to 孙丽, not stored",
        "周八: wecom_userid longer than 64 characters, not stored",
    ]
    stored = userids(uow_factory)
    assert (stored["张三"], stored["张三丰"], stored["孙丽"], stored["孙莉"], stored["周八"]) == (
        "zhangsan", None, "sunli", None, None
    )


def test_the_cli_warns_on_stderr_and_still_prints_every_code(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--database", database_url, "admin", "import", write(tmp_path, "org.yaml", ORG)]) == 0
    capsys.readouterr()
    csv_text = "name,office,roles,wecom_userid\n张三丰,上海办事处,sales,zhangsan\n"
    assert main(["--database", database_url, "admin", "import", write(tmp_path, "staff.csv", csv_text)]) == 0
    out, err = capsys.readouterr()
    assert [line.split("\t")[0] for line in out.strip().splitlines()] == ["张三丰"]
    assert err.strip() == "officebot: warning: 张三丰: wecom_userid zhangsan already belongs to 张三, not stored"


def test_the_optional_annual_leave_column_sets_the_allowance(uow_factory: UowFactory, tmp_path: Path) -> None:
    """Issue #10: 年假 per person, imported with staff (YAML key or CSV column); a bad value is reported."""
    from decimal import Decimal

    from domain.leave_rules import LeavePolicy, LeaveType
    from services.leave.balances import balances

    yaml_text = ORG.replace("roles: [sales]}", "roles: [sales], annual_leave_days: 10}")
    import_file(uow_factory, path=write(tmp_path, "org.yaml", yaml_text), now=NOW)
    csv_text = "name,office,roles,annual_leave_days\n赵六,上海办事处,technician,7.5\n钱七,上海办事处,sales,lots\n"
    result = import_file(uow_factory, path=write(tmp_path, "staff.csv", csv_text), now=NOW)
    assert len(result.problems) == 1 and "钱七" in result.problems[0] and "annual_leave_days" in result.problems[0]
    with uow_factory() as uow:
        ids = {s.name: s.id for s in uow.session.scalars(select(Staff))}
    policy = LeavePolicy(annual_days=Decimal(5))
    left = {name: balances(uow_factory(), staff_id=ids[name], year=2026, policy=policy)[LeaveType.ANNUAL].left
            for name in ("张三", "王五", "赵六", "钱七")}
    assert left == {"张三": Decimal(5), "王五": Decimal(10), "赵六": Decimal("7.5"), "钱七": Decimal(5)}
