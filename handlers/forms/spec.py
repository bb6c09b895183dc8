"""How a form is declared: fields with a kind, a prompt, choices and checks; a save function."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from domain.natural_dates import Lean
from domain.validation import DEFAULT_DATE_WINDOW, DateWindow
from services.i18n.catalogs import N_

if TYPE_CHECKING:
    from handlers.context import Ctx
    from services.messaging.messages import OutMessage

Answers = dict[str, Any]


class Kind(StrEnum):
    """What an answer is, which decides its keyboard, its parser and how it is shown."""

    text = "text"
    long_text = "long_text"
    integer = "integer"
    decimal = "decimal"
    date = "date"
    datetime = "datetime"
    choice = "choice"
    boolean = "boolean"
    phone = "phone"
    location = "location"
    photos = "photos"
    lookup = "lookup"
    quantities = "quantities"
    clock = "clock"  # a time of day (上午10点, 下午3点半, 15:30), stored as "HH:MM"


@dataclass(frozen=True)
class Lookup:
    """Search and re-check for a `lookup` field (customers, technicians): ids, never trusted names."""

    search: Callable[[Ctx, str], list[tuple[int, str]]]
    resolve: Callable[[Ctx, int], str | None]
    browse: Callable[[Ctx], list[tuple[int, str]]] | None = None
    prefill: Callable[[Ctx, int], dict[str, Any]] | None = None
    """Answers of later fields taken from the picked item (a customer's contact and phone), if still empty."""
    create: Callable[[Ctx, str], tuple[int, str] | None] | None = None
    """Make a new item from the typed name when nothing matches (a short customer record, completed later)."""
    create_label: str = N_("➕ New: {name}")
    options: Callable[[Ctx, Answers], list[tuple[int, str]]] | None = None
    """The items to choose from given the earlier answers (a customer's contracts): they are the buttons and
    what typing searches; none skips an optional question and exactly one is taken without asking (Back shows it)."""


@dataclass(frozen=True)
class Field:
    """One question of a form. `label` and `prompt` are message ids, translated when shown."""

    name: str
    label: str
    prompt: str
    kind: Kind = Kind.text
    required: bool = True
    choices: tuple[tuple[str, str], ...] = ()
    lookup: Lookup | None = None
    catalog: Callable[[Ctx], tuple[str, ...]] | None = None
    when: Callable[[Answers], bool] | None = None
    check: Callable[[Ctx, Any, Answers], str | None] | None = None
    min_value: float | None = None
    max_value: float | None = None
    max_length: int = 500
    quick: tuple[str, ...] = ()
    window: DateWindow = DEFAULT_DATE_WINDOW
    asked: bool = True  # False: an extra shown in the summary and set through ✏️ Edit only (e.g. 抄送)
    money: bool = False  # a decimal that is an amount in yuan: shown as ¥350,000.00
    lean: Lean | None = None  # which way a date question looks; None: past when the window ends today

    @property
    def date_lean(self) -> Lean:
        """Ahead, behind or either: places a date given without a year and picks the quick buttons."""
        if self.lean is not None:
            return self.lean
        return Lean.past if self.window.latest == 0 else Lean.either

    def applies(self, answers: Answers) -> bool:
        """Whether this question is asked, given the answers so far."""
        return self.when is None or self.when(answers)

    def may_apply(self, answers: Answers, *, pending: frozenset[str]) -> bool:
        """Whether this question may still be asked: it applies, or its condition reads a `pending` answer
        (one of a question not yet answered), which may still make it apply."""
        if self.when is None:
            return True
        seen = _ReadRecorder(answers)
        return bool(self.when(seen)) or not seen.read.isdisjoint(pending)


class _ReadRecorder(dict[str, Any]):
    """The answers, noting which ones a `when=` condition reads (conditions are opaque callables)."""

    def __init__(self, answers: Answers) -> None:
        super().__init__(answers)
        self.read: set[str] = set()

    def get(self, key: str, default: Any = None) -> Any:
        """Note the key, then read it."""
        self.read.add(key)
        return super().get(key, default)

    def __getitem__(self, key: str) -> Any:
        """Note the key, then read it."""
        self.read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        """Note the key, then test it."""
        if isinstance(key, str):
            self.read.add(key)
        return super().__contains__(key)


class FormError(Exception):
    """Raised by a save function to send the person back to one field with a message id."""

    def __init__(self, field: str | None, message: str, **params: Any) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.params = params


SaveFunc = Callable[["Ctx", Answers, dict[str, Any]], "str | OutMessage"]
"""A form's use case: the confirmation text (sent with the main keyboard), or a card with buttons of its own."""


@dataclass(frozen=True)
class Form:
    """A record type as a conversation: its fields in order and what saving does."""

    name: str
    title: str
    fields: tuple[Field, ...]
    save: SaveFunc
    save_label: str = N_("Save")
    review: bool = True  # False: a one-question form (a reason, a comment) saves on the answer, no summary
    note: Callable[[Ctx, Answers], str | None] | None = None  # a line under the summary (e.g. working days)

    def field(self, name: str) -> Field:
        """The field called `name`."""
        for item in self.fields:
            if item.name == name:
                return item
        raise KeyError(name)

    def next_field(self, after: str | None, answers: Answers) -> Field | None:
        """The next field to ask after `after` (None: from the start), skipping ones that do not apply."""
        names = [f.name for f in self.fields]
        if after is not None and after not in names:
            return None  # a field removed by an upgrade: go to the summary
        start = 0 if after is None else names.index(after) + 1
        for item in self.fields[start:]:
            if item.asked and item.applies(answers):
                return item
        return None

    def progress(self, current: str, answers: Answers) -> tuple[int, int]:
        """'Step k of n' at `current`: the questions asked so far, and all that may still be asked.

        Questions before `current` count when they apply. A later conditional one counts unless the answers
        given (or passed over) already rule it out: one waiting on a question not yet answered counts, so
        that n only ever shrinks as answers decide, and never below k.
        """
        names = [f.name for f in self.fields]
        at = names.index(current) if current in names else 0
        pending = frozenset(n for n in names[at:] if n not in answers)
        before = sum(1 for f in self.fields[:at] if f.asked and f.applies(answers))
        after = sum(1 for f in self.fields[at + 1:] if f.asked and f.may_apply(answers, pending=pending))
        return before + 1, before + 1 + after


FORMS: dict[str, Form] = {}


def register_form(form: Form) -> Form:
    """Make a form known to the engine by name (drafts store the name)."""
    FORMS[form.name] = form
    return form
