"""User-visible text written once (issue #13): a sentence has one module, a service's words are not re-typed.

A sentence typed in two modules drifts (one copy is reworded, the other is not), and a label a service
puts on its notices, typed again in a handler, is two homes for one word. Short labels ("Phone",
"Acceptance date") are vocabulary: the same label in two form declarations is not a rule, and gettext
gives it one translation anyway. A sentence is three words or more, or ends in punctuation, or has a
{placeholder}. The guard reads the source, so it also catches text written before a catalog entry.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from tests.unit.source_trees import parsed

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("bot", "handlers", "schedules", "services")
MARKERS = {"_", "N_", "gettext"}


def msgids(source: str) -> set[str]:
    """The literal messages of `_()`, `N_()`, `gettext()` and `x._()` calls in one module."""
    found = set()
    for node in ast.walk(parsed(source)):
        if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if name in MARKERS:
            found.add(node.args[0].value)
    return found


def where_written(sources: dict[str, str]) -> dict[str, set[str]]:
    """msgid → the modules that type it."""
    homes: dict[str, set[str]] = defaultdict(set)
    for module, source in sources.items():
        for msgid in msgids(source):
            homes[msgid].add(module)
    return homes


def is_sentence(msgid: str) -> bool:
    """More than a label: three words, closing punctuation, or a placeholder."""
    return len(msgid.split()) >= 3 or msgid.rstrip()[-1:] in ".?!:：。？！" or "{" in msgid


def twice_written(homes: dict[str, set[str]]) -> dict[str, list[str]]:
    """Sentences in two modules, and a service's words typed again in a handler."""
    found = {}
    for msgid, modules in homes.items():
        layers = {module.split("/")[0] for module in modules}
        if len(modules) > 1 and (is_sentence(msgid) or {"services", "handlers"} <= layers):
            found[msgid] = sorted(modules)
    return found


def product_sources() -> dict[str, str]:
    return {str(path.relative_to(ROOT)): path.read_text(encoding="utf-8")
            for layer in LAYERS for path in sorted((ROOT / layer).rglob("*.py"))}


def test_every_sentence_is_written_in_one_module() -> None:
    assert twice_written(where_written(product_sources())) == {}


def test_the_guard_sees_text_written_twice() -> None:
    sources = {
        "handlers/a.py": 'x = ctx._("Not found.")\ny = N_("Phone")\nz = N_("approved")\nw = _("Saved, thanks.")',
        "handlers/b.py": 'x = _("Not found.")\ny = N_("Phone")\nv = N_("Acceptance date")\nu = N_("due {day}")',
        "handlers/d.py": 'v = N_("Acceptance date")\nu = N_("due {day}")\nt = N_("Which one?")\n'
                         's = N_("in the store now")',
        "handlers/e.py": 't = N_("Which one?")\ns = N_("in the store now")',
        "services/c.py": 'z = N_("approved")\nw = gettext("Saved, thanks.")',
    }
    assert twice_written(where_written(sources)) == {
        "Not found.": ["handlers/a.py", "handlers/b.py"],
        "approved": ["handlers/a.py", "services/c.py"],
        "due {day}": ["handlers/b.py", "handlers/d.py"],
        "Which one?": ["handlers/d.py", "handlers/e.py"],
        "in the store now": ["handlers/d.py", "handlers/e.py"],
        "Saved, thanks.": ["handlers/a.py", "services/c.py"],
    }
