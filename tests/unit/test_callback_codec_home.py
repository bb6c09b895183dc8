"""Callback data has one home (STYLE.md, principle 14): `domain/callbacks.py` packs and unpacks every button.

Outside it nothing splits data on ':' (the old hand-split parsers), nothing but the router reads
`Inbound.callback_data`, and no button is given hand-built data (an f-string or a literal).
The stand-ins (`standins/telegram/`, `standins/`) are format-agnostic and import nothing of ours: not scanned.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

from tests.unit.source_trees import parsed

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("bot", "handlers", "schedules", "services", "storage", "domain")
CODEC = Path("domain/callbacks.py")
NOT_SCANNED = (Path("standins/telegram"),)
READERS = {Path("handlers/router.py")}  # hands `callback_data` to `domain.callbacks.unpack`, once per press
NO_COLON_SPLIT = ("handlers", "schedules", "services", "domain")  # bot/ splits tokens and host:pid, never data
SPLITTERS = {"split", "rsplit", "partition", "rpartition"}


def _is_str(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def colon_splits(tree: ast.AST) -> list[int]:
    """Lines that split or partition a string on ':'."""
    return sorted(node.lineno for node in ast.walk(tree)
                  if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                  and node.func.attr in SPLITTERS and node.args and isinstance(node.args[0], ast.Constant)
                  and isinstance(node.args[0].value, str) and ":" in node.args[0].value)


def data_reads(tree: ast.AST) -> list[int]:
    """Lines that read an `.callback_data` attribute."""
    return sorted(node.lineno for node in ast.walk(tree)
                  if isinstance(node, ast.Attribute) and node.attr == "callback_data"
                  and isinstance(node.ctx, ast.Load))


def _hand_built(node: ast.expr) -> bool:
    """An f-string, a literal, `'…'.format()`, `':'.join()`, `'…' % x` or `'…' + x`: not from `pack`."""
    if isinstance(node, ast.JoinedStr) or _is_str(node):
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("format", "join"):
        return True
    return isinstance(node, ast.BinOp) and (_is_str(node.left) or _is_str(node.right) or isinstance(node.op, ast.Mod))


def hand_built_buttons(tree: ast.AST) -> list[int]:
    """Lines that make a `Button(label, data)` whose data is not packed by the codec."""
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Button"):
            continue
        data = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "data"), None)
        if data is not None and _hand_built(data):
            found.append(node.lineno)
    return sorted(found)


@cache
def sources() -> list[tuple[Path, ast.AST]]:
    """Every product module but the codec and the stand-ins, parsed."""
    found = []
    for layer in LAYERS:
        for path in sorted((ROOT / layer).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if relative != CODEC and not any(relative.is_relative_to(skip) for skip in NOT_SCANNED):
                found.append((relative, parsed(path.read_text(encoding="utf-8"))))
    return found


def test_no_callback_data_is_split_on_colons_outside_the_codec() -> None:
    assert [f"{path}:{line}" for path, tree in sources() if path.parts[0] in NO_COLON_SPLIT
            for line in colon_splits(tree)] == []


def test_only_the_router_reads_callback_data() -> None:
    assert [f"{path}:{line}" for path, tree in sources() if path not in READERS for line in data_reads(tree)] == []


def test_every_button_gets_its_data_from_the_codec() -> None:
    assert [f"{path}:{line}" for path, tree in sources() for line in hand_built_buttons(tree)] == []


def test_the_guard_sees_hand_split_and_hand_built_data() -> None:
    source = '''
parts = (ctx.inbound.callback_data or "").split(":")
action = data.rsplit(":", 1)[-1]
head, _, tail = data.partition(":")
ok = "a,b".split(",")
b1 = Button("x", f"rp:{i}:v")
b2 = Button("x", "dash:x")
b3 = Button("x", "apv:" + str(i))
b4 = Button("x", pack(REPAIR, repair=i, action="v"))
b5 = Button(label="x", data=":".join(parts))
'''
    tree = ast.parse(source)
    assert (colon_splits(tree), data_reads(tree), hand_built_buttons(tree)) == ([2, 3, 4], [2], [6, 7, 8, 10])
