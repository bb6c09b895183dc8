"""Rules written once (STYLE.md, principle 14): role sets and expense-category sets live in domain/ only."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from domain.approvals import ExpenseCategory
from domain.roles import (
    ATTENDANCE_SHEET_ROLES,
    HQ_ROLES,
    INVITER_ROLES,
    OFFICE_MANAGER_ROLES,
    OFFICE_ROLES,
    OVERSIGHT_ROLES,
    PAYMENT_LOGGER_ROLES,
    Role,
)
from tests.unit.source_trees import parsed

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("bot", "handlers", "schedules", "services", "storage")
VOCABULARIES = {"role": {r.value for r in Role}, "expense category": {c.value for c in ExpenseCategory}}


def literal_sets(source: str) -> list[tuple[int, set[str]]]:
    """Set displays and set()/frozenset() calls over a literal, with their string constants."""
    found = []
    for node in ast.walk(parsed(source)):
        items: list[ast.expr] | None = None
        if isinstance(node, ast.Set):
            items = node.elts
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("set", "frozenset")
              and node.args and isinstance(node.args[0], ast.Set | ast.List | ast.Tuple)):
            items = node.args[0].elts
        if items:
            words = {e.value for e in items if isinstance(e, ast.Constant) and isinstance(e.value, str)}
            found.append((node.lineno, words))
    return found


def re_declared(vocabulary: set[str]) -> list[str]:
    """Every set of two or more of the vocabulary's words written outside domain/."""
    return [f"{path.relative_to(ROOT)}:{line}"
            for layer in LAYERS for path in sorted((ROOT / layer).rglob("*.py"))
            for line, words in literal_sets(path.read_text(encoding="utf-8"))
            if len(words & vocabulary) >= 2]


@pytest.mark.parametrize("vocabulary", sorted(VOCABULARIES))
def test_no_set_of_roles_or_categories_outside_the_domain(vocabulary: str) -> None:
    assert re_declared(VOCABULARIES[vocabulary]) == []


def test_the_guard_sees_a_re_declared_set() -> None:
    source = 'A = {"sales", "admin"}\nB = frozenset(("project", "intermediary_fee"))\nC = {"sales"}\n'
    assert [words for _, words in literal_sets(source)] == [{"sales", "admin"}, {"project", "intermediary_fee"},
                                                          {"sales"}]


@pytest.mark.parametrize(("roles", "expected"), [
    (OFFICE_MANAGER_ROLES, {Role.OFFICE_HEAD, Role.ADMIN}),
    (OVERSIGHT_ROLES, {Role.OFFICE_HEAD, Role.ADMIN, *HQ_ROLES}),
    (INVITER_ROLES, {Role.OFFICE_HEAD, Role.ADMIN, Role.HR}),
    (ATTENDANCE_SHEET_ROLES, {Role.OFFICE_HEAD, Role.ADMIN, Role.HR}),
    (PAYMENT_LOGGER_ROLES, {Role.SALES, Role.ADMIN, Role.OFFICE_HEAD, Role.REGIONAL_MANAGER, Role.FINANCE}),
    (OFFICE_ROLES, {Role.SALES, Role.TECHNICIAN, Role.ADMIN, Role.OFFICE_HEAD, Role.REGIONAL_MANAGER}),
])
def test_who_may_do_what(roles: frozenset[Role], expected: set[Role]) -> None:
    assert roles == expected
