"""Imports point down the layers (DESIGN.md, "Layers"; docs/ARCHITECTURE.md): each contract is a table row.

bot → handlers / schedules → services → domain / storage. The domain is pure (no I/O library, nothing
of ours but itself); handlers reach the database only through services; only the Telegram adapter
imports the Telegram SDK; the stand-ins are separate things that import nothing of ours, nor each other.
Inside services/, the platform pieces (platform/, messaging/, i18n/, wecom/) never import a feature.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.unit.source_trees import parsed

ROOT = Path(__file__).resolve().parents[2]
OURS = {"bot", "handlers", "schedules", "services", "domain", "storage", "standins", "config"}
IO_LIBRARIES = {"sqlalchemy", "alembic", "httpx", "telegram", "apscheduler", "aiohttp", "requests", "psycopg", "yaml",
                "openpyxl"}
CHAT_SDKS = {"telegram"}
SERVICES = ROOT / "services"
# what every feature stands on; every other package of services/ is a feature (approvals/, reports/ …)
SERVICE_PLATFORM = ("platform", "messaging", "i18n", "wecom")
SERVICE_FEATURES = {f"services.{path.parent.name}" for path in SERVICES.glob("*/__init__.py")
                    if path.parent.name not in SERVICE_PLATFORM}

# (files, what they must not import, files exempt): a module name matches itself and everything under it.
CONTRACTS: list[tuple[str, set[str], tuple[str, ...]]] = [
    ("domain", (OURS - {"domain"}) | IO_LIBRARIES, ()),
    ("storage", {"services", "handlers", "schedules", "bot", "standins"} | CHAT_SDKS, ()),
    ("services", {"handlers", "schedules", "bot", "standins", "aiohttp"} | CHAT_SDKS, ()),
    *((f"services/{piece}", SERVICE_FEATURES, ()) for piece in SERVICE_PLATFORM),
    ("handlers", {"storage", "schedules", "bot", "standins", "sqlalchemy"} | CHAT_SDKS, ()),
    ("schedules", {"handlers", "storage", "bot", "standins"} | CHAT_SDKS, ()),
    ("bot", CHAT_SDKS, ("bot/telegram",)),
    ("standins", OURS - {"standins"}, ()),
    ("standins/telegram", {"standins.wecom"}, ()),
    ("standins/wecom", {"standins.telegram"}, ()),
]


def imported_modules(source: str) -> set[str]:
    """Every absolute module an import statement names, at any depth (lazy imports in functions too)."""
    modules = set()
    for node in ast.walk(parsed(source)):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
    return modules


def matches(module: str, banned: set[str]) -> bool:
    """`telegram.ext` matches `telegram`; `standins.wecom.api` matches `standins.wecom`, not `standins.wecom_x`."""
    return any(module == name or module.startswith(name + ".") for name in banned)


def breaches(folder: str, banned: set[str], exempt: tuple[str, ...]) -> dict[str, list[str]]:
    """file → the banned modules it imports."""
    found = {}
    for path in sorted((ROOT / folder).rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if any(relative.startswith(prefix + "/") for prefix in exempt):
            continue
        bad = sorted(m for m in imported_modules(path.read_text(encoding="utf-8")) if matches(m, banned))
        if bad:
            found[relative] = bad
    return found


@pytest.mark.parametrize(("folder", "banned", "exempt"), CONTRACTS, ids=[row[0] for row in CONTRACTS])
def test_layer_contract(folder: str, banned: set[str], exempt: tuple[str, ...]) -> None:
    assert breaches(folder, banned, exempt) == {}


def test_every_module_of_ours_is_under_a_contract() -> None:
    covered = {row[0].split("/")[0] for row in CONTRACTS}
    packages = {path.parent.name for path in ROOT.glob("*/__init__.py")} - {"tests", "bench"}
    assert packages - covered == {"config"}  # YAML only


def test_the_checker_sees_lazy_and_dotted_imports() -> None:
    source = "import os\ndef f():\n    from storage.models import Staff\n    import telegram.ext\n"
    assert imported_modules(source) == {"os", "storage.models", "telegram.ext"}
    assert matches("storage.models", {"storage"}) and not matches("storages", {"storage"})


def test_services_holds_feature_and_platform_packages_only() -> None:
    """A new use case goes into its feature's folder (or a new one), not back to the top of services/."""
    assert sorted(path.name for path in SERVICES.glob("*.py")) == ["__init__.py"]
    assert set(SERVICE_PLATFORM) <= {path.parent.name for path in SERVICES.glob("*/__init__.py")}
