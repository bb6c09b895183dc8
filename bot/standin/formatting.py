"""Message text as Telegram stores it: parse_mode markup turned into plain text plus entities.

Telegram refuses malformed markup with "can't parse entities: ..."; so does the stand-in, which
catches unescaped user input in HTML or MarkdownV2 messages before production does.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from bot.standin.errors import bad_request

Entity = dict[str, Any]

_HTML_TAGS = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "tg-spoiler": "spoiler", "span": "spoiler", "a": "text_link", "code": "code", "pre": "pre",
    "blockquote": "blockquote", "tg-emoji": "custom_emoji",
}  # fmt: skip
_HTML_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_HTML_ENTITY = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);")
_HTML_ATTR = re.compile(r"""([a-zA-Z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_COMMAND = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![^\s])")

_MD_RESERVED = set("_*[]()~`>#+-=|{}.!\\")
_MD_TYPES = {"*": "bold", "_": "italic", "__": "underline", "~": "strikethrough", "||": "spoiler"}
_MD_NAMES = {"bold": "Bold", "italic": "Italic", "underline": "Underline",
             "strikethrough": "Strikethrough", "spoiler": "Spoiler", "text_link": "TextUrl"}  # fmt: skip


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def command_entities(text: str) -> list[Entity]:
    """The bot_command entities a Telegram client attaches to `/commands` in a text."""
    return [
        {"type": "bot_command", "offset": utf16_len(text[: m.start()]), "length": utf16_len(m.group())}
        for m in _COMMAND.finditer(text)
    ]


def render(text: str, parse_mode: str | None, entities: list[Entity] | None) -> tuple[str, list[Entity]]:
    """Plain text and entities for a message sent with `parse_mode` or explicit `entities`."""
    if entities is not None or not parse_mode:
        return text, list(entities or [])
    mode = parse_mode.lower()
    if mode == "html":
        return _HtmlParser(text).parse()
    if mode == "markdownv2":
        return _MarkdownParser(text, legacy=False).parse()
    if mode == "markdown":
        return _MarkdownParser(text, legacy=True).parse()
    raise bad_request(f"unsupported parse_mode {parse_mode!r}")


def _fail(detail: str) -> Exception:
    """Telegram's error for markup it can't parse."""
    return bad_request(f"can't parse entities: {detail}")


@dataclass
class _Open:
    """An entity whose end has not been seen yet."""

    name: str
    offset: int
    extra: dict[str, Any] = field(default_factory=dict)


class _Builder:
    """Accumulates plain text and finished entities, tracking the UTF-16 offset."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.offset = 0
        self.entities: list[Entity] = []

    def add(self, text: str) -> None:
        """Append plain text."""
        self.parts.append(text)
        self.offset += utf16_len(text)

    def close(self, kind: str, start: int, extra: dict[str, Any]) -> None:
        """Finish an entity that began at `start` (empty entities are dropped, as Telegram does)."""
        if self.offset > start:
            self.entities.append({"type": kind, "offset": start, "length": self.offset - start, **extra})

    def result(self) -> tuple[str, list[Entity]]:
        """The plain text and the entities sorted like Telegram sorts them."""
        return "".join(self.parts), sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))


class _HtmlParser:
    """Telegram's HTML subset: a fixed set of tags, only &lt; &gt; &amp; &quot; and numeric entities."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.out = _Builder()
        self.stack: list[_Open] = []

    def parse(self) -> tuple[str, list[Entity]]:
        """Walk the source once; fail on anything Telegram would refuse."""
        pos = 0
        while pos < len(self.source):
            char = self.source[pos]
            if char == "<":
                pos = self._tag(pos)
            elif char == "&":
                pos = self._char_ref(pos)
            else:
                nxt = min(
                    (i for i in (self.source.find("<", pos), self.source.find("&", pos)) if i >= 0),
                    default=len(self.source),
                )
                self.out.add(self.source[pos:nxt])
                pos = nxt
        if self.stack:
            raise _fail(f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"')
        return self.out.result()

    def _byte_offset(self, pos: int) -> int:
        return len(self.source[:pos].encode())

    def _char_ref(self, pos: int) -> int:
        match = _HTML_ENTITY.match(self.source, pos)
        name = match.group(1) if match else ""
        if match and name.startswith("#"):
            number = int(name[2:], 16) if name[1:2] in ("x", "X") else int(name[1:])
            self.out.add(chr(number))
        elif match and name in _HTML_NAMED:
            self.out.add(_HTML_NAMED[name])
        else:  # Telegram keeps an unknown "&..." as it is
            self.out.add("&")
            return pos + 1
        return match.end()

    def _tag(self, pos: int) -> int:
        end = self.source.find(">", pos)
        if end < 0:
            raise _fail(f"Can't find end of the tag starting at byte offset {self._byte_offset(pos)}")
        inner = self.source[pos + 1 : end]
        if inner.startswith("/"):
            self._end_tag(inner[1:].strip().lower(), pos)
        else:
            self._start_tag(inner, pos)
        return end + 1

    def _start_tag(self, inner: str, pos: int) -> None:
        name = re.match(r"[a-zA-Z0-9-]*", inner).group().lower()  # type: ignore[union-attr]
        if name not in _HTML_TAGS:
            raise _fail(f'Unsupported start tag "{name}" at byte offset {self._byte_offset(pos)}')
        attrs = {m[0].lower(): m[1] or m[2] or m[3] for m in _HTML_ATTR.findall(inner[len(name) :])}
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise _fail('Tag "span" must have class "tg-spoiler"')
        extra: dict[str, Any] = {}
        if name == "a" and "href" in attrs:
            extra["url"] = _HtmlParser(attrs["href"]).parse()[0]
        elif name == "tg-emoji":
            extra["custom_emoji_id"] = attrs.get("emoji-id", "")
        elif name == "code" and attrs.get("class", "").startswith("language-"):
            extra["language"] = attrs["class"].removeprefix("language-")
        elif name == "blockquote" and "expandable" in inner:
            extra["expandable"] = True
        self.stack.append(_Open(name, self.out.offset, extra))

    def _end_tag(self, name: str, pos: int) -> None:
        if not self.stack:
            raise _fail(f"Unexpected end tag at byte offset {self._byte_offset(pos)}")
        top = self.stack.pop()
        if top.name != name:
            raise _fail(
                f"Unmatched end tag at byte offset {self._byte_offset(pos)}, "
                f'expected "</{top.name}>", found "</{name}>"'
            )
        self._finish(top)

    def _finish(self, top: _Open) -> None:
        parent = self.stack[-1] if self.stack else None
        if top.name == "code" and parent is not None and parent.name == "pre":
            parent.extra.update(top.extra)  # <pre><code class="language-x"> is one pre entity
            return
        kind = _HTML_TAGS[top.name]
        if kind == "text_link" and "url" not in top.extra:
            return
        if kind == "blockquote" and top.extra.pop("expandable", False):
            kind = "expandable_blockquote"
        self.out.close(kind, top.offset, top.extra)


class _MarkdownParser:
    """MarkdownV2 (strict escaping) and legacy Markdown (lenient) as Telegram parses them."""

    def __init__(self, source: str, *, legacy: bool) -> None:
        self.source = source
        self.legacy = legacy
        self.out = _Builder()
        self.stack: list[_Open] = []

    def parse(self) -> tuple[str, list[Entity]]:
        """Walk the source once; fail on anything Telegram would refuse."""
        pos = 0
        while pos < len(self.source):
            pos = self._step(pos)
        if self.stack:
            top = self.stack[-1]
            raise _fail(f"Can't find end of {_MD_NAMES.get(top.name, top.name)} entity")
        return self.out.result()

    def _step(self, pos: int) -> int:
        src = self.source
        char = src[pos]
        if char == "\\" and pos + 1 < len(src) and (not self.legacy or src[pos + 1] in "_*`["):
            self.out.add(src[pos + 1])
            return pos + 2
        if char == "`":
            return self._code(pos)
        if char == "[":
            self.stack.append(_Open("text_link", self.out.offset))
            return pos + 1
        if char == "]" and self.stack and self.stack[-1].name == "text_link":
            return self._link_end(pos)
        marker = self._marker(pos)
        if marker:
            self._toggle(_MD_TYPES[marker])
            return pos + len(marker)
        if not self.legacy and char in _MD_RESERVED:
            raise _fail(f"Character '{char}' is reserved and must be escaped with the preceding '\\'")
        self.out.add(char)
        return pos + 1

    def _marker(self, pos: int) -> str | None:
        if self.legacy:
            return self.source[pos] if self.source[pos] in "*_" else None
        for marker in ("__", "||", "*", "_", "~"):
            if self.source.startswith(marker, pos):
                return marker
        return None

    def _toggle(self, kind: str) -> None:
        if self.stack and self.stack[-1].name == kind:
            top = self.stack.pop()
            self.out.close(kind, top.offset, top.extra)
        elif any(opened.name == kind for opened in self.stack):
            raise _fail(f"Can't find end of {_MD_NAMES[kind]} entity")
        else:
            self.stack.append(_Open(kind, self.out.offset))

    def _code(self, pos: int) -> int:
        fence = "```" if self.source.startswith("```", pos) else "`"
        end = self._find_unescaped(fence, pos + len(fence))
        if end < 0:
            raise _fail(f"Can't find end of {'Pre' if fence == '```' else 'Code'} entity")
        body = self.source[pos + len(fence) : end]
        extra: dict[str, Any] = {}
        if fence == "```" and "\n" in body:
            first, rest = body.split("\n", 1)
            if first and " " not in first:
                extra["language"], body = first, rest
        start = self.out.offset
        self.out.add(re.sub(r"\\([`\\])", r"\1", body) if not self.legacy else body)
        self.out.close("pre" if fence == "```" else "code", start, extra)
        return end + len(fence)

    def _find_unescaped(self, fence: str, pos: int) -> int:
        while (found := self.source.find(fence, pos)) >= 0:
            if self.legacy or self.source[found - 1] != "\\":
                return found
            pos = found + 1
        return -1

    def _link_end(self, pos: int) -> int:
        top = self.stack.pop()
        if not self.source.startswith("(", pos + 1):
            raise _fail("Can't find end of a URL")
        end = self._find_unescaped(")", pos + 2)
        if end < 0:
            raise _fail("Can't find end of a URL")
        url = re.sub(r"\\([)\\])", r"\1", self.source[pos + 2 : end])
        self.out.close("text_link", top.offset, {"url": url})
        return end + 1
