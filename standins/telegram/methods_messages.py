"""Bot API methods that send, change or delete messages and answer button presses."""

from typing import Any

from standins.telegram.chats import api_view, is_from_bot
from standins.telegram.errors import bad_request
from standins.telegram.files import PHOTO_SIZES, StoredFile
from standins.telegram.formatting import render, utf16_len
from standins.telegram.keyboards import check_markup, inline_markup
from standins.telegram.params import Params, Upload
from standins.telegram.state import Handler, StandInState, unix_now

Message = dict[str, Any]

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same "
    "as a current content and reply markup of the message"
)
_CONTENT_KEYS = ("text", "entities", "caption", "caption_entities")


def _text_content(p: Params) -> Message:
    text = p.text("text", required=True, empty="message text is empty") or ""
    plain, entities = render(text, p.text("parse_mode"), p.structured("entities"))
    if not plain.strip():
        raise bad_request("message text is empty")
    if utf16_len(plain) > 4096:
        raise bad_request("message is too long")
    return {"text": plain, **({"entities": entities} if entities else {})}


def _caption_content(p: Params) -> Message:
    caption = p.text("caption")
    if caption is None:
        return {}
    plain, entities = render(caption, p.text("parse_mode"), p.structured("caption_entities"))
    if utf16_len(plain) > 1024:
        raise bad_request("message caption is too long")
    return {"caption": plain, **({"caption_entities": entities} if entities else {})}


def _reply_target(state: StandInState, chat_id: int, p: Params) -> Message | None:
    reply = p.structured("reply_parameters") or {}
    message_id = reply.get("message_id") if isinstance(reply, dict) else None
    message_id = message_id or p.integer("reply_to_message_id")
    if not message_id:
        return None
    target = state.chats.get(chat_id, int(message_id))
    if target is None and not reply.get("allow_sending_without_reply"):
        raise bad_request("message to be replied not found")
    return target


def _post(state: StandInState, p: Params, content: Message) -> Message:
    """Record a new bot message in the chat named by chat_id and return its API form."""
    chat_id = state.chat_id_param(p.integer("chat_id", invalid="chat not found"))
    markup = p.structured("reply_markup")
    check_markup(markup)
    target = _reply_target(state, chat_id, p)
    message: Message = {
        "message_id": state.chats.next_message_id(chat_id),
        "from": state.bot_sender,
        "chat": state.private_chat(chat_id),
        "date": unix_now(),
        **content,
    }
    if target is not None:
        message["reply_to_message"] = api_view({k: v for k, v in target.items() if k != "reply_to_message"})
    if markup is not None:
        message["reply_markup"] = markup
    state.chats.add(message)
    return api_view(message)


def _editable(state: StandInState, p: Params) -> Message:
    chat_id = p.integer("chat_id", invalid="chat not found")
    message_id = p.integer("message_id")
    message = state.chats.get(chat_id, message_id) if chat_id and message_id else None
    if message is None:
        raise bad_request("message to edit not found")
    if not is_from_bot(message):
        raise bad_request("message can't be edited")
    return message


def _edit_markup(p: Params) -> dict[str, Any] | None:
    markup = p.structured("reply_markup")
    check_markup(markup)
    if markup is not None and inline_markup(markup) is None:
        raise bad_request("inline keyboard expected")
    return inline_markup(markup)


def _apply_edit(state: StandInState, old: Message, content: Message, markup: dict[str, Any] | None) -> Message:
    """Store an edit, refusing one that changes nothing, as Telegram does."""
    new = {k: v for k, v in old.items() if k not in (*_CONTENT_KEYS, "reply_markup")}
    new.update(content)
    if markup is not None:
        new["reply_markup"] = markup
    same_content = all(old.get(k) == new.get(k) for k in _CONTENT_KEYS)
    if same_content and inline_markup(old.get("reply_markup")) == markup:
        raise bad_request(NOT_MODIFIED)
    new["edit_date"] = unix_now()
    state.chats.replace(new)
    return api_view(new)


async def send_message(state: StandInState, p: Params) -> Message:
    """sendMessage."""
    return _post(state, p, _text_content(p))


async def edit_message_text(state: StandInState, p: Params) -> Message:
    """editMessageText (without reply_markup the inline keyboard goes away, as on Telegram)."""
    old = _editable(state, p)
    if "text" not in old:
        raise bad_request("there is no text in the message to edit")
    return _apply_edit(state, old, _text_content(p), _edit_markup(p))


async def answer_callback_query(state: StandInState, p: Params) -> bool:
    """answerCallbackQuery: each query can be answered once."""
    query_id = p.text("callback_query_id", required=True, empty="QUERY_ID_INVALID") or ""
    if query_id not in state.open_callbacks:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    text = p.text("text")
    if text is not None and len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    state.open_callbacks.discard(query_id)
    state.callback_answers.append(
        {
            "callback_query_id": query_id,
            "text": text,
            "show_alert": p.flag("show_alert"),
            "url": p.text("url"),
            "cache_time": p.integer("cache_time") or 0,
        }
    )
    state.answered.notify()
    return True


def _stored_input(state: StandInState, p: Params, field: str, folder: str) -> StoredFile:
    """The file sent as `field`: a fresh upload, or the file_id of a file the stand-in holds."""
    upload = p.upload(field)
    if upload is not None:
        return _store_upload(state, upload, folder)
    file_id = p.text(field, required=True, empty=f"there is no {field} in the request") or ""
    stored = state.files.get(file_id)
    if stored is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    return stored


def _store_upload(state: StandInState, upload: Upload, folder: str) -> StoredFile:
    generic = upload.content_type in ("", "application/octet-stream")
    mime_type = None if generic else upload.content_type
    return state.files.add(upload.data, filename=upload.filename, mime_type=mime_type, folder=folder)


async def send_document(state: StandInState, p: Params) -> Message:
    """sendDocument."""
    stored = _stored_input(state, p, "document", "documents")
    return _post(state, p, {"document": stored.to_document(), **_caption_content(p)})


async def send_photo(state: StandInState, p: Params) -> Message:
    """sendPhoto (the photo arrives in two sizes with distinct file ids)."""
    upload = p.upload("photo")
    if upload is not None:
        sizes = state.files.add_photo(upload.data, filename=upload.filename)
    else:
        sizes = [_stored_input(state, p, "photo", "photos").to_photo_size(*PHOTO_SIZES[-1])]
    return _post(state, p, {"photo": sizes, **_caption_content(p)})


MESSAGE_METHODS: dict[str, Handler] = {
    "sendMessage": send_message,
    "editMessageText": edit_message_text,
    "answerCallbackQuery": answer_callback_query,
    "sendDocument": send_document,
    "sendPhoto": send_photo,
}
