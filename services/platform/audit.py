"""The audit log: one append per change that matters (edits, decisions, registrations)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from storage.models import AuditEntry


def record(
    session: Session,
    *,
    actor_id: int | None,
    action: str,
    entity: str,
    entity_id: int | str | None,
    at: datetime,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append an audit row in the caller's transaction."""
    session.add(
        AuditEntry(
            actor_id=actor_id,
            action=action,
            entity=entity,
            entity_id=None if entity_id is None else str(entity_id),
            at=at,
            detail=detail or {},
        )
    )
