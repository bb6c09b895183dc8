"""What a handler gets: the event, who sent it, their language, and ways to answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from handlers.inbound import Inbound
from services.context import AppContext
from services.i18n import Translate, translator
from services.messages import OutMessage
from services.ports import Channel
from services.staff import StaffView

if TYPE_CHECKING:
    from handlers.router import Router


@dataclass
class Ctx:
    """Per-update context; handlers only translate between this and one service call."""

    inbound: Inbound
    app: AppContext
    channel: Channel
    staff: StaffView | None = None
    locale: str = "zh_CN"
    answered: bool = field(default=False)
    router: Router | None = None

    @property
    def _(self) -> Translate:
        """The translator for this person's language."""
        return translator(self.locale)

    @property
    def me(self) -> StaffView:
        """The registered sender (the router guarantees one past the access check)."""
        assert self.staff is not None, "handler reached without a registered sender"
        return self.staff

    async def reply(self, message: OutMessage | str) -> int:
        """Send a message to the chat the update came from."""
        out = OutMessage(message) if isinstance(message, str) else message
        return await self.channel.send(self.inbound.chat_id, out)

    async def edit(self, message_id: int, message: OutMessage | str) -> None:
        """Replace one of our earlier messages in this chat."""
        out = OutMessage(message) if isinstance(message, str) else message
        await self.channel.edit(self.inbound.chat_id, message_id, out)

    async def answer(self, text: str | None = None, *, alert: bool = False) -> None:
        """Acknowledge the button press once (later calls are ignored)."""
        if self.inbound.callback_id and not self.answered:
            self.answered = True
            await self.channel.answer(self.inbound.callback_id, text, alert=alert)
