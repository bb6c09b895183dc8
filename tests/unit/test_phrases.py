"""Whole-message phrases name the command a person means (handlers/main_menu.py PHRASES)."""

from __future__ import annotations

import pytest

from handlers.main_menu import phrase_command


@pytest.mark.parametrize(("text", "command"), [
    ("今天考勤", "today"), ("今日考勤", "today"), ("today's attendance", "today"), ("我想请假", "leave"),
    ("写周报", "weekly"), ("帮我报销一下", "expense"), ("我的申请", "requests"),
])
def test_a_phrase_names_its_command(text: str, command: str) -> None:
    assert phrase_command(text) == command


@pytest.mark.parametrize("text", ["今天天气不错", "考勤机坏了，请派人来修", "x" * 40])
def test_other_words_name_no_command(text: str) -> None:
    assert phrase_command(text) is None
