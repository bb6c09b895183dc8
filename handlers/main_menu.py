"""No slash commands needed: the main keyboard (签到 / 签退 / 拜访 / 维修 / 周报 / 请假 / 报销 / 待办) and phrases.

Two tables, both translated through the catalog, so a person's own words start the right command:
- `MAIN_KEYS`: the keyboard's labels. A tap sends the label as text; that text *is* the command, even
  while a form is open (the form engine then asks whether to drop the unfinished form).
- `PHRASES`: a few words per command ("我想请假", "写周报", "报销"). A phrase counts only when no form
  is open (a form's answer is never taken for a phrase) and only as a whole message, after polite
  openers such as 我想/我要/帮我 are set aside: a small table, not guesswork.

On Telegram the keyboard is a persistent ReplyKeyboardMarkup (`OutMessage.menu`); on WeCom the app
menu (bot/wecom/menu.py) carries the same commands, so the WeCom channel leaves this keyboard out.
"""

from __future__ import annotations

import re
import unicodedata

from handlers.context import Ctx
from handlers.router import Router
from services.approvals.notices import KIND_LABELS
from services.i18n.catalogs import LOCALES, N_, translator
from services.messaging.messages import KeyButton, OutMessage

# (label msgid, command); two rows of four on a phone
MAIN_KEYS: tuple[tuple[tuple[str, str], ...], ...] = (
    ((N_("Check in"), "checkin"), (N_("Check out"), "checkout"), (N_("Visit"), "visit"), (N_("Repair"), "repair")),
    ((N_("Weekly report"), "weekly"), (KIND_LABELS["leave"], "leave"), (N_("Expense"), "expense"),
     (N_("To do"), "pending")),
)
# command → msgid whose translation lists the phrases, separated by "|"
PHRASES: dict[str, str] = {
    "checkin": N_("check in|clock in"),
    "checkout": N_("check out|clock out"),
    "visit": N_("visit|log a visit"),
    "repair": N_("repair|report a repair"),
    "weekly": N_("weekly report|write the weekly report"),
    "monthly": N_("monthly report|write the monthly report"),
    "leave": N_("leave|ask for leave|request leave"),
    "expense": N_("expense|claim an expense|claim expenses"),
    "pending": N_("to do|pending approvals"),
    "requests": N_("my requests"),
    "today": N_("today's attendance|attendance today"),
    "help": N_("help|menu"),
}
OPENERS = re.compile(r"^(?:我想要|我想|我要|我需要|想要|想|要|帮我|麻烦|请|i want to|i'd like to|please)\s*")
CLOSERS = re.compile(r"\s*(?:一下|吧|了|啊|呀|呢)?[\s。.!！?？~～]*$")


def main_keyboard(ctx: Ctx) -> tuple[tuple[KeyButton, ...], ...]:
    """The keys this person's roles allow, in the table's rows."""
    assert ctx.router is not None
    allowed = {c.name for c in ctx.router.allowed_commands(ctx.me.roles)}
    rows = (tuple(KeyButton(ctx._(label)) for label, command in row if command in allowed)
            for row in MAIN_KEYS)
    return tuple(row for row in rows if row)


def with_menu(ctx: Ctx, text: str) -> OutMessage:
    """A text reply that (re)shows the main keyboard; without a registered sender, just the text."""
    if ctx.staff is None or ctx.router is None:
        return OutMessage(text, remove_keyboard=True)
    return OutMessage(text, keyboard=main_keyboard(ctx), menu=True)


def _folded(text: str) -> str:
    """Lower case, full width folded, closing particles and punctuation set aside."""
    return CLOSERS.sub("", unicodedata.normalize("NFKC", text).strip().lower())


def _readings(text: str) -> set[str]:
    """The message as typed and without its polite opener ("我想请假" → also "请假")."""
    folded = _folded(text)
    return {folded, OPENERS.sub("", folded)} - {""}


def key_command(ctx: Ctx) -> str | None:
    """The command a main-keyboard label stands for (in any of our languages), else None."""
    typed = (ctx.inbound.text or "").strip()
    if not typed or len(typed) > 20:
        return None
    for row in MAIN_KEYS:
        for label, command in row:
            if any(translator(locale)(label) == typed for locale in LOCALES):
                return command
    return None


def phrase_command(text: str) -> str | None:
    """The command a whole-message phrase names ("我想请假" → leave), else None."""
    wanted = _readings(text)
    if not wanted or len(text) > 30:
        return None
    for command, msgid in PHRASES.items():
        for locale in LOCALES:
            if wanted & {_folded(p) for p in translator(locale)(msgid).split("|")}:
                return command
    return None


def on_phrase(ctx: Ctx) -> bool:
    """Free text with no form open: a known phrase runs its command (the last input handler)."""
    if ctx.inbound.text is None or ctx.inbound.edited:
        return False
    command = phrase_command(ctx.inbound.text)
    if command is None or ctx.router is None:
        return False
    ctx.router.run_command(ctx, command)
    return True


def menu(ctx: Ctx) -> None:
    """/menu: show the main keyboard again."""
    ctx.reply(with_menu(ctx, ctx._("Tap a key below, or just tell me what you want, e.g. “我想请假”.")))


def register(router: Router) -> None:
    """Declare /menu, the keyboard's labels as commands and the phrase table as the last free-input handler."""
    router.command("menu", menu, N_("show the main keyboard"), order=1)
    router.text_command(key_command)
    router.on_input(on_phrase)
