"""The admin command line: offices, invites (code alone on the last line), YAML and CSV import."""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path

import pytest

from bot.cli import main
from domain.attendance import DEFAULT_WORKING_HOURS
from services.people import onboarding
from services.people.onboarding import RedeemOutcome
from storage.db import make_engine, make_session_factory
from storage.uow import UnitOfWork


def _uow(url: str) -> UnitOfWork:
    return UnitOfWork(make_session_factory(make_engine(url)))


def test_create_office_and_invite(database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--database", database_url, "admin", "create-office", "--name", "上海办事处",
                 "--timezone", "Asia/Shanghai", "--geofence", "31.23,121.47,300"]) == 0
    assert main(["--database", database_url, "admin", "invite", "--office", "上海办事处",
                 "--role", "sales", "--name", "李娜"]) == 0
    code = capsys.readouterr().out.strip().splitlines()[-1]
    assert len(code) == 8 and code.isalnum()
    result = onboarding.redeem(_uow(database_url), code=code, channel="telegram", account="77", now=datetime.now(UTC))
    assert result.outcome == RedeemOutcome.registered
    assert result.staff is not None and result.staff.roles == {"sales"}
    hours = (result.staff.work_start, result.staff.work_end)
    assert hours == (DEFAULT_WORKING_HOURS.start, DEFAULT_WORKING_HOURS.end)


def test_bad_admin_input_is_one_clear_line(database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--database", database_url, "admin", "invite", "--office", "不存在", "--role", "sales",
                 "--name", "某人"]) == 2
    assert capsys.readouterr().err.strip() == "officebot: no such office: 不存在"
    assert main(["--database", database_url, "admin", "create-office", "--name", "X",
                 "--timezone", "Nowhere/Town"]) == 2


def test_import_yaml_then_csv(database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    yaml_file = tmp_path / "org.yaml"
    yaml_file.write_text(
        "offices:\n"
        "  - {name: 乌鲁木齐办事处, timezone: Asia/Urumqi, hours: '09:00-18:00',\n"
        "     geofence: {lat: 43.82, lon: 87.61, radius_m: 200}}\n"
        "staff:\n"
        "  - {name: 艾力, office: 乌鲁木齐办事处, roles: [office_head]}\n"
        "  - {name: 古丽, office: 乌鲁木齐办事处, roles: [sales], manager: 艾力, phone: '13800000000'}\n",
        encoding="utf-8",
    )
    assert main(["--database", database_url, "admin", "import", str(yaml_file)]) == 0
    csv_file = tmp_path / "staff.csv"
    csv_file.write_text("name,office,roles,phone,manager\n买买提,乌鲁木齐办事处,technician;sales,,艾力\n",
                        encoding="utf-8")
    assert main(["--database", database_url, "admin", "import", str(csv_file)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split("\t")[0] for line in lines] == ["艾力", "古丽", "买买提"]
    code = lines[-1].split("\t")[1]
    result = onboarding.redeem(_uow(database_url), code=code, channel="telegram", account="78", now=datetime.now(UTC))
    assert result.staff is not None
    assert result.staff.roles == {"technician", "sales"}
    assert result.staff.timezone == "Asia/Urumqi"
    assert (result.staff.work_start, result.staff.work_end) == (time(9), time(18))
    assert result.staff.manager_id is not None


def test_roles_may_be_typed_in_chinese(database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--database", database_url, "admin", "create-office", "--name", "上海办事处",
                 "--timezone", "Asia/Shanghai"]) == 0
    assert main(["--database", database_url, "admin", "invite", "--office", "上海办事处",
                 "--role", "业务员、维修员", "--name", "刘洋"]) == 0
    cli_code = capsys.readouterr().out.strip().splitlines()[-1]
    staff_file = tmp_path / "staff.yaml"
    staff_file.write_text(
        "staff:\n"
        "  - {name: 王强, office: 上海办事处, roles: [主任]}\n"
        "  - {name: 赵敏, office: 上海办事处, roles: '文员；销售'}\n",
        encoding="utf-8",
    )
    assert main(["--database", database_url, "admin", "import", str(staff_file)]) == 0
    csv_file = tmp_path / "staff.csv"
    csv_file.write_text("name,office,roles\n孙丽,上海办事处,内勤;Sales\n", encoding="utf-8")
    assert main(["--database", database_url, "admin", "import", str(csv_file)]) == 0
    codes = dict(line.split("\t") for line in capsys.readouterr().out.strip().splitlines())
    expected = {cli_code: {"sales", "technician"}, codes["王强"]: {"office_head"},
                codes["赵敏"]: {"admin", "sales"}, codes["孙丽"]: {"admin", "sales"}}
    for user_id, (code, roles) in enumerate(expected.items(), start=90):
        result = onboarding.redeem(_uow(database_url), code=code, channel="telegram", account=str(user_id),
                                   now=datetime.now(UTC))
        assert result.staff is not None and result.staff.roles == roles
    assert main(["--database", database_url, "admin", "invite", "--office", "上海办事处",
                 "--role", "销售,巫师", "--name", "某人"]) == 2
    assert capsys.readouterr().err.strip() == "officebot: unknown role: 巫师"


def test_an_imported_office_without_hours_gets_the_default(database_url: str, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    org = tmp_path / "org.yaml"
    org.write_text("offices:\n  - {name: 成都办事处}\nstaff:\n  - {name: 张伟, office: 成都办事处, roles: [sales]}\n",
                   encoding="utf-8")
    assert main(["--database", database_url, "admin", "import", str(org)]) == 0
    code = capsys.readouterr().out.strip().splitlines()[-1].split("\t")[1]
    result = onboarding.redeem(_uow(database_url), code=code, channel="telegram", account="79", now=datetime.now(UTC))
    assert result.staff is not None
    assert (result.staff.work_start, result.staff.work_end) == (DEFAULT_WORKING_HOURS.start, DEFAULT_WORKING_HOURS.end)
