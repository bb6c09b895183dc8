"""Translations through gettext catalogs (.po files built with Babel at load time).

Message ids are English; `locales/<locale>/*.po` hold the translations, one file per area so that
areas can be edited independently. The .po files are compiled in memory with Babel, so no binary .mo
files live in the repository.
"""

from __future__ import annotations

import gettext
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Protocol

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES_DIR = Path(__file__).parent / "locales"
DEFAULT_LOCALE = "zh_CN"
LOCALES = ("zh_CN", "en")
LOCALE_NAMES = {"zh_CN": "简体中文", "en": "English"}


class Translate(Protocol):
    """`_("text")` → the text in the person's language."""

    def __call__(self, message: str, /) -> str:
        """Translate one message id."""
        ...


def N_(message: str) -> str:
    """Mark a message id for extraction without translating it yet (declarative tables)."""
    return message


def normalize_locale(value: str | None) -> str:
    """Map client language codes (zh-hans, zh-CN, en-US) to a locale we ship."""
    if not value:
        return DEFAULT_LOCALE
    lowered = value.replace("-", "_").lower()
    if lowered.startswith("en"):
        return "en"
    return DEFAULT_LOCALE


@cache
def translations(locale: str) -> gettext.NullTranslations:
    """Merge every .po of a locale into one catalog and compile it to gettext in memory."""
    folder = LOCALES_DIR / locale
    files = sorted(folder.glob("*.po")) if folder.is_dir() else []
    if not files:
        return gettext.NullTranslations()
    merged = Catalog(locale=locale)
    for path in files:
        with path.open("rb") as handle:
            for message in read_po(handle, locale=locale):
                if message.id and message.string and not message.fuzzy:
                    merged.add(message.id, message.string)
    buffer = BytesIO()
    write_mo(buffer, merged)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def translator(locale: str | None) -> Translate:
    """The `_` function for a person's locale."""
    return translations(normalize_locale(locale) if locale not in LOCALES else locale).gettext
