"""Form drafts in our own table: the step and answers survive restarts and serve every instance."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

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
    with uow:
        row = uow.session.get(Draft, staff_id)
        if row is None:
            return None
        return DraftState(row.form, row.step, dict(row.answers or {}), dict(row.context or {}))


def save(uow: UnitOfWork, *, staff_id: int, state: DraftState, now: datetime) -> None:
    """Write the draft after every answer, so nothing typed is lost."""
    with uow:
        row = uow.session.get(Draft, staff_id)
        if row is None:
            row = Draft(staff_id=staff_id)
            uow.session.add(row)
        row.form, row.step, row.updated_at = state.form, state.step, now
        row.answers = dict(state.answers)
        row.context = dict(state.context)
        uow.commit()


def delete(uow: UnitOfWork, *, staff_id: int) -> None:
    """Close the draft (saved or cancelled)."""
    with uow:
        row = uow.session.get(Draft, staff_id)
        if row is not None:
            uow.session.delete(row)
            uow.commit()
