"""Secrets never reach a log line: every record is redacted where it is made, whatever library logs it.

Filters and formatters attach to handlers, and libraries (python-telegram-bot at DEBUG prints the Bot
API URL with the token; httpx prints request URLs; a rejected token appears in `InvalidToken`'s text
and traceback) log through handlers we do not own — pytest's, a service manager's. The log record
factory is the one place every record passes, so the message and the traceback are rendered and
cleaned there, before any handler sees them.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Iterable
from typing import Any

MASK = "[redacted]"
# A Telegram bot token (`123456789:AA…`), and secrets passed as URL query parameters (WeCom's
# `access_token=` and `corpsecret=`), redacted even when nobody registered them.
_PATTERNS = (
    re.compile(r"(?<!\d)\d{5,}:[A-Za-z0-9_-]{30,}"),
    re.compile(r"(?i)\b(access_token|corpsecret|secret_token|secret)=([^&\s'\"]+)"),
)

_secrets: set[str] = set()
_base_factory = logging.getLogRecordFactory()


def redact(text: str) -> str:
    """`text` with every registered secret and every token-shaped string masked."""
    for secret in sorted(_secrets, key=len, reverse=True):
        text = text.replace(secret, MASK)
    text = _PATTERNS[0].sub(MASK, text)
    return _PATTERNS[1].sub(lambda m: f"{m.group(1)}={MASK}", text)


def _factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
    """Make the record, then render its message and traceback once, redacted."""
    record = _base_factory(*args, **kwargs)
    try:
        record.msg, record.args = redact(record.getMessage()), None
    except Exception:  # a malformed call: keep the template only, never the arguments
        record.msg, record.args = redact(str(record.msg)), None
    if record.exc_info and record.exc_info[0] is not None:
        record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    return record


def install(secrets: Iterable[str | None]) -> None:
    """Register the process's secrets (token, webhook secret, WeCom secret) and redact from now on."""
    _secrets.update(s for s in secrets if s and len(s) >= 6)
    logging.setLogRecordFactory(_factory)
