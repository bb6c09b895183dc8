"""What typed text may contain once it is inside officebot: the one cleaning every inbound text goes through.

People paste from Word, WeChat and web pages, and some send garbage on purpose. Cleaned text has
no control characters but newline and tab (PostgreSQL refuses NUL in text, and a BEL or an escape
only breaks a card), no invisible format characters (zero-width spaces, byte-order marks, bidi
overrides) except the joiners that emoji and some scripts need, and no lone surrogates (they cannot
be encoded as UTF-8). Line breaks are `\\n`. It keeps its outer spaces: callers strip as they need.
"""

import unicodedata

_KEPT_FORMAT = frozenset("\u200c\u200d")  # zero-width (non-)joiner: emoji sequences, Indic and Persian text
_KEPT_CONTROL = frozenset("\n\t")
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})


def _kept(char: str) -> bool:
    """Whether one character survives cleaning."""
    if char in _KEPT_CONTROL or char in _KEPT_FORMAT:
        return True
    return unicodedata.category(char) not in _DROPPED_CATEGORIES


def clean_text(text: str) -> str:
    """`text` without control, invisible format and surrogate characters; CR LF and CR become LF."""
    unified = text.replace("\r\n", "\n").replace("\r", "\n")
    if unified.isascii() and unified.isprintable():
        return unified  # the common case, without a look at every character
    return "".join(char for char in unified if _kept(char))


def is_blank(text: str | None) -> bool:
    """True when nothing visible is left: empty, or only spaces of any kind (after cleaning)."""
    return not clean_text(text or "").strip()
