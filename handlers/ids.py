"""Ids from command arguments: checked, never trusted (callback data is checked by `domain.callbacks`).

`str.isdigit()` accepts '²' (which `int()` refuses) and unbounded lengths (which PostgreSQL's BIGINT
refuses); this one rule accepts 1-18 ASCII digits and nothing else.
"""

from __future__ import annotations

import re

ID = re.compile(r"[0-9]{1,18}")


def parse_id(text: str | None) -> int | None:
    """A non-negative id, or None for anything else (forged or garbled data)."""
    if text is None or not ID.fullmatch(text):
        return None
    return int(text)
