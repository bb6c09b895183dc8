"""What a handler gets: the event, who sent it, their language, and ways to answer.

Answers are collected, not sent: the dispatcher writes them to the outbox in the update's own
transaction, so a handler never waits on the network and a reply exists exactly when its effect does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from domain.callbacks import Press
from handlers.inbound import Inbound
from services.i18n.catalogs import Translate, translator
from services.messaging.messages import Outgoing, OutMessage
from services.platform.context import AppContext
from services.platform.staff import StaffView

if TYPE_CHECKING:
    from handlers.router import Router


@dataclass
class Ctx:
    """Per-update context; handlers only translate between this and one service call."""

    inbound: Inbound
    app: AppContext
    staff: StaffView | None = None
    locale: str = "zh_CN"
    answered: bool = field(default=False)
    router: Router | None = None
    press: Press | None = None  # the unpacked button, set by the router before a button's handler runs
    outgoing: list[Outgoing] = field(default_factory=list)

    @property
    def _(self) -> Translate:
        """The translator for this person's language."""
        return translator(self.locale)

    @property
    def me(self) -> StaffView:
        """The registered sender (the router guarantees one past the access check)."""
        assert self.staff is not None, "handler reached without a registered sender"
        return self.staff

    @property
    def tz(self) -> ZoneInfo:
        """The sender's time zone, resolved once when they were loaded (services.platform.zones)."""
        return self.me.tz

    @property
    def today(self) -> date:
        """The sender's local calendar day now."""
        return self.app.now().astimezone(self.tz).date()

    @property
    def pressed(self) -> Press:
        """The button pressed (the router guarantees one, of the handler's kind, to a button's handler)."""
        assert self.press is not None, "button handler reached without an unpacked press"
        return self.press

    def reply(self, message: OutMessage | str) -> None:
        """Answer in the chat the update came from (sent after the update's transaction commits)."""
        out = OutMessage(message) if isinstance(message, str) else message
        self.outgoing.append(Outgoing("send", out))

    def edit(self, message_id: str, message: OutMessage | str) -> None:
        """Replace one of our earlier messages in this chat (on WeCom: update the pressed card)."""
        out = OutMessage(message) if isinstance(message, str) else message
        self.outgoing.append(Outgoing("edit", out, message_id))

    def answer(self, text: str | None = None, *, alert: bool = False) -> None:
        """Acknowledge the button press once (later calls are ignored)."""
        if self.inbound.callback_id and not self.answered:
            self.answered = True
            self.outgoing.append(Outgoing("alert" if alert else "answer", OutMessage(text or ""),
                                          self.inbound.callback_id))
