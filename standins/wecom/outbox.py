"""message/send and message/update_template_card: check a send as WeCom does, then record what arrived.

Every delivered message is kept per member (touser), so a test reads back exactly what each person got.
What WeCom would not deliver is kept too, apart: over the per-member rate limit (`dropped`) and repeats
inside the duplicate-check interval (`duplicates`). Both still answer errcode 0, as WeCom does.
"""

import copy
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from standins.wecom.directory import Directory
from standins.wecom.errors import (
    ALL_RECIPIENTS_INVALID,
    CONTENT_TOO_LONG,
    EMPTY_CONTENT,
    INVALID_AGENTID,
    INVALID_MEDIA_ID,
    INVALID_MSGTYPE,
    INVALID_PARAMETER,
    MISSING_AGENTID,
    MISSING_MEDIA_ID,
    NO_RECIPIENTS,
    ApiError,
    ok,
)
from standins.wecom.limits import MemberRateLimit
from standins.wecom.media import MediaStore

Json = dict[str, Any]
MAX_TEXT_BYTES = 2048  # text and markdown content, in UTF-8 bytes
DEFAULT_DUPLICATE_INTERVAL = 1800
MAX_DUPLICATE_INTERVAL = 4 * 3600
CARD_TYPES = {"text_notice", "news_notice", "button_interaction", "vote_interaction", "multiple_interaction"}


