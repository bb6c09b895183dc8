"""Every e2e file keeps at least one script on PostgreSQL over HTTP (issue #13: one per feature).

The other e2e scripts (and the wire scripts' SQLite runs) run in process on SQLite (tests/conftest.py):
without this guard a new feature's file could end up never crossing the wire or touching PostgreSQL
end to end.
"""

import ast
from pathlib import Path

E2E = Path(__file__).resolve().parents[1] / "e2e"


def _is_wire(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "wire"


def _module_wide(node: ast.stmt) -> bool:
    """`pytestmark = pytest.mark.wire` (alone or in a list of marks)."""
    return (isinstance(node, ast.Assign) and any(_is_wire(part) for part in ast.walk(node.value))
            and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets))


def test_every_e2e_file_has_a_wire_script() -> None:
    missing = []
    for path in sorted(E2E.glob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        tests = [n for n in tree.body
                 if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name.startswith("test_")]
        marked = any(_module_wide(n) for n in tree.body) or any(  # on a test or on one of its parameters
            _is_wire(part) for t in tests for d in t.decorator_list for part in ast.walk(d))
        if tests and not marked:
            missing.append(path.name)
    assert missing == []
