"""The domain layer stays pure: no I/O libraries and no upper layers (DESIGN.md, "Layers")."""

import ast
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[2] / "domain"
FORBIDDEN = {
    "sqlalchemy",
    "httpx",
    "telegram",
    "apscheduler",
    "aiohttp",
    "requests",
    "psycopg",
    "yaml",
    "storage",
    "services",
    "handlers",
    "bot",
    "schedules",
}


def imported_roots(source: str) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_domain_imports_no_io_or_upper_layers() -> None:
    offenders = {
        path.name: sorted(imported_roots(path.read_text(encoding="utf-8")) & FORBIDDEN)
        for path in sorted(DOMAIN.glob("*.py"))
    }
    assert {name: bad for name, bad in offenders.items() if bad} == {}
