"""Message text as the stand-in stores it: plain text, explicit entities, commands marked in UTF-16 units."""

import pytest

from standins.telegram.errors import ApiError
from standins.telegram.formatting import command_entities, render, utf16_len


def test_plain_text_and_explicit_entities_pass_through() -> None:
    entities = [{"type": "bold", "offset": 0, "length": 1}]
    assert render("<b>", None, None) == ("<b>", [])
    assert render("x", None, entities) == ("x", entities)


@pytest.mark.parametrize("mode", ["HTML", "MarkdownV2", "Markdown"])
def test_parse_mode_is_refused_since_the_product_never_sends_markup(mode: str) -> None:
    with pytest.raises(ApiError, match="not imitated"):
        render("*b*", mode, None)


def test_command_entities_count_utf16_units() -> None:
    assert command_entities("/start@officebot abc /help") == [
        {"type": "bot_command", "offset": 0, "length": 16},
        {"type": "bot_command", "offset": 21, "length": 5},
    ]
    assert command_entities("👍 /help") == [{"type": "bot_command", "offset": 3, "length": 5}]
    assert command_entities("a/b and 1/2") == []
    assert utf16_len("👍好") == 3
