"""Bot API methods about the bot itself: identity, updates, webhook, commands, files."""

import re
from typing import Any

from standins.telegram.errors import bad_request
from standins.telegram.params import Params
from standins.telegram.state import Handler, StandInState, commands_key
from standins.telegram.updates import Webhook

_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")


async def get_me(state: StandInState, p: Params) -> dict[str, Any]:
    """getMe."""
    return state.bot_user


async def get_updates(state: StandInState, p: Params) -> list[dict[str, Any]]:
    """getUpdates with long polling (timeout in seconds)."""
    return await state.feed.poll(
        offset=p.integer("offset"),
        limit=p.integer("limit") or 100,
        timeout=min(p.number("timeout") or 0.0, 50.0),
        allowed=p.structured("allowed_updates"),
    )


async def set_webhook(state: StandInState, p: Params) -> bool:
    """setWebhook (plain http is accepted: this is loopback); an empty url removes the webhook."""
    url = p.text("url")
    if not url:
        await state.feed.delete_webhook(drop_pending=p.flag("drop_pending_updates"))
        return True
    if not url.startswith(("http://", "https://")):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = p.text("secret_token")
    if secret is not None and not _SECRET_TOKEN.fullmatch(secret):
        raise bad_request("secret token contains unallowed characters")
    allowed = p.structured("allowed_updates")
    webhook = Webhook(
        url=url,
        secret_token=secret,
        max_connections=p.integer("max_connections") or 40,
        allowed_updates=allowed if isinstance(allowed, list) else None,
    )
    state.feed.set_webhook(webhook, drop_pending=p.flag("drop_pending_updates"))
    return True


async def delete_webhook(state: StandInState, p: Params) -> bool:
    """deleteWebhook."""
    await state.feed.delete_webhook(drop_pending=p.flag("drop_pending_updates"))
    return True


async def get_webhook_info(state: StandInState, p: Params) -> dict[str, Any]:
    """getWebhookInfo."""
    return state.feed.webhook_info()


def _commands_key(p: Params) -> tuple[str, str]:
    return commands_key(p.structured("scope"), p.text("language_code"))


def _checked_commands(raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        raise bad_request("can't parse commands JSON object")
    commands = []
    for item in raw:
        if not isinstance(item, dict) or not _COMMAND_NAME.fullmatch(str(item.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(item.get("description", ""))) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        commands.append({"command": item["command"], "description": item["description"]})
    return commands


async def set_my_commands(state: StandInState, p: Params) -> bool:
    """setMyCommands, per scope and language."""
    state.commands[_commands_key(p)] = _checked_commands(p.structured("commands"))
    return True


async def get_file(state: StandInState, p: Params) -> dict[str, Any]:
    """getFile: the file_path to download from /file/bot<token>/<file_path>."""
    stored = state.files.get(p.text("file_id", required=True, empty="invalid file_id") or "")
    if stored is None:
        raise bad_request("invalid file_id")
    return stored.to_file()


SETUP_METHODS: dict[str, Handler] = {
    "getMe": get_me,
    "getUpdates": get_updates,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
    "setMyCommands": set_my_commands,
    "getFile": get_file,
}
