"""Reply markup: checking it like Telegram does and reading buttons out of recorded messages."""

from typing import Any

from standins.telegram.errors import bad_request

Message = dict[str, Any]

_INLINE_ACTIONS = (
    "callback_data", "url", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
    "callback_game", "pay",
)  # fmt: skip
MAX_CALLBACK_DATA_BYTES = 64


def check_markup(markup: Any) -> None:
    """Refuse reply markup the real API refuses (bad shape, callback_data over 64 bytes)."""
    if markup is None:
        return
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        for button in _rows_of_buttons(markup["inline_keyboard"]):
            _check_inline_button(button)
    elif "keyboard" in markup:
        for button in _rows_of_buttons(markup["keyboard"]):
            if not (isinstance(button, str) or isinstance(button.get("text"), str)):
                raise bad_request('can\'t parse keyboard button: Field "text" must be of type String')
    elif not (markup.get("remove_keyboard") or markup.get("force_reply")):
        raise bad_request("can't parse reply keyboard markup JSON object")


def _rows_of_buttons(rows: Any) -> list[Any]:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request("can't parse reply keyboard markup JSON object")
    return [button for row in rows for button in row]


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request('can\'t parse inline keyboard button: Field "text" must be of type String')
    if not any(action in button for action in _INLINE_ACTIONS):
        raise bad_request("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
    data = button.get("callback_data")
    if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA_BYTES:
        raise bad_request("BUTTON_DATA_INVALID")


def inline_markup(markup: Any) -> dict[str, Any] | None:
    """The part of reply markup that a Message object carries: inline keyboards only."""
    if isinstance(markup, dict) and "inline_keyboard" in markup:
        return markup
    return None


def buttons(message: Message) -> list[tuple[str, str]]:
    """The inline callback buttons of a message as (text, callback_data), row by row."""
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    return [(b["text"], b["callback_data"]) for row in rows for b in row if "callback_data" in b]


def keyboard_texts(message: Message) -> list[str]:
    """The texts of a message's reply keyboard buttons, row by row."""
    return [button_text(b) for row in reply_keyboard_rows(message.get("reply_markup")) for b in row]


def reply_keyboard_rows(markup: Any) -> list[list[Any]]:
    """The rows of a reply keyboard, or [] when the markup is not one."""
    if isinstance(markup, dict) and isinstance(markup.get("keyboard"), list):
        return markup["keyboard"]
    return []


def button_text(button: Any) -> str:
    """A reply keyboard button's text (a button may be a bare string)."""
    return button if isinstance(button, str) else str(button.get("text", ""))


def callback_data_for(message: Message, text: str) -> str:
    """The callback_data of the inline button labelled `text`; ValueError when there is none."""
    for label, data in buttons(message):
        if label == text:
            return data
    raise ValueError(f"no inline button {text!r} in message {message.get('message_id')}: {buttons(message)}")
