"""parse_mode markup becomes plain text plus entities, with Telegram's UTF-16 offsets and errors."""

import pytest

from bot.standin.errors import ApiError
from bot.standin.formatting import command_entities, render


def test_html_entities_count_utf16_units() -> None:
    text, entities = render("👍 <b>好</b> &lt;3 &amp; <i>it</i>", "HTML", None)
    assert text == "👍 好 <3 & it"
    assert entities == [
        {"type": "bold", "offset": 3, "length": 1},
        {"type": "italic", "offset": 10, "length": 2},
    ]


def test_html_links_code_and_nesting() -> None:
    source = '<a href="https://x.cn/?a=1&amp;b=2">map</a> <pre><code class="language-sql">x</code></pre>'
    text, entities = render(source, "html", None)
    assert text == "map x"
    assert entities == [
        {"type": "text_link", "offset": 0, "length": 3, "url": "https://x.cn/?a=1&b=2"},
        {"type": "pre", "offset": 4, "length": 1, "language": "sql"},
    ]


@pytest.mark.parametrize("source", ["<b>open", "a < b", "<script>x</script>", "<b><i>x</b></i>", "</b>"])
def test_bad_html_is_refused(source: str) -> None:
    with pytest.raises(ApiError, match="can't parse entities"):
        render(source, "HTML", None)


def test_markdown_v2_needs_escapes() -> None:
    text, entities = render("*总计* 5\\.00 [单据](http://x/\\)) __u__ `a.b`", "MarkdownV2", None)
    assert text == "总计 5.00 单据 u a.b"
    assert [e["type"] for e in entities] == ["bold", "text_link", "underline", "code"]
    assert entities[1]["url"] == "http://x/)"
    with pytest.raises(ApiError, match=r"Character '\.' is reserved"):
        render("Total: 5.00", "MarkdownV2", None)
    with pytest.raises(ApiError, match="Can't find end of Bold entity"):
        render("*open", "MarkdownV2", None)


def test_markdown_v2_pre_language_and_legacy_markdown() -> None:
    assert render("```python\nprint(1)\n```", "MarkdownV2", None) == (
        "print(1)\n",
        [{"type": "pre", "offset": 0, "length": 9, "language": "python"}],
    )
    assert render("*b* costs 5.00!", "Markdown", None) == (
        "b costs 5.00!",
        [{"type": "bold", "offset": 0, "length": 1}],
    )


def test_explicit_entities_and_plain_text_pass_through() -> None:
    entities = [{"type": "bold", "offset": 0, "length": 1}]
    assert render("<b>", None, None) == ("<b>", [])
    assert render("x", "HTML", entities) == ("x", entities)


def test_command_entities() -> None:
    assert command_entities("/start@officebot abc /help") == [
        {"type": "bot_command", "offset": 0, "length": 16},
        {"type": "bot_command", "offset": 21, "length": 5},
    ]
    assert command_entities("a/b and 1/2") == []
