"""Every message id in the code has a Chinese translation (zh-CN is the primary language)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir

from services.i18n.catalogs import translations

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("bot", "handlers", "services", "schedules")


def extracted_ids() -> dict[str, str]:
    """msgid → where it was found, for `_()`, `N_()` and `gettext()` calls."""
    found: dict[str, str] = {}
    for folder in SOURCES:
        for filename, lineno, message, _comments, _context in extract_from_dir(
            str(ROOT / folder), method_map=[("**.py", "python")],
            keywords={"_": None, "N_": None, "gettext": None},
        ):
            if isinstance(message, str) and message:
                found.setdefault(message, f"{folder}/{filename}:{lineno}")
    return found


def test_every_message_has_a_chinese_translation() -> None:
    zh = translations("zh_CN")
    missing = {msgid: where for msgid, where in extracted_ids().items() if zh.gettext(msgid) == msgid}
    assert missing == {}


def test_english_is_the_msgid_itself() -> None:
    assert translations("en").gettext("What you can do:") == "What you can do:"
