"""Routes a neutral event to its handler, after the access check every update must pass.

Commands and button kinds are declared in one table per feature module (`register(router)`),
so `/help` can list exactly the commands a person's roles allow. A press is unpacked once, here, by
`domain.callbacks.unpack`, and routed by its kind; the handler reads the checked fields from
`ctx.pressed`. Data the codec refuses (forged, garbled, another version, or a button shown before the
codec existed) gets the polite stale-button alert and changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from domain.callbacks import Kind, unpack
from handlers.context import Ctx
from handlers.replies import NOT_ALLOWED
from services.i18n.catalogs import N_

log = logging.getLogger(__name__)

Handler = Callable[[Ctx], None]


@dataclass(frozen=True)
class Command:
    """A slash command, who may use it, and its one-line description (a message id)."""

    name: str
    handler: Handler
    description: str
    roles: frozenset[str] | None = None  # None: every registered person
    order: int = 100


class Router:
    """The dispatch table: commands, button prefixes, and the fallback for free input."""

    def __init__(self) -> None:
        self.commands: dict[str, Command] = {}
        self.callbacks: dict[Kind, Handler] = {}
        self.public: dict[str, Handler] = {}
        self.input_handlers: list[Callable[[Ctx], bool]] = []
        self.text_commands: list[Callable[[Ctx], str | None]] = []

    def command(
        self, name: str, handler: Handler, description: str, *, roles: AbstractSet[str] | None = None, order: int = 100
    ) -> None:
        """Declare a command for registered users, optionally limited to some roles."""
        self.commands[name] = Command(name, handler, description, frozenset(roles) if roles else None, order)

    def public_command(self, name: str, handler: Handler) -> None:
        """Declare a command unregistered people may send (only /start)."""
        self.public[name] = handler

    def callback(self, kind: Kind, handler: Handler) -> None:
        """Declare the handler of one kind of button (`domain.callbacks`)."""
        assert kind not in self.callbacks, f"button kind {kind.tag!r} routed twice"
        self.callbacks[kind] = handler

    def on_input(self, handler: Callable[[Ctx], bool]) -> None:
        """Declare a handler of free input (text, location, photo); it returns True when it took it."""
        self.input_handlers.append(handler)

    def text_command(self, resolver: Callable[[Ctx], str | None]) -> None:
        """Declare a reader of text that stands for a command (a main-keyboard label), tried before any form."""
        self.text_commands.append(resolver)

    def run_command(self, ctx: Ctx, name: str) -> None:
        """Run a command by name as if it had been typed (roles checked the same way)."""
        self._dispatch_command(ctx, name)

    def allowed_commands(self, roles: frozenset[str]) -> list[Command]:
        """The commands a person with `roles` may use, in help order."""
        allowed = [c for c in self.commands.values() if c.roles is None or c.roles & roles]
        return sorted(allowed, key=lambda c: (c.order, c.name))

    def dispatch(self, ctx: Ctx) -> None:
        """Check access, then hand the event to exactly one handler."""
        inbound = ctx.inbound
        if inbound.command and inbound.command in self.public:
            self.public[inbound.command](ctx)
            return
        if ctx.staff is None:
            refuse_unknown(ctx)
            return
        if inbound.command:
            self._dispatch_command(ctx, inbound.command)
        elif inbound.callback_data is not None:
            self._dispatch_callback(ctx, inbound.callback_data)
        elif (named := self._text_command(ctx)) is not None:
            self._dispatch_command(ctx, named)
        else:
            for handler in self.input_handlers:
                if handler(ctx):
                    return
            if not inbound.edited:  # a live location moving on its own gets no reply
                ctx.reply(ctx._("I did not understand that. Send /help to see what I can do."))

    def _text_command(self, ctx: Ctx) -> str | None:
        """The command a plain text stands for, if a declared reader knows it."""
        if ctx.inbound.text is None or ctx.inbound.edited:
            return None
        return next((name for read in self.text_commands if (name := read(ctx)) is not None), None)

    def _dispatch_command(self, ctx: Ctx, name: str) -> None:
        """Run a command if the person's roles allow it."""
        command = self.commands.get(name)
        if command is None:
            ctx.reply(ctx._("Unknown command. Send /help to see what I can do."))
        elif command.roles is not None and not (command.roles & ctx.me.roles):
            ctx.reply(ctx._(NOT_ALLOWED))
        else:
            command.handler(ctx)

    def _dispatch_callback(self, ctx: Ctx, data: str) -> None:
        """Run the button's handler; unknown, malformed or old-format data changes nothing."""
        press = unpack(data)
        handler = self.callbacks.get(press.kind) if press is not None else None
        if handler is None:
            ctx.answer(ctx._(STALE_BUTTON), alert=True)
            return
        ctx.press = press
        handler(ctx)
        ctx.answer()


def refuse_unknown(ctx: Ctx) -> None:
    """An unregistered chat learns how to register and nothing else."""
    text = ctx._(
        "Sorry, this bot is only for registered staff. Ask your office administrator for an invite "
        "code, then send /start CODE."
    )
    if ctx.inbound.is_callback:
        ctx.answer(text, alert=True)
    else:
        ctx.reply(text)


STALE_BUTTON = N_("This button is no longer valid; please open it again.")
UNKNOWN_ERROR = N_("Sorry, something went wrong on our side. Please try again in a moment.")
