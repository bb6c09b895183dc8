"""Our source files parsed once per test process: the one-home and layer guards walk the same trees.

Each guard parsed every module itself (about a second each); the trees are only read, never changed.
"""

from __future__ import annotations

import ast
from functools import cache


@cache
def parsed(source: str) -> ast.Module:
    """The syntax tree of `source` (shared: do not modify it)."""
    return ast.parse(source)
