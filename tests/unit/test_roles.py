"""Typed roles: codes, the glossary's Chinese names and the seeds' synonyms all name a role."""

from __future__ import annotations

import pytest

from domain.roles import ZH_NAMES, Role, parse_role, parse_roles
from services.i18n.catalogs import translator
from services.i18n.role_labels import ROLE_LABELS


@pytest.mark.parametrize(("text", "role"), [
    ("sales", Role.SALES), ("SALES", Role.SALES), (" Office_Head ", Role.OFFICE_HEAD),
    ("销售", Role.SALES), ("销售代表", Role.SALES), ("业务员", Role.SALES),
    ("维修员", Role.TECHNICIAN), ("技术员", Role.TECHNICIAN), ("售后", Role.TECHNICIAN), ("售后人员", Role.TECHNICIAN),
    ("文员", Role.ADMIN), ("内勤", Role.ADMIN), ("行政与运营专员", Role.ADMIN),
    ("主任", Role.OFFICE_HEAD), ("办事处主任", Role.OFFICE_HEAD), ("经理", Role.OFFICE_HEAD),
    ("办事处负责人", Role.OFFICE_HEAD), ("区域经理", Role.REGIONAL_MANAGER), ("总经理", Role.GM),
    ("人力资源部", Role.HR), ("财务", Role.FINANCE), ("财务总监", Role.FINANCE_DIRECTOR),
])
def test_parse_role_accepts_codes_chinese_names_and_synonyms(text: str, role: Role) -> None:
    assert parse_role(text) is role


@pytest.mark.parametrize("text", ["", "wizard", "销售员工", "sales,technician", "总"])
def test_parse_role_refuses_anything_else(text: str) -> None:
    assert parse_role(text) is None


def test_every_role_has_a_chinese_name_that_parses_back() -> None:
    assert set(ZH_NAMES) == set(Role)
    for role, name in ZH_NAMES.items():
        assert parse_role(name) is role


def test_the_chinese_label_shown_to_people_parses_back() -> None:
    zh = translator("zh_CN")
    for role in Role:
        assert parse_role(zh(ROLE_LABELS[role.value])) is role
        assert zh(ROLE_LABELS[role.value]) == ZH_NAMES[role]


@pytest.mark.parametrize("text", [
    "销售、维修员", "sales,technician", "业务员；售后", "销售，技术员", "sales; 维修员 ,",
])
def test_parse_roles_splits_on_every_separator(text: str) -> None:
    assert parse_roles(text) == ([Role.SALES, Role.TECHNICIAN], [])


def test_parse_roles_reports_unknown_words_and_drops_repeats() -> None:
    assert parse_roles("销售,wizard,业务员") == ([Role.SALES], ["wizard"])
    assert parse_roles(["sales", "维修员、文员"]) == ([Role.SALES, Role.TECHNICIAN, Role.ADMIN], [])
    assert parse_roles("") == ([], [])
