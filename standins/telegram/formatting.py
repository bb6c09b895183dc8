"""Message text as Telegram stores it: plain text plus entities (UTF-16 offsets), commands marked.

officebot sends plain text only (user input is never markup), so the stand-in does not imitate
`parse_mode`: a message that sets it is refused loudly, so the day the product starts using
markup, this is where HTML/MarkdownV2 checking has to be added (Telegram refuses malformed markup
with "can't parse entities").
"""

import re
from typing import Any

from standins.telegram.errors import bad_request

Entity = dict[str, Any]

_COMMAND = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![^\s])")


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
    """Plain text and entities for a message sent with explicit `entities` (or none); `parse_mode` is refused."""
    if parse_mode:
        raise bad_request(f"parse_mode {parse_mode!r} is not imitated by the stand-in: officebot sends plain text")
    return text, list(entities or [])
