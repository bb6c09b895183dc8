"""Every button's callback data, packed and unpacked here and nowhere else (pure: no I/O).

A button carries `1:<kind>:<field>:<field>…` — the codec's version, the kind's tag, then the kind's
fields in their declared order — in at most 64 bytes of UTF-8 (Telegram's limit; WeCom card keys
and select options carry the same data). Telegram inline buttons and WeCom card buttons both hand
it back as it was sent; a client can replay or forge any of it, so the data names things (ids,
short words) and never grants anything: the handler reloads the thing and re-checks the presser.

- `pack(KIND, field=value, …)` raises ValueError for a missing, extra or ill-typed field, or a
  result over 64 bytes: a button that could not come back is a bug where it is built.
- `unpack(data)` returns a `Press` or None — never raises — for anything not made by `pack` of this
  version: another version, an unknown kind, a wrong field count, a non-int id, a word outside its
  choices, overlong or empty input.
- Old-format data (`apv:12:0:a`, from before this codec — buttons still shown in chats, or queued in
  the outbox at the upgrade) has no version and unpacks to None: the router answers it as a stale
  button ("此按钮已失效，请重新打开。") and changes nothing; reopening the thing (/pending, /my,
  the command) shows fresh buttons. No compatibility parse is kept, so a version bump is the only
  migration there ever is.

Adding a button is one line: `NAME = kind("tag", field=ID, other=one_of("a", "b"))`, then
`router.callback(NAME, handler)` and `ctx.pressed.id("field")` in the handler.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from domain.approval_callbacks import RequestAction, StepAction

VERSION = "1"
MAX_BYTES = 64  # Telegram's callback_data limit
SEP = ":"
_ID = re.compile(r"[0-9]{1,18}")  # fits PostgreSQL's BIGINT; refuses '²' and '-1', which int() would take
_TAG = re.compile(r"[a-z]{1,5}")
_WORD = re.compile(r"[A-Za-z0-9_-]*")


@dataclass(frozen=True)
class IdField:
    """A non-negative integer id (1–18 ASCII digits on the wire)."""

    def dump(self, value: object) -> str:
        """The id as text; ValueError for anything but a non-negative int that fits."""
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 10**18:
            raise ValueError(f"not an id: {value!r}")
        return str(value)

    def load(self, text: str) -> int | None:
        """The id, or None for anything else."""
        return int(text) if _ID.fullmatch(text) else None


@dataclass(frozen=True)
class WordField:
    """A short ASCII word (letters, digits, `_`, `-`), optionally one of fixed choices."""

    min_length: int = 1
    max_length: int = 16
    choices: frozenset[str] | None = None

    def _ok(self, text: str) -> bool:
        return (self.min_length <= len(text) <= self.max_length and bool(_WORD.fullmatch(text))
                and (self.choices is None or text in self.choices))

    def dump(self, value: object) -> str:
        """The word itself; ValueError when it is not a str this field accepts."""
        if not isinstance(value, str) or not self._ok(value):
            raise ValueError(f"not an accepted word: {value!r}")
        return value

    def load(self, text: str) -> str | None:
        """The word, or None when this field does not accept it."""
        return text if self._ok(text) else None


FieldType = IdField | WordField
ID = IdField()
WORD = WordField()
OPTIONAL_WORD = WordField(min_length=0, max_length=18)  # may be empty (a form button without argument), or an id


def one_of(*choices: str | type[StrEnum]) -> WordField:
    """A word that must be one of `choices` (strings, or every value of a StrEnum)."""
    words: set[str] = set()
    for choice in choices:
        words.update([choice] if isinstance(choice, str) else [member.value for member in choice])
    assert all(WORD.load(w) is not None for w in words), f"choices must be short words: {sorted(words)}"
    return WordField(choices=frozenset(words))


@dataclass(frozen=True)
class Kind:
    """One sort of button: its tag on the wire and its typed fields, in order."""

    tag: str
    fields: tuple[tuple[str, FieldType], ...]

    def __repr__(self) -> str:
        return f"Kind({self.tag!r})"


@dataclass(frozen=True)
class Press:
    """Unpacked callback data: which kind of button, and its checked field values."""

    kind: Kind
    values: Mapping[str, int | str]

    def id(self, name: str) -> int:
        """An id field (the kind declares it: a KeyError or TypeError here is a bug, not bad input)."""
        value = self.values[name]
        if not isinstance(value, int):
            raise TypeError(f"{self.kind.tag}.{name} is not an id")
        return value

    def word(self, name: str) -> str:
        """A word field."""
        value = self.values[name]
        if not isinstance(value, str):
            raise TypeError(f"{self.kind.tag}.{name} is not a word")
        return value


KINDS: dict[str, Kind] = {}


def kind(tag: str, **fields: FieldType) -> Kind:
    """Declare a kind of button (fields in keyword order); tags are unique lowercase words of ≤ 5 letters."""
    assert _TAG.fullmatch(tag), f"bad tag {tag!r}"
    assert tag not in KINDS, f"tag {tag!r} declared twice"
    declared = Kind(tag, tuple(fields.items()))
    KINDS[tag] = declared
    return declared


def pack(kind_: Kind, **values: int | str) -> str:
    """The callback data for one button of `kind_`; ValueError if a field is wrong or it exceeds 64 bytes."""
    names = [name for name, _type in kind_.fields]
    if sorted(values) != sorted(names):
        raise ValueError(f"{kind_.tag} takes {names}, got {sorted(values)}")
    parts = [VERSION, kind_.tag, *(field.dump(values[name]) for name, field in kind_.fields)]
    data = SEP.join(parts)
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def unpack(data: str | None) -> Press | None:
    """The press `data` stands for, or None for anything `pack` of this version did not make (never raises)."""
    if not data or len(data.encode("utf-8", "replace")) > MAX_BYTES:
        return None
    version, _, rest = data.partition(SEP)
    tag, _, body = rest.partition(SEP)
    found = KINDS.get(tag) if version == VERSION else None
    if found is None:
        return None
    texts = body.split(SEP) if found.fields else []
    if (not found.fields and (body or rest != tag)) or len(texts) != len(found.fields):
        return None
    values: dict[str, int | str] = {}
    for (name, field), text in zip(found.fields, texts, strict=True):
        value = field.load(text)
        if value is None:
            return None
        values[name] = value
    return Press(found, values)


# The registry: one line per kind of button. Handlers route by these; services and handlers pack them.
# approvals (domain/approval_callbacks.py keeps the actions' names and the cards' keys)
APPROVAL_STEP = kind("apv", request=ID, step=ID, action=one_of(StepAction))
WITHDRAW = kind("apw", request=ID)
NUDGE = kind("apn", request=ID)
RESUBMIT = kind("apr", request=ID)
COPY = kind("apx", request=ID)
INVOICE = kind("apf", request=ID)  # 补发票: an approved claim's invoice came later
REQUEST_KINDS = {RequestAction.WITHDRAW: WITHDRAW, RequestAction.NUDGE: NUDGE,
                 RequestAction.RESUBMIT: RESUBMIT, RequestAction.COPY: COPY, RequestAction.INVOICE: INVOICE}
# records
CUSTOMER = kind("cu", customer=ID, action=one_of("v", "e", "vi", "rp"))  # open, edit, log a visit, report a repair
VISIT = kind("vi", visit=ID)
REPAIR = kind("rp", repair=ID, action=one_of("v", "as", "cl", "ac"))  # open, offer technicians, close, accepted
REPAIR_ASSIGN = kind("rpa", repair=ID, staff=ID)
REPAIR_DUE = kind("rpd", repair=ID, days=ID)
RECORD_LIST = kind("rl", records=WORD, period=WORD, office=ID)  # period: yyyy-mm or "all"; office 0: one's own
EXPORT = kind("ex", office=ID, period=WORD)
CONTRACT = kind("ct", contract=ID, action=one_of("v", "e"))
TENDER = kind("td", tender=ID, action=one_of("w", "l", "c"))  # won, lost, record the contract
PAYMENT_MATCH = kind("rcv", payment=ID, instalment=ID)
REPORT_REVIEW = kind("rv", report=ID, action=one_of("ok", "c", "r"))  # reviewed, comment, read in full
# office
LANGUAGE = kind("lang", locale=WORD)
DASHBOARD_XLSX = kind("dash")
PURCHASE = kind("pur", request=ID, step=one_of("b", "i"))  # bought, issued
RECEIPT_RETURNED = kind("grc", receipt=ID)
ASSET = kind("ast", asset=ID)
ASSET_TO_STORE = kind("astr", asset=ID)
ASSET_TO_PERSON = kind("astp", asset=ID, staff=ID)
ASSET_TO_OFFICE = kind("asto", asset=ID, office=ID)
MEETING = kind("mtg", meeting=ID)
MEETING_MARK = kind("mtga", meeting=ID, mark=one_of("p", "x"), staff=ID)  # present, absent
MEETING_MINUTES = kind("mtm", meeting=ID)
MEETING_CANCEL = kind("mtc", meeting=ID, step=one_of("q", "qs", "o", "s"))  # ask (qs: in a series), one, the rest
MEETING_TASK = kind("mtk", task=ID)
# people
ONBOARDING_ITEM = kind("onb", item=ID)
EVALUATION = kind("pev", staff=ID, point=WORD)  # point: yyyymmdd
SCORE = kind("msc", staff=ID, month=WORD)  # month: yyyymm
OFFBOARD = kind("off", leaver=ID, successor=ID)
OFFBOARD_CONFIRM = kind("offy", leaver=ID, successor=ID)
# the form engine: the prompt's sequence number, the action, its argument (a choice index, a word, an id)
FORM = kind("f", seq=ID, action=WORD, arg=OPTIONAL_WORD)
