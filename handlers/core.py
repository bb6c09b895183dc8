"""Registration, help and language: the commands every person has."""

from __future__ import annotations

from domain.callbacks import LANGUAGE, pack
from domain.roles import INVITER_ROLES, grantable_roles, parse_roles
from handlers.context import Ctx
from handlers.main_menu import with_menu
from handlers.router import Router
from services.approvals import queries as approval_queries
from services.i18n.catalogs import LOCALE_NAMES, LOCALES, N_, translator
from services.i18n.role_labels import ROLE_LABELS
from services.messaging.messages import Button, OutMessage
from services.people import onboarding
from services.people.onboarding import RedeemOutcome

LANGUAGE_SET = N_("Language set to English.")
"""Said in the language just chosen (its Chinese reads 语言已设置为简体中文。)."""
ENTERED = "enter_agent"  # WeCom's event when a person opens the app, as a command
REDEEM_REPLIES = {
    RedeemOutcome.already_registered: N_("You are already registered. Send /help to see what you can do."),
    RedeemOutcome.unknown_code: N_("That invite code is not valid. Please check it with your administrator."),
    RedeemOutcome.used_code: N_("That invite code has already been used. Ask your administrator for a new one."),
    RedeemOutcome.expired_code: N_("That invite code has expired. Ask your administrator for a new one."),
    RedeemOutcome.account_taken: N_("That invite belongs to an account that is already registered."),
}


def start(ctx: Ctx) -> None:
    """/start CODE binds the chat to an invited staff member; /start alone greets or refuses."""
    if not ctx.inbound.args:
        if ctx.staff is None:
            ctx.reply(ctx._(
                "Welcome to officebot. To register, send /start followed by the invite code from your "
                "office administrator, for example: /start ABCD2345"
            ))
        else:
            ctx.reply(with_menu(ctx, ctx._("Hello, {name}. Send /help to see what you can do.").format(
                name=ctx.me.name)))
        return
    result = onboarding.redeem(
        ctx.app.uow(), code=ctx.inbound.args[0], channel=ctx.inbound.channel, account=ctx.inbound.user_id,
        now=ctx.app.now(), people_config=ctx.app.people_config,
    )
    if result.staff is None:
        ctx.reply(ctx._(REDEEM_REPLIES[result.outcome]))
        return
    ctx.staff, ctx.locale = result.staff, result.staff.locale
    ctx.reply(with_menu(ctx, ctx._("Welcome, {name}! You are registered at {office}. Send /help to see what you "
                                   "can do.").format(name=result.staff.name, office=result.staff.office_name or "-")))


def show_help(ctx: Ctx) -> None:
    """/help lists the commands this person's roles allow."""
    lines = [ctx._("What you can do:")]
    assert ctx.router is not None
    for command in ctx.router.allowed_commands(ctx.me.roles):
        lines.append(f"/{command.name} — {ctx._(command.description)}")
    lines.append(ctx._("Or tap a key below, or just say what you want, e.g. “我想请假”, “写周报”."))
    ctx.reply(with_menu(ctx, "\n".join(lines)))


def language(ctx: Ctx) -> None:
    """/language offers the supported languages as buttons (or switches directly: /language en)."""
    if ctx.inbound.args and ctx.inbound.args[0].replace("-", "_") in LOCALES:
        _switch(ctx, ctx.inbound.args[0].replace("-", "_"))
        return
    buttons = tuple((Button(LOCALE_NAMES[loc], pack(LANGUAGE, locale=loc)),) for loc in LOCALES)
    ctx.reply(OutMessage(ctx._("Choose your language:"), buttons=buttons))


def language_button(ctx: Ctx) -> None:
    """A press on a language button; anything but a known locale is ignored."""
    locale = ctx.pressed.word("locale")
    if locale not in LOCALES:
        ctx.answer(ctx._("This button is no longer valid."), alert=True)
        return
    ctx.answer()
    _switch(ctx, locale)


def _switch(ctx: Ctx, locale: str) -> None:
    """Store the language and confirm in it."""
    onboarding.set_locale(ctx.app.uow(), staff_id=ctx.me.id, locale=locale, now=ctx.app.now())
    ctx.locale = locale
    ctx.reply(translator(locale)(LANGUAGE_SET))


INVITE_USAGE = N_("Usage: /invite NAME ROLE[,ROLE]  — roles: {roles}")


def _role_list(ctx: Ctx, roles: frozenset[str]) -> str:
    """The roles one may type, named in the person's language: `销售代表 (sales)`, either word works."""
    return ", ".join(f"{ctx._(ROLE_LABELS[r])} ({r})" for r in sorted(roles))


def invite(ctx: Ctx) -> None:
    """/invite NAME ROLE[,ROLE]: an admin or office head invites office staff to their own office.

    Roles may be typed as codes or Chinese names (`销售`, `业务员、维修员`), see `domain.roles.parse_roles`.
    """
    args = ctx.inbound.args
    roles, unknown = parse_roles(" ".join(args[1:])) if len(args) >= 2 else ([], [])
    allowed = grantable_roles(ctx.me.roles)
    if not roles or unknown or not set(roles) <= allowed or ctx.me.office_name is None:
        ctx.reply(ctx._(INVITE_USAGE).format(roles=_role_list(ctx, allowed)))
        return
    try:
        code = onboarding.invite(ctx.app.uow(), office_name=ctx.me.office_name,
                                 roles=[r.value for r in roles], name=args[0],
                                 now=ctx.app.now(), manager_name=None, locale=ctx.app.default_locale)
    except onboarding.OnboardingError:
        ctx.reply(ctx._(INVITE_USAGE).format(roles=_role_list(ctx, allowed)))
        return
    text = ctx._("Invite for {name} ({office}). Ask them to send this to the bot "
                 "(the code works once, for 14 days):\n/start {code}")
    ctx.reply(text.format(name=args[0], office=ctx.me.office_name, code=code))


def entered(ctx: Ctx) -> None:
    """WeCom's enter_agent (the person opened the app): once a day, hello and what waits for them.

    A stranger opening the app gets nothing: they may not even be staff.
    """
    if ctx.staff is None:
        return
    today = ctx.inbound.at.astimezone(ctx.tz).date()
    if not onboarding.first_visit_today(ctx.app.uow(), staff_id=ctx.me.id, day=today, now=ctx.app.now()):
        return
    waiting = len(approval_queries.pending_cards(ctx.app.uow(), approver_id=ctx.me.id, locale=ctx.locale))
    if waiting:
        ctx.reply(ctx._("Hello, {name}. {n} request(s) wait for your decision: /pending").format(
            name=ctx.me.name, n=waiting))
    else:
        ctx.reply(ctx._("Hello, {name}. Send /help to see what I can do.").format(name=ctx.me.name))


def register(router: Router) -> None:
    """Declare the core commands."""
    router.public_command("start", start)
    router.public_command(ENTERED, entered)
    router.command("help", show_help, N_("list the commands you can use"), order=0)
    router.command("language", language, N_("switch between Chinese and English"), order=900)
    router.callback(LANGUAGE, language_button)
    router.command("invite", invite, N_("invite a new colleague to your office"), roles=INVITER_ROLES,
                   order=800)
