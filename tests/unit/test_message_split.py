"""Every outgoing text fits its channel: split at line breaks, nothing lost, on characters or bytes."""

from __future__ import annotations

import random

import pytest

from services.messaging.messages import split_text


@pytest.mark.parametrize("seed", range(200))
def test_parts_fit_and_keep_every_character(seed: int) -> None:
    rng = random.Random(seed)
    text = "".join(rng.choice(["a", "中", "\n", "bb\n", "x" * 50, "报告内容。"]) for _ in range(rng.randint(1, 400)))
    limit = rng.randint(8, 300)
    for size in (len, lambda s: len(s.encode())):
        parts = split_text(text, limit, size=size)
        assert all(0 < size(p) <= limit for p in parts if text.strip())
        assert "".join(parts).replace("\n", "") == text.replace("\n", "")


def test_short_text_is_one_part_and_lines_are_kept_whole() -> None:
    assert split_text("你好", 4096) == ["你好"]
    assert split_text("第一行\n第二行\n第三行", 8) == ["第一行\n第二行", "第三行"]