@dataclass
class SentMessage:
    """One message as one member received it; `card` is the template card as it looks now."""

    msgid: str
    touser: str
    msgtype: str
    body: Json
    agentid: int
    sent_at: float
    response_code: str | None = None
    card_updates: list[Json] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The text or markdown content ("" for other types)."""
        return str(self.body.get("content", "")) if self.msgtype in {"text", "markdown"} else ""

    @property
    def card(self) -> Json | None:
        """The template card after every update_template_card so far (None for other types)."""
        if self.msgtype != "template_card":
            return None
        return copy.deepcopy(self.card_updates[-1] if self.card_updates else self.body)


@dataclass(frozen=True)
class Undelivered:
    """A message WeCom would have accepted (errcode 0) but not shown: `why` is "rate_limit" or "duplicate"."""

    touser: str
    msgtype: str
    body: Json
    at: float
    why: str


class Outbox:
    """What the app sent to whom, plus what was dropped or deduplicated."""

    def __init__(
        self,
        *,
        agent_id: int,
        directory: Directory,
        media: MediaStore,
        limit: MemberRateLimit,
        clock: Callable[[], float],
    ) -> None:
        self.agent_id = agent_id
        self.directory = directory
        self.media = media
        self.limit = limit
        self.undelivered: list[Undelivered] = []
        self._clock = clock
        self._by_user: dict[str, list[SentMessage]] = {}
        self._by_response_code: dict[str, list[SentMessage]] = {}
        self._used_response_codes: set[str] = set()

    # -- reading back ---------------------------------------------------------------------------

    def messages(self, userid: str) -> list[SentMessage]:
        """What `userid` received, oldest first."""
        return list(self._by_user.get(userid, []))

    def dropped(self, userid: str) -> int:
        """How many messages to `userid` were silently dropped by the rate limit."""
        return sum(1 for u in self.undelivered if u.touser == userid and u.why == "rate_limit")

    def duplicates(self, userid: str) -> list[Undelivered]:
        """Messages to `userid` held back by enable_duplicate_check."""
        return [u for u in self.undelivered if u.touser == userid and u.why == "duplicate"]

    # -- message/send ---------------------------------------------------------------------------

    def send(self, request: Json) -> Json:
        """Check and deliver one message/send call; the reply WeCom gives."""
        self._check_agent(request.get("agentid"))
        msgtype = str(request.get("msgtype") or "")
        body = self._check_body(msgtype, request.get(msgtype))
        recipients, invalid, invalid_parties = self._recipients(request)
        msgid = secrets.token_urlsafe(24)
        response_code = secrets.token_urlsafe(32) if msgtype == "template_card" else None
        interval = _duplicate_interval(request)
        for userid in recipients:
            self._deliver(userid, msgid, msgtype, body, response_code, interval)
        reply = ok(
            invaliduser="|".join(invalid),
            invalidparty="|".join(invalid_parties),
            invalidtag=str(request.get("totag") or ""),  # the stand-in has no tags: every tag is invalid
            unlicenseduser="",
            msgid=msgid,
        )
        if response_code is not None:
            reply["response_code"] = response_code
        return reply

    def _deliver(
        self, userid: str, msgid: str, msgtype: str, body: Json, response_code: str | None, interval: int | None
    ) -> None:
        now = self._clock()
        if interval is not None and self._is_duplicate(userid, msgtype, body, now - interval):
            self.undelivered.append(Undelivered(userid, msgtype, body, now, "duplicate"))
            return
        if not self.limit.admit(self.agent_id, userid):
            self.undelivered.append(Undelivered(userid, msgtype, body, now, "rate_limit"))
            return
        sent = SentMessage(msgid, userid, msgtype, copy.deepcopy(body), self.agent_id, now, response_code)
        self._by_user.setdefault(userid, []).append(sent)
        if response_code is not None:
            self._by_response_code.setdefault(response_code, []).append(sent)

    def _is_duplicate(self, userid: str, msgtype: str, body: Json, since: float) -> bool:
        key = _content_key(msgtype, body)
        return any(m.sent_at > since and _content_key(m.msgtype, m.body) == key for m in self._by_user.get(userid, []))

    def _check_agent(self, agentid: Any) -> None:
        if agentid is None or agentid == "":
            raise ApiError(MISSING_AGENTID, "agentid missing")
        if str(agentid) != str(self.agent_id):
            raise ApiError(INVALID_AGENTID, f"invalid agentid: {agentid}")

    def _check_body(self, msgtype: str, body: Any) -> Json:
        if msgtype not in {"text", "markdown", "image", "file", "template_card"}:
            raise ApiError(INVALID_MSGTYPE, f"invalid message type: {msgtype}")
        if not isinstance(body, dict):
            raise ApiError(INVALID_PARAMETER, f"{msgtype} missing")
        if msgtype in {"text", "markdown"}:
            content = str(body.get("content") or "")
            if not content:
                raise ApiError(EMPTY_CONTENT, "empty content")
            if len(content.encode("utf-8")) > MAX_TEXT_BYTES:
                raise ApiError(CONTENT_TOO_LONG, "content size out of limit")
        elif msgtype in {"image", "file"}:
            media_id = str(body.get("media_id") or "")
            if not media_id:
                raise ApiError(MISSING_MEDIA_ID, "media_id missing")
            if self.media.get(media_id) is None:
                raise ApiError(INVALID_MEDIA_ID, f"invalid media_id: {media_id}")
        elif body.get("card_type") not in CARD_TYPES:
            raise ApiError(INVALID_PARAMETER, f"invalid card_type: {body.get('card_type')}")
        return body

    def _recipients(self, request: Json) -> tuple[list[str], list[str], list[str]]:
        """(members to deliver to, invaliduser, invalidparty) as WeCom works them out."""
        users = [u for u in str(request.get("touser") or "").split("|") if u]
        parties = [p for p in str(request.get("toparty") or "").split("|") if p]
        if not users and not parties and not request.get("totag"):
            raise ApiError(NO_RECIPIENTS, "touser, toparty and totag are all empty")
        if "@all" in users:
            return self.directory.all_userids(), [], []
        valid = [u for u in users if self.directory.has_member(u) or not self.directory.is_loaded]
        invalid = [u for u in users if u not in valid]
        known = [p for p in parties if p.isdigit() and self.directory.has_department(int(p))]
        valid += [m.userid for m in self.directory.members_of([int(p) for p in known], recursive=True)]
        if not valid:
            raise ApiError(ALL_RECIPIENTS_INVALID, "all touser, toparty and totag invalid")
        return list(dict.fromkeys(valid)), invalid, [p for p in parties if p not in known]

    # -- message/update_template_card --------------------------------------------------------------

    def update_card(self, request: Json) -> Json:
        """Replace the card (or just its button text) for everyone who got it; a response_code works once."""
        self._check_agent(request.get("agentid"))
        code = str(request.get("response_code") or "")
        sent = self._by_response_code.get(code)
        if not sent or code in self._used_response_codes:
            raise ApiError(INVALID_PARAMETER, "invalid response_code")
        userids = set(request.get("userids") or [])
        targets = [m for m in sent if not userids or request.get("atall") or m.touser in userids]
        for message in targets:
            message.card_updates.append(_updated_card(message, request))
        self._used_response_codes.add(code)
        return ok(invaliduser=[])


def _updated_card(message: SentMessage, request: Json) -> Json:
    """The card after the update: a whole new template_card, or the old one with its button renamed."""
    if isinstance(request.get("template_card"), dict):
        return copy.deepcopy(request["template_card"])
    card = message.card or {}
    button = request.get("button") or {}
    card["replace_text"] = str(button.get("replace_name", ""))
    return card


def _duplicate_interval(request: Json) -> int | None:
    """Seconds to look back for a duplicate, or None when enable_duplicate_check is off."""
    if str(request.get("enable_duplicate_check", 0)) != "1":
        return None
    try:
        interval = int(request.get("duplicate_check_interval") or DEFAULT_DUPLICATE_INTERVAL)
    except (TypeError, ValueError) as exc:
        raise ApiError(INVALID_PARAMETER, "invalid duplicate_check_interval") from exc
    return max(0, min(interval, MAX_DUPLICATE_INTERVAL))


def _content_key(msgtype: str, body: Json) -> str:
    """What makes two messages "the same" for WeCom's duplicate check: type and content."""
    return msgtype + json.dumps(body, sort_keys=True, ensure_ascii=False)
