"""Form drafts in our own table: the step and answers survive restarts and serve every instance."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, update

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
    """The person's open draft, if any."""
    with uow.joined():
        row = uow.session.get(Draft, staff_id)
        if row is None:
            return None
        return DraftState(row.form, row.step, dict(row.answers or {}), dict(row.context or {}))


def save(uow: UnitOfWork, *, staff_id: int, state: DraftState, now: datetime) -> None:
    """Write the draft after every answer, so nothing typed is lost: one UPDATE, an INSERT the first time."""
    values = {"form": state.form, "step": state.step, "answers": dict(state.answers),
              "context": dict(state.context), "updated_at": now}
    with uow.joined():
        if rowcount(uow.session.execute(_UPDATE, {"key": staff_id, **values})) == 0:
            uow.session.add(Draft(staff_id=staff_id, **values))
        uow.commit()


_UPDATE = (update(Draft).where(Draft.staff_id == bindparam("key"))
           .values({name: bindparam(name) for name in ("form", "step", "answers", "context", "updated_at")})
           .execution_options(synchronize_session=False))
"""Built once: a statement reused skips SQLAlchemy's construction and cache-key work on every answer."""


def delete(uow: UnitOfWork, *, staff_id: int) -> None:
    """Close the draft (saved or cancelled)."""
    with uow:
        row = uow.session.get(Draft, staff_id)
        if row is not None:
            uow.session.delete(row)
            uow.commit()
