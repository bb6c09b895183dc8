"""A local stand-in for the Telegram Bot API, for tests and the browser sandbox.

    async with BotApiStandIn() as standin:
        app = ApplicationBuilder().token(standin.token).base_url(standin.base_url) \
            .base_file_url(standin.base_file_url).build()
        ...start the app and its polling...
        await standin.send_command(alice, "/start", "CODE")
        reply = await standin.wait_for_text(alice, "欢迎")
        await standin.press_button(alice, reply, "批准")
"""

from standins.telegram.files import StoredFile
from standins.telegram.keyboards import buttons, keyboard_texts
from standins.telegram.server import BotApiStandIn
from standins.telegram.state import ApiCall
from standins.telegram.users import FakeUser

__all__ = ["ApiCall", "BotApiStandIn", "FakeUser", "StoredFile", "buttons", "keyboard_texts"]
