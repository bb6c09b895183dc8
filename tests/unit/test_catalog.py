"""Every message id in the code has a Chinese translation (zh-CN is the primary language)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from services.i18n.catalogs import LOCALES_DIR, translations

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


def test_each_message_is_translated_in_one_file() -> None:
    """Catalogs are merged, so a msgid in two .po files keeps one of two translations (a phrase list and a
    /help description once shared "today's attendance": the phrase 今天考勤 was lost)."""
    homes: dict[str, list[str]] = {}
    for path in sorted((LOCALES_DIR / "zh_CN").glob("*.po")):
        with path.open("rb") as handle:
            for message in read_po(handle, locale="zh_CN"):
                if message.id:
                    homes.setdefault(str(message.id), []).append(path.name)
    assert {msgid: files for msgid, files in homes.items() if len(files) > 1} == {}


def test_every_translation_is_used() -> None:
    """A translation whose msgid the code no longer says is a leftover (and hides a reworded message)."""
    used = extracted_ids()
    unused = []
    for path in sorted((LOCALES_DIR / "zh_CN").glob("*.po")):
        with path.open("rb") as handle:
            unused += [f"{path.name}: {m.id}" for m in read_po(handle, locale="zh_CN") if m.id and m.id not in used]
    assert unused == []
