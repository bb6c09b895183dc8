"""Form drafts in our own table: the step and answers survive restarts and serve every instance."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy import delete as sql_delete

from storage.claims import rowcount
from storage.models import Draft
from storage.uow import UnitOfWork


@dataclass
class DraftState:
    """A person's open form: which form, which step, the answers and engine bookkeeping."""

    form: str
    step: str | None
    answers: dict[str, Any] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)


def load(uow: UnitOfWork, *, staff_id: int) -> DraftState | None:
    """The person's open draft, if any (read as a row, not an ORM object: every answer reads it)."""
    with uow.joined():
        row = uow.session.execute(_SELECT, {"key": staff_id}).first()
        if row is None:
            return None
        return DraftState(row.form, row.step, dict(row.answers or {}), dict(row.context or {}))


def save(uow: UnitOfWork, *, staff_id: int, state: DraftState, now: datetime) -> None:
    """Write the draft after every answer, so nothing typed is lost: one UPDATE, an INSERT the first time."""
    values = {"form": state.form, "step": state.step, "answers": dict(state.answers),
              "context": dict(state.context), "updated_at": now}
    with uow.joined():
        if rowcount(uow.session.execute(_UPDATE, {"key": staff_id, **values})) == 0:
            uow.session.execute(insert(_DRAFTS), {"staff_id": staff_id, **values})
        uow.commit()


_DRAFTS: Any = Draft.__table__
_SELECT = select(_DRAFTS.c.form, _DRAFTS.c.step, _DRAFTS.c.answers, _DRAFTS.c.context).where(
    _DRAFTS.c.staff_id == bindparam("key"))
_UPDATE = (update(_DRAFTS).where(_DRAFTS.c.staff_id == bindparam("key"))
           .values({name: bindparam(name) for name in ("form", "step", "answers", "context", "updated_at")}))
_DELETE = sql_delete(_DRAFTS).where(_DRAFTS.c.staff_id == bindparam("key"))
"""Built once and on the table: a statement reused skips SQLAlchemy's construction and cache-key work on
every answer, and one on the table skips the ORM's bulk paths (bench/update_cost.py). Drafts are never
ORM objects, so no pending one can hide from these statements (they do not autoflush)."""


def delete(uow: UnitOfWork, *, staff_id: int) -> None:
    """Close the draft (saved or cancelled)."""
    with uow:
        uow.session.execute(_DELETE, {"key": staff_id})
        uow.commit()
